"""Read the original FER2013 CSV (``emotion,pixels,Usage``, plain or gzipped).

Parsing is vectorised and chunked: pandas reads a few thousand rows at a time and numpy parses
each chunk's pixel values in one call, so the full file loads in seconds with a small memory
peak. Only when a check fails does a slow per-row pass run, to say exactly which rows are
wrong and why. No row is ever dropped: any bad row stops the load with an error.
"""

import gzip
import re
import zlib
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DatasetFormatError
from ..labels import IMAGE_SIZE, NUM_CLASSES, PIXELS_PER_IMAGE, SPLITS, USAGE_TO_SPLIT
from .dataset import Split

REQUIRED_COLUMNS = ("emotion", "pixels", "Usage")
CHUNK_ROWS = 4096
MAX_ROWS_REPORTED = 5
_READ_ERRORS = (pd.errors.ParserError, UnicodeDecodeError, OSError, EOFError, zlib.error)
_DIGITS_AND_SPACES = re.compile(r"[0-9]+(?: [0-9]+)*")
FIELD_SHOWN = 80  # characters of a bad field shown: a misread row can hold all 2304 pixels
TAB_HINT = "the file is tab-separated? A FER2013 CSV separates its fields by commas: save it as CSV"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def read_fer2013_csv(path):
    """Return ``{split: Split}`` for the splits present in the CSV at ``path``."""
    path = Path(path)
    _check_header(path)
    parsed, next_line = [], 2  # the header is line 1
    for chunk in _read_chunks(path):
        lines, next_line = _line_numbers(chunk, next_line)
        rows = ~_blank(chunk)  # blank lines hold no face: passed over, but still counted as lines
        if rows.any():
            parsed.append(_parse_chunk(chunk[rows], path, lines[rows]))
    if not parsed:
        raise DatasetFormatError(f"{path} has a header but no rows")
    images, labels, splits = (np.concatenate(part) for part in zip(*parsed, strict=True))
    return {
        name: Split(images[splits == name], labels[splits == name])
        for name in SPLITS
        if (splits == name).any()
    }


def _check_header(path):
    try:
        columns = [str(column).strip() for column in pd.read_csv(path, nrows=0).columns]
    except pd.errors.EmptyDataError:
        raise DatasetFormatError(
            f"{path} is empty: expected a header 'emotion,pixels,Usage' and one row per face"
        ) from None
    except _READ_ERRORS as error:
        raise _read_error(path, error) from None
    missing = [column for column in REQUIRED_COLUMNS if column not in columns]
    if missing and columns and columns[0].isdigit():
        raise DatasetFormatError(
            f"{path} has no header: its first line is a row of data. Add the line "
            f"'{','.join(REQUIRED_COLUMNS)}' at the top of the file"
        )
    if missing:
        found = ", ".join(_shorten(column) for column in columns)
        raise DatasetFormatError(
            f"{path} lacks column(s) {', '.join(missing)}: found {found}; "
            f"a FER2013 CSV has the header {','.join(REQUIRED_COLUMNS)}"
            + (f" ({TAB_HINT})" if any("\t" in column for column in columns) else "")
        )


def _field(value):
    """A bad field as shown in an error: quoted, cut to :data:`FIELD_SHOWN` characters (a row
    misread as one field holds all its pixels)."""
    shown = repr(value)
    return shown if len(shown) <= FIELD_SHOWN else f"{shown[: FIELD_SHOWN - 3]}... ({len(value)} characters)"


def _shorten(text, limit=24):
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _read_chunks(path):
    """Yield DataFrames of ``CHUNK_ROWS`` rows, so peak memory stays far below the text's size."""
    try:
        chunks = pd.read_csv(
            path, dtype=str, keep_default_na=False, chunksize=CHUNK_ROWS, skip_blank_lines=False
        )
        for chunk in chunks:
            chunk.columns = [str(column).strip() for column in chunk.columns]
            yield chunk
    except _READ_ERRORS as error:
        raise _read_error(path, error) from None


def _read_error(path, error):
    """The error to raise for a file pandas cannot read; for text that is not UTF-8, which
    encoding it seems to be in, the line of its first such byte, and to save it as UTF-8."""
    if not isinstance(error, UnicodeDecodeError):
        return DatasetFormatError(f"{path} cannot be read as a FER2013 CSV: {error}")
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as file:
        if file.read(2) in UTF16_BOMS:
            return DatasetFormatError(
                f"{path} is UTF-16 text (as Excel saves 'Unicode text'): save it as UTF-8"
            )
        file.seek(0)
        for number, line in enumerate(file, start=1):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError as bad:
                byte = line[bad.start]
                return DatasetFormatError(
                    f"{path}, line {number}: byte 0x{byte:02x} is not UTF-8 (the file is in another "
                    "encoding, Latin-1 or Windows-1252?): save it as UTF-8"
                )
    return DatasetFormatError(f"{path} is not UTF-8 text ({error}): save it as UTF-8")


