import json
import shutil
from dataclasses import replace

import keras
import numpy as np
import pandas as pd
import pytest
from conftest import LEARNED, Crash, synthetic_rows, tiny_config, train_until_crash, write_csv

from fercnn.data.loading import load_fer2013
from fercnn.training import checkpoints
from fercnn.training import loop as train_module
from fercnn.training.config import TrainConfig
from fercnn.training.ema import averaged_weights
from fercnn.training.loop import (
    build_trainer,
    class_weights,
    compiles_train_step,
    load_trainer,
    train,
)


def test_short_training_learns_a_separable_task_and_saves_everything(learnable_csv, trained_run):
    config, result = trained_run
    assert result.state.best_val_accuracy >= LEARNED
    assert result.history["val_accuracy"].max() == pytest.approx(result.state.best_val_accuracy)
    for name in (
        checkpoints.BEST_MODEL,
        checkpoints.checkpoint_name(config.epochs),
        checkpoints.CONFIG,
        checkpoints.HISTORY,
    ):
        assert (result.output_dir / name).is_file()
    assert not list(result.output_dir.glob(".partial-*"))
    assert TrainConfig.load(result.output_dir / checkpoints.CONFIG) == config
    accuracy = validation_accuracy(result.best_model_path, learnable_csv)
    assert accuracy == pytest.approx(result.state.best_val_accuracy, abs=1e-6)


def test_the_recipe_is_saved_apart_from_where_the_run_is(learnable_csv, trained_run, tmp_path):
    """config.json holds what the run is; the data it trained on is in train_state.json, and a
    moved run folder resumes, since its recipe names no folder."""
    config, result = trained_run
    saved = json.loads((result.output_dir / checkpoints.CONFIG).read_text())
    assert not {"data", "output_dir"} & set(saved)
    assert json.loads((result.output_dir / checkpoints.STATE).read_text())["data"] == str(learnable_csv)
    moved = tmp_path / "moved"
    shutil.copytree(result.output_dir, moved)
    assert train(config, learnable_csv, moved, verbose=0).state.epochs_done == config.epochs
    older = saved | {"data": "data/fer2013.csv", "output_dir": "runs/train/old"}  # records of 0.2.0
    (tmp_path / "older.json").write_text(json.dumps(older))
    assert TrainConfig.load(tmp_path / "older.json") == config


def validation_accuracy(model_path, csv):
    """The saved model's accuracy on the CSV's validation faces, recomputed from scratch."""
    model = keras.models.load_model(model_path)
    faces = load_fer2013(csv)["validation"]
    predicted = np.asarray(model.predict(faces.images.astype("float32"), verbose=0)).argmax(1)
    return (predicted == faces.labels).mean()


def test_interrupted_run_resumes_epoch_count_and_schedule(learnable_csv, tmp_path, monkeypatch):
    config = tiny_config(epochs=3)
    train_until_crash(config, learnable_csv, tmp_path / "run", monkeypatch, after_epoch=0)
    assert json.loads((tmp_path / "run" / checkpoints.STATE).read_text())["epochs_done"] == 1

    result = train(config, learnable_csv, tmp_path / "run", verbose=0)
    assert result.state.epochs_done == 3
    assert result.history["epoch"].tolist() == [0, 1, 2]
    trainer = keras.models.load_model(tmp_path / "run" / checkpoints.checkpoint_name(3))
    assert [path.name for path in (tmp_path / "run").glob(checkpoints.CHECKPOINTS)] == [
        checkpoints.checkpoint_name(3)
    ]
    steps_per_epoch = int(np.ceil(7 * 24 / config.batch_size))
    assert int(trainer.optimizer.iterations) == 3 * steps_per_epoch
    # cosine decay ends at zero on the last step: the resumed run followed the original schedule
    assert float(trainer.optimizer.learning_rate) == pytest.approx(0.0, abs=1e-6)


