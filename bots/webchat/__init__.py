"""The web chat channel: its adapter (the chat API), server-issued sessions, the inbox."""

from bots.webchat.adapter import WebchatAdapter
from bots.webchat.inbox import WebchatInbox
from bots.webchat.sessions import WebChatSessions

__all__ = ("WebChatSessions", "WebchatAdapter", "WebchatInbox")
