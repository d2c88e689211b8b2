"""Identifiers that cross a boundary (storage, chat payloads, flows), defined once."""

from __future__ import annotations

from enum import StrEnum


class ServiceKind(StrEnum):
    """How a reading is delivered."""

    CHAT = "chat"
    VOICE = "voice"
    VIDEO = "video"


class PricingModel(StrEnum):
    """How a service is priced."""

    FIXED = "fixed"
    PER_MINUTE = "per_minute"
    PACKAGE = "package"


class BookingStatus(StrEnum):
    """Life cycle of a booking; HELD and CONFIRMED occupy the reader's time."""

    HELD = "held"
    CONFIRMED = "confirmed"
    COMPLETED = "completed"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"
    EXPIRED = "expired"

    @classmethod
    def active(cls) -> tuple[BookingStatus, ...]:
        """Statuses that block the slot for anyone else."""
        return (cls.HELD, cls.CONFIRMED)


class LateCancelPolicy(StrEnum):
    """What happens when a client cancels inside the reader's free-cancellation window."""

    FEE = "fee"
    REFUSE = "refuse"


class Channel(StrEnum):
    """Where a person talks to the hub."""

    WEBCHAT = "webchat"
    CONSOLE = "console"
    TELEGRAM = "telegram"
    SLACK = "slack"
    MESSENGER = "messenger"
    INSTAGRAM = "instagram"
    EMAIL = "email"


class Role(StrEnum):
    """Who a channel identity belongs to."""

    CLIENT = "client"
    READER = "reader"
    ADMIN = "admin"


class AvailabilityExceptionKind(StrEnum):
    """A dated change to a reader's weekly hours."""

    TIME_OFF = "time_off"
    EXTRA_HOURS = "extra_hours"


class InvoiceStatus(StrEnum):
    """Life cycle of an invoice."""

    DRAFT = "draft"
    ISSUED = "issued"
    PAID = "paid"
    VOID = "void"


class InvoiceKind(StrEnum):
    """An invoice bills; a credit note takes part of an issued invoice back."""

    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"


class PaymentStatus(StrEnum):
    """Life cycle of a payment."""

    PENDING = "pending"  # a checkout is open; nothing received yet
    SUCCEEDED = "succeeded"
    FAILED = "failed"  # the checkout lapsed or was abandoned
    REFUNDED = "refunded"  # all of it went back (a partial refund stays SUCCEEDED)


class PaymentMethod(StrEnum):
    """How the client paid: online through a provider, or recorded by the reader."""

    CARD = "card"  # a provider's checkout (Stripe, the test-mode page)
    TELEGRAM = "telegram"  # Telegram's native payments
    CASH = "cash"
    BANK_TRANSFER = "bank_transfer"
    OTHER = "other"


class PaymentEventKind(StrEnum):
    """What a payment provider told us happened; one kind per webhook event we act on."""

    COMPLETED = "completed"
    REFUNDED = "refunded"
    DISPUTED = "disputed"


class ChargeRefusal(StrEnum):
    """Why a provider's last check before it charges is answered no (nothing is charged)."""

    UNKNOWN = "unknown"  # no pending payment of ours has this checkout
    SETTLED = "settled"  # paid (or given up) already: a second charge would be a double
    AMOUNT_CHANGED = "amount_changed"  # the amount or currency is not what we asked for
    SLOT_TAKEN = "slot_taken"  # the hold lapsed and the time went to someone else
    UNAVAILABLE = "unavailable"  # the money could not be booked now (no FX rate for today)


class LedgerAccount(StrEnum):
    """Accounts of the platform / reader revenue split."""

    CLIENT_RECEIVABLE = "client_receivable"
    READER_PAYABLE = "reader_payable"
    PLATFORM_REVENUE = "platform_revenue"
    TAX_PAYABLE = "tax_payable"
    CASH = "cash"
    PROVIDER_FEES = "provider_fees"  # what Stripe & co keep: the platform's expense


class PostingKind(StrEnum):
    """Why money moved: one kind per ledger posting."""

    PAYMENT = "payment"
    REFUND = "refund"
    DISPUTE = "dispute"  # the client's bank took the money back
    PAYOUT = "payout"


class LedgerDirection(StrEnum):
    """Double-entry side; amounts are always positive."""

    DEBIT = "debit"
    CREDIT = "credit"


class PayoutStatus(StrEnum):
    """Where a payout stands: its ledger posting is written with it, the statement after."""

    BOOKED = "booked"  # reader payable settled in the ledger; the statement not yet delivered
    SENT = "sent"  # the statement went to the reader's notifier (it retries an unreachable chat)


class ReportKind(StrEnum):
    """A reader's reports, by the name their CSV link and API route carry."""

    PNL = "pnl"
    TAX = "tax"
    OUTSTANDING = "outstanding"


