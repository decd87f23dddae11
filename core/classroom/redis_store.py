"""The class store in Redis: several replicas of the app share their classes through it."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
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
            raise Unavailable("the class server is not answering "
                              f"({type(error).__name__})") from None

    def _state(self, code: str, fields: dict[str, str | None]) -> tuple[ClassState, str]:
        if not fields.get("doc"):
            raise UnknownClass(code)
        state = ClassState.from_json(code, int(fields["version"] or 0), fields["doc"])
        check_open(state)
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
            self.db.hset(key, mapping={"version": 0, "secret": secret_digest(secret)})
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
            if not allowed(secret, digest):
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
            check_open(state, question)
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
