"""The client relationship: consent, preferences, notes, segments, audiences."""