def test_a_kill_between_checkpoint_and_state_resumes_on_the_same_schedule(
    learnable_csv, tmp_path, monkeypatch
):
    """Killed after epoch 2's checkpoint was written but before the state recorded it: the
    state still names epoch 1's checkpoint, which is still there, so the run redoes epoch 2 from
    it and ends after exactly 3 epochs of optimizer steps."""
    config = tiny_config(epochs=3)
    real_save = checkpoints.TrainState.save

    def save_then_die_at_epoch_2(self, path):
        if self.epochs_done == 2:
            raise Crash
        real_save(self, path)

    with monkeypatch.context() as patch:
        patch.setattr(checkpoints.TrainState, "save", save_then_die_at_epoch_2)
        with pytest.raises(Crash):
            train(config, learnable_csv, tmp_path / "run", verbose=0)
    state = json.loads((tmp_path / "run" / checkpoints.STATE).read_text())
    assert (state["epochs_done"], state["checkpoint"]) == (1, checkpoints.checkpoint_name(1))
    assert (tmp_path / "run" / checkpoints.checkpoint_name(1)).is_file()

    result = train(config, learnable_csv, tmp_path / "run", verbose=0)
    assert result.state.epochs_done == 3 and result.history["epoch"].tolist() == [0, 1, 2]
    trainer = keras.models.load_model(tmp_path / "run" / result.state.checkpoint)
    assert int(trainer.optimizer.iterations) == 3 * int(np.ceil(7 * 24 / config.batch_size))


def test_an_epoch_logged_but_not_saved_is_logged_once_on_resuming(learnable_csv, tmp_path, monkeypatch):
    config = tiny_config(epochs=3)
    train_until_crash(config, learnable_csv, tmp_path / "run", monkeypatch, after_epoch=0)
    history = tmp_path / "run" / checkpoints.HISTORY
    # the process was killed after Keras logged epoch 1 and before its checkpoint was saved
    with open(history, "a") as log:
        log.write("1,0.5,1.0,0.5,1.0\n")

    result = train(config, learnable_csv, tmp_path / "run", verbose=0)
    assert result.history["epoch"].tolist() == [0, 1, 2]
    assert pd.read_csv(history)["epoch"].tolist() == [0, 1, 2]


def test_finished_run_is_not_retrained(learnable_csv, trained_run):
    config, result = trained_run
    checkpoint = result.output_dir / result.state.checkpoint
    modified = checkpoint.stat().st_mtime_ns
    again = train(config, learnable_csv, result.output_dir, verbose=0)
    assert again.history.equals(pd.read_csv(result.output_dir / checkpoints.HISTORY))
    assert checkpoint.stat().st_mtime_ns == modified


def test_early_stopped_run_is_not_continued(learnable_csv, trained_run, tmp_path):
    config, result = trained_run
    stopped = tmp_path / "stopped"
    shutil.copytree(result.output_dir, stopped)
    state = json.loads((stopped / checkpoints.STATE).read_text())
    state |= {"epochs_done": 3, "epochs_without_improvement": config.patience}
    (stopped / checkpoints.STATE).write_text(json.dumps(state))
    modified = (stopped / state["checkpoint"]).stat().st_mtime_ns
    assert train(config, learnable_csv, stopped, verbose=0).state.epochs_done == 3
    assert (stopped / state["checkpoint"]).stat().st_mtime_ns == modified


def test_existing_run_is_never_overwritten_or_mixed(learnable_csv, trained_run):
    config, result = trained_run
    with pytest.raises(FileExistsError, match="already holds a training run"):
        train(config, learnable_csv, result.output_dir, resume=False, verbose=0)
    with pytest.raises(ValueError, match=r"different settings \(epochs, learning_rate\)"):
        train(replace(config, epochs=2, learning_rate=1e-3), learnable_csv, result.output_dir, verbose=0)


def test_training_needs_a_validation_split(tmp_path):
    path = write_csv(tmp_path / "train_only.csv", synthetic_rows((2,), ("train",)))
    with pytest.raises(KeyError, match="validation.*absent"):
        train(tiny_config(), path, tmp_path / "run", verbose=0)


