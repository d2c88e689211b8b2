"""The web chat channel: server-issued sessions for the page and for scripts."""

from bots.webchat.sessions import WebChatSessions

__all__ = ("WebChatSessions",)
