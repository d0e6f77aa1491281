"""Rendering a page, and reading a form (with its CSRF token checked)."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from bot.catalog import MAX_PACK_BYTES
from bot.web.access import GuildAccess, context_of, viewer_of
from bot.web.security import CSRF_FIELD, csrf_ok, csrf_token

#: A request body may hold one pack plus the form around it.
MAX_BODY_BYTES = MAX_PACK_BYTES + 64 * 1024
CSRF_REFUSED = (
    "This form expired or was not sent from this dashboard, so nothing was changed. "
    "Reload the page and try again."
)


def page(
    request: Request,
    template: str,
    *,
    access: GuildAccess | None = None,
    status: int = 200,
    **values: Any,
) -> Response:
    """An HTML page: the template with the viewer, the guild access, the CSRF token."""
    ctx = context_of(request)
    context = {
        "viewer": viewer_of(request),
        "access": access,
        "csrf_field": CSRF_FIELD,
        "csrf": csrf_token(request.session),
        "error": None,
        "notice": None,
        **values,
    }
    return ctx.templates.TemplateResponse(request, template, context, status_code=status)


async def checked_form(request: Request) -> FormData:
    """The submitted form, refused (403, nothing changed) unless its CSRF token is the
    session's."""
    form = await request.form(max_files=1, max_fields=50, max_part_size=MAX_PACK_BYTES + 1)
    if not csrf_ok(request.session, form.get(CSRF_FIELD)):
        raise HTTPException(403, CSRF_REFUSED)
    return form


def text_field(form: FormData, name: str, limit: int = 200) -> str:
    """A text field, stripped; '' when missing or not text."""
    value = form.get(name)
    return value.strip()[:limit] if isinstance(value, str) else ""
