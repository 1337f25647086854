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
#: The demo plumber, who signs in with the demo login the first start wrote to <data_dir>/demo-logins.txt.
STAFF_NAME = "演示-张师傅"


def _redrawn() -> tuple[type[Exception], ...]:
    """What a wait shrugs off while a page navigates or redraws under it."""
    try:
        from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
    except ImportError:  # the conftest skips every test without selenium
        return ()
    return (NoSuchElementException, StaleElementReferenceException)


_REDRAWN = _redrawn()


def _left_the_document(error: Exception) -> bool:
    """ChromeDriver's answer, instead of "stale element", when the page navigates away in the middle of a command on
    one of its elements: "Node with given id does not belong to the document" (a known ChromeDriver behaviour,
    SeleniumHQ/selenium#15401; seen in CI after submitting an action form and after signing in)."""
    return "does not belong to the document" in str(error)


def _wait(driver: Any, condition: Any) -> Any:
    """`WebDriverWait(driver, WAIT).until(condition)`, shrugging off a page that navigates or redraws under it: an
    element gone stale or missing (`_REDRAWN`), or one that left the document, is tried again on the next poll."""
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait

    def again_if_left(driver: Any) -> Any:
        try:
            return condition(driver)
        except WebDriverException as error:
            if _left_the_document(error):
                return False
            raise

    return WebDriverWait(driver, WAIT, ignored_exceptions=_REDRAWN).until(again_if_left)


def _gone(element: Any) -> Any:
    """A wait condition: `element` has left the page. Selenium's `staleness_of`, which also reads an element that left
    the document (`_left_the_document`) as gone."""
    from selenium.common.exceptions import StaleElementReferenceException, WebDriverException

    def check(_driver: Any) -> bool:
        try:
            element.is_enabled()
        except StaleElementReferenceException:
            return True
        except WebDriverException as error:
            if _left_the_document(error):
                return True
            raise
        return False

    return check


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

        def shown(_: Any) -> str | bool:
            text = self.transcript()
            return text if all(needle in text for needle in needles) else False

        try:
            return str(_wait(self.driver, shown))
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

        def button(_: Any) -> Any:
            found = [
                b
                for b in self.driver.find_elements(By.CSS_SELECTOR, ".buttons button")
                if label in b.text and b.is_enabled()
            ]
            return found[-1] if found else False

        try:
            _wait(self.driver, button).click()
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


class Console:
    """The staff member's side: the console pages in the same browser (cookies are per path, so both live)."""

    def __init__(self, driver: Any, url: str) -> None:
        self.driver = driver
        self.url = url

    def body(self) -> str:
        from selenium.webdriver.common.by import By

        return str(self.driver.find_element(By.TAG_NAME, "body").text)

    def wait_for(self, *needles: str) -> str:
        def shown(_: Any) -> str | bool:
            text = self.body()
            return text if all(needle in text for needle in needles) else False

        try:
            return str(_wait(self.driver, shown))
        except Exception as error:
            raise AssertionError(f"{needles} never appeared on {self.driver.current_url}:\n{self.body()}") from error

    def sign_in(self, login: str, password: str) -> None:
        from selenium.webdriver.common.by import By

        self.driver.get(self.url + "/console/login")
        self.driver.find_element(By.NAME, "login").send_keys(login)
        self.driver.find_element(By.NAME, "password").send_keys(password)
        self.driver.find_element(By.CSS_SELECTOR, "form[action='/console/login'] button[type=submit]").click()
        self.wait_for("退出登录")

    def open_queue(self) -> None:
        self.driver.get(self.url + "/console/")
        self.wait_for("工单队列")

    def open_ticket(self, number: str) -> None:
        from selenium.webdriver.common.by import By

        self.driver.find_element(By.LINK_TEXT, number).click()
        self.wait_for(number, "处理")

    def loaded_photos(self) -> int:
        """How many photos on the page loaded (naturalWidth > 0), once every one has finished loading."""
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support.ui import WebDriverWait

        images = self.driver.find_elements(By.CSS_SELECTOR, ".photos img")
        script = "return arguments[0].complete"
        WebDriverWait(self.driver, WAIT).until(lambda d: all(d.execute_script(script, i) for i in images))
        return sum(1 for i in images if self.driver.execute_script("return arguments[0].naturalWidth > 0", i))

    def can(self, verb: str) -> bool:
        from selenium.webdriver.common.by import By

        return bool(self.driver.find_elements(By.ID, f"form-{verb}"))

    def act(self, verb: str, **fields: str) -> None:
        """Fill and submit the action form `verb`, then wait for the page it leads to."""
        from selenium.webdriver.common.by import By

        form = self.driver.find_element(By.ID, f"form-{verb}")
        for name, value in fields.items():
            form.find_element(By.NAME, name).send_keys(value)
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        _wait(self.driver, _gone(form))

    def dashboard(self) -> dict[str, str]:
        """Open the dashboard (defaults: the staff member's community, this month); its headline figures by key."""
        from selenium.webdriver.common.by import By

        self.driver.get(self.url + "/console/dashboard")
        self.wait_for("服务质量仪表盘")
        _wait(  # every chart image loaded
            self.driver,
            lambda d: all(
                d.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0", image)
                for image in d.find_elements(By.CSS_SELECTOR, ".chart img")
            ),
        )
        return {
            tile.get_attribute("data-key"): tile.find_element(By.CLASS_NAME, "kpi-value").text
            for tile in self.driver.find_elements(By.CSS_SELECTOR, ".kpi")
        }


