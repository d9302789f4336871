"""The package's public names: each one importable from ``fercnn`` itself, and nothing else."""

import subprocess
import sys
from pathlib import Path

import pytest

import fercnn


@pytest.mark.parametrize("name", fercnn.__all__)
def test_every_public_name_resolves(name):
    """Each name in ``__all__`` is a real object of the package, not a placeholder."""
    value = getattr(fercnn, name)
    assert value is not None
    if callable(value):
        assert value.__module__.startswith("fercnn."), value.__module__


def test_the_public_names_are_all_there_and_each_exported_once():
    expected = {"FacePipeline", "FercnnError", "TrainConfig", "load_classifier", "predict_photos", "train"}
    assert expected <= set(fercnn.__all__)
    assert len(fercnn.__all__) == len(set(fercnn.__all__))


def test_the_version_is_the_installed_one():
    from importlib.metadata import version

    assert fercnn.__version__ == version("fercnn")
    shown = subprocess.run([sys.executable, "-m", "fercnn", "--version"], capture_output=True, text=True)
    assert shown.returncode == 0 and shown.stdout.strip() == f"fercnn {fercnn.__version__}"


def test_the_package_says_it_is_typed():
    assert (Path(fercnn.__file__).parent / "py.typed").is_file()


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
        "predict_files",
        "FacePipeline",
        "predict_video",
    ):
        assert f"fercnn.{name}(" in fercnn.__doc__
