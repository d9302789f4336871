"""Write notebooks/train_model.ipynb and notebooks/evaluate_model.ipynb from the cells below.

The notebooks are generated so their shared set-up cell stays identical; edit here, run
``python tools/make_notebooks.py`` (it needs the dev extras: nbformat, ruff), and commit the
result (outputs stripped).
"""

import subprocess
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

GITHUB = "fercnn/fercnn"
ROOT = Path(__file__).resolve().parents[1]


def badge(notebook):
    url = f"https://colab.research.google.com/github/{GITHUB}/blob/main/notebooks/{notebook}"
    return f'<a href="{url}" target="_parent"><img src="https://colab.research.google.com/assets/colab-badge.svg" alt="Open In Colab"/></a>'


SETUP = f'''\
# Set-up: in Colab, fetch and install the project (and mount Drive if asked); locally, use the checkout.
import os
import subprocess
import sys
from pathlib import Path

if "google.colab" in sys.modules:
    if not Path("fercnn").exists():
        repository = "https://github.com/{GITHUB}.git"
        subprocess.run(["git", "clone", "--depth", "1", repository, "fercnn"], check=True)
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "-e", "fercnn[demo]"], check=True)
    os.chdir("fercnn")
    if MOUNT_DRIVE:
        from google.colab import drive

        drive.mount("/content/drive")

if Path.cwd().name == "notebooks":
    os.chdir("..")  # run from the repository root, as the command line does: paths read as in the README
ROOT = Path.cwd()
sys.path.insert(0, str(ROOT / "src"))  # works before a kernel restart picks up `pip install -e`
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def project_path(path):
    """Relative paths are relative to the repository root, wherever the notebook runs."""
    return Path(path) if Path(path).is_absolute() else ROOT / path
'''

DATA_HELP = """\
## The data
FER2013 is not redistributable, so bring your own copy (any of these works as `DATA_PATH`):
* the original Kaggle CSV, `fer2013.csv` (or `.csv.gz`), from the
  [ICML 2013 challenge](https://www.kaggle.com/competitions/challenges-in-representation-learning-facial-expression-recognition-challenge/data);
* the Kaggle image release, [msambare/fer2013](https://www.kaggle.com/datasets/msambare/fer2013)
  (`train/<emotion>/*.jpg`, `test/<emotion>/*.jpg`): set `DOWNLOAD_WITH_KAGGLEHUB = True` to fetch it with
  your Kaggle credentials;
* in Colab, a copy on Google Drive: `MOUNT_DRIVE = True` and `DATA_PATH = "/content/drive/MyDrive/fer2013.csv"`.

Splits come from the `Usage` column: Training -> train, PublicTest -> validation (used to pick the
checkpoint), PrivateTest -> test (never used for any choice). A split your copy lacks is reported and skipped.
"""


def load_data(command):
    """The data cell: load FER2013, then make this run's folder (a new one under runs/ unless
    OUTPUT_DIR names one), so that nothing is ever written over the shipped model."""
    return f"""\
from fercnn.data.loading import load_fer2013
from fercnn.runs import display_path, new_run_dir

if DOWNLOAD_WITH_KAGGLEHUB:
    import kagglehub

    DATA_PATH = kagglehub.dataset_download("msambare/fer2013")
data = load_fer2013(project_path(DATA_PATH))
print(f"Loaded {{display_path(data.source)}}: splits {{', '.join(data.names)}}")
output_dir = project_path(OUTPUT_DIR) if OUTPUT_DIR else new_run_dir("{command}", root=ROOT / "runs")
output_dir.mkdir(parents=True, exist_ok=True)
print(f"This run writes into {{display_path(output_dir)}}/")
data.class_table()
"""


