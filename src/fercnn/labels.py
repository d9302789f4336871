"""FER2013's fixed vocabulary: class order, image size and split names.

Everything that must agree across the CSV, the image folders, the model head and the plots
reads its names from here, so the label order can never drift between modules.
"""

EMOTIONS = ("angry", "disgust", "fear", "happy", "sad", "surprise", "neutral")
NUM_CLASSES = len(EMOTIONS)
IMAGE_SIZE = 48
PIXELS_PER_IMAGE = IMAGE_SIZE * IMAGE_SIZE

# The CSV's ``Usage`` column names the official splits; PublicTest is the validation split
# used for checkpoint selection, PrivateTest the test split that is never tuned on.
USAGE_TO_SPLIT = {"Training": "train", "PublicTest": "validation", "PrivateTest": "test"}
SPLITS = ("train", "validation", "test")
SPLIT_TO_USAGE = {split: usage for usage, split in USAGE_TO_SPLIT.items()}
