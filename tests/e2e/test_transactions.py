"""How many transactions a command opens, and whether a read opens a write transaction.

Counted on the bot's own engine while the command runs through the fake Discord (and until
the bot is idle again, so the inbox delivery after every command reply is included):

- every transaction: SQLAlchemy's `begin` event on the sync engine (it fires for
  `store.begin()` and for the first statement on a `store.connect()` connection alike);
- how each one was opened: `Store.begin` and `Store.connect` of the bot's store are wrapped
  (instance attributes, nothing global), recording the caller's file:line;
- whether it wrote: `before_cursor_execute` marks the transaction whose statement is an
  INSERT, UPDATE or DELETE.

"A read opens no write transaction" is checked both ways: no transaction opened with
`store.begin()` by the command itself, and no INSERT/UPDATE/DELETE at all. The first catches
a read path that holds SQLite's write lock for nothing; the second catches a read that writes
as a side effect. The inbox delivery after each reply (`on_app_command_completion`, which
takes the member's pending inbox items in one transaction) is the bot's, not the command's:
it is recorded, counted in the totals, and told apart by its stack.
"""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any, Literal

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.core.store import Store
from bot.sandbox import Reply, Sandbox
from tests.e2e.conftest import bot_of

ROOT = Path(__file__).resolve().parents[2]
SKIPPED_FILES = {
    str(Path(__file__).resolve()),
    str(ROOT / "bot" / "core" / "store" / "engine.py"),
}
WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")
AFTER_COMMAND = "on_app_command_completion"  # bot/studybot.py: the inbox delivery


@dataclass
class Opened:
    """One `store.begin()` or `store.connect()` block."""

    how: Literal["begin", "connect"]
    caller: str  # file:line in the bot that opened it
    after_command: bool  # opened by the inbox delivery that follows every reply
    statements: list[str] = field(default_factory=list)

    @property
    def wrote(self) -> bool:
        return any(s.lstrip().upper().startswith(WRITES) for s in self.statements)

    def __repr__(self) -> str:
        return f"{self.how} at {self.caller} ({len(self.statements)} statements)"


@dataclass
class Transactions:
    engine_begins: int = 0  # every transaction on the engine, however it was opened
    opened: list[Opened] = field(default_factory=list)
    statements: int = 0

    def reset(self) -> None:
        self.engine_begins = 0
        self.statements = 0
        self.opened.clear()

    @property
    def command(self) -> list[Opened]:
        """What the command itself opened (not the inbox delivery after its reply)."""
        return [o for o in self.opened if not o.after_command]

    @property
    def write_blocks(self) -> list[Opened]:
        """Blocks the command opened with `store.begin()`."""
        return [o for o in self.command if o.how == "begin"]

    @property
    def writing(self) -> list[Opened]:
        """Blocks (the command's or not) that ran an INSERT, UPDATE or DELETE."""
        return [o for o in self.opened if o.wrote]


def _caller() -> tuple[str, bool]:
    frame: FrameType | None = sys._getframe(2)
    caller = ""
    after = False
    while frame is not None:
        filename = frame.f_code.co_filename
        if not caller and filename.startswith(str(ROOT)) and filename not in SKIPPED_FILES:
            caller = f"{Path(filename).relative_to(ROOT)}:{frame.f_lineno}"
        after = after or frame.f_code.co_name == AFTER_COMMAND
        frame = frame.f_back
    return caller or "?", after


@contextmanager
def counting(store: Store) -> Iterator[Transactions]:
    """Count the transactions of `store` while the block runs (see the module docstring)."""
    found = Transactions()
    current: dict[int, Opened] = {}  # id(sync connection) -> its open block

    def wrap(
        how: Literal["begin", "connect"],
        original: Callable[[], AbstractAsyncContextManager[AsyncConnection]],
    ) -> Callable[[], AbstractAsyncContextManager[AsyncConnection]]:
        @asynccontextmanager
        async def opened() -> AsyncIterator[AsyncConnection]:
            caller, after = _caller()
            block = Opened(how, caller, after)
            found.opened.append(block)
            async with original() as conn:
                key = id(conn.sync_connection)
                current[key] = block
                try:
                    yield conn
                finally:
                    current.pop(key, None)

        return opened

    def on_begin(conn: Connection) -> None:
        found.engine_begins += 1

    def on_execute(conn: Connection, cursor: Any, statement: str, *args: Any) -> None:
        found.statements += 1
        block = current.get(id(conn))
        if block is not None:
            block.statements.append(statement)
        elif statement.lstrip().upper().startswith(WRITES):  # not through the store
            found.opened.append(Opened("begin", "(engine)", False, [statement]))

    sync_engine = store.engine.sync_engine
    event.listen(sync_engine, "begin", on_begin)
    event.listen(sync_engine, "before_cursor_execute", on_execute)
    store.begin = wrap("begin", store.begin)  # type: ignore[method-assign]
    store.connect = wrap("connect", store.connect)  # type: ignore[method-assign]
    try:
        yield found
    finally:
        del store.begin, store.connect  # back to the class's methods
        event.remove(sync_engine, "begin", on_begin)
        event.remove(sync_engine, "before_cursor_execute", on_execute)