def test_class_weights_balance_rare_classes():
    labels = np.array([0] * 8 + [1] * 2)
    assert class_weights(labels, "none") is None
    balanced = class_weights(labels, "balanced")
    assert balanced[1] == pytest.approx(4 * balanced[0])
    assert class_weights(labels, "sqrt")[1] == pytest.approx(2 * class_weights(labels, "sqrt")[0])


def test_warm_start_continues_from_a_saved_model(learnable_csv, trained_run, tmp_path):
    config, result = trained_run
    # One epoch at a learning rate far too small to learn anything from scratch:
    # a high score can only come from the copied weights.
    restart = replace(config, epochs=1, learning_rate=1e-7, init_from=str(result.best_model_path))
    warm = train(restart, learnable_csv, tmp_path / "restart", verbose=0)
    assert warm.state.best_val_accuracy >= LEARNED
    assert TrainConfig.load(warm.output_dir / checkpoints.CONFIG).init_from == str(result.best_model_path)
    cold = train(replace(restart, init_from=None), learnable_csv, tmp_path / "cold", verbose=0)
    assert cold.state.best_val_accuracy < 0.5


def test_warm_start_refuses_a_missing_or_different_model(learnable_csv, trained_run, tmp_path):
    config, result = trained_run
    missing = replace(config, init_from=str(tmp_path / "nope.keras"))
    with pytest.raises(FileNotFoundError, match="nope.keras does not exist"):
        train(missing, learnable_csv, tmp_path / "a", verbose=0)
    wider = replace(config, init_from=str(result.best_model_path), model=replace(config.model, width=2.0))
    with pytest.raises(ValueError, match="another architecture.*--config"):
        train(wider, learnable_csv, tmp_path / "b", verbose=0)


def test_mixing_and_averaging_run_saves_the_validated_average_and_resumes(
    learnable_csv, tmp_path, monkeypatch
):
    config = tiny_config(mixup_alpha=0.2, cutmix_alpha=1.0, ema_momentum=0.9)
    train_until_crash(config, learnable_csv, tmp_path / "run", monkeypatch, after_epoch=1)
    result = train(config, learnable_csv, tmp_path / "run", verbose=0)

    assert result.state.epochs_done == config.epochs
    assert result.history["epoch"].tolist() == list(range(config.epochs))
    assert result.state.best_val_accuracy >= LEARNED
    # the best model holds the weights that were validated: the moving average
    accuracy = validation_accuracy(result.best_model_path, learnable_csv)
    assert accuracy == pytest.approx(result.state.best_val_accuracy, abs=1e-6)
    # the checkpoint keeps the training weights (not the average fit copies over them at its end)
    trainer = keras.models.load_model(result.output_dir / result.state.checkpoint)
    training_weights = [np.array(v) for v in trainer.trainable_variables]
    with averaged_weights(trainer):
        averaged = [np.array(v) for v in trainer.trainable_variables]
    assert not all(np.allclose(a, b) for a, b in zip(training_weights, averaged, strict=True))
    assert all(
        np.array_equal(a, np.array(v))
        for a, v in zip(training_weights, trainer.trainable_variables, strict=True)
    )


def test_every_epoch_mixes_the_labels_afresh_not_the_last_epochs_blends(
    learnable_csv, tmp_path, epoch_arrays
):
    config = tiny_config(epochs=3, mixup_alpha=0.2, cutmix_alpha=1.0)
    train(config, learnable_csv, tmp_path / "run", verbose=0)
    assert len(epoch_arrays) == 3
    assert all(epoch["base_targets"] is None for epoch in epoch_arrays)
    # a blend of two one-hot labels names at most two classes; blends of blends would name more
    for epoch in epoch_arrays:
        assert ((epoch["mixed_targets"] > 0).sum(axis=1) <= 2).all()


