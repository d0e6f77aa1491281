"""Errors whose message is written for the member who caused them.

Services raise these for bad input; the command tree's error handler shows the message
ephemerally as it is, so the text must be safe and helpful on its own.
"""


class UserFacingError(Exception):
    """A refusal the member should read: the message says what is wrong and what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFoundError(UserFacingError):
    """Something the member named does not exist (or is not theirs)."""


def quoted(text: str, limit: int = 40) -> str:
    """Member text inside a refusal: inline code, shortened, unable to break the quoting."""
    # Backticks cannot close the quoting, a zero-width space keeps "@everyone" inert.
    inner = (text or "").replace("`", "ʼ").replace("@", "@\u200b").replace("\n", " ").strip()
    if len(inner) > limit:
        inner = inner[: limit - 1] + "…"
    return f"`{inner or ' '}`"
