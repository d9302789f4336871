"""The package's public names: each one importable from ``fercnn`` itself, and nothing else."""

import subprocess
import sys

import pytest

import fercnn


@pytest.mark.parametrize("name", fercnn.__all__)
def test_every_public_name_resolves(name):
    assert getattr(fercnn, name) is not None
    assert name in dir(fercnn)


def test_an_unknown_name_says_so():
    with pytest.raises(AttributeError, match="no attribute 'fit'"):
        fercnn.fit  # noqa: B018


def test_importing_the_package_does_not_load_keras():
    code = "import sys, fercnn; print('keras' in sys.modules)"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "False"


def test_the_documented_flow_names_only_public_entry_points():
    for name in (
        "load_fer2013",
        "TrainConfig",
        "train",
        "write_evaluation",
        "load_classifier",
        "predict_photos",
        "FacePipeline",
        "predict_video",
    ):
        assert f"fercnn.{name}(" in fercnn.__doc__
