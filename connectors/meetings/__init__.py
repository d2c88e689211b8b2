"""Meeting providers: Zoom, the reader's own room link (built-in), and an in-memory fake.

Vendor classes are imported from their modules (`connectors.meetings.zoom`) by the
composition root only; webhook signature helpers live in `connectors.meetings.webhooks`.
"""
