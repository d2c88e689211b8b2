"""Composition root: settings, command line and the ASGI app that mounts everything."""

__version__ = "0.1.0"
