"""The interaction data a member's action produces, built from what the bot sent: the synced
command JSON for slash commands and autocomplete, the modal for a submission.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from bot.sandbox.models import JSON

#: Turns one option value into what Discord sends, adding to the ``resolved`` data:
#: ``option_value(schema, value, resolved)``.
OptionValue = Callable[[JSON, Any, JSON], Any]

OPTION_TYPES = {
    1: "sub_command",
    2: "sub_command_group",
    3: "string",
    4: "integer",
    5: "boolean",
    6: "user",
    7: "channel",
    8: "role",
    9: "mentionable",
    10: "number",
    11: "attachment",
}


class OptionRefused(ValueError):
    """Discord's client refused to send a command: an option value is outside the range or
    length the command declared (``min_value``/``max_value``, ``min_length``/``max_length``).
    The bot never sees the command, as on Discord."""

    def __init__(self, option: str, rule: str) -> None:
        super().__init__(f"option {option}: {rule}")
        self.option = option
        self.rule = rule


def check_bounds(schema: JSON, value: Any) -> None:
    """Refuse ``value`` as Discord's client does when it breaks the option's declared bounds:
    numbers against ``min_value``/``max_value``, text against ``min_length``/``max_length``."""
    name = schema["name"]
    low, high = schema.get("min_value"), schema.get("max_value")
    number = schema["type"] in (4, 10) and isinstance(value, int | float)
    if number and ((low is not None and value < low) or (high is not None and value > high)):
        if low is not None and high is not None:
            raise OptionRefused(name, f"the value must be between {low} and {high}")
        if low is not None:
            raise OptionRefused(name, f"the value must be at least {low}")
        raise OptionRefused(name, f"the value must be at most {high}")
    shortest, longest = schema.get("min_length"), schema.get("max_length")
    if schema["type"] == 3 and isinstance(value, str):
        if shortest is not None and len(value) < shortest:
            raise OptionRefused(name, f"the text must be at least {shortest} characters")
        if longest is not None and len(value) > longest:
            raise OptionRefused(name, f"the text must be at most {longest} characters")


def find_command(commands: list[JSON], path: str) -> tuple[JSON, list[str]]:
    """The synced chat-input command ``path`` starts with, and the sub-command names after it."""
    parts = path.strip().lstrip("/").split()
    if not parts:
        raise ValueError("empty command")
    for cmd in commands:
        if cmd["name"] == parts[0] and cmd.get("type", 1) == 1:
            return cmd, parts[1:]
    known = sorted({c["name"] for c in commands})
    raise LookupError(f"no synced command /{parts[0]}; synced: {known}")


def command_options(commands: list[JSON], path: str) -> list[JSON]:
    """The option schema of ``path`` (a leaf command like ``"settings timezone"``)."""
    cmd, rest = find_command(commands, path)
    options = cmd.get("options") or []
    for name in rest:
        sub = next(
            (o for o in options if o["name"] == name and o["type"] in (1, 2)),
            None,
        )
        if sub is None:
            raise LookupError(f"/{path}: no sub-command {name!r}")
        options = sub.get("options") or []
    if any(o["type"] in (1, 2) for o in options):
        subs = [o["name"] for o in options]
        raise LookupError(f"/{path} is a group; pick one of {subs}")
    return options


def command_data(
    commands: list[JSON],
    path: str,
    values: Mapping[str, Any],
    option_value: OptionValue,
    *,
    focused: str | None = None,
) -> JSON:
    """The data of an APPLICATION_COMMAND (or, with ``focused``, autocomplete) interaction
    invoking ``path`` with ``values``; ``option_value`` turns a value into what Discord sends
    (and adds resolved users, channels...)."""
    cmd, rest = find_command(commands, path)
    schema = command_options(commands, path)
    by_name = {o["name"]: o for o in schema}
    given: dict[str, Any] = {}
    for key, value in values.items():
        name = key if key in by_name else key.replace("_", "-")
        if name not in by_name:
            raise ValueError(f"/{path}: unknown option {key!r}; options: {list(by_name)}")
        given[name] = value
    resolved: JSON = {}
    leaf: list[JSON] = []
    for o in schema:
        if o["name"] not in given:
            if o.get("required") and focused is None:
                raise ValueError(f"/{path}: option {o['name']!r} is required")
            continue
        if o["name"] == focused:
            leaf.append(
                {
                    "name": o["name"],
                    "type": o["type"],
                    "value": given[o["name"]],
                    "focused": True,
                }
            )
            continue
        value = option_value(o, given[o["name"]], resolved)
        if focused is None:  # Discord checks the bounds when the member presses Enter
            check_bounds(o, value)
        leaf.append({"name": o["name"], "type": o["type"], "value": value})
    options = leaf
    # wrap in sub-command (group) levels, innermost first
    schema_level = cmd.get("options") or []
    chain: list[JSON] = []
    for name in rest:
        sub = next(o for o in schema_level if o["name"] == name and o["type"] in (1, 2))
        chain.append(sub)
        schema_level = sub.get("options") or []
    for sub in reversed(chain):
        options = [{"name": sub["name"], "type": sub["type"], "options": options}]
    data: JSON = {"id": cmd["id"], "name": cmd["name"], "type": 1, "options": options}
    if cmd.get("guild_id"):
        data["guild_id"] = cmd["guild_id"]
    if resolved:
        data["resolved"] = resolved
    return data


def modal_components(modal: JSON, values: Mapping[str, Any]) -> list[JSON]:
    """The components of a submission of ``modal``: ``values`` by field label or custom_id,
    the fields' own values for the rest (a required empty text field is an error)."""
    remaining = dict(values)

    def take(comp: JSON, label: str | None) -> JSON | None:
        cid = comp.get("custom_id")
        for key in (label, comp.get("label"), cid):
            if key is not None and key in remaining:
                value = remaining.pop(key)
                break
        else:
            value = comp.get("value")
            if comp.get("required", True) and comp.get("type") == 4 and not value:
                raise ValueError(f"modal field {label or comp.get('label') or cid!r} is required")
        if comp.get("type") == 4:
            return {"type": 4, "custom_id": cid, "value": "" if value is None else str(value)}
        if comp.get("type") in (3, 5, 6, 7, 8):
            vals = [] if value is None else ([value] if isinstance(value, str) else value)
            return {"type": comp["type"], "custom_id": cid, "values": [str(v) for v in vals]}
        return None

    submitted: list[JSON] = []
    for comp in modal.get("components", []):
        if comp.get("type") == 1:
            inner = [x for c in comp.get("components", []) if (x := take(c, None))]
            submitted.append({"type": 1, "components": inner})
        elif comp.get("type") == 18:
            x = take(comp["component"], comp.get("label"))
            if x is not None:
                submitted.append({"type": 18, "component": x})
    if remaining:
        raise ValueError(f"modal has no fields {list(remaining)}")
    return submitted


_TYPE_NAMES = {
    3: "text",
    4: "integer",
    5: "true|false",
    6: "member",
    7: "#channel",
    8: "role",
    9: "member",
    10: "number",
    11: "file",
}


def _leaves(path: str, options: list[JSON]) -> list[tuple[str, list[JSON]]]:
    subs = [o for o in options if o.get("type") in (1, 2)]
    if not subs:
        return [(path, options)]
    out: list[tuple[str, list[JSON]]] = []
    for sub in subs:
        out += _leaves(f"{path} {sub['name']}", sub.get("options") or [])
    return out


def command_usage(commands: list[JSON]) -> list[str]:
    """One line per command a member can run, from the synced JSON (the REPL's `help`):
    `/path option:<type> optional:<type>?`."""
    lines = []
    for cmd in sorted(commands, key=lambda c: c["name"]):
        for path, options in _leaves(cmd["name"], cmd.get("options") or []):
            opts = " ".join(
                f"{o['name']}:<{_TYPE_NAMES.get(o['type'], '?')}>"
                + ("" if o.get("required") else "?")
                for o in options
            )
            lines.append(f"/{path} {opts}".rstrip())
    return lines
