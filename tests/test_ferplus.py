"""FER+ crowd votes: found beside the CSV, matched row by row, turned into targets and labels."""

import gzip

import numpy as np
import pytest
from conftest import synthetic_rows, tiny_config, write_csv

from fercnn.data.ferplus import NO_MAJORITY, VOTE_COLUMNS, ferplus_targets, majority_labels, vote_distribution
from fercnn.data.loading import load_fer2013
from fercnn.errors import DatasetFormatError, MissingSplitError
from fercnn.evaluation.metrics import evaluate
from fercnn.labels import EMOTIONS
from fercnn.training.loop import train

HEADER = "emotion,Usage," + ",".join(VOTE_COLUMNS)
# FER+'s column of each FER2013 class, in FER2013's order (angry ... neutral)
COLUMN_OF_CLASS = [VOTE_COLUMNS.index(name) for name in ("anger", "disgust", "fear", "happiness")] + [
    VOTE_COLUMNS.index(name) for name in ("sadness", "surprise", "neutral")
]


def votes_for(label, agree=7, neutral=3):
    """Ten votes: ``agree`` for the face's own class, the rest neutral."""
    votes = np.zeros(len(VOTE_COLUMNS), dtype=int)
    votes[COLUMN_OF_CLASS[label]] += agree
    votes[VOTE_COLUMNS.index("neutral")] += neutral
    return votes


def write_votes(path, fer_csv_rows, make_votes=votes_for, header=HEADER):
    """A FER+ file for the rows of a synthetic FER2013 CSV (``emotion,pixels,Usage`` lines)."""
    lines = [header]
    for row in fer_csv_rows:
        emotion, _, usage = row.split(",")
        votes = make_votes(int(emotion))
        lines.append(f"{emotion},{usage}," + ",".join("" if v is None else str(v) for v in votes))
    text = "\n".join(lines) + "\n"
    if str(path).endswith(".gz"):
        with gzip.open(path, "wt") as handle:
            handle.write(text)
    else:
        path.write_text(text)
    return path


@pytest.fixture
def csv_with_votes(tmp_path):
    rows = synthetic_rows(per_class=(24, 6), splits=("train", "validation"))
    for folder in ("fer2013", "ferplus"):
        (tmp_path / folder).mkdir()
    csv = write_csv(tmp_path / "fer2013" / "fer2013.csv.gz", rows)
    write_votes(tmp_path / "ferplus" / "fer2013_ferplus.csv.gz", rows)
    return csv, rows


def test_votes_in_a_sibling_ferplus_folder_are_read_with_the_csv(csv_with_votes):
    csv, _ = csv_with_votes
    data = load_fer2013(csv)
    assert data.ferplus_source is not None and data.ferplus_source.name == "fer2013_ferplus.csv.gz"
    for name in data.names:
        split = data[name]
        assert split.ferplus_votes.shape == (len(split), len(VOTE_COLUMNS))
        assert np.array_equal(majority_labels(split.ferplus_votes), split.labels)
    assert load_fer2013(csv, ferplus=None).ferplus_source is None


def test_votes_of_other_faces_are_refused_naming_the_row(tmp_path):
    rows = synthetic_rows(per_class=(2, 1), splits=("train", "validation"))
    csv = write_csv(tmp_path / "fer2013.csv", rows)
    shifted = rows[1:] + rows[:1]  # the same rows, one place out of order
    write_votes(tmp_path / "fer2013_ferplus.csv", shifted)
    with pytest.raises(DatasetFormatError, match="not in the same row order"):
        load_fer2013(csv)
    write_votes(tmp_path / "fer2013_ferplus.csv", rows[:-1])
    with pytest.raises(DatasetFormatError, match="6 PublicTest rows but the FER2013 data has 7"):
        load_fer2013(csv)


def test_ferplus_own_file_layout_is_read_by_row_order(tmp_path):
    rows = synthetic_rows(per_class=(2, 1), splits=("train", "validation"))
    csv = write_csv(tmp_path / "fer2013.csv", rows)
    lines = ["Usage,Image name," + ",".join(VOTE_COLUMNS)]
    for index, row in enumerate(rows):
        emotion, _, usage = row.split(",")
        lines.append(f"{usage},fer{index:07d}.png," + ",".join(map(str, votes_for(int(emotion)))))
    (tmp_path / "fer2013new.csv").write_text("\n".join(lines) + "\n")
    data = load_fer2013(csv)
    assert np.array_equal(majority_labels(data["train"].ferplus_votes), data["train"].labels)


