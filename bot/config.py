"""Service settings: read once from `WUYE_*` environment variables and an optional TOML file (env wins)."""

from __future__ import annotations

import ipaddress
import os
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from storage.db import DEFAULT_DATABASE_URL, URL_ENV

#: Prefix of every environment variable the service reads.
ENV_PREFIX: Final = "WUYE_"
#: Path of an optional TOML settings file; environment variables override what it says.
CONFIG_ENV: Final = "WUYE_CONFIG"
#: Suffix naming a file that holds a secret (Docker/Kubernetes secrets): WUYE_TELEGRAM_TOKEN_FILE=/run/secrets/tg.
FILE_SUFFIX: Final = "_FILE"
#: Where the speech model is looked for when WUYE_VOSK_MODEL is not set, relative to data_dir.
DEFAULT_VOSK_MODEL: Final = Path("models") / "vosk-model-small-cn-0.22"
#: Accepted values of WUYE_ASR_ENGINE ("none" is read as "off").
ASR_ENGINES: Final = ("vosk", "http", "off", "none")
#: Accepted values of WUYE_COOKIE_SECURE.
COOKIE_SECURE_CHOICES: Final = ("auto", "true", "false")
#: Departments that may have a WeCom group robot (WUYE_WECOM_ROBOT_<DEPARTMENT>); storage.vocabulary.Department.
WECOM_ROBOT_DEPARTMENTS: Final = (
    "service_centre",
    "engineering",
    "environment",
    "security",
    "general_admin",
    "management",
)


@dataclass(frozen=True)
class Settings:
    """Everything the running service needs to know, validated. Secrets never appear in repr()."""

    database_url: str = DEFAULT_DATABASE_URL
    http_host: str = "127.0.0.1"
    http_port: int = 8080
    data_dir: Path = Path("var")  # uploads, speech model, SQLite file by default; relative to the working directory
    telegram_token: str | None = field(default=None, repr=False)
    telegram_api_url: str = "https://api.telegram.org"  # Bot API server root (a self-hosted one, or a fake in tests)
    telegram_webhook_url: str | None = None  # public URL Telegram posts updates to; unset means long polling
    telegram_secret: str | None = field(default=None, repr=False)
    wecom_corp_id: str | None = None
    wecom_agent_id: str | None = None
    wecom_secret: str | None = field(default=None, repr=False)
    wecom_token: str | None = field(default=None, repr=False)
    wecom_aes_key: str | None = field(default=None, repr=False)
    wecom_api_url: str = "https://qyapi.weixin.qq.com"
    wecom_max_skew_seconds: int = 300  # callbacks whose timestamp is further from now are refused
    # Group robot webhook keys, one per department (a wecom staff group `robot:<department>` posts there).
    wecom_robot_service_centre: str | None = field(default=None, repr=False)
    wecom_robot_engineering: str | None = field(default=None, repr=False)
    wecom_robot_environment: str | None = field(default=None, repr=False)
    wecom_robot_security: str | None = field(default=None, repr=False)
    wecom_robot_general_admin: str | None = field(default=None, repr=False)
    wecom_robot_management: str | None = field(default=None, repr=False)
    asr_engine: str = "vosk"  # vosk (local model), http (a speech service at asr_url) or off
    vosk_model: Path | None = None
    asr_url: str | None = None
    asr_max_seconds: int = 60  # longer voice notes are refused with a polite reply, before recognition
    asr_workers: int = 1  # speech-to-text worker threads (each recognition uses one CPU core)
    actions_port: int = 5055  # the Rasa action server (`wuye actions`)
    demo: bool = True  # create the demo community when the database has none
    console_session_hours: int = 12  # a staff console session ends this long after its last request
    console_max_failures: int = 5  # wrong passwords for one login before that login's sign-in is refused...
    console_max_address_failures: int = 30  # ...and from one address (an office behind one IP) before all of it is...
    console_failure_window_minutes: int = 15  # ...within this many minutes
    cookie_secure: str = "auto"  # Secure cookies: true, false, or auto (https seen directly or via a trusted proxy)
    trusted_proxies: tuple[str, ...] = ()  # proxy addresses/networks whose X-Forwarded-Proto/-For are believed

    @property
    def vosk_model_path(self) -> Path:
        """The speech model directory: WUYE_VOSK_MODEL, else data_dir/models/vosk-model-small-cn-0.22."""
        return self.vosk_model or self.data_dir / DEFAULT_VOSK_MODEL

    @property
    def public_url(self) -> str:
        """Where a person on this machine opens the service (a wildcard host is shown as 127.0.0.1)."""
        host = "127.0.0.1" if self.http_host in {"0.0.0.0", "::", ""} else self.http_host
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{self.http_port}/"

    def channels(self) -> list[ChannelStatus]:
        """Which channels this configuration turns on, and for those off, what is missing."""
        return [_webchat(self), _telegram(self), _wecom(self), _voice(self)]


