"""The one place that knows a record changed: it writes the audit entry and announces the change.

Every write path (mutations, imports) calls ``record`` inside the write's own transaction, so the audit
entry and the announcement commit or roll back with the write. On PostgreSQL the announcement is a
``NOTIFY realign_changes`` (delivered to every replica on commit — the seam for subscriptions); SQLite has
no cross-process channel, so there it is only the audit row.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, insert, text

from api.models import utcnow
from api.tables import AUDIT_ENTRY

CHANNEL = "realign_changes"


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
    if conn.dialect.name == "postgresql":
        payload = json.dumps({"action": action, "type": kind, "id": record_id, "slug": slug, "at": now.isoformat()})
        conn.execute(text("SELECT pg_notify(:channel, :payload)"), {"channel": CHANNEL, "payload": payload})
