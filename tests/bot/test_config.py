"""Settings from the environment and a TOML file, secrets that never print, and `wuye config check`."""

from __future__ import annotations

import io
from dataclasses import fields
from pathlib import Path

import pytest

from bot.commands.config import check_settings
from bot.config import (
    KNOWN_ENV_NAMES,
    ConfigError,
    Settings,
    env_name,
    load_settings,
    mask_secret,
    read_settings,
)
from storage.db import DEFAULT_DATABASE_URL, URL_ENV

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
AES_KEY = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR"
WECOM = {
    "WUYE_WECOM_CORP_ID": "wx49f0ab532d5d035a",
    "WUYE_WECOM_AGENT_ID": "1000002",
    "WUYE_WECOM_SECRET": "a-wecom-app-secret-0123456789",
    "WUYE_WECOM_TOKEN": "123456",
    "WUYE_WECOM_AES_KEY": AES_KEY,
}


def check(environ: dict[str, str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = check_settings(read_settings(environ), out, err)
    return code, out.getvalue(), err.getvalue()


def test_defaults_need_nothing() -> None:
    settings = load_settings({})
    assert settings == Settings()
    assert (settings.database_url, settings.http_host, settings.http_port) == (DEFAULT_DATABASE_URL, "127.0.0.1", 8080)
    assert (settings.data_dir, settings.actions_port, settings.demo) == (Path("var"), 5055, True)
    assert settings.public_url == "http://127.0.0.1:8080/"


def test_environment_values_are_parsed() -> None:
    settings = load_settings(
        {
            URL_ENV: "postgresql+asyncpg://wuye:pw@db:5432/wuye",
            "WUYE_HTTP_HOST": "0.0.0.0",
            "WUYE_HTTP_PORT": "9000",
            "WUYE_DEMO": "no",
            "WUYE_DATA_DIR": "/srv/wuye",
            "WUYE_TELEGRAM_API_URL": "http://127.0.0.1:8081/",
            "WUYE_ASR_ENGINE": "HTTP",
        }
    )
    assert (settings.http_port, settings.demo, settings.data_dir) == (9000, False, Path("/srv/wuye"))
    assert settings.telegram_api_url == "http://127.0.0.1:8081"
    assert settings.asr_engine == "http"
    assert settings.public_url == "http://127.0.0.1:9000/"  # a wildcard host is opened on localhost


def test_the_file_is_read_and_the_environment_wins(tmp_path: Path) -> None:
    config = tmp_path / "wuye.toml"
    config.write_text('http_port = 9001\ndemo = false\n[telegram]\ntoken = "from-file"\n', encoding="utf-8")
    report = read_settings({"WUYE_CONFIG": str(config), "WUYE_HTTP_PORT": "9002"})
    settings = report.settings
    assert (settings.http_port, settings.demo, settings.telegram_token) == (9002, False, "from-file")
    assert report.sources["http_port"] == "environment"
    assert report.sources["demo"] == f"config {config}"
    assert report.sources["http_host"] == "default"


def test_secrets_can_come_from_files(tmp_path: Path) -> None:
    secret = tmp_path / "tg"
    secret.write_text(TOKEN + "\n", encoding="utf-8")
    report = read_settings({"WUYE_TELEGRAM_TOKEN_FILE": str(secret)})
    assert report.settings.telegram_token == TOKEN
    assert str(secret) in report.sources["telegram_token"]
    both = read_settings({"WUYE_TELEGRAM_TOKEN_FILE": str(secret), "WUYE_TELEGRAM_TOKEN": TOKEN})
    assert any("not both" in problem for problem in both.problems)
    missing = read_settings({"WUYE_TELEGRAM_TOKEN_FILE": str(tmp_path / "absent")})
    assert any("cannot read" in problem for problem in missing.problems)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("WUYE_HTTP_PORT", "80a"),
        ("WUYE_HTTP_PORT", "0"),
        ("WUYE_ACTIONS_PORT", "65536"),
        ("WUYE_TELEGRAM_WEBHOOK_URL", "telegram.example.com/hook"),
        ("WUYE_WECOM_API_URL", "ftp://qyapi.weixin.qq.com"),
        ("WUYE_DEMO", "maybe"),
        ("WUYE_ASR_ENGINE", "whisper"),
        ("WUYE_TELEGRAM_SECRET", "has spaces"),
        ("WUYE_WECOM_AES_KEY", "too-short"),
        ("WUYE_WECOM_AGENT_ID", "agent"),
        (URL_ENV, "not a url"),
    ],
)
def test_invalid_values_are_refused(name: str, value: str) -> None:
    with pytest.raises(ConfigError) as raised:
        load_settings({name: value})
    assert name in str(raised.value)


