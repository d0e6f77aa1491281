"""Content packs for moderators, through the same content service as `/content`: the list,
a pack's versions, two versions side by side, upload (preview, then confirm) with each
problem shown beside its line, enable/disable, roll back and export."""

from __future__ import annotations

from urllib.parse import quote

from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.catalog import MAX_PACK_BYTES
from bot.content.rules import PackRefusal
from bot.core.errors import UserFacingError
from bot.web.access import GuildAccess, context_of, guild_access
from bot.web.render import checked_form, page, text_field
from bot.web.textdiff import annotate, side_by_side

NOTICE_KEY = "notice"


def _pack_id(request: Request) -> str:
    return str(request.path_params["pack_id"])[:64]


def _back(
    access: GuildAccess, notice: str, request: Request, pack_id: str | None = None
) -> Response:
    request.session[NOTICE_KEY] = notice
    path = f"/g/{access.guild_id}/content"
    if pack_id is not None:
        path += f"/{quote(pack_id, safe='')}"
    return RedirectResponse(path, status_code=303)


async def content_list(
    request: Request, *, error: str | None = None, status: int = 200
) -> Response:
    """GET /g/{guild_id}/content: built-in packs, then the server's own."""
    access = await guild_access(request, moderator=True)
    packs = await context_of(request).services.content.list_packs(access.guild_id)
    return page(
        request,
        "content.html",
        access=access,
        packs=packs,
        max_kib=MAX_PACK_BYTES // 1024,
        error=error,
        status=status,
        notice=request.session.pop(NOTICE_KEY, None),
    )


async def pack_detail(request: Request, *, error: str | None = None, status: int = 200) -> Response:
    """GET /g/{guild_id}/content/{pack_id}: header, counts, versions and the actions."""
    access = await guild_access(request, moderator=True)
    try:
        details = await context_of(request).services.content.show_pack(
            access.guild_id, _pack_id(request)
        )
    except UserFacingError:
        raise HTTPException(404, "This server has no such pack.") from None
    return page(
        request,
        "pack.html",
        access=access,
        details=details,
        error=error,
        status=status,
        notice=request.session.pop(NOTICE_KEY, None),
    )


async def pack_diff(request: Request) -> Response:
    """GET /g/{guild_id}/content/{pack_id}/diff?a=…&b=…: two stored versions side by side."""
    access = await guild_access(request, moderator=True)
    content = context_of(request).services.content
    pack_id = _pack_id(request)
    old_version = request.query_params.get("a", "")[:64]
    new_version = request.query_params.get("b", "")[:64]
    try:
        old = await content.export(access.guild_id, pack_id, old_version or None)
        new = await content.export(access.guild_id, pack_id, new_version or None)
    except UserFacingError as error:
        return await pack_detail(request, error=error.message, status=404)
    rows = side_by_side(
        old.data.decode("utf-8", "replace").splitlines(),
        new.data.decode("utf-8", "replace").splitlines(),
    )
    return page(request, "diff.html", access=access, pack_id=pack_id, old=old, new=new, rows=rows)


async def upload(request: Request) -> Response:
    """POST /g/{guild_id}/content/upload: validate and preview (nothing stored yet)."""
    access = await guild_access(request, moderator=True)
    form = await checked_form(request)
    file = form.get("pack")
    if not isinstance(file, UploadFile) or not file.filename:
        return await content_list(request, error="Choose a .yaml pack file to upload.", status=400)
    data = await file.read(MAX_PACK_BYTES + 1)
    content = context_of(request).services.content
    try:
        preview = await content.preview_upload(
            access.guild_id, access.viewer.user_id, file.filename, data
        )
    except PackRefusal as refused:
        lines, placeless = annotate(data.decode("utf-8", "replace"), refused.issues)
        return page(
            request,
            "upload_errors.html",
            access=access,
            status=400,
            filename=file.filename,
            heading=refused.heading,
            lines=lines,
            placeless=placeless,
            problems=len(refused.issues),
        )
    except UserFacingError as error:
        return await content_list(request, error=error.message, status=400)
    return page(request, "upload_preview.html", access=access, preview=preview)


async def confirm(request: Request) -> Response:
    """POST /g/{guild_id}/content/confirm: store the previewed upload, or cancel it."""
    access = await guild_access(request, moderator=True)
    form = await checked_form(request)
    token = text_field(form, "token", 64)
    content = context_of(request).services.content
    try:
        if form.get("action") == "cancel":
            pack_id = await content.cancel_upload(access.guild_id, access.viewer.user_id, token)
            return _back(access, f"Upload of {pack_id} cancelled; nothing was stored.", request)
        result = await content.confirm_upload(access.guild_id, access.viewer.user_id, token)
    except UserFacingError as error:
        return await content_list(request, error=error.message, status=400)
    return _back(
        access,
        f"{result.pack_id} {result.version} is stored and in use.",
        request,
        result.pack_id,
    )


async def toggle(request: Request) -> Response:
    """POST /g/{guild_id}/content/{pack_id}/toggle: enable or disable for this server."""
    access = await guild_access(request, moderator=True)
    form = await checked_form(request)
    enabled = form.get("enabled") == "1"
    pack_id = _pack_id(request)
    try:
        result = await context_of(request).services.content.set_enabled(
            access.guild_id, access.viewer.user_id, pack_id, enabled
        )
    except UserFacingError as error:
        return await pack_detail(request, error=error.message, status=400)
    state = "enabled" if result.enabled else "disabled"
    verb = state if result.changed else f"already {state}"
    return _back(access, f"{pack_id} {verb}.", request, pack_id)


async def rollback(request: Request) -> Response:
    """POST /g/{guild_id}/content/{pack_id}/rollback: make an earlier version current."""
    access = await guild_access(request, moderator=True)
    form = await checked_form(request)
    pack_id = _pack_id(request)
    version = text_field(form, "version", 64) or None
    try:
        result = await context_of(request).services.content.rollback(
            access.guild_id, access.viewer.user_id, pack_id, version
        )
    except UserFacingError as error:
        return await pack_detail(request, error=error.message, status=400)
    return _back(
        access,
        f"{pack_id} rolled back from {result.from_version} to {result.to_version}.",
        request,
        pack_id,
    )


async def export(request: Request) -> Response:
    """GET /g/{guild_id}/content/{pack_id}/export?version=…: the YAML, byte for byte."""
    access = await guild_access(request, moderator=True)
    version = request.query_params.get("version", "")[:64] or None
    try:
        exported = await context_of(request).services.content.export(
            access.guild_id, _pack_id(request), version
        )
    except UserFacingError as error:
        return await pack_detail(request, error=error.message, status=404)
    return Response(
        exported.data,
        media_type="application/yaml",
        headers={"Content-Disposition": f'attachment; filename="{quote(exported.filename)}"'},
    )
