"""The product in a real browser: a resident reports a repair with a photo in the web chat, a staff member accepts and
completes it in the console, the resident confirms, and the dashboard counts it. Screenshots go to var/test-artifacts/.
"""

from __future__ import annotations

import re
import struct
import zlib
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import LiveService

pytestmark = [pytest.mark.browser, pytest.mark.slow]

#: Seconds to wait for the bot or a page to show something.
WAIT = 15


def scene_png(width: int = 160, height: int = 120) -> bytes:
    """A small real PNG (a blue-to-grey gradient with a dark "leak" stripe), made without any imaging library."""
    rows = []
    for y in range(height):
        row = bytearray([0])  # filter type 0 per scan line
        for x in range(width):
            leak = abs(x - width // 2) < 6 and y > height // 3
            row += bytes((30, 60, 90) if leak else (120 + x // 4, 150 + y // 4, 200))
        rows.append(bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows)))
        + chunk(b"IEND", b"")
    )


class Chat:
    """The resident's side: the web chat page in the browser."""

    def __init__(self, driver: Any, url: str) -> None:
        self.driver = driver
        self.url = url

    def open(self) -> None:
        self.driver.get(self.url + "/")
        self.wait_for("您好，我是物业在线客服")

    def transcript(self) -> str:
        from selenium.webdriver.common.by import By

        return str(self.driver.find_element(By.ID, "messages").text)

    def wait_for(self, *needles: str) -> str:
        """Wait until the conversation shows every needle; returns the transcript."""
        from selenium.webdriver.support.ui import WebDriverWait

        def shown(_: Any) -> str | bool:
            text = self.transcript()
            return text if all(needle in text for needle in needles) else False

        try:
            return str(WebDriverWait(self.driver, WAIT).until(shown))
        except Exception as error:  # TimeoutException: say what was on screen
            raise AssertionError(f"{needles} never appeared; the chat shows:\n{self.transcript()}") from error

    def say(self, text: str) -> None:
        from selenium.webdriver.common.by import By

        box = self.driver.find_element(By.ID, "input")
        box.send_keys(text)
        self.driver.find_element(By.ID, "send").click()

    def press(self, label: str) -> None:
        """Press the newest enabled button whose label contains `label`."""
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support.ui import WebDriverWait

        def button(_: Any) -> Any:
            found = [
                b
                for b in self.driver.find_elements(By.CSS_SELECTOR, ".buttons button")
                if label in b.text and b.is_enabled()
            ]
            return found[-1] if found else False

        try:
            WebDriverWait(self.driver, WAIT).until(button).click()
        except Exception as error:
            raise AssertionError(f"no button {label!r}; the chat shows:\n{self.transcript()}") from error

    def send_photo(self, path: Path) -> None:
        from selenium.webdriver.common.by import By

        self.driver.find_element(By.ID, "photo").send_keys(str(path))

    def thumbnails(self) -> list[Any]:
        """The photo thumbnails that loaded (naturalWidth > 0), in order."""
        from selenium.webdriver.common.by import By

        images = self.driver.find_elements(By.CSS_SELECTOR, "#messages .photo img")
        return [i for i in images if self.driver.execute_script("return arguments[0].naturalWidth", i)]


def screenshot(driver: Any, artifacts: Path, name: str) -> Path:
    """Save a screenshot of the whole page and print where it is."""
    path = artifacts / f"{name}.png"
    driver.save_screenshot(str(path))
    print(f"screenshot: {path}")
    return path


def test_a_repair_from_the_web_chat_to_the_dashboard(
    service: LiveService, driver: Any, artifacts: Path, tmp_path: Path
) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    photo = tmp_path / "漏水.png"
    photo.write_bytes(scene_png())
    chat = Chat(driver, service.url)
    driver.set_window_size(430, 900)  # a phone, as most residents use it
    chat.open()

    # The resident: describe, give the phone, send a photo, confirm.
    chat.say("厨房水管漏水 3栋2单元502")
    chat.wait_for("手机号")
    chat.say("13812345678")
    chat.wait_for("照片")
    chat.send_photo(photo)
    chat.wait_for("已收到第1张照片")
    WebDriverWait(driver, WAIT).until(lambda _: chat.thumbnails())  # the photo shows as a loaded thumbnail
    screenshot(driver, artifacts, "1-chat-photo")
    chat.press("照片发完了")
    chat.wait_for("照片：1张", "3-2-502")
    chat.press("确认提交")
    done = chat.wait_for("已受理")
    found = re.search(r"BX-\d{8}-\d{4}", done)
    assert found, done
    number = found.group(0)
    screenshot(driver, artifacts, "2-chat-reported")
    assert number
