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
# <a href="https://colab.research.google.com/github/fercnn/fercnn/blob/main/notebooks/evaluate_model.ipynb" target="_parent"><img src="https://colab.research.google.com/assets/colab-badge.svg" alt="Open In Colab"/></a>
#
# # Evaluate a FERNet model on FER2013
#
# Scores a saved `.keras` model (by default the one shipped in `models/`) on every FER2013 split you have, and shows where it goes wrong. Same code as `python -m fercnn evaluate`. Its metrics, reports and figures go to a new folder under `runs/evaluate/`.

# %% tags=["parameters"]
# Parameters (papermill/nbclient can override this cell)
MODEL_PATH = None  # a .keras model; None: the shipped models/fernet_fer2013.keras
DATA_PATH = "data"  # fer2013.csv(.gz), a folder holding it, or the Kaggle train/ test/ folders
OUTPUT_DIR = None  # None: a new folder runs/evaluate/DATE_TIME
BATCH_SIZE = 256
PHOTOS = []  # your photos or folders for the last section; empty: a sample portrait
USE_CAMERA = False  # Colab only: take the photo with your camera instead
LIVE_DEMO = True  # end with the live demo (webcam, photos, videos) in the notebook; needs Gradio
MOUNT_DRIVE = False  # Colab only: mount Google Drive
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
output_dir = project_path(OUTPUT_DIR) if OUTPUT_DIR else new_run_dir("evaluate", root=ROOT / "runs")
output_dir.mkdir(parents=True, exist_ok=True)
print(f"This run writes into {display_path(output_dir)}/")
data.class_table()

# %% [markdown]
# ## Scores per split

# %%
from fercnn.evaluation.report import write_evaluation
from fercnn.models.shipped import shipped_model

model_path = project_path(MODEL_PATH) if MODEL_PATH else shipped_model("fer2013")
metrics = write_evaluation(model_path, data, output_dir, show=True, batch_size=BATCH_SIZE)

# %%
for split in metrics["splits"]:
    print((output_dir / f"classification_report_{split}.txt").read_text())

# %% [markdown]
# ## How much did picking the checkpoint flatter PublicTest?
# Checkpoints are picked on PublicTest, so its accuracy rewards the luck of the pick too. The mirror images of its faces are as hard for a model trained with random flips, but no pick looked at them: accuracy on the real faces well above the mirrored one is what the pick flattered (`benchmarks/mirror_gap.py` tests it face by face).

# %%
from fercnn.evaluation.metrics import format_mirror_gap

print(format_mirror_gap(metrics))

# %% [markdown]
# ## Training curves (if the model's run history is beside it)

# %%
from fercnn.evaluation.report import write_training_curves

if (model_path.parent / "history.csv").exists():
    write_training_curves(model_path.parent, output_dir, show=True)
else:
    print("no history.csv beside the model")

# %% [markdown]
# ## Your own photos
# Faces are found by BlazeFace (OpenCV's Haar cascade where its weights are not installed), levelled and cut the way FER2013's faces were, and classified; annotated copies go to this run's folder. Same code as `python -m fercnn predict PATH...`, which takes videos too. In Colab, set `USE_CAMERA = True` to take the photo with your camera.

# %%
from fercnn.app.colab import in_colab, take_camera_snapshot

photos = [project_path(photo) for photo in PHOTOS]
if USE_CAMERA and in_colab():
    photos = [take_camera_snapshot(output_dir / "snapshot.jpg")]

# %%
from IPython.display import Image, display

from fercnn.app.predict import format_table, predict_photos, sample_photo
from fercnn.runtime.classifier import load_classifier

results = predict_photos(photos or [sample_photo()], load_classifier(model_path), output_dir)
print(format_table(results))
for result in results:
    if result.annotated:
        display(Image(filename=str(result.annotated), width=480))

# %% [markdown]
# ## Live demo: your webcam, photos and videos
# The same page as `python -m fercnn demo`, here in the notebook: the **webcam** tab follows your face live (allow the camera, then press Record), **photos** and **video** take uploads. It runs on this notebook's machine; in Colab, Gradio serves it through a temporary link.

# %%
if LIVE_DEMO:
    try:
        from fercnn.app.demo import launch

        page = launch(model_path)
    except ImportError as missing:  # Gradio is an optional extra
        print(missing)
