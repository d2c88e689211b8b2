"""Words and patterns for days and times in English and Arabic (in `normalize()` form)."""

from __future__ import annotations

import re
from typing import Final

from bots.language.enums import DayPeriod

# Casefolded, one alef, ta marbuta as ha: see _text.normalize().

EN_MONTHS: Final = (
    "january|february|march|april|may|june|july|august|september|october|november|december"
    "|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec"
)
# Levantine and Egyptian month names mapped to the ones dateparser's Arabic data knows.
AR_MONTHS: Final = {
    "يناير": "يناير", "فبراير": "فبراير", "مارس": "مارس", "ابريل": "ابريل", "مايو": "مايو",
    "يونيو": "يونيو", "يونيه": "يونيو", "يوليو": "يوليو", "يوليه": "يوليو",
    "اغسطس": "اغسطس", "سبتمبر": "سبتمبر", "اكتوبر": "اكتوبر", "نوفمبر": "نوفمبر",
    "ديسمبر": "ديسمبر", "كانون الثاني": "يناير", "شباط": "فبراير", "اذار": "مارس",
    "نيسان": "ابريل", "ايار": "مايو", "حزيران": "يونيو", "تموز": "يوليو", "اب": "اغسطس",
    "ايلول": "سبتمبر", "تشرين الاول": "اكتوبر", "تشرين الثاني": "نوفمبر",
    "كانون الاول": "ديسمبر",
}  # fmt: skip
MONTHS: Final = EN_MONTHS + "|" + "|".join(sorted(AR_MONTHS, key=len, reverse=True))
MONTH_NUMBER: Final = {
    name: number
    for number, names in enumerate(
        (("jan", "يناير"), ("feb", "فبراير"), ("mar", "مارس"), ("apr", "ابريل"), ("may", "مايو"),
         ("jun", "يونيو"), ("jul", "يوليو"), ("aug", "اغسطس"), ("sep", "سبتمبر"),
         ("oct", "اكتوبر"), ("nov", "نوفمبر"), ("dec", "ديسمبر")),
        start=1,
    )
    for name in names
}  # fmt: skip
LONGEST_MONTH: Final = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)

EN_WEEKDAYS: Final = {
    "monday": 0, "mon": 0, "tuesday": 1, "tues": 1, "tue": 1, "wednesday": 2, "weds": 2,
    "wed": 2, "thursday": 3, "thurs": 3, "thur": 3, "thu": 3, "friday": 4, "fri": 4,
    "saturday": 5, "sat": 5, "sunday": 6, "sun": 6,
}  # fmt: skip
AMBIGUOUS_SHORT: Final = frozenset({"wed", "sat", "sun"})  # also verbs and nouns
AR_WEEKDAYS: Final = {
    "اثنين": 0, "ثلاثاء": 1, "ثلاثا": 1, "اربعاء": 2, "اربعا": 2, "خميس": 3, "جمعه": 4,
    "سبت": 5, "احد": 6,
}  # fmt: skip
AR_NEEDS_ARTICLE: Final = frozenset({"اثنين", "احد"})  # without 'ال' they mean 'two', 'one'

NUMBER_WORDS: Final = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "a": 1, "an": 1,
    "الواحده": 1, "الثانيه": 2, "الثالثه": 3, "الرابعه": 4, "الخامسه": 5, "السادسه": 6,
    "السابعه": 7, "الثامنه": 8, "التاسعه": 9, "العاشره": 10, "الحاديه عشر": 11,
    "الحاديه عشره": 11, "الثانيه عشر": 12, "الثانيه عشره": 12,
}  # fmt: skip
HOUR: Final = r"\d{1,2}|" + "|".join(
    sorted((w for w in NUMBER_WORDS if w not in ("a", "an")), key=len, reverse=True)
)

AM: Final = frozenset({"am", "a.m", "a.m.", "صباحا", "صباح", "الصبح", "الصباح", "ص",
                        "in the morning", "في الصباح"})  # fmt: skip
PM: Final = frozenset({"pm", "p.m", "p.m.", "مساء", "مساءا", "المساء", "م", "ظهرا", "الظهر",
                        "بعد الظهر", "عصرا", "العصر", "in the afternoon", "in the evening",
                        "في المساء"})  # fmt: skip
NIGHT: Final = frozenset({"ليلا", "الليل", "بالليل", "at night", "في الليل"})
MERIDIEM: Final = "|".join(
    re.escape(m) for m in sorted(AM | PM | NIGHT | {"o'clock", "oclock"}, key=len, reverse=True)
)

PERIOD_WORDS: Final = {
    DayPeriod.MORNING: "morning|صباحا|صباح|الصباح|الصبح|صبحا|الضحي",
    DayPeriod.AFTERNOON: "afternoon|بعد الظهر|بعد الظهيره|ظهرا|الظهر|الظهيره|العصر|عصرا",
    DayPeriod.EVENING: "evening|tonight|tonite|مساء|مساءا|المساء|العشيه|عشيه|الليله",
    DayPeriod.NIGHT: "night|ليلا|الليل|بالليل|ليل",
}

# --- patterns -----------------------------------------------------------------------------

