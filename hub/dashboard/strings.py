"""The dashboard's words in English and Arabic: a page's own small catalog.

The bots' gettext catalog holds what a chat says; a web page's labels, column names and
empty-state lines are a different vocabulary, read together on one screen, so they live
here side by side where a translator sees each pair at once. `{placeholders}` are filled
with `str.format`; a right-to-left page isolates every filled value (names, money, dates)
so it keeps its own direction inside the Arabic sentence.
"""

from __future__ import annotations

from typing import Final

from bots.language import bidi_isolate

LANGUAGES: Final = ("en", "ar")

# key: (English, Arabic)
_TEXT: Final[dict[str, tuple[str, str]]] = {
    # Page frame.
    "dashboard": ("Dashboard", "لوحة التحكم"),
    "platform": ("Platform", "المنصة"),
    "live": ("Live", "مباشر"),
    "sign_out": ("Sign out", "تسجيل الخروج"),
    "other_language": ("العربية", "English"),
    "period": ("Period", "الفترة"),
    "custom_period": ("or type a period", "أو اكتب فترة"),
    "custom_hint": ("2026-10, 2026Q4, last 30 days", "2026-10، 2026Q4، الشهر الماضي"),
    "service": ("Service", "الخدمة"),
    "all_services": ("All services", "كل الخدمات"),
    "show": ("Show", "عرض"),
    "period_line": ("{start} to {end}", "من {start} إلى {end}"),
    "download_csv": ("Download CSV", "تنزيل CSV"),
    "reader_of": ("{name}'s figures", "أرقام {name}"),
    "service_scope": (
        "Money and sessions are for {service} only; ratings, busy hours and returning "
        "clients cover all services.",
        "الإيرادات والجلسات لخدمة {service} وحدها؛ أما التقييمات وأوقات الذروة وعودة العملاء "
        "فتشمل كل الخدمات.",
    ),
    # Period choices.
    "this week": ("This week", "هذا الأسبوع"),
    "last week": ("Last week", "الأسبوع الماضي"),
    "this month": ("This month", "هذا الشهر"),
    "last month": ("Last month", "الشهر الماضي"),
    "last 30 days": ("Last 30 days", "آخر 30 يومًا"),
    "last 90 days": ("Last 90 days", "آخر 90 يومًا"),
    "this quarter": ("This quarter", "هذا الربع"),
    "last quarter": ("Last quarter", "الربع الماضي"),
    "this year": ("This year", "هذه السنة"),
    # Bad input.
    "bad_period": (
        "“{period}” is not a period I know. Try this month, last month, 2026-10, 2026Q4 or "
        "last 30 days.",
        "لا أعرف الفترة «{period}». جرّب: هذا الشهر، أو الشهر الماضي، أو 2026-10، أو 2026Q4، "
        "أو last 30 days.",
    ),
    "future_period": (
        "{period} has not started yet: figures cover days up to today.",
        "الفترة {period} لم تبدأ بعد: الأرقام تشمل الأيام حتى اليوم فقط.",
    ),
    "backwards_period": (
        "That period ends before it starts.",
        "هذه الفترة تنتهي قبل أن تبدأ.",
    ),
    "long_period": ("A period covers at most five years.", "لا تتجاوز الفترة خمس سنوات."),
    "unknown_service": ("That service is not one of yours.", "هذه الخدمة ليست من خدماتك."),
    "showing_instead": ("Showing this month instead.", "نعرض هذا الشهر بدلًا منها."),
    # Empty states.
    "no_history": (
        "No sessions yet. Your figures appear here after your first booking.",
        "لا توجد جلسات بعد. ستظهر أرقامك هنا بعد أول حجز.",
    ),
    "no_payments": ("No payments in this period.", "لا توجد مدفوعات في هذه الفترة."),
    "no_sessions": ("No sessions in this period.", "لا توجد جلسات في هذه الفترة."),
    "no_ratings": ("No ratings in this period.", "لا توجد تقييمات في هذه الفترة."),
    "no_comments": ("No comments yet.", "لا توجد تعليقات بعد."),
    "no_cohorts": ("No clients to follow yet.", "لا يوجد عملاء لمتابعتهم بعد."),
    "no_data": ("Nothing in this period.", "لا شيء في هذه الفترة."),
    "no_activity": ("Nothing in the last hour.", "لا شيء في الساعة الأخيرة."),
    # Reader figures.
    "kpi_revenue": ("Net revenue", "صافي الإيرادات"),
    "kpi_revenue_note": (
        "payments: {payments}, refunded: {refunded}",
        "عدد المدفوعات: {payments}، المسترد: {refunded}",
    ),
    "kpi_held": ("Sessions held", "الجلسات المنعقدة"),
    "kpi_held_note": ("still to come: {upcoming}", "القادمة: {upcoming}"),
    "kpi_completion": ("Completion rate", "نسبة الإتمام"),
    "kpi_completion_note": (
        "no-shows: {no_show}, cancelled: {cancelled}",
        "لم يحضر: {no_show}، ملغاة: {cancelled}",
    ),
    "kpi_utilisation": ("Utilisation", "نسبة الإشغال"),
    "kpi_utilisation_note": (
        "{booked} of {offered} open hours booked",
        "{booked} من {offered} ساعة متاحة محجوزة",
    ),
    "kpi_rating": ("Average rating", "متوسط التقييم"),
    "kpi_rating_note": ("ratings: {count}", "عدد التقييمات: {count}"),
    "kpi_length": ("Average session", "متوسط مدة الجلسة"),
    "kpi_length_note": ("median {median}", "الوسيط: {median}"),
    "minutes": ("{minutes} min", "{minutes} دقيقة"),
    "kpi_clients": ("New / returning clients", "العملاء الجدد / العائدون"),
    "kpi_repeat": ("Repeat rate", "نسبة العودة"),
    "kpi_repeat_note": (
        "{days} days between sessions on average",
        "متوسط المدة بين الجلسات بالأيام: {days}",
    ),
    "revenue_by_day": ("Revenue by day ({currency})", "الإيرادات اليومية ({currency})"),
    "revenue_by_month": ("Revenue by month ({currency})", "الإيرادات الشهرية ({currency})"),
    "revenue_by_service": ("Revenue by service ({currency})", "الإيرادات حسب الخدمة ({currency})"),
    "outcomes": ("Session outcomes", "نتائج الجلسات"),
    "completed": ("Held", "منعقدة"),
    "no_show": ("No-show", "لم يحضر العميل"),
    "cancelled": ("Cancelled", "ملغاة"),
    "upcoming": ("Upcoming", "قادمة"),
    "ratings": ("Ratings", "التقييمات"),
    "peak_hours": ("Busiest hours ({zone})", "أوقات الذروة ({zone})"),
    "cohorts": (
        "Clients coming back, by month of their first session",
        "عودة العملاء حسب شهر أول جلسة",
    ),
    "comments": ("Recent comments", "أحدث التعليقات"),
    "no_service": ("No service (invoice)", "بدون خدمة (فاتورة)"),
    "table": ("Table", "الجدول"),
    "kind_chat": ("Chat", "دردشة"),
    "kind_voice": ("Voice", "مكالمة صوتية"),
    "kind_video": ("Video", "مكالمة فيديو"),
    "kind_other": ("Other (invoices)", "أخرى (فواتير)"),
    # Platform figures.
    "platform_title": ("Platform dashboard", "لوحة تحكم المنصة"),
    "kpi_platform_revenue": ("Revenue, net of refunds", "الإيرادات بعد المبالغ المستردة"),
    "kpi_fees": ("Platform fees", "عمولات المنصة"),
    "kpi_new_clients": ("New clients", "عملاء جدد"),
    "kpi_new_readers": ("New readers", "قراء جدد"),
    "kpi_churned": ("Regular clients lost", "عملاء دائمون فقدناهم"),
    "growth": ("New clients and readers per week", "العملاء والقراء الجدد كل أسبوع"),
    "active_clients": ("Active clients per month", "العملاء النشطون كل شهر"),
    "revenue_by_kind": (
        "Revenue by kind of reading ({currency})",
        "الإيرادات حسب نوع القراءة ({currency})",
    ),
    "revenue_by_country": (
        "Revenue by client country ({currency})",
        "الإيرادات حسب بلد العميل ({currency})",
    ),
    "clients_by_country": ("Clients by country (all time)", "العملاء حسب البلد (منذ البداية)"),
    "popularity": ("Most booked services", "الخدمات الأكثر حجزًا"),
    "churn": ("Regular clients lost per month", "العملاء الدائمون المفقودون كل شهر"),
    "readers": ("Readers", "القراء"),
    "unknown_country": ("Unknown", "غير معروف"),
    # Live figures.
    "live_title": ("Live", "مباشر"),
    "live_updated": (
        "Updated {time} UTC; refreshes every 30 seconds.",
        "آخر تحديث {time} UTC، ويتجدد كل 30 ثانية.",
    ),
    "kpi_live_sessions": ("Sessions in progress", "جلسات جارية الآن"),
    "kpi_scheduled_now": ("Booked for now", "محجوزة لهذا الوقت"),
    "kpi_bookings_hour": ("Bookings, last hour", "الحجوزات في الساعة الأخيرة"),
    "kpi_messages_hour": ("Messages, last hour", "الرسائل في الساعة الأخيرة"),
    "kpi_queue": ("Side effects waiting", "مهام في الانتظار"),
    "kpi_unfinished": ("Deliveries not yet processed", "رسائل واردة لم تُعالج بعد"),
    "webhooks": ("Webhooks, last hour", "الرسائل الواردة عبر Webhook في الساعة الأخيرة"),
    "outbox": ("Side effects, last hour", "المهام المنفذة في الساعة الأخيرة"),
    "activity": ("Inbound messages, last 7 days (UTC)", "الرسائل الواردة في آخر 7 أيام (UTC)"),
    # Column headers.
    "col_day": ("Day", "اليوم"),
    "col_month": ("Month", "الشهر"),
    "col_week": ("Week of", "أسبوع"),
    "col_service": ("Service", "الخدمة"),
    "col_reader": ("Reader", "القارئ"),
    "col_kind": ("Kind", "النوع"),
    "col_country": ("Country", "البلد"),
    "col_currency": ("Currency", "العملة"),
    "col_payments": ("Payments", "المدفوعات"),
    "col_gross": ("Gross", "الإجمالي"),
    "col_refunded": ("Refunded", "المسترد"),
    "col_net": ("Net", "الصافي"),
    "col_fee": ("Platform fee", "عمولة المنصة"),
    "col_outcome": ("Outcome", "النتيجة"),
    "col_sessions": ("Sessions", "الجلسات"),
    "col_stars": ("Stars", "النجوم"),
    "col_ratings": ("Ratings", "التقييمات"),
    "col_weekday": ("Weekday", "يوم الأسبوع"),
    "col_hour": ("Hour", "الساعة"),
    "col_clients": ("Clients", "العملاء"),
    "col_new_clients": ("New clients", "عملاء جدد"),
    "col_new_readers": ("New readers", "قراء جدد"),
    "col_lost": ("Lost", "المفقودون"),
    "col_after": ("Month +{k}", "الشهر +{k}"),
    "col_text": ("Comment", "التعليق"),
    "col_given_on": ("Given on", "التاريخ"),
    "col_provider": ("Provider", "المزوّد"),
    "col_deliveries": ("Deliveries", "الرسائل"),
    "col_failed": ("Failed", "فشلت"),
    "col_error_rate": ("Error rate", "نسبة الأخطاء"),
    "col_rows": ("Rows", "العدد"),
    # Sign-in and refusals.
    "signin_title": ("Sign in to your dashboard", "الدخول إلى لوحة التحكم"),
    "signin_reader": (
        "Readers: type “dashboard” in your chat with us (Telegram, Slack or the web chat) "
        "and open the link you get. Each link works once, for 10 minutes.",
        "للقرّاء: اكتب «لوحة التحكم» (أو dashboard) في محادثتك معنا على تيليجرام أو سلاك أو "
        "الدردشة على الموقع، ثم افتح الرابط الذي يصلك. يعمل كل رابط مرة واحدة خلال 10 دقائق.",
    ),
    "signin_admin": (
        "Admins: type “dashboard” in Slack, or run samia admin login-link on the hub.",
        "للمشرفين: اكتب dashboard في سلاك، أو شغّل الأمر samia admin login-link على الخادم.",
    ),
    "link_expired": (
        "This sign-in link has expired: links work for 10 minutes.",
        "انتهت صلاحية رابط الدخول هذا: يعمل الرابط 10 دقائق فقط.",
    ),
    "link_used": (
        "This sign-in link was already used: each link works once.",
        "استُخدم رابط الدخول هذا من قبل: يعمل كل رابط مرة واحدة.",
    ),
    "link_unknown": ("This sign-in link is not valid.", "رابط الدخول هذا غير صالح."),
    "new_link": ("To get a new one:", "للحصول على رابط جديد:"),
    "preview": (
        "Open this link in your browser to sign in.",
        "افتح هذا الرابط في متصفحك لتسجيل الدخول.",
    ),
    "forbidden": (
        "This page is not yours: you can see your own figures only.",
        "هذه الصفحة ليست لك: يمكنك رؤية أرقامك فقط.",
    ),
    "admins_only": ("This page is for admins.", "هذه الصفحة للمشرفين فقط."),
    "unknown_reader": ("There is no such reader.", "لا يوجد قارئ بهذا الاسم."),
    "pick_reader": (
        "This table belongs to a reader's page: add reader=<slug>.",
        "هذا الجدول من صفحة قارئ: أضف reader=<slug>.",
    ),
    "platform_table": (
        "This table belongs to the platform's page: leave out reader=.",
        "هذا الجدول من صفحة المنصة: احذف reader=.",
    ),
    "back": ("Back to my dashboard", "العودة إلى لوحتي"),
    "signed_out": ("You are signed out.", "تم تسجيل خروجك."),
}


def language_of(tag: str | None) -> str:
    """'en' or 'ar' from a tag such as 'ar-AE'; anything else is English."""
    primary = (tag or "en").replace("_", "-").split("-")[0].lower()
    return primary if primary in LANGUAGES else "en"


def text(language: str, key: str, **params: object) -> str:
    """The words for `key` in the page's language, placeholders filled (isolated in Arabic)."""
    english, arabic = _TEXT[key]
    if language != "ar":
        return english.format(**params) if params else english
    values = {k: bidi_isolate(str(v), "ar") for k, v in params.items()}
    return arabic.format(**values) if params else arabic


def has(key: str) -> bool:
    """Whether the catalog has words for `key`."""
    return key in _TEXT


__all__ = ("LANGUAGES", "has", "language_of", "text")
