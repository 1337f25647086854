"""The resident web chat: a page at `/`, a cookie per browser, replies long-polled from the outbox."""

from bot.community import CommunityChoice, NoCommunity
from bot.webchat.cookie import COOKIE_NAME
from bot.webchat.mailbox import CHANNEL, Mailbox, read_replies
from bot.webchat.routes import MAX_PHOTO_BYTES, WEBCHAT, WebchatState, install, plugin
from bot.webchat.sender import WebchatSender

__all__ = [
    "CHANNEL",
    "COOKIE_NAME",
    "MAX_PHOTO_BYTES",
    "WEBCHAT",
    "CommunityChoice",
    "Mailbox",
    "NoCommunity",
    "WebchatSender",
    "WebchatState",
    "install",
    "plugin",
    "read_replies",
]
