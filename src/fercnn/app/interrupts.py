"""Ctrl-C that stops a long run between two files or frames, never inside Python's clean-up.

Python raises ``KeyboardInterrupt`` wherever the main thread is when the signal arrives; if that
is inside an object's finaliser (a ``__del__`` that garbage collection runs at any moment), the
interruption is printed as "Exception ignored" and lost, and the run goes on to the end. While
:func:`deferred_interrupts` is active, Ctrl-C only records the request; the loops over files
(``predict``) and video frames call :func:`stop_if_interrupted` after each item, which raises it
there. Outside it (a library caller), Ctrl-C behaves as Python's default.
"""

import contextlib
import signal
import threading
from collections.abc import Iterator

__all__ = ["deferred_interrupts", "stop_if_interrupted"]

_requested = threading.Event()


@contextlib.contextmanager
def deferred_interrupts() -> Iterator[None]:
    """Record Ctrl-C instead of raising it at once, for the block's duration (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    _requested.clear()
    previous = signal.signal(signal.SIGINT, _request)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        _requested.clear()


def _request(*_) -> None:
    """The first Ctrl-C asks the loop to stop at its next file or frame; a second one, for a
    loop stuck on one item, stops at once."""
    if _requested.is_set():
        raise KeyboardInterrupt
    _requested.set()


def stop_if_interrupted() -> None:
    """Raise ``KeyboardInterrupt`` if Ctrl-C was pressed since the block began."""
    if _requested.is_set():
        raise KeyboardInterrupt