def test_a_vote_that_is_not_a_number_is_named_by_its_line(tmp_path):
    rows = synthetic_rows(per_class=(1, 1), splits=("train", "validation"))
    csv = write_csv(tmp_path / "fer2013.csv", rows)
    write_votes(tmp_path / "fer2013_ferplus.csv", rows, lambda label: ["x", *votes_for(label)[1:]])
    with pytest.raises(DatasetFormatError, match="line 2: a vote count is not a number"):
        load_fer2013(csv)


def test_majority_and_distribution_leave_out_contempt_unknown_and_not_a_face():
    votes = np.zeros((4, len(VOTE_COLUMNS)), dtype="float32")
    votes[0, VOTE_COLUMNS.index("sadness")], votes[0, VOTE_COLUMNS.index("neutral")] = 4, 6
    votes[1, VOTE_COLUMNS.index("contempt")], votes[1, VOTE_COLUMNS.index("anger")] = 6, 4
    votes[2, VOTE_COLUMNS.index("NF")] = 10
    votes[3] = np.nan  # a face FER+ dropped
    neutral, sad, angry = (EMOTIONS.index(name) for name in ("neutral", "sad", "angry"))
    assert majority_labels(votes).tolist() == [neutral, NO_MAJORITY, NO_MAJORITY, NO_MAJORITY]
    distribution = vote_distribution(votes)
    assert distribution[0, neutral] == pytest.approx(0.6) and distribution[0, sad] == pytest.approx(0.4)
    assert distribution[1, angry] == pytest.approx(1.0)  # contempt's votes left out, anger's kept
    assert np.isnan(distribution[2:]).all()


def test_targets_blend_votes_with_the_label_and_keep_the_label_where_votes_are_missing():
    votes = np.stack([votes_for(3, agree=6, neutral=4), np.full(len(VOTE_COLUMNS), np.nan)])
    targets = ferplus_targets(np.array([3, 4]), votes, ferplus_weight=0.5)
    happy, neutral, sad = (EMOTIONS.index(name) for name in ("happy", "neutral", "sad"))
    assert targets[0, happy] == pytest.approx(0.5 + 0.5 * 0.6)
    assert targets[0, neutral] == pytest.approx(0.5 * 0.4)
    assert targets[1, sad] == 1.0 and targets.sum(axis=1) == pytest.approx([1.0, 1.0])


def test_training_on_votes_fits_and_validates_on_the_blended_targets(csv_with_votes, tmp_path, epoch_arrays):
    csv, _ = csv_with_votes
    data = load_fer2013(csv)
    config = tiny_config(epochs=1, ferplus_weight=1.0)
    train(config, data, tmp_path / "run", verbose=0)
    expected = ferplus_targets(data["train"].labels, data["train"].ferplus_votes, 1.0)
    assert np.allclose(epoch_arrays[0]["base_targets"], expected)
    assert '"ferplus_weight": 1.0' in (tmp_path / "run" / "config.json").read_text()


def test_training_on_votes_without_them_says_where_to_put_them(csv_with_votes, tmp_path):
    csv, _ = csv_with_votes
    config = tiny_config(epochs=1, ferplus_weight=0.5)
    with pytest.raises(MissingSplitError, match="put fer2013_ferplus.csv.gz"):
        train(config, load_fer2013(csv, ferplus=None), tmp_path / "run", verbose=0)


def test_evaluation_reports_the_ferplus_majority_accuracy_and_what_it_left_out(csv_with_votes):
    csv, _ = csv_with_votes
    data = load_fer2013(csv)

    def always_neutral(faces):
        probabilities = np.zeros((len(faces), len(EMOTIONS)), dtype="float32")
        probabilities[:, EMOTIONS.index("neutral")] = 1
        return probabilities

    summary = evaluate(always_neutral, data)["validation"].summary()
    ferplus = summary["ferplus_majority"]
    assert ferplus["faces"] + ferplus["left_out"] == summary["images"]
    # every face's majority is its own class, so only the neutral faces are right
    assert ferplus["accuracy"] == pytest.approx(1 / len(EMOTIONS))
