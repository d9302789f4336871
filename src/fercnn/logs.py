"""Where the package's progress messages go.

The library reports progress (a run's folder, a resumed epoch, an evaluation's summary) through
:mod:`logging`, on the ``fercnn`` logger, and prints nothing itself. The command line and the
notebooks call :func:`log_to_stdout` to show those messages as plain lines; a program that
embeds the package configures ``logging`` its own way, or leaves it silent.
"""

import contextlib
import importlib.util
import logging
import os
import sys

__all__ = ["LOGGER", "import_tensorflow_quietly", "log_to_stdout", "native_stderr_silenced"]

LOGGER = logging.getLogger("fercnn")


def log_to_stdout(level: int = logging.INFO) -> None:
    """Show the package's messages from ``level`` up on standard output, each a plain line.
    Calling it again replaces the handler it added (so it follows a redirected ``sys.stdout``)."""
    for handler in list(LOGGER.handlers):
        if getattr(handler, "fercnn_stdout", False):
            LOGGER.removeHandler(handler)
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("%(message)s"))
    handler.fercnn_stdout = True
    LOGGER.addHandler(handler)
    LOGGER.setLevel(level)
    LOGGER.propagate = False


@contextlib.contextmanager
def native_stderr_silenced():
    """Hide what native code writes to standard error (TensorFlow's start-up lines, LiteRT's
    "Created TensorFlow Lite XNNPACK delegate" notice); Python's own errors still raise."""
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):  # no real standard error to redirect
        yield
        return
    with open(os.devnull, "w") as devnull:
        os.dup2(devnull.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)


def import_tensorflow_quietly() -> None:
    """Import TensorFlow now, without the lines its native start-up writes to standard error
    (which ``TF_CPP_MIN_LOG_LEVEL`` no longer hides), and keep its Python logger to errors (its
    retracing notices are about its own internals); for notebooks, whose cells would show them.
    Does nothing where Keras runs on another backend or TensorFlow is not installed."""
    if os.environ.get("KERAS_BACKEND", "tensorflow") != "tensorflow" or "tensorflow" in sys.modules:
        return
    if importlib.util.find_spec("tensorflow") is None:
        return
    with native_stderr_silenced():
        import tensorflow  # noqa: F401
    logging.getLogger("tensorflow").setLevel(logging.ERROR)
