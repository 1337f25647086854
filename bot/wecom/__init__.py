"""The WeCom (企业微信) channel: callback crypto, the callback endpoint, the API client and the outbox sender."""

from __future__ import annotations

from aiohttp import web

from bot.config import WECOM_ROBOT_DEPARTMENTS, Settings
from bot.delivery.photos import PhotoSource
from bot.http import keys
from bot.wecom.callback import PATH, WECOM, WeComState, drain, receive, recover, verify_url
from bot.wecom.client import WeComClient
from bot.wecom.crypto import WeComCrypto
from bot.wecom.limits import SendLimits
from bot.wecom.sender import CHANNEL, WeComSender
from bot.wecom.tasks import CardTasks
from storage.attachments.store import FileStore

__all__ = ["CHANNEL", "PATH", "WECOM", "WeComSender", "WeComState", "install", "robot_keys"]


def robot_keys(settings: Settings) -> dict[str, str]:
    """Group robot webhook keys by department, from WUYE_WECOM_ROBOT_<DEPARTMENT>."""
    found = {name: getattr(settings, f"wecom_robot_{name}") for name in WECOM_ROBOT_DEPARTMENTS}
    return {name: key for name, key in found.items() if key}


def install(app: web.Application, *, limits: SendLimits | None = None) -> None:
    """Plugin: the callback endpoint at /wecom/callback and the `wecom` sender; needs the five WeCom settings."""
    settings = app[keys.SETTINGS]
    required = ("wecom_corp_id", "wecom_agent_id", "wecom_secret", "wecom_token", "wecom_aes_key")
    missing = [name for name in required if not getattr(settings, name)]
    if missing:
        raise ValueError(f"WeCom needs {', '.join('WUYE_' + name.upper() for name in missing)}")
    assert settings.wecom_corp_id and settings.wecom_agent_id and settings.wecom_secret  # for the type checker
    assert settings.wecom_token and settings.wecom_aes_key
    client = WeComClient(
        api_url=settings.wecom_api_url,
        corp_id=settings.wecom_corp_id,
        secret=settings.wecom_secret,
        agent_id=settings.wecom_agent_id,
    )
    tasks = CardTasks(app[keys.SESSIONMAKER], app[keys.CLOCK])
    files = FileStore(settings.data_dir / "files")
    app[WECOM] = WeComState(
        crypto=WeComCrypto(settings.wecom_token, settings.wecom_aes_key, settings.wecom_corp_id),
        client=client,
        tasks=tasks,
        files=files,
        corp_id=settings.wecom_corp_id,
        agent_id=settings.wecom_agent_id,
        max_skew_seconds=settings.wecom_max_skew_seconds,
    )
    app[keys.SENDERS][CHANNEL] = WeComSender(
        client,
        robot_keys=robot_keys(settings),
        limits=limits,
        tasks=tasks,
        photos=PhotoSource(app[keys.SESSIONMAKER], files),
    )
    app.router.add_get(PATH, verify_url, name="wecom_verify")
    app.router.add_post(PATH, receive, name="wecom_callback")
    app.on_startup.append(recover)
    app.on_shutdown.append(drain)

    async def close_client(app: web.Application) -> None:
        await client.close()

    app.on_cleanup.append(close_client)
