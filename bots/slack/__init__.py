"""Slack: a Bolt AsyncApp behind one route; listeners record and ack, the pool does the work."""
