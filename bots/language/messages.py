"""Every message id the bots send, so a typo is a type error instead of an untranslated reply."""

from __future__ import annotations

from enum import Enum, StrEnum


class Msg(StrEnum):
    """Message ids: short English sentences with `{placeholders}`, translated in the catalogs."""

    # Client: greeting and help.
    WELCOME = "Welcome to {brand}! I can book a reading for you."
    WELCOME_BACK = "Welcome back, {name}! What would you like to do?"
    HELP = (
        "Here is what you can do:\n"
        "- Book a reading\n"
        "- My bookings: see your upcoming readings\n"
        "- Reschedule a booking\n"
        "- Cancel a booking\n"
        "- My email: continue with the account you booked with before\n"
        "- Help: show this list again"
    )
    WELCOME_READER = "Hello {name}! What would you like to see?"
    CLIENT_HELP_SHORT = (
        "I can book a reading, show your bookings, reschedule or cancel them. "
        "Try 'book tomorrow at 5pm' or tap a button."
    )
    READER_HELP_SHORT = (
        "Ask me for today, upcoming sessions, your stats or your dashboard link, "
        "or set your hours ('mon 10:00-18:00', 'off 2026-12-24')."
    )
    STARTING_OVER = "OK, let's start over."
    NOT_UNDERSTOOD = "I didn't understand that. Here is what I can do:"
    UNKNOWN_COMMAND = "I don't know that command. Here is what I can do:"
    STALE_BUTTON = "That button is no longer active. Here is what I can do:"
    UNSUPPORTED_LANGUAGE_MENU = "I only speak English and Arabic for now. Here is what I can do:"
    UNSUPPORTED_LANGUAGE = "I only speak English and Arabic for now."
    LANGUAGE_SET = "Language set to English."

    # Buttons.
    BOOK_A_READING = "Book a reading"
    MY_BOOKINGS = "My bookings"
    HELP_BUTTON = "Help"
    CANCEL = "Cancel"
    START_OVER = "Start over"
    BACK = "Back"
    CONFIRM = "Confirm"
    CHOOSE_ANOTHER_TIME = "Choose another time"
    RESCHEDULE = "Reschedule"
    YES_CANCEL_IT = "Yes, cancel it"
    KEEP_IT = "Keep it"
    MORE_DAYS = "More days"
    MORE_TIMES = "More times"
    OTHER_READER = "Other reader"
    TODAY = "Today"
    TOMORROW = "Tomorrow"
    ANOTHER_DAY = "Another day"
    CANCEL_BOOKING = "Cancel booking"
    UPCOMING_BUTTON = "Upcoming"
    SUMMARY_BUTTON = "Summary"
    HOURS_BUTTON = "Hours"
    INVOICES_BUTTON = "Invoices"
    MY_INVOICES_BUTTON = "My invoices"
    COMPLETED_BUTTON = "Completed"
    NO_SHOW_BUTTON = "No-show"

    # Booking.
    WHICH_READER = "Which reader would you like?"
    WHICH_READING = "Which reading with {reader}?"
    WHICH_READING_PLAIN = "Which reading would you like?"
    NO_SERVICES = "This reader has no readings on offer right now."
    SERVICE_OPTION = "{service} · {minutes} min · {price}"
    PRICE_PER_MINUTE = "{price}/min"
    WHICH_DAY = "Which day?"
    WHICH_DAY_TYPE = "Which day? You can also type one, like 'Friday'."
    WHICH_TIME = "Which time?"
    FREE_TIMES = "Free times on {day} ({timezone}):"
    NO_FREE_TIMES = "No free times on {day}. Try another day:"
    NO_FREE_DAYS = "{reader} has no free times soon. Try another reader:"
    BOOKED = "Booked! {service} with {reader} on {when}. Booking reference {reference}."
    CONFIRMATION_SENT = "We sent the confirmation to {email}."
    JOIN_LINK = "Your session link: {url}"
    REMINDER = "Reminder: {service} with {reader} on {when}."
    SLOT_TAKEN = "Sorry, that time was just taken. Here are other times:"
    HOLD_EXPIRED = "Your hold expired. Please choose a time again:"

    # Payments.
    PAY_TO_CONFIRM = (
        "To confirm, please pay {amount} here: {url}\n"
        "Your time is kept for you until {until}; the booking confirms as soon as you pay."
    )
    PAY_PAGE_FAILED = "The payment page could not be opened. Please try again."
    PAID_AND_BOOKED = "Payment received, thank you! Your booking is confirmed."
    PAID_SLOT_TAKEN = (
        "Your payment of {amount} arrived after your hold ended and the time was taken, "
        "so it is being refunded in full. Please choose another time."
    )
    PAY_TEST_BANNER = "Test mode: no card is charged. This page stands in for a card checkout."
    PAY_HEADING = "Pay {reader}"
    PAY_BUTTON = "Pay {amount} (test)"
    PAY_UNTIL = "This link works until {until}."
    PAY_DONE = "Paid. Thank you! You can go back to the chat."
    PAY_EXPIRED = "This payment link has expired. Please book again in the chat."
    PAY_ALREADY = "This has been paid already. Thank you!"
    PAY_UNAVAILABLE = "Payments cannot be taken right now. Please try again later."
    # Telegram's invoice in the chat, and the reasons its Pay button is refused.
    PAY_IN_CHAT = (
        "To confirm, please pay {amount} with the invoice below.\n"
        "Your time is kept for you until {until}; the booking confirms as soon as you pay."
    )
    PAY_INVOICE_DESCRIPTION = "{service} with {reader} on {when}"
    PAY_REFUSED_UNKNOWN = (
        "This invoice is no longer valid. Nothing was charged; please book again in the chat."
    )
    PAY_REFUSED_SETTLED = "This booking has been paid already, so nothing was charged."
    PAY_REFUSED_CHANGED = (
        "This invoice no longer matches your booking. Nothing was charged; "
        "please book again in the chat."
    )
    PAY_REFUSED_SLOT_TAKEN = (
        "Sorry, your hold ended and this time was taken. Nothing was charged; "
        "please choose another time in the chat."
    )
    REFUNDED = "{amount} has been refunded to you."
    PAID_RECORDED = "Recorded {amount} for booking #{reference}. Invoice {number}."
    PAID_HELP = "Record a payment like: paid #1A2B3C4D cash (or transfer, and an amount)."
    MONEY_REFUSED = "That was not recorded: {reason}"
    INVOICE_HELP = "Bill a client like: invoice lina@example.com 40 follow-up reading"
    INVOICE_SENT = "Invoice {number} for {amount} is on its way to {client}."
    NO_INVOICES = "No invoices yet."
    INVOICES_HEADER = "Your latest invoices:"
    INVOICE_PAID = "paid"
    INVOICE_UNPAID = "unpaid"
    CREDIT_NOTE_STATUS = "credit note"
    REMIND_BUTTON = "Remind {number}"
    REMINDED = "Reminder sent for {number}."
    EXPENSE_HELP = "Record an expense like: expense 12.50 GBP cards"
    EXPENSE_ADDED = "Expense recorded: {amount}, {category}."
    EXPENSE_REPEATS_MONTHLY = "It repeats every month on the same day."
    EXPENSE_REPEATS_WEEKLY = "It repeats every week on the same day."
    RECEIPT_WHAT_FOR = "What is this receipt for? Reply like: 12.50 GBP cards"
    RECEIPT_ATTACHED = "The receipt is attached."
    RECEIPT_TOO_LARGE = (
        "That file is larger than 10 MB; send a smaller photo or PDF of the receipt."
    )
    RECEIPT_WRONG_TYPE = "A receipt must be a photo (JPEG, PNG, WebP or HEIC) or a PDF."
    RECEIPT_UNAVAILABLE = "The chat app did not hand the file over."
    RECEIPT_NOT_SAVED = (
        "The receipt for your expense of {amount} ({category}) could not be saved. {why} "
        "The expense itself is recorded."
    )
    RECEIPT_WORD = "receipt"
    EXPENSES_HEADER = "Your latest expenses:"
    NO_EXPENSES = "No expenses in the last two months."
    MY_INVOICES = "Your invoices:"
    NO_MY_INVOICES = "You have no invoices yet."
    INVOICE_READY = "Here is your invoice {number} from {reader} for {amount}."
    INVOICE_NUDGE = "A reminder: invoice {number} from {reader} for {amount} is still unpaid."
    INVOICE_EMAIL_SUBJECT = "Invoice {number} from {reader}"
    INVOICE_REMINDER_SUBJECT = "Reminder: invoice {number} from {reader} is unpaid"
    INVOICE_EMAIL_LINK = "The invoice is attached as a PDF. You can also open it here:"
    INVOICE_EMAIL_SIGNATURE = "Thank you,\n{reader}"
    CREDIT_NOTE_READY = "Here is your credit note {number} from {reader}: {amount} refunded."
    CREDIT_NOTE_EMAIL_SUBJECT = "Credit note {number} from {reader}"
    CREDIT_NOTE_EMAIL_LINK = "The credit note is attached as a PDF. You can also open it here:"
    PAYMENT_DISPUTED = (
        "A client's bank disputed a payment of {amount}. Reason given: {reason}. "
        "The amount is held back from your payout until the dispute is settled."
    )

    # My bookings, cancel, reschedule.
    NO_UPCOMING = "You have no upcoming bookings."
    UPCOMING = "Your upcoming bookings:"
    BOOKING_LINE = "{service} with {reader} on {when}"
    BOOKING_DETAIL = "{service} with {reader} on {when} ({price}). Reference {reference}."
    WHICH_BOOKING = "Which booking?"
    CONFIRM_CANCEL = "Cancel {service} on {when}?"
    CANCELLED = "Cancelled. {fee_text}"
    CANCELLED_PLAIN = "Cancelled."
    LATE_FEE = "A late-cancellation fee of {fee} applies."
    NO_FEE = "No cancellation fee applies."
    KEPT = "Your booking stays as it is."
    PICK_NEW_DAY = "Which day would you like instead?"
    MOVE_TO_WHICH_DAY = "Move to which day?"
    MOVED = "Moved to {when}."

    # Contact details.
    ASK_NAME = "What's your name?"
    ASK_EMAIL = "What's your email? We send your confirmation there."
    BAD_EMAIL = "That doesn't look like an email address. Please try again."
    ASK_EMAIL_TO_SIGN_IN = (
        "What's your email? If you have booked with us before, we'll send you a code."
    )
    EMAIL_SAVED = "Thanks! We'll send your confirmations to {email}."

    # Signing in with an emailed code (a returning client on a new chat).
    CODE_SENT = (
        "That email already has an account. We sent a 6-digit code to {email}: "
        "type it here to continue as that account."
    )
    ASK_CODE_AGAIN = "Please type the 6-digit code we sent to {email}, or another email."
    WRONG_CODE = "That code is not right. Tries left: {tries}."
    CODE_EXPIRED = "That code has expired. Type your email again for a new one."
    TOO_MANY_CODES = "Too many codes for that email. Please try again in {minutes} minutes."
    TOO_MANY_WRONG_CODES = (
        "Too many wrong codes. Please wait {minutes} minutes, then type your email for a new code."
    )
    CODE_NOT_SENT = "We couldn't send the code just now. Please try again in a minute."
    SIGNED_IN = "Signed in. Welcome back, {name}!"
    CODE_EMAIL_SUBJECT = "Your {brand} sign-in code: {code}"
    CODE_EMAIL_BODY = (
        "Your code is {code}. It works for 10 minutes.\n\n"
        "Someone (we hope you) asked to continue as you in a new {brand} chat. "
        "If it was not you, ignore this email: nothing changes without the code."
    )

    # Dates.
    BAD_DATE = "I couldn't read that date. Try 'tomorrow at 5pm' or pick a day:"
    DATE_IN_PAST = "That date is in the past."

    # Reader account linking.
    LINK_HOWTO = "Send /link followed by your code to connect your reader account."
    LINK_HOWTO_SHORT = "Send /link followed by your code to connect your account."
    LINKED = "Linked! You are now signed in as {name}."
    BAD_LINK_CODE = "That code is invalid or has expired."
    READERS_ONLY = "This is only for readers."

    # Reader: day, sessions, numbers, hours.
    NO_SESSIONS_TODAY = "No sessions today."
    UPCOMING_SESSIONS = "Upcoming sessions:"
    NO_UPCOMING_SESSIONS = "No upcoming sessions."
    SESSION_LINE = "{when} · {client} · {service}"
    MARKED_COMPLETED = "Marked as completed."
    MARKED_NO_SHOW = "Marked as no-show."
    STATS = (
        "This week: {sessions} sessions, {revenue}. "
        "This month: {month_sessions} sessions, {month_revenue}."
    )
    WEEKLY_HOURS = "Your weekly hours:"
    HOURS_LINE = "{weekday}: {start}–{end}"
    CLOSED_LINE = "{weekday}: closed"
    HOURS_HOWTO = "Send your hours like: mon 10:00-18:00"
    HOURS_HOWTO_OFF = "Send your hours like: mon 10:00-18:00, or 'off 2026-12-24' for time off."
    BAD_HOURS = "I couldn't read that. Send hours like: mon 10:00-18:00"
    DAY_CLOSED = "{weekday} is now closed."
    TIME_OFF_ADDED = "Time off added for {day}."
    HOURS_SET = "Hours for {weekday} set to {start}–{end}."

    # Reader alerts from the flows.
    CALENDAR_CONFLICT = (
        "An event in your calendar now overlaps {service} on {when} (#{reference}). "
        "Please check your calendar."
    )
    RECONNECT_ACCOUNT = "Your {provider} connection stopped working. Please reconnect it: {url}"
    RECONNECT_ACCOUNT_NO_URL = "Your {provider} connection stopped working. Please reconnect it."

    # Reader: payouts and reports.
    PAYOUT_STATEMENT = (
        "You have been paid {amount} for {start} to {end} ({sessions} paid sessions). "
        "Your statement is attached."
    )
    PNL_REPORT = (
        "Profit and loss, {period}:\n"
        "Revenue: {revenue}\n"
        "Refunds: {refunds}\n"
        "Tax: {tax}\n"
        "Platform fees: {fees}\n"
        "Expenses: {expenses}\n"
        "Net: {net}"
    )
    PNL_UNCONVERTED = "{count} entries had no {currency} value and are left out."
    TAX_REPORT_HEADER = "Tax report, {period}:"
    TAX_REPORT_LINE = "{country} at {rate}: net {net}, tax {tax}"
    TAX_REPORT_REVERSE = "{country}, reverse charge: net {net}"
    TAX_OUTSIDE_SCOPE = "Outside your tax"
    TAX_REPORT_TOTAL = "Tax due: {amounts}"
    NO_TAX_DOCUMENTS = "No invoices in {period}."
    OUTSTANDING_HEADER = "Unpaid invoices:"
    OUTSTANDING_LINE = "{number} · {client} · {due} · issued {day}"
    OUTSTANDING_TOTAL = "Total due: {amounts}"
    NO_OUTSTANDING = "No unpaid invoices: everything is paid."
    REPORT_CSV = "{name} as a spreadsheet (CSV)."
    REPORT_HELP = (
        "Ask for a report like: pnl last month, pnl 2026-11, tax report 2026Q4, or outstanding."
    )
    TAX_REPORT_BUTTON = "Tax report"
    OUTSTANDING_BUTTON = "Unpaid invoices"

    # Analytics (a reader's stats; the platform's for admins).
    STATS_SUMMARY = (
        "Your figures for {period}:\n"
        "Sessions held: {completed} (no-shows: {no_show}, cancelled: {cancelled}, "
        "upcoming: {upcoming})\n"
        "Completion rate: {completion}\n"
        "Revenue: {revenue}\n"
        "Rating: {rating}\n"
        "Booked: {utilisation} of your open hours"
    )
    STATS_NO_DATA = "Nothing to count in {period} yet: no sessions, payments or ratings."
    STATS_NOT_YET = "not yet"
    STATS_RATING = "{average} ★ from {count}"
    STATS_HELP = (
        "Ask for your figures like: stats, stats last month, revenue 2026-10, ratings, "
        "retention, peak hours or clients; or dashboard for the same figures on a web page."
    )
    STATS_FUTURE = "{period} has not started yet; ask for a period up to today."
    STATS_CHART_FAILED = "(The chart could not be drawn this time; the figures above are right.)"
    REVENUE_REPORT = (
        "Revenue, {period}: {net} net\n"
        "Received: {gross} in {payments} payments\n"
        "Refunded: {refunded}"
    )
    REVENUE_BY_SERVICE = "By service:"
    REVENUE_NO_DATA = "No payments were received in {period}."
    REVENUE_CHART = "Revenue ({currency})"
    RATINGS_REPORT = "Ratings, {period}: {average} ★ from {count} ratings"
    RATINGS_NO_DATA = "No ratings were given in {period}."
    RATINGS_RECENT = "Recent comments:"
    RATINGS_CHART = "Ratings by stars"
    RETENTION_REPORT = (
        "Clients who came back: {repeat} of {clients} clients had more than one session.\n"
        "{period}: {new} new and {returning} returning clients.\n"
        "Time between sessions: {average} days on average, median {median} days."
    )
    RETENTION_COHORT = "{month}: new clients: {size}, back the next month: {back}"
    RETENTION_NO_DATA = "No client has held a session with you yet."
    RETENTION_CHART = "Came back the next month (%)"
    PEAK_REPORT = "Your busiest times, {period} ({zone}):"
    PEAK_LINE = "{day} {hour}:00 – sessions: {sessions}"
    PEAK_NO_DATA = "No sessions were held or booked in {period}."
    PEAK_CHART = "Sessions by day and hour"
    CLIENTS_REPORT = (
        "Clients, {period}: {new} new, {returning} returning.\n"
        "All time: {clients} clients, {repeat} came back for another session."
    )
    CLIENTS_CHART = "New and returning clients"
    CLIENTS_NEW = "New"
    CLIENTS_RETURNING = "Returning"
    PLATFORM_REPORT = (
        "Platform, {period}:\n"
        "New clients: {clients} · new readers: {readers}\n"
        "Active clients this month: {active}\n"
        "Revenue: {revenue} · platform fees: {fees}"
    )
    PLATFORM_TOP = "Most booked: {services}"
    PLATFORM_COUNTRIES = "Clients by country: {countries}"
    PLATFORM_CHART = "New clients per week"
    CHURN_REPORT = "Regular clients lost (no session in 90 days), {period}:"
    CHURN_LINE = "{month}: {count}"
    CHURN_NONE = "No regular client was lost in {period}."
    ERRORS_REPORT = "Errors in the last hour:"
    ERRORS_WEBHOOK = "{provider} webhooks: {failed} of {total} failed"
    ERRORS_OUTBOX = "{kind}: {failed} of {total} failing"
    ERRORS_NONE = "No errors in the last hour."
    ERRORS_QUEUE = "Queue: {depth} effects waiting, {unfinished} deliveries unprocessed."
    LIVE_REPORT = (
        "Now: {live} readings in progress ({scheduled} scheduled now).\n"
        "Last hour: {bookings} bookings, {messages} messages."
    )
    LIVE_CHART = "Messages by day and hour (last 7 days, UTC)"
    FUNNEL_REPORT = "Funnel, {period}:"
    FUNNEL_LINE = "{channel}: {steps}"
    FUNNEL_NO_DATA = "Nobody started a conversation in {period}."
    FUNNEL_CHART = "From first message to repeat booking"
    FUNNEL_FIRST = "First message"
    FUNNEL_OFFERED = "Slots offered"
    FUNNEL_HELD = "Slot held"
    FUNNEL_CONFIRMED = "Confirmed"
    FUNNEL_SESSION = "Session held"
    FUNNEL_REPEAT = "Booked again"
    ADMIN_ONLY = "Only platform admins can see that."
    DIGEST = (
        "Your week, {week}:\n"
        "Sessions held: {sessions} (no-shows: {no_show}, cancelled: {cancelled})\n"
        "Revenue: {revenue}\n"
        "New clients: {new}\n"
        "Rating: {rating}"
    )
    DIGEST_QUIET = "Your week, {week}: no sessions and no payments. Type stats for more."
    REVENUE_BUTTON = "Revenue"
    RATINGS_BUTTON = "Ratings"
    PEAK_BUTTON = "Peak hours"

    # Reader and admin: the dashboard's one-time sign-in link (the link follows on its own line).
    DASHBOARD_LINK = (
        "Your dashboard is one tap away. This link works once, within 10 minutes; "
        'type "dashboard" again for a new one:'
    )
    DASHBOARD_LINK_ADMIN = (
        "The platform dashboard is one tap away. This link works once, within 10 minutes:"
    )
    DASHBOARD_UNAVAILABLE = "The dashboard is not available on this hub."

    # Generic.
    DONE = "Done."
    ERROR = "Something went wrong on our side. Nothing was changed; please try again."
    BUSY = "Please wait a moment, I'm still working on your last message."


