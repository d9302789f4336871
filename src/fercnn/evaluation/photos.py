"""Score a model on labelled photographs through the same pipeline as ``predict``.

FER2013's test splits say how a model does on FER2013's kind of face: web images, cropped by a
detector of 2013, labelled by crowd workers. A user's photos are another kind, and a model can
lose its lead there. This module takes any labelled photo collection, either a folder per
emotion (``DIR/<emotion>/*.jpg``) or a CSV of ``file,label``, and scores each photo the way
``predict`` reads it: detect, frame, classify, and take the largest face's top emotion.

A photo without a face counts as wrong in the headline accuracy (a user gets no answer for it);
accuracy over found faces is reported beside it, as are macro-recall (each emotion weighs the
same however many photos it has), a per-class table and a confusion matrix with a "no face"
column. Labels outside FER2013's seven (contempt, in CK+ and FER+) are counted and left out.
"""

import csv
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import DatasetFormatError, DatasetNotFoundError, PhotoReadError
from ..faces.boxes import Box
from ..labels import EMOTIONS, NUM_CLASSES
from ..media.photos import PHOTO_SUFFIXES, is_hidden, read_photo
from .intervals import accuracy_interval

__all__ = [
    "LABEL_NAMES",
    "LabelledPhoto",
    "PhotoScores",
    "format_photo_summary",
    "labelled_photos",
    "photo_metrics",
    "score_photos",
    "write_photo_evaluation",
]

# Every name a dataset gives an emotion, mapped explicitly to FER2013's; "contempt" is known
# but has no FER2013 class, so its photos are counted and left out.
LABEL_NAMES = {
    "angry": "angry",
    "anger": "angry",
    "disgust": "disgust",
    "disgusted": "disgust",
    "fear": "fear",
    "afraid": "fear",
    "fearful": "fear",
    "happy": "happy",
    "happiness": "happy",
    "sad": "sad",
    "sadness": "sad",
    "surprise": "surprise",
    "surprised": "surprise",
    "neutral": "neutral",
    "contempt": "contempt",
}
LEFT_OUT = ("contempt",)
NO_FACE = -1
METRICS_FILE = "photo_metrics.json"
PER_PHOTO_FILE = "photos.csv"
CONFUSION_FIGURE = "confusion_matrix_photos.png"


@dataclass(frozen=True)
class LabelledPhoto:
    path: Path
    label: str  # a name from EMOTIONS, or one of LEFT_OUT


def label_of(name, where):
    """FER2013's name for a dataset's emotion ``name``; an unknown one is an error at ``where``."""
    label = LABEL_NAMES.get(str(name).strip().lower())
    if label is None:
        raise DatasetFormatError(
            f"{where}: {name!r} is not an emotion this project knows; use one of "
            f"{', '.join(sorted(LABEL_NAMES))} (contempt is counted and left out)"
        )
    return label


def labelled_photos(source):
    """The labelled photos of a folder of emotion folders, or of a CSV with a file and a label
    column (paths relative to the CSV's folder)."""
    source = Path(source).expanduser()
    if not source.exists():
        raise DatasetNotFoundError(source, "does not exist (give a folder of emotion folders or a CSV)")
    photos = _from_csv(source) if source.is_file() else _from_folders(source)
    if not photos:
        raise DatasetFormatError(f"{source} holds no labelled photos")
    return photos


