"""The terminal as a chat channel (`samia chat`)."""

from bots.console.adapter import ConsoleAdapter, ConsoleSender

__all__ = ("ConsoleAdapter", "ConsoleSender")