def train_notebook():
    return [
        new_markdown_cell(
            f"{badge('train_model.ipynb')}\n\n# Train FERNet on FER2013\n\n"
            "Trains the project's hybrid Fused-MBConv / inverted-residual CNN. Every step is a call into the "
            "`fercnn` package (the same code as `python -m fercnn train`). Each run trains into a new folder "
            "under `runs/train/`; the shipped model in `models/` is never touched. Re-running the training cell "
            "after an interruption resumes from the last completed epoch; after a restart of the notebook, set "
            "`OUTPUT_DIR` to the run's folder (printed below) to resume it."
        ),
        new_code_cell(
            "# Parameters (papermill/nbclient can override this cell)\n"
            'DATA_PATH = "data"  # fer2013.csv(.gz), a folder holding it, or the Kaggle train/ test/ folders\n'
            "OUTPUT_DIR = None  # None: a new folder runs/train/DATE_TIME; an existing run's folder resumes it\n"
            "EPOCHS = 40\n"
            "BATCH_SIZE = 64\n"
            "LEARNING_RATE = 2e-3  # peak of the warm-up + cosine schedule\n"
            "MIXUP_ALPHA = 0.0  # mixup strength, 0 = off (the shipped model's later cycles: 0.2)\n"
            "CUTMIX_ALPHA = 0.0  # CutMix strength, 0 = off (later cycles: 1.0)\n"
            "EMA_MOMENTUM = 0.0  # moving average of the weights, 0 = off (later cycles: 0.999)\n"
            "ERASING_PROBABILITY = 0.0  # share of faces with a random patch erased, 0 = off\n"
            "INIT_FROM = None  # a saved .keras model to continue from (another cycle); None: random weights\n"
            "TEACHERS = []  # saved .keras models to distil into this one; empty: learn from the labels alone\n"
            "TEACHER_WEIGHT = 0.5  # share of each target from the teachers (the shipped model's last cycle: 1.0)\n"
            "TEACHER_TEMPERATURE = 1.0  # above 1 softens the teachers' probabilities (its last two cycles: 2.0)\n"
            'TEACHER_VIEWS = "clean"  # "clean": the plain faces once; "mixed"/"augmented": each epoch\'s blends, unwarped/warped\n'
            "MOUNT_DRIVE = False  # Colab only: mount Google Drive for data and checkpoints\n"
            "DOWNLOAD_WITH_KAGGLEHUB = False  # fetch the Kaggle image release (needs Kaggle credentials)",
            metadata={"tags": ["parameters"]},
        ),
        new_code_cell(SETUP),
        new_markdown_cell(DATA_HELP),
        new_code_cell(load_data("train")),
        new_markdown_cell(
            "## A look at the data\nClass balance per split, sample faces, and byte-identical faces shared "
            "between splits (leakage that would inflate a test score)."
        ),
        new_code_cell(
            "from fercnn.data.duplicates import duplicate_table\n"
            "from fercnn.evaluation.report import write_data_figures\n\n"
            "write_data_figures(data, output_dir, show=True)\n"
            "duplicate_table(data)"
        ),
        new_markdown_cell(
            "## Train\nThe recipe lives in `TrainConfig` (printed below and saved as `config.json` beside the "
            "weights). The best epoch by PublicTest accuracy is kept as `fernet_fer2013.keras`."
        ),
        new_code_cell(
            "from fercnn.data.augment import AugmentConfig\n"
            "from fercnn.training.config import TrainConfig\n"
            "from fercnn.training.loop import train\n\n"
            "config = TrainConfig(\n"
            "    data=str(project_path(DATA_PATH)),\n"
            "    output_dir=str(output_dir),\n"
            "    epochs=EPOCHS,\n"
            "    batch_size=BATCH_SIZE,\n"
            "    learning_rate=LEARNING_RATE,\n"
            "    mixup_alpha=MIXUP_ALPHA,\n"
            "    cutmix_alpha=CUTMIX_ALPHA,\n"
            "    ema_momentum=EMA_MOMENTUM,\n"
            "    augment=AugmentConfig(erasing_probability=ERASING_PROBABILITY),\n"
            "    init_from=str(project_path(INIT_FROM)) if INIT_FROM else None,\n"
            "    teachers=tuple(str(project_path(teacher)) for teacher in TEACHERS),\n"
            "    teacher_weight=TEACHER_WEIGHT,\n"
            "    teacher_temperature=TEACHER_TEMPERATURE,\n"
            "    teacher_views=TEACHER_VIEWS,\n"
            ")\n"
            "print(config)\n"
            "result = train(config, data)\n"
            'print(f"best PublicTest accuracy {result.state.best_val_accuracy:.4f} at epoch {result.state.best_epoch}")'
        ),
        new_code_cell(
            "from fercnn.evaluation.report import write_training_curves\n\nwrite_training_curves(output_dir, show=True).tail()"
        ),
        new_markdown_cell(
            "## Evaluate the best checkpoint\nAccuracy and macro-F1 on every split present, with and without "
            "horizontal-flip test-time augmentation; confusion matrices as counts and row percentages."
        ),
        new_code_cell(
            "from fercnn.evaluation.report import write_evaluation\n\n"
            "metrics = write_evaluation(result.best_model_path, data, output_dir, show=True)"
        ),
    ]