def _from_folders(root):
    photos, loose = [], []
    for entry in sorted(root.iterdir()):
        if is_hidden(entry.relative_to(root)):
            continue
        if not entry.is_dir():
            loose.append(entry.name)
            continue
        label = label_of(entry.name, f"{root}: folder {entry.name}/")
        files = sorted(
            path for path in entry.rglob("*") if path.is_file() and not is_hidden(path.relative_to(entry))
        )
        photos += [LabelledPhoto(path, label) for path in files if path.suffix.lower() in PHOTO_SUFFIXES]
        others = [path for path in files if path.suffix.lower() not in PHOTO_SUFFIXES]
        if others:
            raise DatasetFormatError(
                f"{others[0]} is not a photo ({len(others)} such file(s) under {entry}): "
                "keep only photos in the emotion folders"
            )
    photo_files = [name for name in loose if Path(name).suffix.lower() in PHOTO_SUFFIXES]
    if photo_files:
        raise DatasetFormatError(
            f"{root} has photos outside any emotion folder ({', '.join(photo_files[:3])}"
            f"{', ...' if len(photo_files) > 3 else ''}): move each into a folder named by its emotion"
        )
    return photos


def _from_csv(path):
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            rows = list(csv.DictReader(handle))
    except (UnicodeDecodeError, csv.Error, OSError) as error:
        raise DatasetFormatError(
            f"{path} cannot be read as a CSV of file,label ({error}); save it as UTF-8"
        ) from None
    columns = {name.strip().lower(): name for name in (rows[0].keys() if rows else [])}
    file_column = next((columns[name] for name in ("file", "path") if name in columns), None)
    label_column = next((columns[name] for name in ("label", "emotion") if name in columns), None)
    if file_column is None or label_column is None:
        raise DatasetFormatError(
            f"{path} needs a header with a file (or path) and a label (or emotion) column"
        )
    photos = []
    for line, row in enumerate(rows, start=2):
        photo = path.parent / str(row[file_column]).strip()
        if not photo.is_file():
            raise DatasetFormatError(f"{path}, line {line}: {photo} is not a file")
        photos.append(LabelledPhoto(photo, label_of(row[label_column], f"{path}, line {line}")))
    return photos


@dataclass
class PhotoScores:
    """Per scored photo: its label index, the largest face's probabilities (NaN where no face
    was found) and box, and a read error where the photo could not be read."""

    photos: list[LabelledPhoto]
    labels: np.ndarray
    probabilities: np.ndarray
    boxes: list[Box | None]
    errors: list[str | None]
    left_out: dict[str, int]

    @property
    def predictions(self):
        found = ~np.isnan(self.probabilities).any(axis=1)
        return np.where(found, np.nan_to_num(self.probabilities).argmax(axis=1), NO_FACE)

    @property
    def found(self):
        return self.predictions != NO_FACE

    def confusion(self):
        """Rows: true emotion; columns: the seven predicted emotions, then "no face"."""
        matrix = np.zeros((NUM_CLASSES, NUM_CLASSES + 1), dtype=int)
        np.add.at(matrix, (self.labels, np.where(self.found, self.predictions, NUM_CLASSES)), 1)
        return matrix


def score_photos(photos, pipeline):
    """Run ``pipeline`` (a :class:`fercnn.faces.pipeline.FacePipeline`) over ``photos``; a photo that
    cannot be read is kept, as a photo without a face, with its error."""
    scored = [photo for photo in photos if photo.label not in LEFT_OUT]
    left_out = {name: sum(photo.label == name for photo in photos) for name in LEFT_OUT}
    probabilities = np.full((len(scored), NUM_CLASSES), np.nan, dtype="float32")
    boxes, errors = [None] * len(scored), [None] * len(scored)
    for index, photo in enumerate(scored):
        try:
            image = read_photo(photo.path)
        except PhotoReadError as error:
            errors[index] = str(error)
            continue
        faces, _ = pipeline(image.rgb)
        if faces:
            largest = max(faces, key=lambda face: face.box.width * face.box.height)
            probabilities[index] = largest.probabilities
            boxes[index] = largest.box.scaled(image.scale)
    labels = np.array([EMOTIONS.index(photo.label) for photo in scored], dtype=np.int64)
    return PhotoScores(scored, labels, probabilities, boxes, errors, left_out)


