"""The table ``predict`` writes as it goes: one row per face, appended and flushed per file.

A batch of 20,000 portraits takes minutes; a Ctrl-C, a kill or a full disk must not cost the
photos already done. So every file's rows are written in one append as soon as the file is
finished (a photo without a face, an unreadable one and a skipped one get one row each, so the
table says what became of every file), and a rerun into the same output folder reads the table
back and skips the files already in it. A kill in the middle of an append can leave a partial
last line: it is cut off before the table is continued, so the table stays valid CSV.
"""

import csv
import io
import os
from pathlib import Path

from ..errors import OutputFolderError
from ..labels import EMOTIONS
from ..run_files import PREDICTIONS

__all__ = ["COLUMNS", "TABLE_FILE", "PredictionTable", "result_rows"]

TABLE_FILE = PREDICTIONS
COLUMNS = (
    "path",
    "kind",
    "face",
    "x",
    "y",
    "width",
    "height",
    "emotion",
    *EMOTIONS,
    "whole_image",
    "annotated",
    "error",
    "skipped",
)
ENCODING = {"encoding": "utf-8", "errors": "surrogateescape"}  # file names are not always UTF-8


class PredictionTable:
    """``predictions.csv`` in ``folder``: :meth:`done` lists the files it holds already,
    :meth:`append` adds one file's rows."""

    def __init__(self, folder):
        self.path = Path(folder) / TABLE_FILE
        self._done = self._read_existing()

    def done(self):
        """The paths (as given) of the files the table already holds."""
        return set(self._done)

    def append(self, result):
        buffer = io.StringIO()
        csv.writer(buffer).writerows(result_rows(result))
        with open(self.path, "a", newline="", **ENCODING) as handle:
            if handle.tell() == 0:
                csv.writer(handle).writerow(COLUMNS)
            handle.write(buffer.getvalue())
        self._done.add(str(result.path))

    def _read_existing(self):
        if not self.path.is_file():
            return set()
        _cut_partial_last_line(self.path)
        with open(self.path, newline="", **ENCODING) as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            if header is None:
                return set()
            if tuple(header) != COLUMNS:
                raise OutputFolderError(
                    f"{self.path} is not a table that this version of predict wrote (its columns differ): "
                    "choose another --output-dir, or move the file away"
                )
            return {row[0] for row in reader if row}


def _cut_partial_last_line(path):
    """Drop the bytes after the last line break: the rest of a row a kill interrupted."""
    with open(path, "rb+") as handle:
        size = handle.seek(0, os.SEEK_END)
        if size == 0:
            return
        handle.seek(max(0, size - 65536))
        tail = handle.read()
        if tail.endswith(b"\n"):
            return
        cut = tail.rfind(b"\n")
        handle.truncate(size - len(tail) + cut + 1 if cut >= 0 else 0)


def result_rows(result):
    """One row per face of a photo, or one row for a photo without faces, a failed or skipped
    file, or a video (whose faces are in its own frame table)."""
    base = {"path": str(result.path), "error": result.error or "", "skipped": result.skipped or ""}
    annotated = getattr(result, "annotated", None)
    base["annotated"] = str(annotated) if annotated else ""
    if hasattr(result, "tracks"):
        return [_row(base | {"kind": "video"})]
    base |= {"kind": "photo", "whole_image": int(bool(result.whole_image))}
    if not result.faces:
        return [_row(base)]
    rows = []
    for number, face in enumerate(result.faces, start=1):
        box = face.box
        values = {"face": number, "x": box.x, "y": box.y, "width": box.width, "height": box.height}
        values["emotion"] = face.emotion
        values |= {name: f"{float(p):.4f}" for name, p in zip(EMOTIONS, face.probabilities, strict=True)}
        rows.append(_row(base | values))
    return rows


def _row(values):
    return [values.get(column, "") for column in COLUMNS]
