"""Content packs from the dashboard: the same content service as `/content`, and the change
feed keeping the bot's catalog in step with the dashboard's (and back)."""

from __future__ import annotations

import re

import httpx

from tests.web.conftest import WebRig
from tests.web.packs import BROKEN, V1, V11, line_of


def questions(web: WebRig) -> set[str]:
    return set(web.bot().services.catalog.for_guild(web.guild_id).questions)


async def upload(web: WebRig, data: bytes, name: str = "kaggle-club.yaml") -> httpx.Response:
    g = web.guild_id
    token = await web.csrf(f"/g/{g}/content")
    return await web.client.post(
        f"/g/{g}/content/upload",
        data={"csrf": token},
        files={"pack": (name, data, "application/yaml")},
    )


async def confirm(web: WebRig, preview: httpx.Response) -> httpx.Response:
    found = re.search(r'name="token" value="([0-9a-f]+)"', preview.text)
    assert found is not None, preview.text[:800]
    return await web.post(
        f"/g/{web.guild_id}/content/confirm",
        {"token": found.group(1), "action": "confirm"},
        page=f"/g/{web.guild_id}/content",
    )


async def test_a_broken_pack_is_refused_with_each_problem_beside_its_line(web: WebRig) -> None:
    await web.login(web.sb.member("morgan"))
    refused = await upload(web, BROKEN)
    assert refused.status_code == 400
    line = line_of(BROKEN, b"difficulty: 9")
    row = re.search(rf'<tr id="L{line}" class="has-problem">(.*?)</tr>', refused.text, re.S)
    assert row is not None, refused.text[:2000]
    assert "difficulty: 9" in row.group(1) and "difficulty" in row.group(1).split("⚠", 1)[1]
    assert refused.text.count('class="has-problem"') == 1
    assert "nothing was stored" in refused.text
    listing = await web.client.get(f"/g/{web.guild_id}/content")
    assert "kaggle-club" not in listing.text


async def test_upload_confirm_diff_rollback_and_export(web: WebRig) -> None:
    await web.login(web.sb.member("morgan"))
    g = web.guild_id
    preview = await upload(web, V1)
    assert preview.status_code == 200 and "Nothing is stored until you confirm" in preview.text
    assert "q-kaggle-leaky-cv" not in questions(web)
    done = await confirm(web, preview)
    assert done.status_code == 303 and done.headers["location"] == f"/g/{g}/content/kaggle-club"
    assert "1.0.0 is stored and in use" in (await web.client.get(done.headers["location"])).text

    # The bot is another process: it picks the change up from the feed.
    assert await web.bot().services.core.changes.poll() == 1
    assert "q-kaggle-leaky-cv" in questions(web)

    await confirm(web, await upload(web, V11))
    await web.bot().services.core.changes.poll()
    assert "q-kaggle-ensemble" in questions(web)

    diff = await web.client.get(f"/g/{g}/content/kaggle-club/diff?a=1.0.0&b=1.1.0")
    assert diff.status_code == 200
    assert '<tr class="changed">' in diff.text and '<tr class="added">' in diff.text
    assert "Your 5-fold cross-validation score" in diff.text

    back = await web.post(f"/g/{g}/content/kaggle-club/rollback", {"version": "1.0.0"})
    assert back.status_code == 303
    detail = await web.client.get(back.headers["location"])
    assert "rolled back from 1.1.0 to 1.0.0" in detail.text
    await web.bot().services.core.changes.poll()
    assert "q-kaggle-ensemble" not in questions(web)

    exported = await web.client.get(f"/g/{g}/content/kaggle-club/export?version=1.1.0")
    assert exported.status_code == 200 and exported.content == V11
    assert "attachment" in exported.headers["content-disposition"]


async def test_disable_and_enable_from_the_dashboard(web: WebRig) -> None:
    await web.login(web.sb.member("morgan"))
    g = web.guild_id
    await confirm(web, await upload(web, V1))
    off = await web.post(f"/g/{g}/content/kaggle-club/toggle", {"enabled": "0"})
    assert "kaggle-club disabled" in (await web.client.get(off.headers["location"])).text
    await web.bot().services.core.changes.poll()
    assert "q-kaggle-leaky-cv" not in questions(web)
    await web.post(f"/g/{g}/content/kaggle-club/toggle", {"enabled": "1"})
    await web.bot().services.core.changes.poll()
    assert "q-kaggle-leaky-cv" in questions(web)


async def test_an_upload_in_discord_shows_on_the_dashboard(web: WebRig) -> None:
    morgan = web.sb.member("morgan")
    preview = await web.sb.slash(morgan, "content upload", file=("kaggle-club.yaml", V1))
    await web.sb.click(morgan, preview, "Confirm")
    await web.login(morgan)
    page = await web.client.get(f"/g/{web.guild_id}/content/kaggle-club")
    assert page.status_code == 200 and "in use" in page.text


async def test_an_unknown_pack_and_version_are_plain_not_found(web: WebRig) -> None:
    await web.login(web.sb.member("morgan"))
    g = web.guild_id
    assert (await web.client.get(f"/g/{g}/content/no-such-pack")).status_code == 404
    await confirm(web, await upload(web, V1))
    missing = await web.client.get(f"/g/{g}/content/kaggle-club/diff?a=0.0.1&b=1.0.0")
    assert missing.status_code == 404 and "has no stored version" in missing.text
