"""Figures for a FER2013 run; each function returns a matplotlib Figure and draws nothing else.

Saving is separate (:func:`save_figure`) so notebooks can show a figure and the CLI can write
it to ``models/`` with the same code.
"""

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import seaborn as sns

from ..labels import EMOTIONS, SPLIT_TO_USAGE


def save_figure(figure, path):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=120, bbox_inches="tight")
    return path


def plot_confusion_matrices(confusion, title, predicted_names=EMOTIONS):
    """Counts beside row-normalised percentages (each row: what a true class was predicted as).
    ``predicted_names`` names the columns where they are more than the seven classes (photos
    add "no face")."""
    confusion = np.asarray(confusion)
    row_totals = confusion.sum(axis=1, keepdims=True)
    percent = 100 * confusion / np.maximum(row_totals, 1)
    figure, (left, right) = plt.subplots(1, 2, figsize=(15 + len(predicted_names) - len(EMOTIONS), 6))
    heatmap = dict(xticklabels=predicted_names, yticklabels=EMOTIONS, cmap="Blues", square=True, cbar=False)
    sns.heatmap(confusion, annot=True, fmt="d", ax=left, **heatmap)
    sns.heatmap(percent, annot=True, fmt=".1f", ax=right, vmin=0, vmax=100, **heatmap)
    for axis, kind in ((left, "counts"), (right, "% of true class")):
        axis.set(xlabel="predicted", ylabel="true", title=f"{title}: {kind}")
    figure.tight_layout()
    return figure


def plot_class_distribution(data):
    """Images per emotion, one bar group per split present."""
    table = data.class_table().drop(columns="total")
    figure, axis = plt.subplots(figsize=(10, 4.5))
    positions = np.arange(len(EMOTIONS))
    width = 0.8 / len(table)
    for offset, (split, counts) in enumerate(table.iterrows()):
        bars = axis.bar(
            positions + offset * width, counts.values, width, label=f"{split} ({SPLIT_TO_USAGE[split]})"
        )
        axis.bar_label(bars, fontsize=7)
    axis.set_xticks(positions + width * (len(table) - 1) / 2, EMOTIONS)
    axis.set(ylabel="images", title="FER2013 class distribution per split")
    axis.legend()
    figure.tight_layout()
    return figure


def plot_sample_faces(split, per_class=8, seed=0):
    """A random grid of faces, one row per emotion: the quickest sanity check of a loader."""
    rng = np.random.default_rng(seed)
    figure, axes = plt.subplots(len(EMOTIONS), per_class, figsize=(per_class * 1.1, len(EMOTIONS) * 1.2))
    for label, row in enumerate(np.atleast_2d(axes)):
        indices = np.flatnonzero(split.labels == label)
        chosen = rng.choice(indices, size=min(per_class, len(indices)), replace=False)
        for column, axis in enumerate(row):
            axis.axis("off")
            if column < len(chosen):
                axis.imshow(split.images[chosen[column], :, :, 0], cmap="gray", vmin=0, vmax=255)
        row[0].set_title(EMOTIONS[label], fontsize=9, loc="left")
    figure.tight_layout()
    return figure


def plot_training_curves(history):
    """Loss and accuracy per epoch, training beside validation (PublicTest)."""
    epochs = np.arange(1, len(history) + 1)
    figure, axes = plt.subplots(1, 2, figsize=(12, 4.5))
    for axis, metric in zip(axes, ("loss", "accuracy"), strict=True):
        axis.plot(epochs, history[metric], label="train (augmented)")
        axis.plot(epochs, history[f"val_{metric}"], label="validation (PublicTest)")
        axis.set(xlabel="epoch", ylabel=metric, title=metric)
        axis.grid(alpha=0.3)
        axis.legend()
    figure.tight_layout()
    return figure


def plot_grad_cam_examples(images, labels, probabilities, heatmaps, examples, title):
    """One row per class: its most confident correct faces, then its most confident mistakes.

    ``heatmaps`` maps an image index to its Grad-CAM map for the predicted class; ``examples``
    comes from :func:`fercnn.evaluation.gradcam.pick_examples`.
    """
    columns = max(len(right) + len(wrong) for _, right, wrong in examples) or 1
    figure, axes = plt.subplots(
        len(examples), columns, figsize=(columns * 1.6, len(examples) * 1.8), squeeze=False
    )
    for row, (label, right, wrong) in zip(axes, examples, strict=True):
        for axis in row:
            axis.axis("off")
        for axis, index, verdict in zip(
            row, right + wrong, ["ok"] * len(right) + ["wrong"] * len(wrong), strict=False
        ):
            predicted = int(probabilities[index].argmax())
            axis.imshow(images[index, :, :, 0], cmap="gray", vmin=0, vmax=255)
            axis.imshow(heatmaps[index], cmap="jet", alpha=0.4, vmin=0, vmax=1)
            colour = "green" if verdict == "ok" else "red"
            axis.set_title(f"{EMOTIONS[label]}->{EMOTIONS[predicted]}", fontsize=7, color=colour)
    figure.suptitle(title)
    figure.tight_layout()
    return figure


def plot_emotion_timeline(rows, track, title):
    """A track's seven smoothed probabilities over the video's time.

    ``rows`` are a video's per-face rows (:mod:`fercnn.app.video`): time, track and probabilities.
    """
    mine = [row for row in rows if row["track"] == track]
    times = [row["time"] for row in mine]
    probabilities = np.stack([row["probabilities"] for row in mine])
    figure, axis = plt.subplots(figsize=(9, 3.2))
    colours = sns.color_palette("tab10", len(EMOTIONS))
    for column, (name, colour) in enumerate(zip(EMOTIONS, colours, strict=True)):
        axis.plot(times, probabilities[:, column], label=name, color=colour, linewidth=1.6)
    axis.set_ylim(0, 1)
    axis.set_xlabel("time in the video (seconds)")
    axis.set_ylabel("probability (smoothed)")
    axis.grid(alpha=0.3)
    axis.legend(ncol=len(EMOTIONS), fontsize=8, loc="lower left", bbox_to_anchor=(0, 1.0), frameon=False)
    axis.set_title(f"{title}: face {track}", pad=24)
    figure.tight_layout()
    return figure
