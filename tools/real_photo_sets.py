"""Arrange public labelled face photos into ``data/real_photos/<set>/<emotion>/`` (git-ignored).

``benchmarks/real_photos.py`` scores models on these sets. Each comes from a public repository
that a user clones (``git clone https://github.com/OWNER/NAME``, or a bare copy of it); this
script reads the files from that checkout with git, so nothing is downloaded here and nothing
is ever committed:

- ``ckplus``: the CK+ peak frames that ``Amoxil/EmoRecRicci`` (commit 9182907) keeps as 128x128
  face crops in ``CK+/<emotion>/``, labelled by CK+'s own emotion codes; its ``neutral/`` folder
  holds the first frames of the sequences, of which one per subject is kept. CK+'s terms allow
  research use; cite Lucey et al., CVPR Workshops 2010.
- ``yale``: the Yale face database in ``leecarraher/pattern_recognition`` (commit b072a1f,
  ``yalefaces/subjectNN.<condition>``): 15 people, the ``happy``, ``sad``, ``surprised`` and
  ``normal`` (neutral) photos; the lighting, glasses, sleepy and wink ones are left out.
- ``wild``: ``muxspace/facial_expressions`` (commit 5fb9c13, Apache-2.0), web photos of faces
  labelled in ``data/legend.csv``; up to ``--per-class`` photos a class, drawn with a fixed seed.

    python tools/real_photo_sets.py ckplus PATH/EmoRecRicci [--out data/real_photos/ckplus]
    python tools/real_photo_sets.py yale PATH/pattern_recognition [--out data/real_photos/yale]
    python tools/real_photo_sets.py wild PATH/facial_expressions [--out data/real_photos/wild] [--per-class N]
"""

import argparse
import csv
import io
import random
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

from PIL import Image

YALE_CONDITIONS = {"happy": "happy", "sad": "sad", "surprised": "surprise", "normal": "neutral"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("set", choices=("ckplus", "yale", "wild"))
    parser.add_argument("source", type=Path, help="a clone of the set's repository (or a bare copy of it)")
    parser.add_argument("--out", type=Path, help="default: data/real_photos/<set>")
    parser.add_argument("--per-class", type=int, default=80, help="wild: photos drawn per class")
    args = parser.parse_args()
    repo = Repository(args.source)
    out = args.out or Path("data/real_photos") / args.set
    counts = {"ckplus": arrange_ckplus, "yale": arrange_yale, "wild": arrange_wild}[args.set](repo, out, args)
    for label, count in sorted(counts.items()):
        print(f"{label:<10}{count:>6}")
    print(f"{sum(counts.values()):>16} photos in {out}/")


class Repository:
    """Files of a git checkout or bare repository at its HEAD, read with git."""

    def __init__(self, path: Path):
        self.git_dir = path / ".git" if (path / ".git").exists() else path
        if not (self.git_dir / "HEAD").is_file():
            sys.exit(f"error: {path} is not a git checkout: clone the set's repository and pass its folder")

    def files(self) -> list[str]:
        return self._git("ls-tree", "-r", "--name-only", "HEAD").decode().splitlines()

    def read(self, name: str) -> bytes:
        return self._git("show", f"HEAD:{name}")

    def _git(self, *args: str) -> bytes:
        return subprocess.run(
            ["git", "--git-dir", str(self.git_dir), *args], capture_output=True, check=True
        ).stdout


def arrange_ckplus(repo: Repository, out: Path, args) -> dict[str, int]:
    counts, subjects = defaultdict(int), set()
    for name in sorted(repo.files()):
        parts = name.split("/")
        if len(parts) != 3 or parts[0] != "CK+" or parts[1] == "err":
            continue
        label, file = parts[1], parts[2]
        if label == "neutral":
            if file[:4] in subjects:  # one first frame per subject
                continue
            subjects.add(file[:4])
        _write(out / label / file, repo.read(name))
        counts[label] += 1
    return counts


def arrange_yale(repo: Repository, out: Path, args) -> dict[str, int]:
    counts = defaultdict(int)
    for name in sorted(repo.files()):
        stem, _, condition = Path(name).name.partition(".")
        if not name.startswith("yalefaces/") or condition not in YALE_CONDITIONS:
            continue
        label = YALE_CONDITIONS[condition]
        image = Image.open(io.BytesIO(repo.read(name))).convert("L")  # GIFs without an extension
        (out / label).mkdir(parents=True, exist_ok=True)
        image.save(out / label / f"{stem}.png")
        counts[label] += 1
    return counts


def arrange_wild(repo: Repository, out: Path, args) -> dict[str, int]:
    legend = csv.reader(io.StringIO(repo.read("data/legend.csv").decode()))
    next(legend)  # user, image, emotion
    by_label = defaultdict(list)
    for _, image, label in legend:
        by_label[label.strip().lower()].append(image)
    counts, rng = {}, random.Random(0)
    for label, images in sorted(by_label.items()):
        rng.shuffle(images)
        counts[label] = 0
        for image in images[: args.per_class]:
            try:
                _write(out / label / image, repo.read(f"images/{image}"))
                counts[label] += 1
            except subprocess.CalledProcessError:
                print(
                    f"warning: data/legend.csv names images/{image}, which the repository lacks",
                    file=sys.stderr,
                )
    return counts


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


if __name__ == "__main__":
    main()