@dataclass(frozen=True)
class ChannelStatus:
    """One channel: on or off, and a short human explanation."""

    name: str
    on: bool
    detail: str

    def __str__(self) -> str:
        return f"{self.name}: {'on' if self.on else 'off'} ({self.detail})"


class ConfigError(ValueError):
    """The settings hold invalid values; `problems` lists each one."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("invalid settings: " + "; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class SettingsReport:
    """What `read_settings` found: valid values by field, each field's source, problems, warnings, invalid fields."""

    values: dict[str, Any]
    sources: dict[str, str]
    problems: list[str]
    warnings: list[str]
    config_file: Path | None
    invalid: frozenset[str] = frozenset()

    @property
    def settings(self) -> Settings:
        """The validated settings; raises ConfigError when there are problems."""
        if self.problems:
            raise ConfigError(self.problems)
        return Settings(**self.values)


# --- how each field is read --------------------------------------------------------------------------------------

_SECRETS: Final = frozenset(
    {"telegram_token", "telegram_secret", "wecom_secret", "wecom_token", "wecom_aes_key"}
    | {f"wecom_robot_{department}" for department in WECOM_ROBOT_DEPARTMENTS}
)
_TELEGRAM_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_AES_KEY = re.compile(r"^[A-Za-z0-9+/]{43}$")


def env_name(field_name: str) -> str:
    """The environment variable of a settings field: `http_port` → `WUYE_HTTP_PORT`."""
    return URL_ENV if field_name == "database_url" else ENV_PREFIX + field_name.upper()


def is_secret(field_name: str) -> bool:
    """True for fields whose value must never be printed."""
    return field_name in _SECRETS


#: Every settings field's environment variable, in field order.
SETTINGS_ENV_NAMES: Final = tuple(env_name(f.name) for f in fields(Settings))
#: Variables read outside Settings (a module that reads WUYE_X itself adds it here, or better, to Settings).
OTHER_ENV_NAMES: Final = (
    "WUYE_CACHE_DIR",  # nlu.tokenizer: where the jieba prefix-dictionary cache lives
    "WUYE_COMMUNITY",  # bot.commands.actions: the community the CLI's actions and the Rasa server act on
)
#: Every WUYE_* variable wuye-desk reads: the settings, secret files, the config file and OTHER_ENV_NAMES.
KNOWN_ENV_NAMES: Final = frozenset(
    {*SETTINGS_ENV_NAMES, CONFIG_ENV, *OTHER_ENV_NAMES} | {env_name(name) + FILE_SUFFIX for name in _SECRETS}
)
#: Prefixes of variables read only by tests and benchmarks (not reported as unknown).
_TOOLING_PREFIXES: Final = ("WUYE_TEST_", "WUYE_BENCH_")


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("is not text")
    if not value.strip():
        raise ValueError("is empty")
    return value.strip()


