import keras
import numpy as np

from fercnn.data.loading import load_fer2013
from fercnn.evaluation.gradcam import grad_cam, pick_examples


def test_grad_cam_gives_one_normalised_map_per_face(trained_run, learnable_csv):
    _, run = trained_run
    model = keras.models.load_model(run.best_model_path, compile=False)
    faces = load_fer2013(learnable_csv)["validation"].images[::6]  # one face per class
    predicted = np.asarray(model.predict(faces.astype("float32"), verbose=0)).argmax(axis=1)
    maps = grad_cam(model, faces, classes=predicted)
    assert maps.shape == (7, 48, 48)
    assert maps.min() >= 0
    np.testing.assert_allclose(maps.reshape(7, -1).max(axis=1), 1.0)  # evidence found for each decision
    assert not np.allclose(maps[0], maps[1])  # the map depends on the face


def test_examples_are_the_most_confident_hits_and_misses_per_class():
    labels = np.array([0, 0, 0, 1, 1])
    probabilities = np.array(
        [[0.9, 0.1], [0.6, 0.4], [0.2, 0.8], [0.3, 0.7], [0.95, 0.05]]
    )  # hits: 0, 1, 3; misses: 2 (0->1), 4 (1->0)
    assert pick_examples(labels, probabilities, per_class=1) == [(0, [0], [2]), (1, [3], [4])]
    assert pick_examples(labels, probabilities, per_class=5)[0] == (0, [0, 1], [2])
