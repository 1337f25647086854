"""Browser fixtures: the real service (`bot.service.serve`) on a free port over a fresh SQLite file with the demo
community, and Debian's headless Chromium driven by selenium through /usr/bin/chromedriver.

Nothing downloads a browser or a driver: the driver path is given explicitly, so Selenium Manager never runs.
Without chromium or chromedriver every test here is skipped with the reason (`apt-get install chromium
chromium-driver`; `.ci/run` does that).
"""

from __future__ import annotations

import asyncio
import io
import shutil
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, TypeVar

import pytest

from bot.config import Settings

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

T = TypeVar("T")

#: Debian's browser and its matching driver (packages chromium and chromium-driver).
CHROMIUM: Final = Path("/usr/bin/chromium")
CHROMEDRIVER: Final = Path("/usr/bin/chromedriver")
#: Where screenshots go (gitignored); the test prints their paths.
ARTIFACTS: Final = Path(__file__).resolve().parents[2] / "var" / "test-artifacts"
#: Chromium flags: headless, no sandbox (root in CI), and nothing that talks to the internet.
CHROME_FLAGS: Final = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--lang=zh-CN",
)
#: Seconds the service gets to migrate a fresh database, seed the demo and listen.
START_TIMEOUT: Final = 60.0


def _missing() -> str | None:
    """Why the browser tests cannot run here, or None."""
    absent = [str(path) for path in (CHROMIUM, CHROMEDRIVER) if not path.exists()]
    if absent:
        return f"{' and '.join(absent)} not installed: apt-get install -y chromium chromium-driver"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed: pip install -e '.[dev]'"
    return None


def _now() -> datetime:
    return datetime.now(UTC)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class LiveService:
    """`wuye run` in a background thread with its own event loop, started and stopped like the real command."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.url = settings.public_url.rstrip("/")
        self.output = io.StringIO()
        self.error: BaseException | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=self._run, name="wuye-service", daemon=True)

    def _run(self) -> None:
        from bot.service import serve

        async def main() -> None:
            self._loop = asyncio.get_running_loop()
            self._stop = asyncio.Event()
            await serve(self.settings, self._stop, out=self.output)

        try:
            asyncio.run(main())
        except BaseException as error:  # reported by start() or close()
            self.error = error

    def start(self) -> None:
        """Start the service and wait until /readyz answers 200 (database migrated, demo seeded)."""
        self._thread.start()
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.error is not None or not self._thread.is_alive():
                raise RuntimeError(f"the service did not start: {self.error!r}\n{self.output.getvalue()}")
            try:
                with urllib.request.urlopen(f"{self.url}/readyz", timeout=2) as response:
                    if response.status == 200 and "is running" in self.output.getvalue():
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.1)
        raise RuntimeError(f"the service did not become ready in {START_TIMEOUT:.0f} s\n{self.output.getvalue()}")

    def in_database(self, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
        """Run `work(session)` in one transaction on the service's database (its own engine, from the test thread)."""
        from storage.db import create_engine, create_sessionmaker

        async def run() -> T:
            engine = create_engine(self.settings.database_url)
            try:
                async with create_sessionmaker(engine)() as session, session.begin():
                    return await work(session)
            finally:
                await engine.dispose()

        return asyncio.run(run())

    def demo_login(self, name: str) -> tuple[str, str]:
        """(login, password) of the demo staff member `name`, read from `<data_dir>/demo-logins.txt` like a newcomer."""
        path = self.settings.data_dir / "demo-logins.txt"
        assert path.exists(), f"the demo seed wrote no {path}:\n{self.output.getvalue()}"
        for line in path.read_text(encoding="utf-8").splitlines():
            fields = line.split("\t")
            if not line.startswith("#") and len(fields) >= 3 and fields[2] == name:
                return fields[0], fields[1]
        raise AssertionError(f"{name} has no demo login in {path}")

    def reply_with_photo(self, session_id: str, text: str, photo: bytes) -> int:
        """Queue a bot reply showing `photo` (stored like any upload) to the web chat session; the photo's id."""
        from storage.attachments import FileStore, add_attachment
        from storage.outbox import enqueue

        async def reply(session: AsyncSession) -> int:
            files = FileStore(self.settings.data_dir / "files")
            attachment = await add_attachment(session, files, data=photo, now=_now(), expected_kind="photo")
            payload = {"text": text, "buttons": [], "attachment_ids": [attachment.id], "edit_ref": None}
            await enqueue(session, channel="webchat", recipient=session_id, kind="reply", payload=payload, now=_now())
            return attachment.id

        return self.in_database(reply)

    def close(self) -> None:
        """Stop it as SIGTERM would, and wait for the clean shutdown."""
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(30)


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveService]:
    """The whole service on a free port: fresh SQLite file, demo community, web chat, console, outbox worker."""
    reason = _missing()
    if reason:
        pytest.skip(reason)
    data_dir = tmp_path_factory.mktemp("service")
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{data_dir / 'wuye.db'}",
        data_dir=data_dir,
        http_port=_free_port(),
        asr_engine="off",
    )
    live = LiveService(settings)
    live.start()
    try:
        yield live
    finally:
        live.close()


@pytest.fixture(scope="module")
def driver(tmp_path_factory: pytest.TempPathFactory, service: LiveService) -> Iterator[Any]:
    """A headless Chromium with a fresh profile, driven through Debian's chromedriver (never Selenium Manager)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in CHROME_FLAGS:
        options.add_argument(flag)
    profile = tmp_path_factory.mktemp("chromium-profile")
    options.add_argument(f"--user-data-dir={profile}")
    options.add_argument("--window-size=1280,900")
    browser = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    browser.set_page_load_timeout(30)
    try:
        yield browser
    finally:
        browser.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="module")
def artifacts() -> Path:
    """The screenshot folder, created."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