def screenshot(driver: Any, artifacts: Path, name: str, *, full: bool = False) -> Path:
    """Save a screenshot of the window (`full`: grown to the whole page first) and print where it is."""
    path = artifacts / f"{name}.png"
    if full:
        width, chrome, height = driver.execute_script(
            "return [window.outerWidth, window.outerHeight - window.innerHeight, document.documentElement.scrollHeight]"
        )
        driver.set_window_size(width, height + chrome)
    driver.save_screenshot(str(path))
    print(f"screenshot: {path}")
    return path


def test_a_repair_from_the_web_chat_to_the_dashboard(
    service: LiveService, driver: Any, artifacts: Path, tmp_path: Path
) -> None:
    login, password = service.demo_login(STAFF_NAME)
    photo = tmp_path / "漏水.png"
    photo.write_bytes(scene_png())
    chat = Chat(driver, service.url)
    driver.set_window_size(430, 900)  # the resident's window: a phone, as most residents use it
    resident_window = driver.current_window_handle
    chat.open()

    # The resident: describe, give the phone, send a photo, confirm.
    chat.say("厨房水管漏水 3栋2单元502")
    chat.wait_for("手机号")
    chat.say("13812345678")
    chat.wait_for("照片")
    chat.send_photo(photo)
    chat.wait_for("已收到第1张照片")
    _wait(driver, lambda _: chat.thumbnails())
    screenshot(driver, artifacts, "1-chat-photo")
    chat.press("照片发完了")
    chat.wait_for("照片：1张", "3-2-502")
    chat.press("确认提交")
    done = chat.wait_for("已受理")
    found = re.search(r"BX-\d{8}-\d{4}", done)
    assert found, done
    number = found.group(0)
    screenshot(driver, artifacts, "2-chat-reported")

    # The technician, in a window of their own: sign in, find the ticket in the queue, accept and complete it.
    driver.switch_to.new_window("window")
    driver.set_window_size(1366, 900)
    console = Console(driver, service.url)
    console.sign_in(login, password)
    console.open_queue()
    assert "138****5678" in console.body()  # not yet theirs: the phone number is masked
    screenshot(driver, artifacts, "3-console-queue")
    console.open_ticket(number)
    assert console.loaded_photos() == 1  # the resident's photo is on the ticket
    console.act("accept")
    if console.can("arrive"):
        console.act("arrive")
    console.act("resolve", work_done="更换了厨房水管接头")
    console.wait_for("待住户确认")
    screenshot(driver, artifacts, "4-console-ticket", full=True)

    # The resident's page, still open, gets the confirm request by itself; the resident confirms.
    driver.switch_to.window(resident_window)
    chat.wait_for(f"您的工单 {number} 已处理完成")
    chat.press("确认完成")
    chat.wait_for(f"感谢您的确认，工单 {number} 已完成")
    screenshot(driver, artifacts, "5-chat-confirmed")

    # A reload shows the whole conversation again, the resident's side too (texts, the photo, pressed buttons).
    driver.refresh()
    chat.wait_for(f"感谢您的确认，工单 {number} 已完成", "13812345678")
    _wait(driver, lambda _: chat.thumbnails())
    rows = driver.execute_script(
        "return Array.from(document.querySelectorAll('#messages .msg')).map(r => [r.className, r.innerText])"
    )
    mine = [(i, text.strip()) for i, (kind, text) in enumerate(rows) if "me" in kind.split()]
    expected = ["厨房水管漏水 3栋2单元502", "13812345678", "照片发完了", "确认提交", "确认完成"]
    said = [text for _, text in mine if text]  # pressed buttons show their label (some with an emoji)
    assert len(said) == len(expected) and all(e in t for e, t in zip(expected, said, strict=True)), rows
    asked_phone = next(i for i, (kind, text) in enumerate(rows) if "bot" in kind.split() and "手机号" in text)
    assert mine[0][0] < asked_phone < mine[1][0], rows  # in order: each answer after its question
    screenshot(driver, artifacts, "5b-chat-reloaded")

    # The dashboard counts it: one ticket reported this month, completed, and confirmed by the resident.
    driver.switch_to.new_window("window")
    driver.set_window_size(1366, 900)
    figures = console.dashboard()
    assert figures["tickets.created"] == "1" and figures["tickets.completed"] == "1", figures
    assert figures["rate.completion"] == "100.0%" and figures["rate.confirmation"] == "100.0%", figures
    screenshot(driver, artifacts, "6-console-dashboard", full=True)


def test_a_reply_with_a_photo_shows_it_in_the_chat(service: LiveService, driver: Any) -> None:
    driver.switch_to.new_window("window")
    driver.set_window_size(430, 900)
    driver.get(service.url + "/webchat/static/chat.css")  # cookies are deleted per site: be on it first
    driver.delete_all_cookies()  # a new resident (else the page reloads the first test's conversation)
    chat = Chat(driver, service.url)
    chat.open()
    session_id = driver.get_cookie("wuye_chat")["value"]
    service.reply_with_photo(session_id, "这是师傅维修后拍的照片。", scene_png(200, 150))
    chat.wait_for("这是师傅维修后拍的照片")
    _wait(driver, lambda _: len(chat.thumbnails()) == 1)


def test_a_wait_tries_again_when_chromedriver_says_the_element_left_the_document() -> None:
    """ChromeDriver's "Node with given id does not belong to the document" during a navigation is retried like a stale
    element; any other WebDriver error still fails the wait at once."""
    from selenium.common.exceptions import WebDriverException

    left = WebDriverException('unknown error: unhandled inspector error: {"code":-32000,"message":"Node with given id '
                              'does not belong to the document"}')  # fmt: skip
    answers: list[Any] = [left, "shown"]

    def condition(_driver: Any) -> Any:
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    assert _wait(object(), condition) == "shown"

    def broken(_driver: Any) -> Any:
        raise WebDriverException("unknown error: session deleted")

    with pytest.raises(WebDriverException, match="session deleted"):
        _wait(object(), broken)