def photo_metrics(scores):
    """The figures of :mod:`fercnn.evaluation.photos`'s docstring, JSON-ready."""
    correct = scores.predictions == scores.labels
    found = scores.found
    total = len(scores.labels)
    per_class = {}
    for label, name in enumerate(EMOTIONS):
        of_class = scores.labels == label
        if of_class.any():
            hits = int(correct[of_class].sum())
            per_class[name] = {
                "photos": int(of_class.sum()),
                "faces_found": int(found[of_class].sum()),
                "recall": hits / int(of_class.sum()),
                "recall_ci95": list(accuracy_interval(hits, int(of_class.sum()))),
            }
    return {
        "photos": total,
        "faces_found": int(found.sum()),
        "unreadable": sum(error is not None for error in scores.errors),
        "accuracy": float(correct.mean()),
        "accuracy_ci95": list(accuracy_interval(int(correct.sum()), total)),
        "accuracy_on_found_faces": float(correct[found].mean()) if found.any() else None,
        "macro_recall": float(np.mean([entry["recall"] for entry in per_class.values()])),
        "per_class": per_class,
        "left_out": scores.left_out,
        "confusion_matrix": scores.confusion().tolist(),
    }


def format_photo_summary(metrics, title):
    low, high = metrics["accuracy_ci95"]
    on_found = metrics["accuracy_on_found_faces"]
    lines = [
        f"{title}: {metrics['photos']} photos, faces found in {metrics['faces_found']}"
        + (f", {metrics['unreadable']} unreadable" if metrics["unreadable"] else ""),
        f"accuracy {metrics['accuracy']:.2%} (95% interval {low:.1%} to {high:.1%}), "
        f"on found faces {'-' if on_found is None else f'{on_found:.2%}'}, "
        f"macro-recall {metrics['macro_recall']:.2%}",
        f"{'class':<10}{'photos':>8}{'found':>8}{'recall':>9}  95% interval",
    ]
    for name, entry in metrics["per_class"].items():
        low, high = entry["recall_ci95"]
        lines.append(
            f"{name:<10}{entry['photos']:>8}{entry['faces_found']:>8}{entry['recall']:>9.2%}  "
            f"{low:.1%} to {high:.1%}"
        )
    for name, count in metrics["left_out"].items():
        if count:
            lines.append(f"{count} {name} photo(s) left out: FER2013 has no {name} class")
    return "\n".join(lines)


def write_photo_evaluation(source, pipeline, output_dir, *, model_name=""):
    """Score the labelled photos at ``source`` and write ``photo_metrics.json``, ``photos.csv``
    (one row per photo) and ``confusion_matrix_photos.png`` into ``output_dir``."""
    from .plots import plot_confusion_matrices, save_figure

    scores = score_photos(labelled_photos(source), pipeline)
    metrics = {"photos_source": str(source), "model": model_name} | photo_metrics(scores)
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    (output_dir / METRICS_FILE).write_text(json.dumps(metrics, indent=2) + "\n")
    _write_per_photo(scores, output_dir / PER_PHOTO_FILE)
    figure = plot_confusion_matrices(
        scores.confusion(), f"photos of {Path(source).name}", (*EMOTIONS, "no face")
    )
    save_figure(figure, output_dir / CONFUSION_FIGURE)
    import matplotlib.pyplot as plt

    plt.close(figure)
    return metrics


def _write_per_photo(scores, path):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["path", "label", "predicted", "correct", "x", "y", "width", "height", *EMOTIONS, "error"]
        )
        for index, photo in enumerate(scores.photos):
            prediction = scores.predictions[index]
            box = scores.boxes[index]
            writer.writerow(
                [
                    photo.path,
                    photo.label,
                    EMOTIONS[prediction] if prediction != NO_FACE else "",
                    int(prediction == scores.labels[index]),
                    *((box.x, box.y, box.width, box.height) if box else ("", "", "", "")),
                    *(("" if np.isnan(p) else f"{p:.4f}") for p in scores.probabilities[index]),
                    scores.errors[index] or "",
                ]
            )
