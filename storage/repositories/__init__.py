"""SQLAlchemy implementations of the domain's repository Protocols, one module per concept."""

from storage.repositories.availability import SqlAvailabilityRepository
from storage.repositories.bookings import SqlBookingRepository
from storage.repositories.clients import SqlClientRepository
from storage.repositories.identities import SqlIdentityRepository
from storage.repositories.outbox import SqlOutboxRepository
from storage.repositories.packages import SqlPackageRepository
from storage.repositories.readers import SqlReaderRepository
from storage.repositories.services import SqlServiceRepository

__all__ = (
    "SqlAvailabilityRepository",
    "SqlBookingRepository",
    "SqlClientRepository",
    "SqlIdentityRepository",
    "SqlOutboxRepository",
    "SqlPackageRepository",
    "SqlReaderRepository",
    "SqlServiceRepository",
)
