"""Chart specs like the analytics issue's, in English and Arabic, for the chart benchmark."""

from __future__ import annotations

import random

from domain.analytics.charts import (
    BarChart,
    ChartSpec,
    Funnel,
    FunnelStep,
    Heatmap,
    LineChart,
    Series,
)

# Two of the demo readers' colours (hub/demo.py): Samia's purple and gold, Layla's teal.
BRANDS = {"en": ("#4b2a7b", "#d4a84b"), "ar": ("#0f5257", "#e0a458")}
MONTHS = {
    "en": ("Nov", "Dec", "Jan"),
    "ar": ("نوفمبر", "ديسمبر", "يناير"),
}
WEEKDAYS = {
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
    "ar": ("الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد"),
}
SERVICES = {
    "en": ("Love reading", "Career reading", "Quick chat reading", "Year ahead spread"),
    "ar": ("قراءة الحب", "قراءة مهنية", "دردشة سريعة", "باقة Year ahead"),
}


def weeks(language: str) -> tuple[str, ...]:
    """Twelve week labels ("2 Nov" ... "18 Jan")."""
    days = (2, 9, 16, 23, 30, 7, 14, 21, 28, 4, 11, 18)
    months = (0,) * 5 + (1,) * 4 + (2,) * 3
    return tuple(f"{d} {MONTHS[language][m]}" for d, m in zip(days, months, strict=True))


def chart_specs(language: str, seed: int = 7) -> dict[str, ChartSpec]:
    """One spec per chart of the issue: revenue, sessions, ratings, peak hours, funnel."""
    ar = language == "ar"
    primary, accent = BRANDS[language]
    style = {"language": language, "primary_color": primary, "accent_color": accent}
    unit = "د.إ" if ar else "£"
    rng = random.Random(seed)
    busy = tuple(
        tuple(
            (rng.randint(0, 9) if 10 <= hour <= 21 else 0)
            + (6 if hour in (18, 19) and day >= 4 else 0)
            for hour in range(24)
        )
        for day in range(7)
    )
    revenue = (820.0, 910.5, 760, 1200, 1340, 1180, 1420, 1610, 980, 1250, 1490, 1730)
    last_year = (700.0, 780, 810, 900, 950, 1010, 1100, 1150, 1080, 990, 1160, 1290)
    by_service = (1840.0, 1260, 450, 2100)
    return {
        "revenue": LineChart(
            title="الإيرادات الأسبوعية" if ar else "Weekly revenue",
            subtitle="آخر 12 أسبوعا، بالدرهم" if ar else "Last 12 weeks, in GBP",
            x_labels=weeks(language),
            series=(
                Series("هذا العام" if ar else "This year", revenue),
                Series("العام الماضي" if ar else "Last year", last_year),
            ),
            unit=unit,
            **style,
        ),
        "services": BarChart(
            title="الإيرادات حسب الخدمة" if ar else "Revenue by service",
            subtitle="يناير 2027" if ar else "January 2027",
            labels=SERVICES[language],
            values=by_service,
            value_labels=tuple(f"{v:,.0f} {unit}" if ar else f"{unit}{v:,.2f}" for v in by_service),
            horizontal=True,
            **style,
        ),
        "sessions": BarChart(
            title="الجلسات" if ar else "Sessions",
            subtitle="هذا الشهر" if ar else "This month",
            labels=("تمت", "ألغيت", "لم يحضر") if ar else ("Held", "Cancelled", "No-show"),
            values=(42, 6, 3),
            **style,
        ),
        "ratings": BarChart.ratings(
            title="التقييمات" if ar else "Ratings",
            subtitle="128 تقييما" if ar else "128 reviews",
            counts=(2, 3, 9, 34, 80),
            **style,
        ),
        "peak_hours": Heatmap(
            title="ساعات الذروة" if ar else "Peak hours",
            subtitle="الحجوزات حسب اليوم والساعة، بتوقيت دبي"
            if ar
            else "Bookings by day and hour, London time",
            row_labels=WEEKDAYS[language],
            column_labels=tuple(f"{h:02d}" for h in range(24)),
            matrix=busy,
            **style,
        ),
        "funnel": Funnel(
            title="مسار الحجز" if ar else "Booking funnel",
            subtitle="آخر 30 يوما" if ar else "Last 30 days",
            steps=tuple(
                FunnelStep(label, count)
                for label, count in zip(
                    ("بدأ الحجز", "اختار موعدا", "أكد", "دفع")
                    if ar
                    else ("Started booking", "Picked a time", "Confirmed", "Paid"),
                    (1240, 760, 420, 388),
                    strict=True,
                )
            ),
            **style,
        ),
    }
