"""WeCom settings: robot keys per department are known, secret and masked; the skew is validated; the
service starts the WeCom plugin when a corp id is set."""

from __future__ import annotations

import io

from bot.commands.config import check_settings
from bot.config import KNOWN_ENV_NAMES, Settings, read_settings
from bot.service import channel_plugins
from bot.wecom import install

ENV = {
    "WUYE_WECOM_CORP_ID": "ww5f3b2c1d0e9a8877",
    "WUYE_WECOM_AGENT_ID": "1000002",
    "WUYE_WECOM_SECRET": "app-secret-for-tests-0123456789abcdef",
    "WUYE_WECOM_TOKEN": "CallbackToken42",
    "WUYE_WECOM_AES_KEY": "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR",
    "WUYE_WECOM_ROBOT_ENGINEERING": "0f9c8a52-1b2c-4d5e-8f70-abcdefabcdef",
}


def test_robot_keys_are_known_secret_and_masked() -> None:
    assert {"WUYE_WECOM_ROBOT_ENGINEERING", "WUYE_WECOM_ROBOT_SECURITY_FILE"} <= KNOWN_ENV_NAMES
    report = read_settings(ENV)
    out, err = io.StringIO(), io.StringIO()
    assert check_settings(report, out, err) == 0
    assert ENV["WUYE_WECOM_ROBOT_ENGINEERING"] not in out.getvalue()
    assert ENV["WUYE_WECOM_SECRET"] not in out.getvalue() and "0f****ef" in out.getvalue()
    assert "group robots: engineering" in out.getvalue() and err.getvalue() == ""
    assert ENV["WUYE_WECOM_ROBOT_ENGINEERING"] not in repr(report.settings)


def test_skew_must_be_positive() -> None:
    assert read_settings({"WUYE_WECOM_MAX_SKEW_SECONDS": "0"}).problems
    assert read_settings({"WUYE_WECOM_MAX_SKEW_SECONDS": "60"}).settings.wecom_max_skew_seconds == 60


def test_the_service_starts_wecom_only_with_a_corp_id() -> None:
    assert install in channel_plugins(read_settings(ENV).settings)
    assert install not in channel_plugins(Settings())
