"""The Telegram channel: residents in private chats, staff working tickets in department group chats.

`install(app)` is the plugin `wuye run` adds when WUYE_TELEGRAM_TOKEN is set.
"""

from bot.telegram.channel import TELEGRAM, TelegramChannel, install
from bot.telegram.sender import CHANNEL, TelegramSender
from bot.telegram.updates import UpdateHandler
from bot.telegram.webhook import SECRET_HEADER, WEBHOOK_PATH

__all__ = [
    "CHANNEL",
    "SECRET_HEADER",
    "TELEGRAM",
    "WEBHOOK_PATH",
    "TelegramChannel",
    "TelegramSender",
    "UpdateHandler",
    "install",
]
