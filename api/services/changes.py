"""The one place that knows a record changed: it writes the audit entry and announces the change.

Every write path (mutations, imports) calls ``record`` (an import also ``record_written``) inside the write's own
transaction, so the audit entry and the announcement commit or roll back with the write. On PostgreSQL the
announcement is a ``NOTIFY realign_changes`` (delivered to every replica on commit — the seam for subscriptions);
SQLite has no cross-process channel, so there it is only the audit row (the in-process broker hears of the commit
through ``committed``).

Each write of a record also adds a row to the change log (``change_log``), which live subscriptions read and
resume from by its ``position``. Positions must grow in commit order, or a subscriber that has seen position N
could miss a transaction holding N-1 that commits a moment later (a sequence drawn during the write would not do:
two transactions take 7 and 8, and 8 commits first). So the database hands positions out at commit (migration
0007's deferred trigger, under an advisory lock held only from there to the end of the commit): writers run side
by side and queue only for their commit's last moment. SQLite has one writer at a time.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, insert, text

from api.models import utcnow
from api.tables import AUDIT_ENTRY, CHANGE_LOG

CHANNEL = "realign_changes"
# Called (in the event loop) after a write that logged changes has committed in this process: the in-process
# broker's wake-up (``api.live``).
COMMITTED: list[Callable[[], None]] = []


def record(
    conn: Connection,
    *,
    who: Any,
    action: str,
    kind: str,
    record_id: int | None,
    slug: str | None,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> None:
    """Audit one write and announce it, in the caller's transaction."""
    now = utcnow()
    conn.execute(
        insert(AUDIT_ENTRY).values(
            at=now,
            token_id=who.token_id,
            token_name=who.name,
            action=action,
            record_type=kind,
            record_id=record_id,
            record_slug=slug,
            before=before,
            after=after,
        )
    )
    if record_id is not None:
        conn.execute(insert(CHANGE_LOG).values(at=now, action=action, record_type=kind, record_id=record_id, slug=slug))
    if conn.dialect.name == "postgresql":
        # A wake-up, delivered at commit (the position is not known before then: a listener reads the log).
        _wake(conn, {"action": action, "type": kind, "id": record_id, "slug": slug, "at": now.isoformat()})


def record_written(conn: Connection, written: list[tuple[str, str, int, str]]) -> None:
    """Announce the records a bulk write created or updated (``records.write(..., track=True)``: an import), in the
    caller's transaction: a change-log row each, and one wake-up. Its audit entry is the caller's (one for the
    whole import)."""
    if not written:
        return
    now = utcnow()
    rows = [{"at": now, "action": a, "record_type": k, "record_id": i, "slug": s} for a, k, i, s in written]
    conn.execute(insert(CHANGE_LOG), rows)
    if conn.dialect.name == "postgresql":
        _wake(conn, {"action": "import", "count": len(rows), "at": now.isoformat()})


def _wake(conn: Connection, payload: dict[str, Any]) -> None:
    """``NOTIFY`` every replica's broker, delivered at commit (PostgreSQL): a small payload, for logs and tools;
    the broker reads what changed from the log."""
    conn.execute(text("SELECT pg_notify(:channel, :payload)"), {"channel": CHANNEL, "payload": json.dumps(payload)})


def committed() -> None:
    """Tell this process's listeners that a write has committed (a spurious call costs one read of the log)."""
    for listener in list(COMMITTED):
        listener()
