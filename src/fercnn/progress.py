"""A one-line progress bar on standard error for long videos, drawn only on a terminal."""

import sys
import time

WIDTH = 30
REDRAW_SECONDS = 0.2


class Progress:
    """Call :meth:`advance` per item and :meth:`close` at the end. ``total`` may be None (unknown)."""

    def __init__(self, total, label, unit="items", stream=None, enabled=None):
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.total, self.label, self.unit = total, label, unit
        self.done = 0
        self.start = time.perf_counter()
        self._drawn = 0.0

    def advance(self, count=1):
        self.done += count
        now = time.perf_counter()
        if self.enabled and now - self._drawn >= REDRAW_SECONDS:
            self._draw(now)
            self._drawn = now

    def close(self):
        if self.enabled:
            self._draw(time.perf_counter())
            self.stream.write("\n")
            self.stream.flush()

    def line(self, now):
        rate = self.done / max(now - self.start, 1e-9)
        if self.total:
            share = min(self.done / self.total, 1.0)
            bar = "#" * round(share * WIDTH)
            counts = f"{self.done}/{self.total} {self.unit}"
            return f"{self.label} [{bar:<{WIDTH}}] {share:4.0%} {counts}, {rate:.1f}/s"
        return f"{self.label} {self.done} {self.unit}, {rate:.1f}/s"

    def _draw(self, now):
        self.stream.write("\r" + self.line(now))
        self.stream.flush()
