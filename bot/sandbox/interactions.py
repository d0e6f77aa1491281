"""Interaction routes: the callback (one per interaction), followups, and the interaction
webhook's messages (``@original`` and followups).

As on Discord, the first followup after a "thinking" defer (type 5) replaces the loading
message instead of posting a new one.
"""

from __future__ import annotations

from typing import Any

from bot.sandbox.api import ApiError, unknown_channel, unknown_message, validate_message
from bot.sandbox.models import EPHEMERAL, JSON, LOADING, FakeMessage, InteractionRecord
from bot.sandbox.rest import Request, Routes


def unknown_webhook() -> ApiError:
    return ApiError(404, 10015, "Unknown Webhook")


class InteractionRoutes(Routes):
    """``/interactions/{id}/{token}/callback`` and ``/webhooks/{application id}/{token}``."""

    def interaction(self, token: str) -> InteractionRecord:
        rec = self.world.tokens.get(token)
        if rec is None:
            raise unknown_webhook()
        return rec

    def webhook_message(self, rec: InteractionRecord, mid: str) -> FakeMessage:
        """``@original`` or a followup of ``rec``; any other message is unknown here."""
        messages = self.world.messages
        if mid == "@original":
            if rec.original_message_id is None:
                raise unknown_message()
            msg = messages[rec.original_message_id]
        else:
            try:
                msg = messages[int(mid)]
            except (KeyError, ValueError):
                raise unknown_message() from None
            if msg.id != rec.original_message_id and msg.id not in rec.followup_ids:
                raise unknown_message()
        if msg.deleted:
            raise unknown_message()
        return msg

    async def callback(self, req: Request) -> Any:
        """The one answer an interaction gets: 4 message, 5 deferred message, 6 deferred
        update, 7 update, 8 autocomplete choices, 9 modal."""
        world = self.world
        rec = world.tokens.get(req.params["token"])
        if rec is None or str(rec.id) != req.params["interaction_id"]:
            raise ApiError(404, 10062, "Unknown interaction")
        if rec.response_type is not None:
            raise ApiError(400, 40060, "Interaction has already been acknowledged.")
        body = dict(req.json or {})
        rtype = int(body["type"])
        data = dict(body.get("data") or {})
        ch = world.channels[rec.channel_id]
        message: FakeMessage | None = None
        if rtype == 4:
            validate_message(data, req.files, creating=True)
            flags = int(data.get("flags") or 0)
            message = await world.create_message(
                ch, world.bot_user, data, req.files, interaction=rec, flags=flags & EPHEMERAL
            )
            rec.original_message_id = message.id
        elif rtype == 5:
            flags = (int(data.get("flags") or 0) & EPHEMERAL) | LOADING
            message = await world.create_message(
                ch, world.bot_user, {}, [], interaction=rec, flags=flags
            )
            rec.original_message_id = message.id
        elif rtype in (6, 7):
            if rec.message_id is None:
                raise ApiError(400, 40004, "Interaction has no message to update")
            message = world.messages[rec.message_id]
            rec.original_message_id = message.id
            if rtype == 7:
                await world.edit_message(message, data, req.files)
        elif rtype == 8:
            rec.choices = list(data.get("choices") or [])
        elif rtype == 9:
            rec.modal = data
        else:
            raise ApiError(400, 50035, f"Invalid Form Body: unsupported callback type {rtype}")
        rec.response_type = rtype
        rec.events.append(f"callback:{rtype}")
        session = world.events.session_for(rec.guild_id)
        if session is not None and 0 < rec.seq <= session.seq:
            session.acked = max(session.acked, rec.seq)
        world.events.notify()
        result: JSON = {
            "interaction": {
                "id": str(rec.id),
                "type": rec.type,
                "response_message_id": str(message.id) if message else None,
                "response_message_loading": rtype == 5,
                "response_message_ephemeral": bool(message and message.ephemeral),
                "activity_instance_id": None,
            }
        }
        if message is not None:
            result["resource"] = {"type": rtype, "message": message.payload(world.base_url)}
        return result

    async def followup(self, req: Request) -> Any:
        """A followup message, allowed once the interaction was answered."""
        world = self.world
        rec = self.interaction(req.params["token"])
        if rec.response_type is None:
            raise unknown_webhook()
        data = dict(req.json or {})
        validate_message(data, req.files, creating=True)
        original = world.messages.get(rec.original_message_id or 0)
        if rec.response_type == 5 and original is not None and original.loading:
            # Discord: the first followup after a "thinking" defer replaces the loading message.
            await world.edit_message(original, {**data, "flags": 0}, req.files)
            original.flags &= ~LOADING
            msg = original
        else:
            ch = world.channels[rec.channel_id]
            if ch.deleted:
                raise unknown_channel()
            flags = int(data.get("flags") or 0) & EPHEMERAL
            msg = await world.create_message(
                ch, world.bot_user, data, req.files, interaction=rec, flags=flags
            )
            rec.followup_ids.append(msg.id)
        rec.events.append("followup")
        world.events.notify()
        if req.query.get("wait") in ("1", "true", "True"):
            return msg.payload(world.base_url)
        return None

    async def get_message(self, req: Request) -> Any:
        rec = self.interaction(req.params["token"])
        msg = self.webhook_message(rec, req.params["message_id"])
        return msg.payload(self.world.base_url)

    async def edit_message(self, req: Request) -> Any:
        rec = self.interaction(req.params["token"])
        msg = self.webhook_message(rec, req.params["message_id"])
        data = dict(req.json or {})
        was_loading = msg.loading
        await self.world.edit_message(msg, data, req.files)
        if was_loading:
            msg.flags &= ~LOADING
        rec.events.append(f"edit:{req.params['message_id']}")
        self.world.events.notify()
        return msg.payload(self.world.base_url)

    async def delete_message(self, req: Request) -> Any:
        rec = self.interaction(req.params["token"])
        msg = self.webhook_message(rec, req.params["message_id"])
        await self.world.delete_message(msg)
        rec.events.append(f"delete:{req.params['message_id']}")
        return None
