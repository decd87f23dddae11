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
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

REDIS_ENV, DB_ENV, HOURS_ENV = "LATENT_LAB_REDIS_URL", "LATENT_LAB_CLASS_DB", "LATENT_LAB_CLASS_HOURS"
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


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _allowed(secret: str, digest: str) -> bool:
    return hmac.compare_digest(_digest(secret), digest)


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

    def steer(self, code: str, secret: str, change: Callable[[ClassState], ClassState]) -> ClassState:
        """Apply `change` to the class document; the version rises only if it changed."""
        ...

    def join(self, code: str, seat: str, nickname: str) -> None: ...

    def members(self, code: str) -> dict[str, str]: ...

    def answer(self, code: str, seat: str, question: str, value: Any) -> None: ...

    def answers(self, code: str, question: str) -> dict[str, Any]: ...

    def forget(self, code: str) -> None: ...

    def ping(self) -> None: ...


def _check_open(state: ClassState, question: str | None = None) -> None:
    if state.ended:
        raise UnknownClass(state.code)
    if question is not None and question in state.revealed:
        raise Closed("The answers to this question were revealed: it takes no more answers.")


# --- SQLite ---------------------------------------------------------------------------------

_SCHEMA = """
CREATE TABLE IF NOT EXISTS classes (code TEXT PRIMARY KEY, secret TEXT NOT NULL,
    doc TEXT NOT NULL, version INTEGER NOT NULL, expires REAL NOT NULL);
CREATE TABLE IF NOT EXISTS members (code TEXT NOT NULL, seat TEXT NOT NULL, nickname TEXT NOT NULL,
    PRIMARY KEY (code, seat));
CREATE TABLE IF NOT EXISTS answers (code TEXT NOT NULL, question TEXT NOT NULL,
    seat TEXT NOT NULL, value TEXT NOT NULL, at REAL NOT NULL, PRIMARY KEY (code, question, seat));
"""


def default_db() -> Path:
    """$LATENT_LAB_CLASS_DB, else ~/.cache/latent-lab/classes.sqlite3 (beside the MNIST copy)."""
    if os.environ.get(DB_ENV):
        return Path(os.environ[DB_ENV]).expanduser()
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    return cache / "latent-lab" / "classes.sqlite3"


