"""The dashboard in a real browser: Playwright for Python driving Debian's Chromium headless
(its executable path: browser downloads are not available here), against the dashboard served
on a loopback port over the sandbox's world.

Each page is saved as a screenshot under the test's tmp dir (`screenshots/`); with
`STUDYBOT_SCREENSHOTS=DIR` they are copied there too (how docs/ images are made). Without
chromium these tests fail under CI=true (.ci/run installs it) and are skipped elsewhere.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot.web.server import listening
from tests.web.conftest import WebRig
from tests.web.packs import BROKEN, V1, V11, line_of

pytestmark = pytest.mark.browser

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_or_skip() -> str:
    """Debian's chromium; a clear failure in CI, a skip (with the reason) elsewhere."""
    found = shutil.which("chromium")
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        found = None
    if found is not None:
        return found
    why = (
        "the browser tests need Debian's chromium and the playwright package "
        "(apt-get install -y chromium; pip install -e '.[dev]')"
    )
    if os.environ.get("CI") == "true":
        pytest.fail(f"{why}: .ci/run installs chromium when it is missing; it is not here")
    pytest.skip(why)


def copy_to(path: Path, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(path, folder / path.name)


@dataclass
class Browser:
    """A headless page on the served dashboard, and where its screenshots go."""

    page: Any
    base_url: str
    shots: Path
    web: WebRig

    async def shot(self, name: str) -> None:
        path = self.shots / f"{name}.png"
        await self.page.screenshot(path=str(path), full_page=True)
        extra = os.environ.get("STUDYBOT_SCREENSHOTS")
        if extra:
            copy_to(path, Path(extra))

    async def open(self, path: str) -> Any:
        return await self.page.goto(self.base_url + path)

    async def login(self, name: str) -> None:
        """Log in the way a person does: the button, then the member on Discord's page."""
        await self.page.context.clear_cookies()
        await self.open("/")
        await self.page.get_by_role("link", name="Log in with Discord").first.click()
        await self.page.get_by_role("link", name=name, exact=True).click()
        await self.page.wait_for_url(self.base_url + "/")

    async def text(self) -> str:
        return str(await self.page.inner_text("main"))


@pytest.fixture
async def browser(web: WebRig, tmp_path: Path) -> AsyncIterator[Browser]:
    executable = chromium_or_skip()
    from playwright.async_api import async_playwright

    port = int(web.base_url.rsplit(":", 1)[1])
    shots = tmp_path / "screenshots"
    shots.mkdir()
    async with listening(web.dashboard.app, "127.0.0.1", port), async_playwright() as p:
        chromium = await p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            context = await chromium.new_context(viewport={"width": 1200, "height": 900})
            page = await context.new_page()
            yield Browser(page, web.base_url, shots, web)
        finally:
            await chromium.close()
    print(f"screenshots: {shots}")


async def test_member_sees_progress_is_refused_elsewhere_and_board(browser: Browser) -> None:
    web = browser.web
    sb = web.sb
    alice = sb.member("alice")
    await sb.slash(alice, "log", minutes=90, kind="coding", note="first notebook")
    await sb.slash(sb.member("bob"), "log", minutes=60, kind="course")
    await sb.slash(alice, "settings leaderboard", enabled=True)

    await browser.login("alice")
    assert "Study Lab" in await browser.text()
    await browser.shot("home-member")
    await browser.page.get_by_role("link", name="My progress").first.click()
    assert "first notebook" in await browser.text()
    await browser.page.wait_for_load_state("networkidle")
    await browser.shot("my-progress")

    refused = await browser.open(f"/g/{web.guild_id}/settings")
    assert refused.status == 403 and "for the server's moderators" in await browser.text()
    await browser.shot("refused-moderator-page")
    other = await browser.open(f"/g/{web.other.id}/overview")
    assert other.status == 404 and "Other Lab" not in await browser.page.content()

    await browser.login("morgan")
    await browser.open(f"/g/{web.guild_id}/settings")
    await browser.page.locator("#public-board input[name=enabled]").check()
    await browser.page.locator("#public-board button").click()
    assert "The public board is on." in await browser.text()

    await browser.page.context.clear_cookies()  # the board needs no login
    board = await browser.open(f"/board/{web.guild_id}")
    assert board.status == 200
    shown = await browser.text()
    assert "alice" in shown and "bob" not in shown and "morgan" not in shown
    await browser.shot("public-board")


async def test_moderator_uploads_a_broken_pack_fixes_it_and_rolls_back(browser: Browser) -> None:
    web = browser.web
    g = web.guild_id
    page = browser.page
    await browser.login("morgan")

    async def upload(data: bytes) -> None:
        await browser.open(f"/g/{g}/content")
        await page.set_input_files(
            "input[name=pack]",
            files=[{"name": "kaggle-club.yaml", "mimeType": "application/yaml", "buffer": data}],
        )
        await page.get_by_role("button", name="Check and preview").click()

    await upload(V1)
    await browser.shot("upload-preview")
    await page.get_by_role("button", name="Confirm and use it").click()
    assert "1.0.0 is stored and in use" in await browser.text()

    await upload(BROKEN)
    line = line_of(BROKEN, b"difficulty: 9")
    row = page.locator(f"tr#L{line}.has-problem")
    await row.wait_for()
    assert "difficulty" in await row.locator("td.problem").inner_text()
    assert "difficulty: 9" in await row.locator("td.code").inner_text()
    await row.scroll_into_view_if_needed()
    await browser.shot("upload-errors")

    await upload(V11)  # fixed
    await page.get_by_role("button", name="Confirm and use it").click()
    assert "1.1.0 is stored and in use" in await browser.text()
    await page.get_by_role("button", name="Show side by side").click()
    assert "Your 5-fold cross-validation score" in await browser.text()
    await browser.shot("pack-diff")

    await browser.open(f"/g/{g}/content/kaggle-club")
    await page.locator("select[name=version]").select_option("1.0.0")
    await page.get_by_role("button", name="Roll back").click()
    assert "rolled back from 1.1.0 to 1.0.0" in await browser.text()
    await browser.shot("pack-versions")

    await browser.open(f"/g/{g}/content")
    await browser.shot("content")
    await browser.open(f"/g/{g}/overview")
    await browser.shot("overview")
    await browser.open(f"/g/{g}/settings")
    await browser.shot("settings")


async def test_a_forged_csrf_token_is_refused_in_the_browser(browser: Browser) -> None:
    web = browser.web
    page = browser.page
    await browser.login("morgan")
    await browser.open(f"/g/{web.guild_id}/settings")
    form = page.locator("#streak form")
    await form.locator("input[name=minutes]").fill("30")
    await form.locator("input[name=csrf]").evaluate("input => { input.value = 'forged' }")
    await form.get_by_role("button", name="Save").click()
    assert "nothing was changed" in await browser.text()
    await browser.shot("csrf-refused")
    assert await web.bot().services.daily.study_minutes(web.guild_id) == 15
