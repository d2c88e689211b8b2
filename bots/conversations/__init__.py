"""The conversations clients and readers have with the hub, shared by every channel."""