class PluralMsg(Enum):
    """Messages whose wording depends on a number; Arabic has six plural forms."""

    TODAY_SESSIONS = ("Today: {count} session", "Today: {count} sessions", "count")
    HOLD = (
        "{service} with {reader} on {when} for {price}. "
        "I'm holding this time for {minutes} minute.",
        "{service} with {reader} on {when} for {price}. "
        "I'm holding this time for {minutes} minutes.",
        "minutes",
    )
    TOO_LATE_TO_CANCEL = (
        "It's too late to cancel this booking (less than {hours} hour before). "
        "Please contact {reader}.",
        "It's too late to cancel this booking (less than {hours} hours before). "
        "Please contact {reader}.",
        "hours",
    )
    TOO_LATE_TO_RESCHEDULE = (
        "It's too late to move this booking (less than {hours} hour before). "
        "Please contact {reader}.",
        "It's too late to move this booking (less than {hours} hours before). "
        "Please contact {reader}.",
        "hours",
    )
    TOO_LATE_TO_CHANGE = (
        "It's too late to change this booking (less than {hours} hour before). "
        "Please contact {reader}.",
        "It's too late to change this booking (less than {hours} hours before). "
        "Please contact {reader}.",
        "hours",
    )
    TOO_FAR_AHEAD = (
        "That is too far ahead; you can book up to {days} day ahead.",
        "That is too far ahead; you can book up to {days} days ahead.",
        "days",
    )

    @property
    def singular(self) -> str:
        """The English msgid (the form for one)."""
        return str(self.value[0])

    @property
    def plural(self) -> str:
        """The English msgid_plural."""
        return str(self.value[1])

    @property
    def count(self) -> str:
        """Which placeholder holds the number that picks the form."""
        return str(self.value[2])
