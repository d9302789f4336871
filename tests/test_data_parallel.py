"""``train --data-parallel``: the same run on two (virtual CPU) devices as on one, resumable on
another device count, refused where Keras cannot distribute, and recorded in the run folder.

JAX can split the host CPU into several devices (``XLA_FLAGS``), so the data-parallel runs
happen in subprocesses with their own backend and device count; they skip where JAX is not
installed (``pip install 'fercnn[jax]'``)."""

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import synthetic_rows, tiny_config, write_csv

from fercnn.errors import SettingError
from fercnn.training.distribute import (
    DEVICES_RECORD,
    LEARNING_RATE_RULE,
    arrays_for_devices,
    data_parallel_scope,
    pad_to_multiple,
)

TESTS = Path(__file__).resolve().parent
HAS_JAX = importlib.util.find_spec("jax") is not None
# The same epoch on one and on two devices: the losses agree within 1% (0.6% here, where the
# padded last batch's mean loss is halved; 1e-4 without padding).
TOLERANCE = 0.01
# A resumed epoch against the unbroken run's: a resumed run reseeds its augmentation (on any
# device count), so its faces are warped differently: within 5% (under 3% here).
RESUMED_TOLERANCE = 0.05

# Runs in a subprocess whose backend and device count the environment sets. argv: the CSV, a
# folder for a full run (or "-" for none), a folder for a run that stops after its first epoch
# ("stop") or is resumed ("resume").
SCRIPT = """
import json, sys
sys.path.insert(0, {tests!r})
from conftest import tiny_config
from fercnn.training import checkpoints
from fercnn.training.loop import train
import keras

csv, full, moved, mode = sys.argv[1:5]
result = {{"devices": keras.distribution.list_devices()}}
if full != "-":
    history = train(tiny_config(epochs=2, data_parallel=True), csv, full, verbose=0).history
    result |= {{key: history[key].tolist() for key in ("loss", "val_loss", "val_accuracy")}}
if mode == "stop":
    original = checkpoints.RunCheckpoint.on_epoch_end
    def checkpoint_then_stop(self, epoch, logs=None):
        original(self, epoch, logs)
        raise KeyboardInterrupt
    checkpoints.RunCheckpoint.on_epoch_end = checkpoint_then_stop
try:
    history = train(tiny_config(epochs=2, data_parallel=True), csv, moved, verbose=0).history
except KeyboardInterrupt:
    import pandas
    history = pandas.read_csv(moved + "/history.csv")
result |= {{"moved_" + key: history[key].tolist() for key in ("loss", "val_loss", "val_accuracy")}}
print("RESULT", json.dumps(result))
"""


def run_on_devices(devices, *args):
    env = dict(os.environ, KERAS_BACKEND="jax", XLA_FLAGS=f"--xla_force_host_platform_device_count={devices}")
    script = SCRIPT.format(tests=str(TESTS))
    done = subprocess.run(
        [sys.executable, "-c", script, *map(str, args)], env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-3000:]
    line = next(line for line in done.stdout.splitlines() if line.startswith("RESULT "))
    return json.loads(line.removeprefix("RESULT "))


@pytest.mark.skipif(
    not HAS_JAX, reason="JAX is not installed (pip install 'fercnn[jax]'): no CPU devices to split"
)
def test_two_devices_reach_the_loss_of_one_and_a_run_resumes_on_another_device_count(tmp_path):
    """A run begun on two devices and stopped after its first epoch, then resumed and finished
    on one, matches a run on one device throughout: the same batches, schedule and losses."""
    # 161 training and 35 PublicTest faces: odd, so the two-device run pads its last batch
    csv = write_csv(tmp_path / "fer.csv", synthetic_rows(per_class=(23, 5), splits=("train", "validation")))
    two = run_on_devices(2, csv, "-", tmp_path / "moved", "stop")
    one = run_on_devices(1, csv, tmp_path / "one", tmp_path / "moved", "resume")

    assert two["devices"] == ["cpu:0", "cpu:1"] and one["devices"] == ["cpu:0"]
    assert len(two["moved_loss"]) == 1 and len(one["moved_loss"]) == 2
    for key in ("loss", "val_loss"):  # the first epoch, on two devices
        np.testing.assert_allclose(two[f"moved_{key}"], one[key][:1], rtol=TOLERANCE)
    # the second, resumed on one (its validation loss, on 35 faces, swings too much to compare)
    np.testing.assert_allclose(one["moved_loss"], one["loss"], rtol=RESUMED_TOLERANCE)
    assert two["moved_val_accuracy"][0] == pytest.approx(one["val_accuracy"][0], abs=1 / 35 + 1e-9)

    record = json.loads((tmp_path / "moved" / DEVICES_RECORD).read_text())
    assert record["learning_rate_scaling"] == LEARNING_RATE_RULE
    segments = [(s["from_epoch"], s["devices"], s["per_device_batch_size"]) for s in record["segments"]]
    assert segments == [(1, ["cpu:0", "cpu:1"], 8), (2, ["cpu:0"], 16)]
    assert {s["global_batch_size"] for s in record["segments"]} == {16}


def test_data_parallel_is_refused_on_a_backend_keras_does_not_distribute(tmp_path):
    """This suite runs TensorFlow, whose trainer Keras does not distribute."""
    with (
        pytest.raises(SettingError, match="JAX backend only.*KERAS_BACKEND=jax"),
        data_parallel_scope(True, 16),
    ):
        pass


def test_a_data_parallel_flag_is_saved_and_resumable_without_it(tmp_path):
    config = tiny_config(data_parallel=True)
    assert config.to_dict()["data_parallel"] is True
    from fercnn.app.cli import build_parser, config_from_args

    args = build_parser().parse_args(["train", "--data-parallel", "--output-dir", str(tmp_path / "new")])
    assert config_from_args(args).data_parallel is True


def test_padding_repeats_the_last_batchs_faces_at_weight_zero_and_keeps_every_face_once():
    faces = np.arange(5, dtype="float32").reshape(5, 1)
    images, targets, weights = arrays_for_devices(
        faces, np.eye(5), None, batch_size=4, multiple=4, rng=np.random.default_rng(0)
    )
    assert len(images) == len(targets) == len(weights) == 8
    assert sorted(images[:5, 0]) == [0, 1, 2, 3, 4] and weights[:5].tolist() == [1] * 5
    # the last batch (one face) padded with repeats of itself, which weigh nothing
    assert weights[5:].tolist() == [0, 0, 0] and images[4:, 0].tolist() == [images[4, 0]] * 4
    assert (targets.argmax(1) == images[:, 0]).all()
    (same,), missing = pad_to_multiple([faces], 5)
    assert missing == 0 and same is faces


def test_several_hosts_are_refused_rather_than_fed_the_same_faces(monkeypatch):
    monkeypatch.setenv("KERAS_DISTRIBUTION_NUM_PROCESSES", "2")
    monkeypatch.setattr("keras.backend.backend", lambda: "jax")
    refused = pytest.raises(SettingError, match="one host.*KERAS_DISTRIBUTION_NUM_PROCESSES")
    with refused, data_parallel_scope(True, 16):
        pass
