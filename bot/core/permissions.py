"""What the bot needs in each channel it posts to."""

from __future__ import annotations

from collections.abc import Mapping

# Every bot channel gets posts with embeds and a thread (daily discussion, weekly
# accountability, interview pairs).
CHANNEL_REQUIREMENTS: tuple[str, ...] = (
    "view_channel",
    "send_messages",
    "embed_links",
    "create_public_threads",
    "send_messages_in_threads",
)

PERMISSION_LABELS: dict[str, str] = {
    "view_channel": "View Channel",
    "send_messages": "Send Messages",
    "embed_links": "Embed Links",
    "create_public_threads": "Create Public Threads",
    "send_messages_in_threads": "Send Messages in Threads",
    "attach_files": "Attach Files",
}


def missing_permissions(
    granted: Mapping[str, bool], required: tuple[str, ...] = CHANNEL_REQUIREMENTS
) -> list[str]:
    """Human names of the required permissions that `granted` lacks, in a stable order."""
    return [PERMISSION_LABELS.get(name, name) for name in required if not granted.get(name, False)]


#: What the invite link asks for: exactly the list in the README ("Creating the Discord
#: application", step 3), as (discord.py's name, the name Discord's URL generator shows).
INVITE_PERMISSIONS: tuple[tuple[str, str], ...] = (
    ("view_channel", "View Channels"),
    ("send_messages", "Send Messages"),
    ("send_messages_in_threads", "Send Messages in Threads"),
    ("create_public_threads", "Create Public Threads"),
    ("embed_links", "Embed Links"),
    ("attach_files", "Attach Files"),
    ("read_message_history", "Read Message History"),
)

#: The OAuth2 scopes of the invite: the bot user and its slash commands.
INVITE_SCOPES: tuple[str, ...] = ("bot", "applications.commands")