def test_unknown_file_keys_are_refused_and_unknown_variables_warned(tmp_path: Path) -> None:
    config = tmp_path / "wuye.toml"
    config.write_text("http_prot = 1\n", encoding="utf-8")
    # WUYE_COMMUNITY is read by the CLI's actions (the community they act on), so it is known, not a typo.
    report = read_settings(
        {"WUYE_CONFIG": str(config), "WUYE_HTTP_PROT": "1", "WUYE_TEST_POSTGRES_URL": "x", "WUYE_COMMUNITY": "demo"}
    )
    assert any("http_prot" in problem for problem in report.problems)
    assert report.warnings == ["WUYE_HTTP_PROT is set but wuye-desk does not read it (a typo?)"]


def test_every_setting_has_a_known_environment_name() -> None:
    names = {env_name(spec.name) for spec in fields(Settings)}
    assert names <= KNOWN_ENV_NAMES
    assert {
        URL_ENV,
        "WUYE_HTTP_PORT",
        "WUYE_ACTIONS_PORT",
        "WUYE_CONFIG",
        "WUYE_TELEGRAM_TOKEN_FILE",
    } <= KNOWN_ENV_NAMES


def test_secrets_are_masked_everywhere() -> None:
    assert mask_secret(TOKEN) == "12****aw"
    assert mask_secret("123456") == "set (hidden)"
    assert mask_secret(None) == "not set"
    settings = load_settings({"WUYE_TELEGRAM_TOKEN": TOKEN, **WECOM})
    assert TOKEN not in repr(settings) and AES_KEY not in repr(settings)
    code, out, err = check(
        {"WUYE_TELEGRAM_TOKEN": TOKEN, URL_ENV: "postgresql+asyncpg://wuye:hunter2@db/wuye", **WECOM}
    )
    assert code == 0
    assert TOKEN not in out + err and AES_KEY not in out + err and "hunter2" not in out + err
    assert WECOM["WUYE_WECOM_SECRET"] not in out + err
    assert "12****aw" in out
    bad = check({"WUYE_TELEGRAM_SECRET": "a secret with spaces"})
    assert bad[0] == 1 and "a secret with spaces" not in bad[1] + bad[2]


def test_config_check_says_which_channels_are_on_and_why_not() -> None:
    code, out, _ = check({})
    assert code == 0
    assert "telegram: off (WUYE_TELEGRAM_TOKEN not set)" in out
    assert "webchat: on" in out
    assert "wecom: off (WUYE_WECOM_CORP_ID, WUYE_WECOM_AGENT_ID" in out
    assert "WUYE_HTTP_PORT" in out and "default" in out
    code, out, _ = check({"WUYE_TELEGRAM_TOKEN": TOKEN, "WUYE_TELEGRAM_WEBHOOK_URL": "https://bot.example.com/tg"})
    assert "telegram: on (webhook https://bot.example.com/tg; WUYE_TELEGRAM_SECRET not set" in out
    code, out, _ = check({**WECOM, "WUYE_WECOM_TOKEN": ""})
    assert "wecom: off (WUYE_WECOM_TOKEN not set)" in out


def test_config_check_fails_on_invalid_values() -> None:
    code, out, err = check({"WUYE_HTTP_PORT": "99999", "WUYE_TELEGRAM_API_URL": "nope"})
    assert code == 1
    assert "WUYE_HTTP_PORT: '99999' (from environment) is outside 1-65535" in err
    assert "WUYE_TELEGRAM_API_URL" in err and "INVALID" in out


def test_voice_needs_a_model_or_a_speech_service(tmp_path: Path) -> None:
    off = load_settings({"WUYE_DATA_DIR": str(tmp_path)}).channels()[-1]
    assert not off.on and "WUYE_VOSK_MODEL" in off.detail
    (tmp_path / "models" / "vosk-model-small-cn-0.22" / "am").mkdir(parents=True)
    assert load_settings({"WUYE_DATA_DIR": str(tmp_path)}).channels()[-1].on
    http = load_settings({"WUYE_ASR_ENGINE": "http"}).channels()[-1]
    assert not http.on and "WUYE_ASR_URL not set" in http.detail


def test_config_check_from_the_cli(capsys, monkeypatch) -> None:
    from bot.cli import main

    for name in list(KNOWN_ENV_NAMES):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("WUYE_HTTP_PORT", "8181")
    assert main(["config", "check"]) == 0
    assert "http://127.0.0.1:8181/" in capsys.readouterr().out