class SqliteStore:
    """One SQLite file in WAL mode: readers never wait for the writer, and each of the server's
    threads gets its own connection (sqlite3 connections are not shared between threads)."""

    name = "SQLite"

    def __init__(self, path: Path | None = None) -> None:
        self.path = Path(path or default_db())
        self._local = threading.local()
        try:
            self._db().executescript(_SCHEMA)  # executescript commits by itself: no _write
        except sqlite3.Error as error:
            raise Unavailable(f"the class database cannot be set up ({type(error).__name__})") from None

    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(self.path, timeout=5.0, isolation_level=None)
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=NORMAL")  # WAL: durable at checkpoints, never corrupt
            except (OSError, sqlite3.Error) as error:
                raise Unavailable(f"the class database cannot be opened ({type(error).__name__})") from None
            self._local.db = db
        return db

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        db = self._db()
        try:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")
        except sqlite3.Error as error:
            raise Unavailable(f"the class database is not answering ({type(error).__name__})") from None

    def _read(self, sql: str, args: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        try:
            return self._db().execute(sql, args).fetchall()
        except sqlite3.Error as error:
            raise Unavailable(f"the class database is not answering ({type(error).__name__})") from None

    def create(self, ttl: int = DEFAULT_TTL) -> tuple[str, str]:
        now, secret = time.time(), new_secret()
        with self._write() as db:
            for table in ("answers", "members"):
                db.execute(f"DELETE FROM {table} WHERE code IN "  # noqa: S608 - fixed names
                           "(SELECT code FROM classes WHERE expires < ?)", (now,))
            db.execute("DELETE FROM classes WHERE expires < ?", (now,))
            while True:
                code = new_code()
                if not db.execute("SELECT 1 FROM classes WHERE code = ?", (code,)).fetchone():
                    break
            state = ClassState(code, started=now, expires=now + ttl)
            db.execute("INSERT INTO classes VALUES (?, ?, ?, 0, ?)",
                       (code, _digest(secret), state.to_json(), state.expires))
        return code, secret

    def _state(self, rows: list[tuple[Any, ...]], code: str) -> tuple[ClassState, str]:
        if not rows or rows[0][3] < time.time():
            raise UnknownClass(code)
        doc, version, secret, _ = rows[0]
        state = ClassState.from_json(code, version, doc)
        _check_open(state)
        return state, secret

    def get(self, code: str) -> ClassState:
        return self._state(self._read("SELECT doc, version, secret, expires FROM classes "
                                      "WHERE code = ?", (code,)), code)[0]

    def steer(self, code: str, secret: str,
              change: Callable[[ClassState], ClassState]) -> ClassState:
        with self._write() as db:
            state, digest = self._state(db.execute(
                "SELECT doc, version, secret, expires FROM classes WHERE code = ?", (code,))
                .fetchall(), code)
            if not _allowed(secret, digest):
                raise NotAllowed("This link does not drive the class.")
            new = change(state)
            if new.to_json() != state.to_json():
                new = replace(new, version=state.version + 1)
                db.execute("UPDATE classes SET doc = ?, version = ? WHERE code = ?",
                           (new.to_json(), new.version, code))
            return new

    def join(self, code: str, seat: str, nickname: str) -> None:
        with self._write() as db:
            self._state(db.execute("SELECT doc, version, secret, expires FROM classes "
                                   "WHERE code = ?", (code,)).fetchall(), code)
            known = db.execute("SELECT 1 FROM members WHERE code = ? AND seat = ?",
                               (code, seat)).fetchone()
            if not known and db.execute("SELECT COUNT(*) FROM members WHERE code = ?",
                                        (code,)).fetchone()[0] >= MAX_MEMBERS:
                raise Closed(f"The class is full ({MAX_MEMBERS} members).")
            db.execute("INSERT OR REPLACE INTO members VALUES (?, ?, ?)",
                       (code, seat, clean_nickname(nickname)))

    def members(self, code: str) -> dict[str, str]:
        return dict(self._read("SELECT seat, nickname FROM members WHERE code = ?", (code,)))

    def answer(self, code: str, seat: str, question: str, value: Any) -> None:
        with self._write() as db:
            state, _ = self._state(db.execute("SELECT doc, version, secret, expires FROM classes "
                                              "WHERE code = ?", (code,)).fetchall(), code)
            _check_open(state, question)
            if not db.execute("SELECT 1 FROM members WHERE code = ? AND seat = ?",
                              (code, seat)).fetchone():
                raise UnknownClass(code)
            db.execute("INSERT OR REPLACE INTO answers VALUES (?, ?, ?, ?, ?)",
                       (code, question, seat, json.dumps(value), time.time()))

    def answers(self, code: str, question: str) -> dict[str, Any]:
        return {seat: json.loads(value) for seat, value in self._read(
            "SELECT seat, value FROM answers WHERE code = ? AND question = ?", (code, question))}

    def forget(self, code: str) -> None:
        """Delete the members and answers of a class (the ended document stays until expiry)."""
        with self._write() as db:
            db.execute("DELETE FROM answers WHERE code = ?", (code,))
            db.execute("DELETE FROM members WHERE code = ?", (code,))

    def ping(self) -> None:
        self._read("SELECT 1", ())


# --- Redis ----------------------------------------------------------------------------------

class RedisStore:
    """The same class in Redis: a hash per class (secret, doc, version), one for its members
    and one per question's answers, all expiring with the class. The instructor's changes and
    the answers run in WATCH/MULTI transactions, so a reveal and a late answer cannot cross."""

    name = "Redis"

    def __init__(self, url: str) -> None:
        import redis  # only a host that sets LATENT_LAB_REDIS_URL needs the package

        self._errors = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)
        self._watch = redis.exceptions.WatchError
        # Short timeouts: a page waits at most ~1 s for a Redis that went away.
        self.db = redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=0.5,
                                       decode_responses=True)

    @staticmethod
    def _key(code: str, part: str = "") -> str:
        return f"latentlab:class:{code}{':' + part if part else ''}"

    @contextmanager
    def _reach(self) -> Iterator[None]:
        try:
            yield
        except self._errors as error:
            raise Unavailable(f"the class server is not answering ({type(error).__name__})") from None

    def _state(self, code: str, fields: dict[str, str | None]) -> tuple[ClassState, str]:
        if not fields.get("doc"):
            raise UnknownClass(code)
        state = ClassState.from_json(code, int(fields["version"] or 0), fields["doc"])
        _check_open(state)
        return state, fields["secret"] or ""

    def _fields(self, pipe: Any, code: str) -> dict[str, str | None]:
        return dict(zip(("doc", "version", "secret"),
                        pipe.hmget(self._key(code), "doc", "version", "secret")))

    def create(self, ttl: int = DEFAULT_TTL) -> tuple[str, str]:
        now, secret = time.time(), new_secret()
        with self._reach():
            while True:
                code = new_code()
                state = ClassState(code, started=now, expires=now + ttl)
                key = self._key(code)
                if self.db.hsetnx(key, "doc", state.to_json()):
                    break
            self.db.hset(key, mapping={"version": 0, "secret": _digest(secret)})
            self.db.expireat(key, int(state.expires))
        return code, secret

    def get(self, code: str) -> ClassState:
        with self._reach():
            return self._state(code, self._fields(self.db, code))[0]

    def _transaction(self, code: str, body: Callable[[Any], Any]) -> Any:
        """Run body(pipe) watching the class's hash, again if another client changed it."""
        with self._reach():
            with self.db.pipeline() as pipe:
                while True:
                    try:
                        pipe.watch(self._key(code))
                        return body(pipe)
                    except self._watch:
                        continue

    def steer(self, code: str, secret: str,
              change: Callable[[ClassState], ClassState]) -> ClassState:
        def body(pipe: Any) -> ClassState:
            state, digest = self._state(code, self._fields(pipe, code))
            if not _allowed(secret, digest):
                raise NotAllowed("This link does not drive the class.")
            new = change(state)
            if new.to_json() == state.to_json():
                pipe.unwatch()
                return state
            new = replace(new, version=state.version + 1)
            pipe.multi()
            pipe.hset(self._key(code), mapping={"doc": new.to_json(), "version": new.version})
            pipe.execute()
            return new

        return self._transaction(code, body)

    def join(self, code: str, seat: str, nickname: str) -> None:
        def body(pipe: Any) -> None:
            state, _ = self._state(code, self._fields(pipe, code))
            key = self._key(code, "members")
            if not pipe.hexists(key, seat) and pipe.hlen(key) >= MAX_MEMBERS:
                raise Closed(f"The class is full ({MAX_MEMBERS} members).")
            pipe.multi()
            pipe.hset(key, seat, clean_nickname(nickname))
            pipe.expireat(key, int(state.expires))
            pipe.execute()

        self._transaction(code, body)

    def members(self, code: str) -> dict[str, str]:
        with self._reach():
            return self.db.hgetall(self._key(code, "members"))

    def answer(self, code: str, seat: str, question: str, value: Any) -> None:
        def body(pipe: Any) -> None:
            state, _ = self._state(code, self._fields(pipe, code))
            _check_open(state, question)
            if not pipe.hexists(self._key(code, "members"), seat):
                raise UnknownClass(code)
            key = self._key(code, f"answers:{question}")
            pipe.multi()
            pipe.hset(key, seat, json.dumps(value))
            pipe.expireat(key, int(state.expires))
            pipe.execute()

        self._transaction(code, body)

    def answers(self, code: str, question: str) -> dict[str, Any]:
        with self._reach():
            return {seat: json.loads(v) for seat, v in
                    self.db.hgetall(self._key(code, f"answers:{question}")).items()}

    def forget(self, code: str) -> None:
        with self._reach():
            keys = list(self.db.scan_iter(self._key(code, "answers:*")))
            self.db.delete(self._key(code, "members"), *keys)

    def ping(self) -> None:
        with self._reach():
            self.db.ping()


def open_store() -> Store:
    """Redis at $LATENT_LAB_REDIS_URL if set, else SQLite at `default_db()`."""
    url = os.environ.get(REDIS_ENV, "").strip()
    return RedisStore(url) if url else SqliteStore()


def reveal(store: Store, code: str, secret: str, question: str, measured: dict[str, Any]) -> ClassState:
    """Close `question` to answers and keep what the experiment measured beside it."""
    return store.steer(code, secret, lambda s: replace(
        s, revealed={**s.revealed, question: measured}))


def end(store: Store, code: str, secret: str) -> ClassState:
    """End the class: its code stops working at once, and its members and answers are deleted."""
    state = store.steer(code, secret, lambda s: replace(s, ended=True))
    store.forget(code)
    return state