def evaluate_notebook():
    return [
        new_markdown_cell(
            f"{badge('evaluate_model.ipynb')}\n\n# Evaluate a FERNet model on FER2013\n\n"
            "Scores a saved `.keras` model (by default the one shipped in `models/`) on every FER2013 split "
            "you have, and shows where it goes wrong. Same code as `python -m fercnn evaluate`. Its metrics, "
            "reports and figures go to a new folder under `runs/evaluate/`."
        ),
        new_code_cell(
            "# Parameters (papermill/nbclient can override this cell)\n"
            "MODEL_PATH = None  # a .keras model; None: the shipped models/fernet_fer2013.keras\n"
            'DATA_PATH = "data"  # fer2013.csv(.gz), a folder holding it, or the Kaggle train/ test/ folders\n'
            "OUTPUT_DIR = None  # None: a new folder runs/evaluate/DATE_TIME\n"
            "BATCH_SIZE = 256\n"
            "PHOTOS = []  # your photos or folders for the last section; empty: a sample portrait\n"
            "USE_CAMERA = False  # Colab only: take the photo with your camera instead\n"
            "LIVE_DEMO = True  # end with the live demo (webcam, photos, videos) in the notebook; needs Gradio\n"
            "MOUNT_DRIVE = False  # Colab only: mount Google Drive\n"
            "DOWNLOAD_WITH_KAGGLEHUB = False  # fetch the Kaggle image release (needs Kaggle credentials)",
            metadata={"tags": ["parameters"]},
        ),
        new_code_cell(SETUP),
        new_markdown_cell(DATA_HELP),
        new_code_cell(load_data("evaluate")),
        new_markdown_cell("## Scores per split"),
        new_code_cell(
            "from fercnn.evaluation.report import write_evaluation\n"
            "from fercnn.models.shipped import shipped_model\n\n"
            "model_path = project_path(MODEL_PATH) if MODEL_PATH else shipped_model()\n"
            "metrics = write_evaluation(model_path, data, output_dir, show=True, batch_size=BATCH_SIZE)"
        ),
        new_code_cell(
            "for split in metrics['splits']:\n"
            "    print((output_dir / f'classification_report_{split}.txt').read_text())"
        ),
        new_markdown_cell(
            "## How much did picking the checkpoint flatter PublicTest?\n"
            "Checkpoints are picked on PublicTest, so its accuracy rewards the luck of the pick too. The mirror "
            "images of its faces are as hard for a model trained with random flips, but no pick looked at them: "
            "accuracy on the real faces well above the mirrored one is what the pick flattered "
            "(`benchmarks/mirror_gap.py` tests it face by face)."
        ),
        new_code_cell(
            "from fercnn.evaluation.metrics import format_mirror_gap\n\nprint(format_mirror_gap(metrics))"
        ),
        new_markdown_cell("## Training curves (if the model's run history is beside it)"),
        new_code_cell(
            "from fercnn.evaluation.report import write_training_curves\n\n"
            "if (model_path.parent / 'history.csv').exists():\n"
            "    write_training_curves(model_path.parent, output_dir, show=True)\n"
            "else:\n"
            "    print('no history.csv beside the model')"
        ),
        new_markdown_cell(
            "## Your own photos\nFaces are found by BlazeFace (OpenCV's Haar cascade where its weights are not "
            "installed), levelled and cut the way FER2013's faces were, and classified; annotated copies go to "
            "this run's folder. Same code as `python -m fercnn predict PATH...`, which takes videos too. "
            "In Colab, set `USE_CAMERA = True` to take the photo with your camera."
        ),
        new_code_cell(
            "from fercnn.app.colab import in_colab, take_camera_snapshot\n\n"
            "photos = [project_path(photo) for photo in PHOTOS]\n"
            "if USE_CAMERA and in_colab():\n"
            "    photos = [take_camera_snapshot(output_dir / 'snapshot.jpg')]"
        ),
        new_code_cell(
            "from IPython.display import Image, display\n\n"
            "from fercnn.app.predict import format_table, predict_photos, sample_photo\n"
            "from fercnn.runtime.classifier import load_classifier\n\n"
            "results = predict_photos(photos or [sample_photo()], load_classifier(model_path), output_dir)\n"
            "print(format_table(results))\n"
            "for result in results:\n"
            "    if result.annotated:\n"
            "        display(Image(filename=str(result.annotated), width=480))"
        ),
        new_markdown_cell(
            "## Live demo: your webcam, photos and videos\n"
            "The same page as `python -m fercnn demo`, here in the notebook: the **webcam** tab follows your "
            "face live (allow the camera, then press Record), **photos** and **video** take uploads. It runs on "
            "this notebook's machine; in Colab, Gradio serves it through a temporary link."
        ),
        new_code_cell(
            "if LIVE_DEMO:\n"
            "    try:\n"
            "        from fercnn.app.demo import launch\n\n"
            "        page = launch(model_path)\n"
            "    except ImportError as missing:  # Gradio is an optional extra\n"
            "        print(missing)"
        ),
    ]


def write(name, cells):
    for number, cell in enumerate(cells):
        cell.id = f"cell-{number:02d}"  # stable ids: regenerating changes only what was edited
    notebook = new_notebook(cells=cells)
    notebook.metadata.update(
        kernelspec={"display_name": "Python 3", "language": "python", "name": "python3"},
        language_info={"name": "python"},
        colab={"provenance": []},
    )
    nbformat.validate(notebook)
    path = ROOT / "notebooks" / name
    nbformat.write(notebook, path)
    subprocess.run(["ruff", "format", "--quiet", str(path)], check=True)  # same style as the package


if __name__ == "__main__":
    write("train_model.ipynb", train_notebook())
    write("evaluate_model.ipynb", evaluate_notebook())