def _port(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError("is not a port number (1-65535)")
    try:
        port = int(value)
    except (TypeError, ValueError):
        raise ValueError("is not a port number (1-65535)") from None
    if not 1 <= port <= 65535:
        raise ValueError("is outside 1-65535")
    return port


def _url(value: Any) -> str:
    text = _text(value)
    parts = urlsplit(text)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ValueError("is not an http(s) URL")
    return text.rstrip("/")


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    lowered = str(value).strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ValueError("is not true/false (1/0, yes/no, on/off)")


def _path(value: Any) -> Path:
    return Path(_text(value)).expanduser()


def _database_url(value: Any) -> str:
    text = _text(value)
    try:
        make_url(text)
    except ArgumentError:
        raise ValueError("is not a database URL (e.g. postgresql+asyncpg://user@host/db)") from None
    return text


def _matching(pattern: re.Pattern[str], what: str) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        text = _text(value)
        if not pattern.match(text):
            raise ValueError(f"is not {what}")
        return text

    return parse


def _positive_int(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError("is not a whole number above 0")
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValueError("is not a whole number above 0") from None
    if number < 1:
        raise ValueError("is not a whole number above 0")
    return number


def _choice(value: Any) -> str:
    text = _text(value).lower()
    if text not in ASR_ENGINES:
        raise ValueError(f"is not one of {', '.join(ASR_ENGINES)}")
    return "off" if text == "none" else text


def _cookie_secure(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    text = _text(value).lower()
    if text in {"1", "yes", "on"}:
        return "true"
    if text in {"0", "no", "off"}:
        return "false"
    if text not in COOKIE_SECURE_CHOICES:
        raise ValueError(f"is not one of {', '.join(COOKIE_SECURE_CHOICES)}")
    return text


def _networks(value: Any) -> tuple[str, ...]:
    """Comma-separated (or a TOML list of) IP addresses or networks: `127.0.0.1, 10.0.0.0/8`."""
    items = value if isinstance(value, list) else str(value).split(",")
    networks = []
    for item in items:
        text = str(item).strip()
        if not text:
            continue
        try:
            networks.append(str(ipaddress.ip_network(text, strict=False)))
        except ValueError:
            raise ValueError(f"has {text!r}, which is not an IP address or network (e.g. 10.0.0.0/8)") from None
    return tuple(networks)


_PARSERS: Final[dict[str, Callable[[Any], Any]]] = {
    "database_url": _database_url,
    "http_port": _port,
    "actions_port": _port,
    "data_dir": _path,
    "vosk_model": _path,
    "telegram_api_url": _url,
    "telegram_webhook_url": _url,
    "wecom_api_url": _url,
    "asr_url": _url,
    "telegram_secret": _matching(_TELEGRAM_SECRET, "1-256 characters of A-Z a-z 0-9 _ -"),
    "wecom_aes_key": _matching(_AES_KEY, "a 43-character EncodingAESKey"),
    "wecom_agent_id": _matching(re.compile(r"^[0-9]+$"), "a numeric AgentId"),
    "wecom_max_skew_seconds": _positive_int,
    "asr_engine": _choice,
    "asr_max_seconds": _positive_int,
    "asr_workers": _positive_int,
    "demo": _bool,
    "console_session_hours": _positive_int,
    "console_max_failures": _positive_int,
    "console_max_address_failures": _positive_int,
    "cookie_secure": _cookie_secure,
    "trusted_proxies": _networks,
    "console_failure_window_minutes": _positive_int,
}


# --- reading -----------------------------------------------------------------------------------------------------


def read_settings(environ: Mapping[str, str] | None = None) -> SettingsReport:
    """Read the settings from `environ` (default os.environ) and the WUYE_CONFIG file; never raises."""
    env = os.environ if environ is None else environ
    problems: list[str] = []
    warnings: list[str] = []
    config_file = Path(env[CONFIG_ENV]).expanduser() if env.get(CONFIG_ENV) else None
    file_values = _read_file(config_file, problems) if config_file else {}
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    invalid: set[str] = set()
    for spec in fields(Settings):
        name = spec.name
        found = _lookup(name, env, file_values, config_file, problems)
        if found is None:
            sources[name] = "default"
            continue
        raw, source = found
        sources[name] = source
        try:
            values[name] = _PARSERS.get(name, _text)(raw)
        except ValueError as error:
            invalid.add(name)
            shown = "the value" if is_secret(name) or name == "database_url" else repr(raw)
            problems.append(f"{env_name(name)}: {shown} (from {source}) {error}")
    for key in sorted(set(file_values) - {f.name for f in fields(Settings)} - {n + "_file" for n in _SECRETS}):
        problems.append(f"{config_file}: unknown setting {key!r}")
    for key in sorted(env):
        if key.startswith(ENV_PREFIX) and key not in KNOWN_ENV_NAMES and not key.startswith(_TOOLING_PREFIXES):
            warnings.append(f"{key} is set but wuye-desk does not read it (a typo?)")
    return SettingsReport(values, sources, problems, warnings, config_file, frozenset(invalid))


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """The validated settings from the environment and WUYE_CONFIG; raises ConfigError listing every problem."""
    return read_settings(environ).settings


def _read_file(path: Path, problems: list[str]) -> dict[str, Any]:
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        problems.append(f"{CONFIG_ENV}: cannot read {path}: {error.strerror or error}")
        return {}
    except tomllib.TOMLDecodeError as error:
        problems.append(f"{CONFIG_ENV}: {path} is not valid TOML: {error}")
        return {}
    return _flatten(document)


def _flatten(table: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """`[telegram] token = ...` and `telegram_token = ...` both mean the field telegram_token."""
    flat: dict[str, Any] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, name + "_"))
        else:
            flat[name] = value
    return flat


def _lookup(
    name: str, env: Mapping[str, str], file_values: Mapping[str, Any], config_file: Path | None, problems: list[str]
) -> tuple[Any, str] | None:
    """The raw value of one field and where it came from, in order: env, env file, config file, config secret file."""
    variable = env_name(name)
    secret_file_variable = variable + FILE_SUFFIX
    if is_secret(name) and env.get(variable) and env.get(secret_file_variable):
        problems.append(f"set {variable} or {secret_file_variable}, not both")
    if env.get(variable, "") != "":
        return env[variable], "environment"
    if is_secret(name) and env.get(secret_file_variable):
        return _secret_file(Path(env[secret_file_variable]), secret_file_variable, problems)
    if name in file_values:
        return file_values[name], f"config {config_file}"
    if is_secret(name) and f"{name}_file" in file_values:
        return _secret_file(Path(str(file_values[f"{name}_file"])), f"{name}_file in {config_file}", problems)
    return None


def _secret_file(path: Path, origin: str, problems: list[str]) -> tuple[str, str] | None:
    try:
        return path.expanduser().read_text(encoding="utf-8").strip(), f"file {path} ({origin})"
    except OSError as error:
        problems.append(f"{origin}: cannot read {path}: {error.strerror or error}")
        return None


# --- showing -----------------------------------------------------------------------------------------------------


def mask_secret(value: str | None) -> str:
    """A secret as it may be printed: `12****ab` for long ones, `set (hidden)` for short ones."""
    if not value:
        return "not set"
    if len(value) >= 16:
        return f"{value[:2]}****{value[-2:]}"
    return "set (hidden)"


def shown_value(name: str, value: Any) -> str:
    """A settings value as `wuye config check` prints it: secrets masked, database passwords hidden."""
    if is_secret(name):
        return mask_secret(value)
    if value is None:
        return "not set"
    if name == "database_url":
        try:
            return make_url(value).render_as_string(hide_password=True)
        except ArgumentError:
            return "(unparseable)"
    return str(value)


def _missing(settings: Settings, *names: str) -> list[str]:
    return [env_name(name) for name in names if not getattr(settings, name)]


def _webchat(settings: Settings) -> ChannelStatus:
    return ChannelStatus("webchat", True, f"served at {settings.public_url}")


def _telegram(settings: Settings) -> ChannelStatus:
    if not settings.telegram_token:
        return ChannelStatus("telegram", False, f"{env_name('telegram_token')} not set")
    if not settings.telegram_webhook_url:
        return ChannelStatus("telegram", True, f"long polling {settings.telegram_api_url}")
    detail = f"webhook {settings.telegram_webhook_url}"
    if not settings.telegram_secret:
        detail += f"; {env_name('telegram_secret')} not set, so webhook calls cannot be authenticated"
    return ChannelStatus("telegram", True, detail)


def _wecom(settings: Settings) -> ChannelStatus:
    missing = _missing(settings, "wecom_corp_id", "wecom_agent_id", "wecom_secret", "wecom_token", "wecom_aes_key")
    if missing:
        return ChannelStatus("wecom", False, f"{', '.join(missing)} not set")
    robots = [name for name in WECOM_ROBOT_DEPARTMENTS if getattr(settings, f"wecom_robot_{name}")]
    detail = f"app {settings.wecom_agent_id} of {settings.wecom_corp_id}; callback /wecom/callback"
    return ChannelStatus("wecom", True, detail + f"; group robots: {', '.join(robots) or 'none'}")


def _voice(settings: Settings) -> ChannelStatus:
    if settings.asr_engine == "off":
        return ChannelStatus("voice", False, f"{env_name('asr_engine')}=off")
    if settings.asr_engine == "http":
        if not settings.asr_url:
            return ChannelStatus("voice", False, f"{env_name('asr_engine')}=http but {env_name('asr_url')} not set")
        return ChannelStatus("voice", True, f"speech service {settings.asr_url}")
    model = settings.vosk_model_path
    if not (model / "am").is_dir():
        return ChannelStatus(
            "voice",
            False,
            f"no Vosk model at {model}: unpack vosk-model-small-cn-0.22 there or set {env_name('vosk_model')}",
        )
    return ChannelStatus("voice", True, f"Vosk model {model}")
