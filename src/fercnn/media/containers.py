"""Tell a sound-only file from a video that OpenCV cannot read, by its container's headers.

OpenCV opens neither a voice memo named ``.mp4`` nor an ``.m4a`` renamed ``.mp4``, and says no
more than a damaged video would get; telling the user to convert it cannot help, since there is
no picture in it. These checks read the first and last megabyte only (MP4 keeps its track list
at either end) and answer True only where the headers name sound tracks and no picture track.
"""

import re
from pathlib import Path

SNIFF_BYTES = 1 << 20
# ISO media (MP4, MOV, M4A, 3GP): each track's 'hdlr' box names its kind four bytes after the
# box's version, flags and pre-defined field
ISO_HANDLER = re.compile(rb"hdlr.{8}(vide|soun)", re.DOTALL)
# Matroska and WebM: each track's CodecID element (0x86, a one-byte size) starts V_ or A_
MATROSKA_CODEC = re.compile(rb"\x86[\x81-\xff](V|A)_")
SOUND_MAGIC = (b"ID3", b"fLaC", b"\xff\xfb", b"\xff\xf3", b"\xff\xf2", b"#!AMR")


def audio_only(path: str | Path) -> bool:
    """Whether ``path`` is, by its headers, a sound recording without any picture track."""
    try:
        with open(path, "rb") as file:
            head = file.read(SNIFF_BYTES)
            file.seek(0, 2)
            file.seek(max(file.tell() - SNIFF_BYTES, len(head)))
            data = head + file.read()
    except OSError:
        return False
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return True
    if head.startswith(SOUND_MAGIC):
        return True
    if head[:4] == b"OggS":
        return b"theora" not in data and (b"vorbis" in data or b"OpusHead" in data)
    if head[4:8] == b"ftyp":
        return _sound_without_picture(match.group(1) for match in ISO_HANDLER.finditer(data))
    if head[:4] == b"\x1a\x45\xdf\xa3":
        kinds = (b"vide" if match.group(1) == b"V" else b"soun" for match in MATROSKA_CODEC.finditer(data))
        return _sound_without_picture(kinds)
    return False


def _sound_without_picture(kinds):
    kinds = set(kinds)
    return b"soun" in kinds and b"vide" not in kinds
