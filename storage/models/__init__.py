"""The whole schema; importing this package registers every table on `Base.metadata`."""

from storage.models.base import Base
from storage.models.billing import (
    Expense,
    FxRate,
    Invoice,
    InvoiceLine,
    InvoiceSequence,
    LedgerEntry,
    Payment,
    Payout,
    TaxRate,
)
from storage.models.booking import Booking, CalendarBusy, Rating, ReadingSession
from storage.models.catalog import (
    AvailabilityException,
    AvailabilityRule,
    PackageCredit,
    Service,
    SpreadPosition,
    TarotSpread,
)
from storage.models.infra import (
    AuditLog,
    ConversationState,
    ExternalRef,
    InboundEvent,
    IntegrationAccount,
    OutboxMessage,
)
from storage.models.mail import HeldEmail, LoginCode
from storage.models.marketing import (
    Campaign,
    CampaignDelivery,
    CampaignStep,
    ConsentRecord,
    LoyaltyEntry,
    Referral,
    Segment,
)
from storage.models.people import Admin, ChannelIdentity, Client, LinkCode, Reader

__all__ = (
    "Admin",
    "AuditLog",
    "AvailabilityException",
    "AvailabilityRule",
    "Base",
    "Booking",
    "CalendarBusy",
    "Campaign",
    "CampaignDelivery",
    "CampaignStep",
    "ChannelIdentity",
    "Client",
    "ConsentRecord",
    "ConversationState",
    "Expense",
    "ExternalRef",
    "FxRate",
    "HeldEmail",
    "InboundEvent",
    "IntegrationAccount",
    "Invoice",
    "InvoiceLine",
    "InvoiceSequence",
    "LedgerEntry",
    "LinkCode",
    "LoginCode",
    "LoyaltyEntry",
    "OutboxMessage",
    "PackageCredit",
    "Payment",
    "Payout",
    "Rating",
    "Reader",
    "ReadingSession",
    "Referral",
    "Segment",
    "Service",
    "SpreadPosition",
    "TarotSpread",
    "TaxRate",
)
