"""Calendar providers: Google Calendar, the built-in local calendar (plus ICS feed), a fake.

Vendor classes are imported from their modules (`connectors.calendar.google`) by the
composition root only, so importing this package never pulls in the Google SDK.
"""

from connectors.calendar.ids import event_id_for, is_our_event_id

__all__ = ["event_id_for", "is_our_event_id"]
