"""Ports: what the domain needs from storage, connectors and channels, as Protocols."""
