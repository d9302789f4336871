"""Pack FER2013 and saved models small enough to carry to a lent GPU machine; unpack them there.

A call to the device tool carries at most 64 MiB, and ``fer2013.csv.gz`` alone is 84 MB:
decimal pixels in text. The same faces as bytes under xz take 40% less, and models kept as
float16 weights less than half of their ``.keras`` files, so the data and several teachers
travel in one call. The pack goes to a git-ignored folder (``.devdata/``): FER2013's
licence forbids redistributing it, so it must never be committed.

    python tools/device_pack.py pack-data ../shared/data/fer2013/fer2013.csv.gz .devdata
    python tools/device_pack.py pack-models .devdata models/a/fernet_fer2013.keras ...
    # on the device, in the repository root:
    python tools/device_pack.py unpack-data .devdata data/fer2013.csv
    python tools/device_pack.py unpack-models .devdata

float16 rounding moves a model's probabilities by a few thousandths: for the seven models kept
in ``models/``, at most 0.0042 on PublicTest, changing 1 to 3 of its 3,589 predictions. That
is noise for a teacher or a warm start, but not for a model you ship: ship only models trained
or saved at full precision. Packed, FER2013's Training and PublicTest faces take 51 MB and
those seven models 10 MB.
"""

import argparse
import json
import lzma
import sys
from pathlib import Path

import numpy as np

from fercnn.labels import IMAGE_SIZE, SPLIT_TO_USAGE
from fercnn.loading import load_fer2013

FACES = "faces.u8.xz"
LABELS = "labels.npz"
MODELS = "models.npz"
# each byte stored as its difference from the pixel above: 8% smaller than raw bytes under xz
XZ_FILTERS = [
    {"id": lzma.FILTER_DELTA, "dist": IMAGE_SIZE},
    {"id": lzma.FILTER_LZMA2, "preset": 9 | lzma.PRESET_EXTREME},
]


def pack_data(csv_path, pack_dir):
    """Every split of ``csv_path``, as one xz stream of uint8 faces and one file of labels."""
    data = load_fer2013(csv_path)
    pack_dir = Path(pack_dir)
    pack_dir.mkdir(parents=True, exist_ok=True)
    faces = np.concatenate([data[name].images for name in data.names])
    (pack_dir / FACES).write_bytes(lzma.compress(faces.tobytes(), filters=XZ_FILTERS))
    np.savez(pack_dir / LABELS, **{name: data[name].labels.astype(np.uint8) for name in data.names})
    return {name: len(data[name]) for name in data.names}


def unpack_data(pack_dir, csv_path):
    """Write the packed splits back as a FER2013 CSV (``emotion,pixels,Usage``), never over an
    existing file (your own copy of the data, perhaps with splits the pack lacks)."""
    pack_dir, csv_path = Path(pack_dir), Path(csv_path)
    if csv_path.exists():
        raise FileExistsError(f"{csv_path} already exists: unpack-data writes a new CSV; choose another path")
    faces = np.frombuffer(lzma.decompress((pack_dir / FACES).read_bytes()), dtype=np.uint8)
    faces = faces.reshape(-1, IMAGE_SIZE * IMAGE_SIZE)
    with np.load(pack_dir / LABELS) as labels:
        splits = {name: labels[name] for name in labels.files}
    labelled = sum(map(len, splits.values()))
    if labelled != len(faces):
        raise ValueError(f"{pack_dir}: {len(faces)} faces for {labelled} labels; pack the data again")
    csv_path.parent.mkdir(parents=True, exist_ok=True)
    start = 0
    with open(csv_path, "w") as out:
        out.write("emotion,pixels,Usage\n")
        for name, split_labels in splits.items():
            for label, face in zip(split_labels, faces[start : start + len(split_labels)], strict=True):
                out.write(f"{label},{' '.join(map(str, face))},{SPLIT_TO_USAGE[name]}\n")
            start += len(split_labels)
    return {name: len(split_labels) for name, split_labels in splits.items()}


def pack_models(pack_dir, model_paths):
    """Each model's architecture (Keras config) and float16 weights, keyed by its path."""
    import keras

    arrays, index = {}, []
    for number, path in enumerate(model_paths):
        if Path(path).is_absolute() or ".." in Path(path).parts:
            raise ValueError(
                f"model path {path} must be relative to the repository root and inside it, "
                "where the device rebuilds it (run pack-models from the root)"
            )
        model = keras.models.load_model(path)
        weights = model.get_weights()
        index.append({"path": str(path), "config": model.get_config(), "weights": len(weights)})
        arrays |= {f"m{number}_w{k}": weight.astype("float16") for k, weight in enumerate(weights)}
    Path(pack_dir).mkdir(parents=True, exist_ok=True)
    np.savez_compressed(Path(pack_dir) / MODELS, index=json.dumps(index), **arrays)
    return [entry["path"] for entry in index]


def unpack_models(pack_dir, root="."):
    """Rebuild every packed model and save it as ``.keras`` at the path it was packed from.

    An existing file there is never replaced: in the checkout the models were packed from, it
    is the full-precision original, and a float16 copy would silently take its place."""
    import keras

    with np.load(Path(pack_dir) / MODELS) as pack:
        index = json.loads(str(pack["index"]))
        existing = [entry["path"] for entry in index if (Path(root) / entry["path"]).exists()]
        if existing:
            raise FileExistsError(
                f"{', '.join(existing)} already exist under {Path(root).resolve()}: unpack-models "
                "would replace them with float16 copies. Unpack where they are absent (on the device, "
                "or with --root) or delete them first"
            )
        for number, entry in enumerate(index):
            model = keras.Model.from_config(entry["config"])
            model.set_weights([pack[f"m{number}_w{k}"].astype("float32") for k in range(entry["weights"])])
            target = Path(root) / entry["path"]
            target.parent.mkdir(parents=True, exist_ok=True)
            model.save(target)
    return [entry["path"] for entry in index]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    command = commands.add_parser("pack-data", help="CSV -> pack folder")
    command.add_argument("csv")
    command.add_argument("pack_dir")
    command = commands.add_parser("unpack-data", help="pack folder -> CSV")
    command.add_argument("pack_dir")
    command.add_argument("csv")
    command = commands.add_parser("pack-models", help=".keras models -> pack folder (float16)")
    command.add_argument("pack_dir")
    command.add_argument("models", nargs="+")
    command = commands.add_parser("unpack-models", help="pack folder -> .keras models at their paths")
    command.add_argument("pack_dir")
    command.add_argument("--root", default=".", help="folder the packed paths are relative to (default .)")
    args = parser.parse_args(argv)
    if args.command == "pack-data":
        print(pack_data(args.csv, args.pack_dir))
    elif args.command == "unpack-data":
        print(unpack_data(args.pack_dir, args.csv))
    elif args.command == "pack-models":
        print(pack_models(args.pack_dir, args.models))
    else:
        print(unpack_models(args.pack_dir, args.root))


if __name__ == "__main__":
    sys.exit(main())