GREETINGS: Final = re.compile(
    r"\bgood (?:morning|afternoon|evening|night)\b|(?:صباح|مساء) (?:الخير|النور|الورد|الفل)"
)
D_MONTH: Final = re.compile(
    rf"(?<![\d/:.])(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+|من\s+)?(?:شهر\s+)?"
    rf"(?P<m>{MONTHS})\.?(?:,?\s+(?P<y>\d{{4}}))?(?!\w)"
)
MONTH_D: Final = re.compile(
    rf"(?<!\w)(?P<m>{EN_MONTHS})\.?\s+(?:the\s+)?(?P<d>\d{{1,2}})(?:st|nd|rd|th)?"
    rf"(?!\d|\s*(?::|am\b|pm\b|a\.m|p\.m))(?:,?\s+(?P<y>\d{{4}}))?(?!\w)"
)
NUMERIC: Final = re.compile(
    r"(?<![\d/:.-])(?P<d>\d{1,2})/(?P<m>\d{1,2})(?:/(?P<y>\d{4}|\d{2}))?(?![\d/:])"
    r"|(?<![\d/:.-])(?P<d2>\d{1,2})(?P<sep>[.-])(?P<m2>\d{1,2})(?P=sep)(?P<y2>\d{4})(?!\d)"
    r"|(?<![\d/:.-])(?P<y3>\d{4})-(?P<m3>\d{1,2})-(?P<d3>\d{1,2})(?!\d)"
)
ORDINAL_DAY: Final = re.compile(
    r"(?<!\w)the\s+(?P<d>\d{1,2})(?:st|nd|rd|th)(?!\w)|(?<!\w)يوم\s+(?P<d2>\d{1,2})(?![\d:/.])"
)
CLOCK: Final = re.compile(
    rf"(?<![\d/.:])(?P<h>\d{{1,2}}):(?P<min>\d{{2}})(?!\d)(?:\s*(?P<mer>{MERIDIEM})(?!\w))?"
)
WITH_MERIDIEM: Final = re.compile(
    rf"(?<![\w/.:])(?:(?P<start>\d{{1,2}})\s*(?:-|–|to|الي)\s*)?"  # '3-4pm' starts at 3pm
    rf"(?P<h>{HOUR})(?:\.(?P<min>\d{{2}}))?\s*(?P<mer>{MERIDIEM})(?!\w)"
)
AT_HOUR: Final = re.compile(
    rf"(?:(?<!\w)at|@|(?<!\w)[وب]?(?:ال)?ساعه)\s*(?P<h>{HOUR})(?!\w|\s*(?:/|\.\d|st\b|nd\b|rd\b|th\b))"
    rf"(?:\s*(?P<frac>و\s?النصف|و\s?نص|و\s?الربع|الا\s?ربع))?(?:\s*(?P<mer>{MERIDIEM})(?!\w))?"
)
NOON: Final = re.compile(r"(?<!\w)(?:noon|midday|(?P<midnight>midnight|منتصف الليل))(?!\w)")
PERIODS: Final = [
    (period, re.compile(rf"(?<!\w)(?:[وفب])?(?:{words})s?(?!\w)"))
    for period, words in PERIOD_WORDS.items()
]
TODAY_WORDS: Final = re.compile(
    r"(?<!\w)(?:today|tonight|tonite|this (?:morning|afternoon|evening)"
    r"|[وف]?اليوم|[وف]?الليله|هذا المساء|هذا الصباح|هذه الليله)(?!\w)"
)
AFTER_TOMORROW: Final = re.compile(
    r"(?<!\w)(?:(?:the )?day after tomorrow|بعد (?:غد|الغد|غدا|بكره|بكرا|باكر))(?!\w)"
)
TOMORROW: Final = re.compile(
    r"(?<!\w)(?:tomorrow|tomorow|tommorow|tommorrow|tmrw|tmr|2moro"
    r"|[وف]?(?:غدا|غد|الغد|بكره|بكرا|باكر|باكرا))(?!\w)"
)
IN_DAYS: Final = re.compile(
    r"(?<!\w)(?:in (?P<n>\d{1,3}|a|an|one|two|three|four|five|six|seven) (?P<u>days?|weeks?)"
    r"|بعد (?P<n2>\d{1,3}) (?P<u2>ايام|يوم|يوما|اسابيع|اسبوع)"
    r"|بعد (?P<w>يومين|اسبوع|اسبوعين))(?!\w)"
)
EN_WEEKDAY: Final = re.compile(
    r"(?<!\w)(?:(?P<mod>next|this|coming|on)\s+)?(?P<wd>"
    + "|".join(sorted(EN_WEEKDAYS, key=len, reverse=True))
    + r")(?!\w)"
)
AR_WEEKDAY: Final = re.compile(
    r"(?<!\w)(?P<yom>يوم\s+)?(?P<al>[وب]?ال)?(?P<wd>"
    + "|".join(sorted(AR_WEEKDAYS, key=len, reverse=True))
    + r")(?!\w)(?:\s+(?P<mod>القادم|القادمه|الجاي|الجايه|المقبل|المقبله))?"
)
AR_WEEK_UNITS: Final = {"يومين": 2, "اسبوع": 7, "اسبوعين": 14}
# Cheap gate: without any of these, there is no date or time to look for.
ANY: Final = re.compile(
    r"\d|today|tonight|tonite|tomorrow|tomorow|tommor|tmr|morning|afternoon|evening|night"
    r"|noon|midday|the day|\bam\b|\bpm\b|a\.m|p\.m|in (?:a|an|one|two|three|four|five|six|seven) |"
    + "|".join(EN_WEEKDAYS)
    + "|"
    + EN_MONTHS
    + r"|at (?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
    r"|اليوم|الليل|غد|بكر|باكر|صباح|صبح|ظهر|عصر|مساء|عشيه|ساعه|الضحي|بعد|يوم"
    r"|اثنين|ثلاثا|اربعا|خميس|جمعه|سبت|احد|" + "|".join(AR_MONTHS)
)
