"""The class store in one SQLite file (WAL mode): the default, which needs no setup."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

from core.classroom.store import (
    DEFAULT_TTL,
    MAX_MEMBERS,
    ClassState,
    Closed,
    NotAllowed,
    Unavailable,
    UnknownClass,
    allowed,
    check_open,
    clean_nickname,
    new_code,
    new_secret,
    secret_digest,
)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS classes (code TEXT PRIMARY KEY, secret TEXT NOT NULL,
    doc TEXT NOT NULL, version INTEGER NOT NULL, expires REAL NOT NULL);
CREATE TABLE IF NOT EXISTS members (code TEXT NOT NULL, seat TEXT NOT NULL, nickname TEXT NOT NULL,
    PRIMARY KEY (code, seat));
CREATE TABLE IF NOT EXISTS answers (code TEXT NOT NULL, question TEXT NOT NULL,
    seat TEXT NOT NULL, value TEXT NOT NULL, at REAL NOT NULL, PRIMARY KEY (code, question, seat));
"""


class SqliteStore:
    """One SQLite file in WAL mode: readers never wait for the writer, and each of the server's
    threads gets its own connection (sqlite3 connections are not shared between threads)."""

    name = "SQLite"

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._local = threading.local()
        try:
            self._db().executescript(_SCHEMA)  # executescript commits by itself: no _write
        except sqlite3.Error as error:
            raise Unavailable("the class database cannot be set up "
                              f"({type(error).__name__})") from None

    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(self.path, timeout=5.0, isolation_level=None)
                db.execute("PRAGMA journal_mode=WAL")
                # In WAL mode: durable at checkpoints, never corrupt.
                db.execute("PRAGMA synchronous=NORMAL")
            except (OSError, sqlite3.Error) as error:
                raise Unavailable("the class database cannot be opened "
                                  f"({type(error).__name__})") from None
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
            raise Unavailable("the class database is not answering "
                              f"({type(error).__name__})") from None

    def _read(self, sql: str, args: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        try:
            return self._db().execute(sql, args).fetchall()
        except sqlite3.Error as error:
            raise Unavailable("the class database is not answering "
                              f"({type(error).__name__})") from None

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
                       (code, secret_digest(secret), state.to_json(), state.expires))
        return code, secret

    def _state(self, rows: list[tuple[Any, ...]], code: str) -> tuple[ClassState, str]:
        if not rows or rows[0][3] < time.time():
            raise UnknownClass(code)
        doc, version, secret, _ = rows[0]
        state = ClassState.from_json(code, version, doc)
        check_open(state)
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
            if not allowed(secret, digest):
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
            check_open(state, question)
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
