"""The console's proxy settings as `wuye` reads them: WUYE_COOKIE_SECURE and WUYE_TRUSTED_PROXIES."""

from __future__ import annotations

from bot.config import read_settings


def test_cookie_secure_and_trusted_proxies_are_read_and_checked() -> None:
    settings = read_settings({"WUYE_COOKIE_SECURE": "TRUE", "WUYE_TRUSTED_PROXIES": "127.0.0.1, 10.0.0.0/8,::1"})
    assert settings.settings.cookie_secure == "true"
    assert settings.settings.trusted_proxies == ("127.0.0.1/32", "10.0.0.0/8", "::1/128")
    defaults = read_settings({}).settings
    assert defaults.cookie_secure == "auto" and defaults.trusted_proxies == ()
    assert defaults.console_max_address_failures > defaults.console_max_failures
    report = read_settings({"WUYE_COOKIE_SECURE": "sometimes", "WUYE_TRUSTED_PROXIES": "10.0.0.0/8, proxy.local"})
    assert any("WUYE_COOKIE_SECURE" in p and "auto, true, false" in p for p in report.problems)
    assert any("WUYE_TRUSTED_PROXIES" in p and "proxy.local" in p for p in report.problems)
