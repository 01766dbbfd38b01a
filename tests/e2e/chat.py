"""The chat page as a citizen uses it: type, click a choice, read the answer."""

from __future__ import annotations

from bot.settings import PROJECT_ROOT
from tests.conftest import TEST_PORTS

WEB = f"http://127.0.0.1:{TEST_PORTS.web}"


def screenshot_dir():
    return PROJECT_ROOT / "var" / "results" / "screenshots"


class Chat:
    def __init__(self, page) -> None:
        self.page = page

    def open(self, query: str = "") -> "Chat":
        self.page.goto(f"{WEB}/{query}")
        self.wait_connected()
        return self

    def wait_connected(self) -> None:
        """Until the page holds a conversation id from the server (session_confirm)."""
        self.page.wait_for_function("() => sessionStorage.getItem('wegwijs-session')")

    # -- what the citizen does; each returns the assistant's answer ------------
    def type(self, text: str) -> str:
        return self._turn(lambda: (self.page.fill("#message", text), self.page.press("#message", "Enter")))

    def choose(self, title: str) -> str:
        return self._turn(lambda: self.choice(title).click())

    def choice(self, title: str):
        return self.page.locator("#choices").get_by_role("button", name=title, exact=True)

    def _turn(self, action) -> str:
        before = self.bot_count()
        action()
        return self.wait_answer(before)

    def wait_answer(self, before: int) -> str:
        """The assistant's messages after the first `before`, once it stopped typing."""
        self.page.wait_for_function(
            """(before) => document.querySelectorAll('#log .msg.bot').length > before
                && !document.getElementById('status').classList.contains('typing')""",
            arg=before,
        )
        return "\n".join(self.bot_texts()[before:])

    # -- what the citizen sees ----------------------------------------------------
    def bot_count(self) -> int:
        return self.page.locator("#log .msg.bot").count()

    def bot_texts(self) -> list[str]:
        return self.page.locator("#log .msg.bot").all_inner_texts()

    def choices(self) -> list[str]:
        return self.page.locator("#choices button").all_inner_texts()

    def status(self) -> str:
        return self.page.inner_text("#status")

    def session_id(self):
        return self.page.evaluate("() => sessionStorage.getItem('wegwijs-session')")

    def screenshot(self, name: str) -> None:
        self.page.screenshot(path=str(screenshot_dir() / f"{name}.png"), full_page=True)
