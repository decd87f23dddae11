"""Rate limits kept in a browser session: joins and answers, so that one session cannot try
join codes or flood a question faster than a person would."""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field

JOINS = (5, 60.0)      # five join attempts a minute
ANSWERS = (30, 60.0)   # thirty answers a minute (changing one's mind included)


@dataclass
class RateLimit:
    """At most `events` calls of `allow` returning True in any `seconds` window."""

    events: int
    seconds: float
    _times: deque[float] = field(default_factory=deque)

    def allow(self, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        while self._times and now - self._times[0] >= self.seconds:
            self._times.popleft()
        if len(self._times) >= self.events:
            return False
        self._times.append(now)
        return True

    def wait(self, now: float | None = None) -> float:
        """Seconds until `allow` can return True again."""
        now = time.monotonic() if now is None else now
        if len(self._times) < self.events:
            return 0.0
        return max(0.0, self._times[0] + self.seconds - now)
