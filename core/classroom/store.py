"""Where a class lives, outside any one Streamlit process: SQLite by default, Redis when the host
sets `LATENT_LAB_REDIS_URL` (so that several replicas share their classes).

A class is one document (the instructor's page, model and experiment state, a version that
counts the instructor's changes, which questions are revealed, whether it ended), its members'
nicknames, and one answer per member per question. Only the instructor's secret changes the
document; the join code only joins and answers. Everything of a class expires `ttl` seconds after
it started (`DEFAULT_TTL`, 4 hours, or `LATENT_LAB_CLASS_HOURS`).

Both stores raise `Unavailable` when their database cannot be reached (the app then says the
class is paused and the lessons go on), `UnknownClass` for a code that is wrong, expired or
ended, `NotAllowed` for a wrong secret and `Closed` for an answer after the reveal.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

REDIS_ENV, DB_ENV = "LATENT_LAB_REDIS_URL", "LATENT_LAB_CLASS_DB"
HOURS_ENV = "LATENT_LAB_CLASS_HOURS"
DEFAULT_TTL = 4 * 3600
# 31 symbols: digits and capitals without 0, O, 1, I and L, which read alike on a projector.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 6               # 31^6 = 887,503,681 codes
MAX_MEMBERS = 500             # a class this large is a mistake or an attack
NICKNAME_LENGTH = 24


class Unavailable(RuntimeError):
    """The store cannot be reached: the class pauses, the lessons go on."""


class UnknownClass(LookupError):
    """No class has this code: mistyped, expired or ended."""


class NotAllowed(PermissionError):
    """The secret does not drive this class."""


class Closed(RuntimeError):
    """The question was revealed, or the class is full: the answer or join is refused."""


@dataclass(frozen=True)
class ClassState:
    """What every member of a class follows. `version` counts the instructor's changes."""

    code: str
    page: str = "Home.py"
    model: dict[str, Any] = field(default_factory=dict)    # {"kind", "latent", "beta"}
    shared: dict[str, Any] = field(default_factory=dict)   # a lesson's experiment state
    revealed: dict[str, Any] = field(default_factory=dict)  # question id -> measured, at reveal
    ended: bool = False
    version: int = 0
    started: float = 0.0
    expires: float = 0.0

    def to_json(self) -> str:
        return json.dumps({k: v for k, v in asdict(self).items() if k not in ("code", "version")})

    @classmethod
    def from_json(cls, code: str, version: int, text: str) -> ClassState:
        return cls(code=code, version=version, **json.loads(text))


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: str) -> str:
    """A typed code as stored: capitals, without spaces or dashes ("ab3-k7q" -> "AB3K7Q")."""
    return "".join(c for c in text.upper() if c.isalnum())


def looks_like_code(code: str) -> bool:
    return len(code) == CODE_LENGTH and all(c in ALPHABET for c in code)


def new_secret() -> str:
    return secrets.token_urlsafe(16)  # 128 bits


def secret_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def allowed(secret: str, stored: str) -> bool:
    """Whether `secret` is the one whose digest is `stored` (in constant time)."""
    return hmac.compare_digest(secret_digest(secret), stored)


def clean_nickname(text: str) -> str:
    """At most 24 printable characters, trimmed; the app shows it as text, never as markup."""
    return "".join(c for c in text if c.isprintable()).strip()[:NICKNAME_LENGTH]


def ttl_seconds() -> int:
    try:
        hours = float(os.environ.get(HOURS_ENV, ""))
    except ValueError:
        return DEFAULT_TTL
    return int(hours * 3600) if 0 < hours <= 48 else DEFAULT_TTL


class Store(Protocol):
    name: str

    def create(self, ttl: int = DEFAULT_TTL) -> tuple[str, str]:
        """A new class: (join code, instructor's secret)."""
        ...

    def get(self, code: str) -> ClassState: ...

    def steer(self, code: str, secret: str,
              change: Callable[[ClassState], ClassState]) -> ClassState:
        """Apply `change` to the class document; the version rises only if it changed."""
        ...

    def join(self, code: str, seat: str, nickname: str) -> None: ...

    def members(self, code: str) -> dict[str, str]: ...

    def answer(self, code: str, seat: str, question: str, value: Any) -> None: ...

    def answers(self, code: str, question: str) -> dict[str, Any]: ...

    def forget(self, code: str) -> None: ...

    def ping(self) -> None: ...


def check_open(state: ClassState, question: str | None = None) -> None:
    if state.ended:
        raise UnknownClass(state.code)
    if question is not None and question in state.revealed:
        raise Closed("The answers to this question were revealed: it takes no more answers.")


def default_db() -> Path:
    """$LATENT_LAB_CLASS_DB, else ~/.cache/latent-lab/classes.sqlite3 (beside the MNIST copy)."""
    if os.environ.get(DB_ENV):
        return Path(os.environ[DB_ENV]).expanduser()
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    return cache / "latent-lab" / "classes.sqlite3"


def open_store() -> Store:
    """Redis at $LATENT_LAB_REDIS_URL if set, else SQLite at `default_db()`."""
    url = os.environ.get(REDIS_ENV, "").strip()
    if url:
        from core.classroom.redis_store import RedisStore

        return RedisStore(url)
    from core.classroom.sqlite_store import SqliteStore

    return SqliteStore(default_db())


def reveal(store: Store, code: str, secret: str, question: str,
           measured: dict[str, Any]) -> ClassState:
    """Close `question` to answers and keep what the experiment measured beside it."""
    return store.steer(code, secret, lambda s: replace(
        s, revealed={**s.revealed, question: measured}))


def end(store: Store, code: str, secret: str) -> ClassState:
    """End the class: its code stops working at once, and its members and answers are deleted."""
    state = store.steer(code, secret, lambda s: replace(s, ended=True))
    store.forget(code)
    return state
