"""The analytics dashboard: server-rendered pages for readers and admins, charts, CSV."""
