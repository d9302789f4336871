# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# <a href="https://colab.research.google.com/github/fercnn/fercnn/blob/main/notebooks/train_model.ipynb" target="_parent"><img src="https://colab.research.google.com/assets/colab-badge.svg" alt="Open In Colab"/></a>
#
# # Train FERNet on FER2013
#
# Trains the project's hybrid Fused-MBConv / inverted-residual CNN. Every step is a call into the `fercnn` package (the same code as `python -m fercnn train`). Each run trains into a new folder under `runs/train/`; the shipped model in `models/` is never touched. Re-running the training cell after an interruption resumes from the last completed epoch; after a restart of the notebook, set `OUTPUT_DIR` to the run's folder (printed below) to resume it.

# %% tags=["parameters"]
# Parameters (papermill/nbclient can override this cell)
DATA_PATH = "data"  # fer2013.csv(.gz), a folder holding it, or the Kaggle train/ test/ folders
OUTPUT_DIR = None  # None: a new folder runs/train/DATE_TIME; an existing run's folder resumes it
EPOCHS = 40
BATCH_SIZE = 64
LEARNING_RATE = 2e-3  # peak of the warm-up + cosine schedule
MIXUP_ALPHA = 0.0  # mixup strength, 0 = off (the shipped model's later cycles: 0.2)
CUTMIX_ALPHA = 0.0  # CutMix strength, 0 = off (later cycles: 1.0)
EMA_MOMENTUM = 0.0  # moving average of the weights, 0 = off (later cycles: 0.999)
ERASING_PROBABILITY = 0.0  # share of faces with a random patch erased, 0 = off
INIT_FROM = None  # a saved .keras model to continue from (another cycle); None: random weights
TEACHERS = []  # saved .keras models to distil into this one; empty: learn from the labels alone
TEACHER_WEIGHT = 0.5  # share of each target from the teachers (the shipped model's last cycle: 1.0)
TEACHER_TEMPERATURE = 1.0  # above 1 softens the teachers' probabilities (its last two cycles: 2.0)
TEACHER_VIEWS = (
    "clean"  # "clean": the plain faces once; "mixed"/"augmented": each epoch's blends, unwarped/warped
)
MOUNT_DRIVE = False  # Colab only: mount Google Drive for data and checkpoints
DOWNLOAD_WITH_KAGGLEHUB = False  # fetch the Kaggle image release (needs Kaggle credentials)

# %%
# Set-up: in Colab, fetch and install the project (and mount Drive if asked); locally, use the checkout.
import os
import subprocess
import sys
from pathlib import Path

if "google.colab" in sys.modules:
    if not Path("fercnn").exists():
        repository = "https://github.com/fercnn/fercnn.git"
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
from fercnn.logs import import_tensorflow_quietly, log_to_stdout  # noqa: E402 (after sys.path)

log_to_stdout()  # the package's progress messages, as the command line shows them
import_tensorflow_quietly()  # without TensorFlow's native start-up lines in the outputs


def project_path(path):
    """Relative paths are relative to the repository root, wherever the notebook runs."""
    return Path(path) if Path(path).is_absolute() else ROOT / path


# %% [markdown]
# ## The data
# FER2013 is not redistributable, so bring your own copy (any of these works as `DATA_PATH`):
# * the original Kaggle CSV, `fer2013.csv` (or `.csv.gz`), from the
#   [ICML 2013 challenge](https://www.kaggle.com/competitions/challenges-in-representation-learning-facial-expression-recognition-challenge/data);
# * the Kaggle image release, [msambare/fer2013](https://www.kaggle.com/datasets/msambare/fer2013)
#   (`train/<emotion>/*.jpg`, `test/<emotion>/*.jpg`): set `DOWNLOAD_WITH_KAGGLEHUB = True` to fetch it with
#   your Kaggle credentials;
# * in Colab, a copy on Google Drive: `MOUNT_DRIVE = True` and `DATA_PATH = "/content/drive/MyDrive/fer2013.csv"`.
#
# Splits come from the `Usage` column: Training -> train, PublicTest -> validation (used to pick the
# checkpoint), PrivateTest -> test (never used for any choice). A split your copy lacks is reported and skipped.
#

# %%
from fercnn.data.loading import load_fer2013
from fercnn.runs import display_path, new_run_dir

if DOWNLOAD_WITH_KAGGLEHUB:
    import kagglehub

    DATA_PATH = kagglehub.dataset_download("msambare/fer2013")
data = load_fer2013(project_path(DATA_PATH))
print(f"Loaded {display_path(data.source)}: splits {', '.join(data.names)}")
output_dir = project_path(OUTPUT_DIR) if OUTPUT_DIR else new_run_dir("train", root=ROOT / "runs")
output_dir.mkdir(parents=True, exist_ok=True)
print(f"This run writes into {display_path(output_dir)}/")
data.class_table()

# %% [markdown]
# ## A look at the data
# Class balance per split, sample faces, and byte-identical faces shared between splits (leakage that would inflate a test score).

# %%
from fercnn.data.duplicates import duplicate_table
from fercnn.evaluation.report import write_data_figures

write_data_figures(data, output_dir, show=True)
duplicate_table(data)

# %% [markdown]
# ## Train
# The recipe lives in `TrainConfig` (printed below and saved as `config.json` beside the weights); the data and the run folder are passed to `train` beside it. The best epoch by PublicTest accuracy is kept as `fernet_fer2013.keras`.

# %%
from fercnn.data.augment import AugmentConfig
from fercnn.training.config import TrainConfig
from fercnn.training.loop import train

config = TrainConfig(
    epochs=EPOCHS,
    batch_size=BATCH_SIZE,
    learning_rate=LEARNING_RATE,
    mixup_alpha=MIXUP_ALPHA,
    cutmix_alpha=CUTMIX_ALPHA,
    ema_momentum=EMA_MOMENTUM,
    augment=AugmentConfig(erasing_probability=ERASING_PROBABILITY),
    init_from=str(project_path(INIT_FROM)) if INIT_FROM else None,
    teachers=tuple(str(project_path(teacher)) for teacher in TEACHERS),
    teacher_weight=TEACHER_WEIGHT,
    teacher_temperature=TEACHER_TEMPERATURE,
    teacher_views=TEACHER_VIEWS,
)
print(config)
result = train(config, data, output_dir)
print(f"best PublicTest accuracy {result.state.best_val_accuracy:.4f} at epoch {result.state.best_epoch}")

# %%
from fercnn.evaluation.report import write_training_curves

write_training_curves(output_dir, show=True).tail()

# %% [markdown]
# ## Evaluate the best checkpoint
# Accuracy and macro-F1 on every split present, with and without horizontal-flip test-time augmentation; confusion matrices as counts and row percentages.

# %%
from fercnn.evaluation.report import write_evaluation

metrics = write_evaluation(result.best_model_path, data, output_dir, show=True)
