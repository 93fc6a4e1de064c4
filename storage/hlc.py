"""Hybrid logical clock: stamps that order every change across laptops without a network."""

from __future__ import annotations

import time
from dataclasses import dataclass

# A stamp is a string that sorts in causal order: wall milliseconds, a counter for changes in the
# same millisecond (or when this laptop's clock lags behind one we have seen), then the device id
# as the tie-break, so two edits of the same field on two machines end the same way everywhere.
_FORMAT = "{:013d}-{:05d}-{}"


@dataclass(frozen=True, order=True)
class Stamp:
    wall_ms: int
    counter: int
    device_id: str

    def __str__(self) -> str:
        return _FORMAT.format(self.wall_ms, self.counter, self.device_id)

    @classmethod
    def parse(cls, text: str) -> "Stamp":
        wall, counter, device = text.split("-", 2)
        return cls(int(wall), int(counter), device)


class Clock:
    """Issues stamps for one device; `observe` folds in stamps that arrive by USB."""

    def __init__(self, device_id: str, last: str | None = None, now_ms=None):
        self.device_id = device_id
        self._now_ms = now_ms or (lambda: int(time.time() * 1000))
        self._last = Stamp.parse(last) if last else Stamp(0, 0, device_id)

    @property
    def last(self) -> str:
        return str(self._last)

    def tick(self) -> str:
        wall = self._now_ms()
        if wall > self._last.wall_ms:
            self._last = Stamp(wall, 0, self.device_id)
        else:  # clock stood still or went back (a laptop with a flat CMOS battery)
            self._last = Stamp(self._last.wall_ms, self._last.counter + 1, self.device_id)
        return str(self._last)

    def above(self, stamp: str) -> str:
        """A stamp just above `stamp`, for one change; the clock itself does not move."""
        other = Stamp.parse(stamp)
        return str(Stamp(other.wall_ms, other.counter + 1, self.device_id))

    def observe(self, remote: str) -> None:
        other = Stamp.parse(remote)
        wall = max(self._now_ms(), self._last.wall_ms, other.wall_ms)
        if wall == self._last.wall_ms == other.wall_ms:
            counter = max(self._last.counter, other.counter) + 1
        elif wall == self._last.wall_ms:
            counter = self._last.counter + 1
        elif wall == other.wall_ms:
            counter = other.counter + 1
        else:
            counter = 0
        self._last = Stamp(wall, counter, self.device_id)