class ExpenseRecurrence(StrEnum):
    """How often a recurring expense repeats."""

    WEEKLY = "weekly"
    MONTHLY = "monthly"


class LoyaltyKind(StrEnum):
    """Why loyalty points moved."""

    EARNED = "earned"
    REDEEMED = "redeemed"
    REFERRAL_BONUS = "referral_bonus"
    ADJUSTMENT = "adjustment"
    EXPIRED = "expired"
    BONUS = "bonus"  # 5th session, birthday, review: `reason` says which
    REVERSED = "reversed"  # points of a refunded payment taken back


class ReferralStatus(StrEnum):
    """Progress of a referral towards its reward."""

    PENDING = "pending"
    QUALIFIED = "qualified"
    REWARDED = "rewarded"


class CampaignKind(StrEnum):
    """What a reader's campaign is for."""

    FOLLOW_UP = "follow_up"
    LOYALTY = "loyalty"
    PROMOTION = "promotion"


class CampaignStatus(StrEnum):
    """Life cycle of a campaign."""

    DRAFT = "draft"
    SCHEDULED = "scheduled"
    RUNNING = "running"
    DONE = "done"
    CANCELLED = "cancelled"


class DeliveryStatus(StrEnum):
    """Fate of one message of one campaign step to one client."""

    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    SKIPPED = "skipped"


class Provider(StrEnum):
    """External systems we keep ids and credentials for."""

    GOOGLE = "google"
    ZOOM = "zoom"
    MAILCHIMP = "mailchimp"
    SHOPIFY = "shopify"
    X = "x"
    FACEBOOK = "facebook"
    TELEGRAM = "telegram"
    SLACK = "slack"
    META = "meta"
    LOCAL = "local"


class IntegrationHealth(StrEnum):
    """Last known state of an integration account."""

    UNKNOWN = "unknown"
    OK = "ok"
    FAILING = "failing"
    AUTH_EXPIRED = "auth_expired"


class OutboxKind(StrEnum):
    """Side effects written with a state change and carried out by the flows."""

    BOOKING_CONFIRMED = "booking.confirmed"
    BOOKING_RESCHEDULED = "booking.rescheduled"
    BOOKING_CANCELLED = "booking.cancelled"
    BOOKING_COMPLETED = "booking.completed"
    BOOKING_NO_SHOW = "booking.no_show"
    BOOKING_REMINDER = "booking.reminder"
    MESSAGE = "message"
    PAYMENT_REFUND = "payment.refund"  # give money back through the provider, then book it
    PAYMENT_DISPUTED = "payment.disputed"  # tell the reader a client's bank took money back
    INVOICE_SEND = "invoice.send"  # the invoice PDF to its client: chat document and email
    EXPENSE_RECEIPT = "expense.receipt"  # fetch a receipt from its chat into the file store


class EmailKind(StrEnum):
    """What an email is for; the local outbox and the logs show it."""

    LOGIN_CODE = "login_code"
    INVOICE = "invoice"  # an invoice or a reminder of one, its PDF attached
    CAMPAIGN = "campaign"  # a reader's campaign to a consenting client (built-in provider)
    FOLLOW_UP = "follow_up"  # a follow-up sequence step sent by email


class OutboxStatus(StrEnum):
    """Progress of one outbox row."""

    PENDING = "pending"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    FAILED = "failed"
    DEAD = "dead"


class ConsentKind(StrEnum):
    """What a client agreed (or stopped agreeing) to: the purpose of the messages."""

    MARKETING = "marketing"
    DATA_PROCESSING = "data_processing"
    SERVICE = "service"  # confirmations, reminders and follow-ups of their own bookings


class SequenceTrigger(StrEnum):
    """The event a follow-up sequence's delays count from."""

    SESSION_COMPLETED = "session_completed"
    NO_SHOW = "no_show"
    FIRST_BOOKING = "first_booking"
    BIRTHDAY = "birthday"
    PACKAGE_LOW = "package_low"
    QUIET_60_DAYS = "quiet_60_days"


class EnrolmentStatus(StrEnum):
    """Where one client stands in one run of a follow-up sequence."""

    ACTIVE = "active"
    DONE = "done"
    LEFT = "left"  # e.g. booked again during a win-back


class AudienceStatus(StrEnum):
    """A member's state in an email audience (Mailchimp's status values)."""

    SUBSCRIBED = "subscribed"
    UNSUBSCRIBED = "unsubscribed"
    CLEANED = "cleaned"
    PENDING = "pending"
    ARCHIVED = "archived"


class FunnelStep(StrEnum):
    """How far a client got, from their first message to booking again (analytics funnel)."""

    FIRST_MESSAGE = "first_message"
    SLOTS_OFFERED = "slots_offered"
    HELD = "held"
    CONFIRMED = "confirmed"
    SESSION_HELD = "session_held"
    REPEAT_BOOKING = "repeat_booking"
