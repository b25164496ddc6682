"""API tokens: created with a role, shown once, stored only as a SHA-256 hash, revocable."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import Connection, Select, insert, select, update

from api.models import utcnow
from api.models.access import ROLES
from api.tables import API_TOKEN

PREFIX = "rlg_"
RANK = {"anonymous": 0, "reader": 1, "editor": 2, "admin": 3}


@dataclass(frozen=True)
class Principal:
    """Who is asking: a token's id, name and role, or anonymous."""

    token_id: int | None
    name: str
    role: str

    def allows(self, role: str) -> bool:
        """Whether this principal's role is at least ``role``."""
        return RANK[self.role] >= RANK[role]


ANONYMOUS = Principal(None, "anonymous", "anonymous")


def digest(token: str) -> str:
    """The stored form of a token."""
    return hashlib.sha256(token.encode()).hexdigest()


def create(conn: Connection, *, name: str, role: str) -> str:
    """Create a token and return it (the only time it is visible)."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    if not name.strip():
        raise ValueError("a token needs a name")
    if conn.execute(select(API_TOKEN.c.id).where(API_TOKEN.c.name == name)).first():
        raise ValueError(f"a token named {name!r} already exists")
    token = PREFIX + secrets.token_urlsafe(32)
    conn.execute(insert(API_TOKEN).values(name=name, role=role, token_hash=digest(token), created_at=utcnow()))
    return token


def revoke(conn: Connection, *, name: str) -> bool:
    """Revoke the token with this name; False if there is no such live token."""
    done = conn.execute(
        update(API_TOKEN).where(API_TOKEN.c.name == name, API_TOKEN.c.revoked_at.is_(None)).values(revoked_at=utcnow())
    )
    return done.rowcount == 1


@dataclass(frozen=True)
class Listed:
    """A token as ``realign token list`` shows it: never the token itself, which is not stored."""

    name: str
    role: str
    created_at: dt.datetime
    revoked_at: dt.datetime | None


def listing(conn: Connection) -> list[Listed]:
    """Every token's name, role, creation and revocation time."""
    rows = conn.execute(select(API_TOKEN.c.name, API_TOKEN.c.role, API_TOKEN.c.created_at, API_TOKEN.c.revoked_at))
    return [Listed(*row) for row in rows]


def lookup_statement(token: str) -> Select[int, str, str]:
    """The SELECT that finds a live token's principal: its id, name and role."""
    return select(API_TOKEN.c.id, API_TOKEN.c.name, API_TOKEN.c.role).where(
        API_TOKEN.c.token_hash == digest(token), API_TOKEN.c.revoked_at.is_(None)
    )