def test_only_jax_compiles_the_train_step_with_xla():
    """Uncompiled JAX steps run op by op, far too slow to train; TensorFlow's CPU kernels beat XLA's."""
    assert compiles_train_step("jax")
    assert not compiles_train_step("tensorflow") and not compiles_train_step("torch")
    assert build_trainer(TrainConfig(), steps_per_epoch=10).jit_compile is False  # this suite runs TensorFlow


def test_a_run_begun_on_jax_resumes_on_tensorflow(tmp_path, monkeypatch):
    """A checkpoint saved by a JAX run asks for XLA; TensorFlow must train it without, since it
    cannot compile the affine warp (the error seen when a GPU run was resumed on a CPU)."""
    config = tiny_config()
    monkeypatch.setattr(train_module, "compiles_train_step", lambda backend=None: True)
    build_trainer(config, steps_per_epoch=2).save(tmp_path / "begun_on_jax.keras")
    monkeypatch.undo()

    trainer = load_trainer(tmp_path / "begun_on_jax.keras")
    faces = np.random.default_rng(0).uniform(0, 255, (32, 48, 48, 1)).astype("float32")
    history = trainer.fit(faces, np.eye(7)[np.arange(32) % 7], batch_size=16, epochs=1, verbose=0)
    assert trainer.jit_compile is False
    assert np.isfinite(history.history["loss"][0])


def test_a_run_folder_is_held_by_one_process_and_let_go_when_it_ends(tmp_path):
    """A second process training into a folder in use stops with a message naming the holder;
    once the holder ends (here killed, so no clean-up of its own ran), the folder is free."""
    import subprocess
    import sys

    from fercnn.errors import OutputFolderError
    from fercnn.runs import run_folder_lock

    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys\nfrom fercnn.runs import run_folder_lock\n"
            f"with run_folder_lock({str(tmp_path)!r}):\n    print('held', flush=True)\n    sys.stdin.read()",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline() == "held\n"
        busy = f"in use by another run \\(process {holder.pid}\\)"
        with pytest.raises(OutputFolderError, match=busy), run_folder_lock(tmp_path):
            pass
    finally:
        holder.kill()
        holder.wait()
    with run_folder_lock(tmp_path) as folder:
        assert folder == tmp_path


@pytest.mark.parametrize("name", ["../x", "/tmp/x", "a/../../x"])
def test_a_run_name_that_leaves_runs_is_refused_and_nothing_is_made(name, tmp_path):
    from fercnn.errors import SettingError
    from fercnn.runs import new_run_dir

    with pytest.raises(SettingError, match="a run's name is a folder inside .*pass --output-dir"):
        new_run_dir("train", name, root=tmp_path / "runs")
    assert not (tmp_path / "x").exists() and not (tmp_path / "runs").exists()


def test_a_run_name_may_hold_sub_folders_inside_runs(tmp_path):
    from fercnn.runs import new_run_dir

    assert new_run_dir("train", "sweep/lr-0.1", root=tmp_path) == tmp_path / "train" / "sweep" / "lr-0.1"


def test_training_on_one_class_warns_that_its_accuracy_means_nothing(tmp_path):
    from conftest import csv_rows, make_faces

    images, labels = make_faces(8)
    happy = labels == 3
    rows = csv_rows(images[happy], labels[happy], "Training") + csv_rows(
        images[happy], labels[happy], "PublicTest"
    )
    csv_path = write_csv(tmp_path / "happy_only.csv", rows)
    with pytest.warns(
        UserWarning, match=r"all of one class \(happy\).*accuracy of 1.000 on such faces means nothing"
    ):
        result = train(tiny_config(epochs=1), csv_path, tmp_path / "run", verbose=0)
    assert result.state.best_val_accuracy == 1.0  # what the warning is about


def test_training_without_some_classes_names_them():
    from fercnn.data.dataset import Split, warn_of_missing_classes

    split = Split(np.zeros((3, 48, 48, 1), np.uint8), np.array([0, 3, 6]))
    with pytest.warns(UserWarning, match="hold no disgust, fear, sad, surprise: the model never learns"):
        warn_of_missing_classes(split, "training", "faces.csv")