async def measure(
    sb: Sandbox, found: Transactions, command: Callable[[], Awaitable[Reply]]
) -> Reply:
    """Run one command from an idle bot until the bot is idle again, counting only it."""
    await sb.wait_idle()
    found.reset()
    reply = await command()
    await sb.wait_idle()
    return reply


@pytest.fixture
def transactions(sb: Sandbox) -> Iterator[Transactions]:
    with counting(bot_of(sb).store) as found:
        yield found


async def test_log_uses_at_most_three_transactions_and_one_write(
    sb: Sandbox, transactions: Transactions
) -> None:
    alice = sb.member("alice")
    await sb.slash(alice, "log", minutes=20, kind="reading")  # not the member's first write
    reply = await measure(
        sb, transactions, lambda: sb.slash(alice, "log", minutes=30, kind="coding")
    )
    assert "30 min" in reply.text
    assert transactions.engine_begins <= 3, transactions.opened
    assert len(transactions.write_blocks) == 1, transactions.write_blocks
    assert [o.wrote for o in transactions.write_blocks] == [True]
    assert len(transactions.writing) == 1, transactions.writing


async def test_a_members_first_log_is_no_dearer(sb: Sandbox, transactions: Transactions) -> None:
    alice = sb.member("alice")  # no member row yet: the write makes it
    reply = await measure(
        sb, transactions, lambda: sb.slash(alice, "log", minutes=30, kind="coding")
    )
    assert "30 min" in reply.text
    assert transactions.engine_begins <= 3, transactions.opened
    assert len(transactions.write_blocks) == 1, transactions.write_blocks


async def test_progress_opens_no_write_transaction(sb: Sandbox, transactions: Transactions) -> None:
    alice = sb.member("alice")
    await sb.slash(alice, "log", minutes=30, kind="coding")
    await sb.slash(alice, "goal", hours_per_week=5)
    reply = await measure(sb, transactions, lambda: sb.slash(alice, "progress"))
    assert "Your progress" in reply.all_text
    assert transactions.write_blocks == []
    assert transactions.writing == []


async def test_progress_of_another_member_opens_no_write_transaction(
    sb: Sandbox, transactions: Transactions
) -> None:
    alice, bob = sb.member("alice"), sb.member("bob")
    await sb.slash(alice, "settings profile", public=True)
    reply = await measure(sb, transactions, lambda: sb.slash(bob, "progress", member=alice))
    assert "alice — progress" in reply.all_text
    assert transactions.write_blocks == []
    assert transactions.writing == []


async def test_daily_today_opens_no_write_transaction_once_the_prompt_exists(
    sb: Sandbox, transactions: Transactions
) -> None:
    alice = sb.member("alice")
    await sb.slash(alice, "daily today")  # the first call chooses the day's prompt (a write)
    reply = await measure(sb, transactions, lambda: sb.slash(alice, "daily today"))
    assert "Done" in reply.buttons
    assert transactions.writing == []
    assert transactions.write_blocks == []


async def test_interview_practice_writes_only_where_it_records(
    sb: Sandbox, transactions: Transactions
) -> None:
    alice = sb.member("alice")
    reply = await measure(
        sb,
        transactions,
        lambda: sb.slash(alice, "interview practice", category="coding", difficulty=1),
    )
    assert "Interview practice" in reply.text
    assert all(o.wrote for o in transactions.write_blocks), transactions.write_blocks
    assert len(transactions.write_blocks) == 1, transactions.write_blocks


async def test_reading_commands_open_no_write_transaction(
    sb: Sandbox, transactions: Transactions
) -> None:
    alice = sb.member("alice")
    await sb.slash(alice, "log", minutes=30, kind="coding")
    for command, options in (
        ("history", {}),
        ("goal", {}),
        ("roadmap view", {}),
        ("leaderboard", {"board": "minutes"}),
        ("leaderboard", {"board": "streak"}),
        ("start", {}),
    ):
        await measure(sb, transactions, lambda c=command, o=options: sb.slash(alice, c, **o))
        assert transactions.write_blocks == [], command
        assert transactions.writing == [], command


async def test_an_empty_inbox_after_a_reply_costs_no_write_transaction(
    sb: Sandbox, transactions: Transactions
) -> None:
    """Every command reply is followed by a look at the member's inbox; when nothing waits
    (the usual case) that look only reads."""
    alice = sb.member("alice")
    await sb.slash(alice, "settings show")
    await measure(sb, transactions, lambda: sb.slash(alice, "daily streak"))
    after = [o for o in transactions.opened if o.after_command]
    assert after, transactions.opened  # the inbox look happened
    assert all(o.how == "connect" for o in after), after