def _line_numbers(chunk, first_line):
    """The line of the file each row starts on, and the line after the chunk: a quoted field
    that holds a line break spans several lines, which shifts every later row."""
    breaks = chunk.apply(lambda column: column.str.count("\n")).sum(axis=1).to_numpy()
    starts = first_line + np.arange(len(chunk)) + np.concatenate([[0], np.cumsum(breaks)[:-1]])
    return starts, first_line + len(chunk) + int(breaks.sum())


def _blank(chunk):
    fields = chunk[list(REQUIRED_COLUMNS)].apply(lambda column: column.str.strip())
    return (fields == "").all(axis=1).to_numpy()


def _parse_chunk(chunk, path, lines):
    labels = _parse_labels(chunk["emotion"], path, lines)
    splits = _parse_usage(chunk["Usage"], path, lines)
    images = _parse_pixels(chunk["pixels"], path, lines)
    return images, labels, splits


def _parse_labels(column, path, lines):
    text = column.str.strip()
    is_integer = text.str.fullmatch(r"[0-9]+")
    codes = pd.to_numeric(text.where(is_integer, "-1")).to_numpy(dtype=np.int64)
    bad = (codes < 0) | (codes >= NUM_CLASSES)
    describe = lambda row: f"emotion {_field(column.iloc[row])} is not an integer 0..6"  # noqa: E731
    _raise_for_rows(path, lines, bad, describe)
    return codes


def _parse_usage(column, path, lines):
    usage = column.str.strip()
    bad = ~usage.isin(list(USAGE_TO_SPLIT)).to_numpy()
    describe = lambda row: f"Usage {_field(column.iloc[row])} is not one of {', '.join(USAGE_TO_SPLIT)}"  # noqa: E731
    _raise_for_rows(path, lines, bad, describe)
    return usage.map(USAGE_TO_SPLIT).to_numpy()


def _parse_pixels(column, path, lines):
    text = column.str.strip()
    well_formed = np.array(text.str.count(" ") == PIXELS_PER_IMAGE - 1)
    well_formed &= _only_digits_and_spaces(text)
    describe = lambda row: _describe_pixels(text.iloc[row])  # noqa: E731
    _raise_for_rows(path, lines, ~well_formed, describe)
    values = np.fromstring(" ".join(text), dtype=np.int32, sep=" ")
    values = values.reshape(len(text), PIXELS_PER_IMAGE)
    _raise_for_rows(path, lines, (values > 255).any(axis=1), describe)
    return values.astype(np.uint8).reshape(-1, IMAGE_SIZE, IMAGE_SIZE, 1)


def _only_digits_and_spaces(text):
    """Per-row flag: two C-speed passes over the bytes, and the regex only when they fail.

    Besides stray characters this catches doubled spaces, which numpy would read as one
    separator, shifting every later pixel of the image.
    """
    joined = " ".join(text).encode("utf-8")  # a line break inside a field fails the first test
    if not joined.translate(None, b"0123456789 ") and b"  " not in joined:
        return np.ones(len(text), dtype=bool)
    return np.array([_DIGITS_AND_SPACES.fullmatch(row) is not None for row in text])


def _describe_pixels(row_text):
    tokens = row_text.split(" ")
    for position, token in enumerate(tokens):
        if not (token.isascii() and token.isdigit()):
            shown = "empty (two spaces in a row?)" if token == "" else repr(token)
            return f"pixel {position} is {shown}, not an integer 0..255"
        if int(token) > 255:
            return f"pixel {position} is {token}, outside 0..255"
    return f"has {len(tokens)} pixel values, expected {PIXELS_PER_IMAGE} (48x48)"


def _raise_for_rows(path, lines, bad, describe):
    """Raise one error naming the first bad rows by their line in the file."""
    rows = np.flatnonzero(bad)
    if rows.size == 0:
        return
    reported = [f"  line {lines[row]}: {describe(row)}" for row in rows[:MAX_ROWS_REPORTED]]
    if rows.size > len(reported):
        reported.append(f"  ... and {rows.size - len(reported)} more bad row(s) in this block")
    if any("\\t" in line for line in reported):  # a tab, as repr() shows it
        reported.append(f"  {TAB_HINT}")
    raise DatasetFormatError(f"{path}: bad row(s); fix or remove them:\n" + "\n".join(reported))
