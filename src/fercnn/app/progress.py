"""A one-line progress bar on standard error for long videos and photo folders, drawn only on
a terminal: items per second and, where the total is known, the time left."""

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
            left = (self.total - self.done) / rate if self.done else None
            time_left = f", {format_seconds(left)} left" if left is not None and share < 1 else ""
            return f"{self.label} [{bar:<{WIDTH}}] {share:4.0%} {counts}, {rate:.1f}/s{time_left}"
        return f"{self.label} {self.done} {self.unit}, {rate:.1f}/s"

    def clear(self):
        """Erase the bar, so that a line printed to the same terminal starts clean; the next
        :meth:`advance` draws it again."""
        if self.enabled and self._drawn:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self._drawn = 0.0

    def _draw(self, now):
        self.stream.write("\r" + self.line(now))
        self.stream.flush()


def format_seconds(seconds):
    """``42 s``, ``3 min 05 s``, ``1 h 02 min``."""
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60:02d} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"
