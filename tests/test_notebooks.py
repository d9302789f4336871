"""Both notebooks run end to end on tiny synthetic data, as CI and a local Jupyter would run them."""

import json
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from fercnn.training.config import TrainConfig

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"


def is_parameters_cell(cell):
    return "parameters" in cell.metadata.get("tags", [])


def execute(name, parameters, root=ROOT):
    """Run a notebook of the repository at ``root`` from its notebooks/ folder, as Jupyter
    would, with a cell after its ``parameters`` cell overriding them (papermill's way)."""
    notebook = nbformat.read(root / "notebooks" / name, as_version=4)
    index = next(i for i, cell in enumerate(notebook.cells) if is_parameters_cell(cell))
    overrides = "\n".join(f"{key} = {value!r}" for key, value in parameters.items())
    notebook.cells.insert(
        index + 1, nbformat.v4.new_code_cell(overrides, metadata={"tags": ["injected-parameters"]})
    )
    NotebookClient(
        notebook,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(root / "notebooks")}},
    ).execute()
    return notebook


def test_notebooks_are_committed_without_outputs():
    for path in NOTEBOOKS.glob("*.ipynb"):
        if path.name == "evaluate_model.ipynb":
            continue  # shows the shipped model's rendered results
        cells = json.loads(path.read_text())["cells"]
        assert all(not cell.get("outputs") for cell in cells if cell["cell_type"] == "code"), path.name


def test_the_rendered_evaluate_notebook_shows_relative_paths_and_no_log_noise():
    """Its committed outputs are what a user reads first: no path of the computer that rendered
    them, no TensorFlow start-up chatter, no error."""
    cells = nbformat.read(NOTEBOOKS / "evaluate_model.ipynb", as_version=4).cells
    outputs = [output for cell in cells if cell.cell_type == "code" for output in cell.outputs]
    assert outputs and all(output.output_type != "error" for output in outputs)
    text = "".join(output.get("text", "") for output in outputs)
    text += "".join(str(output.get("data", {}).get("text/plain", "")) for output in outputs)
    for noise in ("/home/", "/root/", "/tmp/", "/work/", "site-packages", "absl", "I0000", "WARNING"):
        assert noise not in text, noise
    assert all(output.get("name") != "stderr" for output in outputs)
    assert "Loaded data/fer2013.csv" in text and "runs/evaluate/" in text


@pytest.mark.parametrize("name", ["train_model.ipynb", "evaluate_model.ipynb"])
def test_notebook_has_a_parameters_cell_and_colab_badge(name):
    notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
    assert any(is_parameters_cell(cell) for cell in notebook.cells)
    assert "colab.research.google.com" in notebook.cells[0].source


def test_train_notebook_defaults_are_the_package_defaults():
    """Running the notebook unchanged must train what `python -m fercnn train` trains."""
    notebook = nbformat.read(NOTEBOOKS / "train_model.ipynb", as_version=4)
    cell = next(cell for cell in notebook.cells if is_parameters_cell(cell))
    parameters = {}
    exec(cell.source, parameters)
    defaults = TrainConfig()
    settings = {name.lower(): value for name, value in parameters.items() if name.isupper()}
    settings |= {name: tuple(value) for name, value in settings.items() if isinstance(value, list)}
    recipe = {name: getattr(defaults, name) for name in settings if hasattr(defaults, name)}
    recipe |= {name: getattr(defaults.augment, name) for name in settings if hasattr(defaults.augment, name)}
    expected = {"epochs", "batch_size", "learning_rate", "init_from", "erasing_probability"}
    expected |= {"teachers", "teacher_weight", "teacher_temperature", "teacher_views"}
    assert expected <= set(recipe)
    assert {name: settings[name] for name in recipe} == recipe


@pytest.mark.parametrize("name", ["train_model", "evaluate_model"])
def test_each_notebook_matches_its_checked_source(name):
    """A notebook's cells are written in ``notebooks/NAME.py`` (jupytext's percent format,
    linted by ruff); the ``.ipynb`` must hold the same cells. After an edit in Jupyter,
    ``jupytext --sync notebooks/*.ipynb`` brings it back to the source (and the other way)."""
    jupytext = pytest.importorskip("jupytext")
    source = jupytext.read(NOTEBOOKS / f"{name}.py")
    notebook = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)

    def cells(book):
        return [(cell.cell_type, cell.source.strip(), cell.metadata.get("tags", [])) for cell in book.cells]

    assert cells(notebook) == cells(source), f"run: jupytext --sync notebooks/{name}.ipynb"


def test_both_notebooks_share_one_set_up_cell():
    set_up = [
        next(
            cell.source
            for cell in nbformat.read(NOTEBOOKS / name, as_version=4).cells
            if "# Set-up" in cell.source
        )
        for name in ("train_model.ipynb", "evaluate_model.ipynb")
    ]
    assert set_up[0] == set_up[1]
