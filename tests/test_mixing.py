import numpy as np
import pytest

from fercnn.data.mixing import cut_and_paste, training_arrays


def faces(count=64, seed=0):
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 7, size=count)
    # each face is flat at a brightness that encodes its label, so blends can be traced back
    images = np.broadcast_to((labels * 30 + 10).reshape(-1, 1, 1, 1), (count, 48, 48, 1)).astype(np.uint8)
    return images, labels


def test_without_mixing_the_arrays_are_the_faces_one_hot_labels_and_class_weights():
    images, labels = faces()
    x, y, w = training_arrays(images, labels, {1: 3.0})
    assert x.dtype == np.float32 and np.array_equal(x, images)
    assert np.array_equal(y.argmax(1), labels) and np.all(y.sum(1) == 1)
    assert np.array_equal(w, np.where(labels == 1, 3.0, 1.0))


def test_mixup_blends_images_labels_and_weights_by_the_same_ratio():
    images, labels = faces()
    x, y, w = training_arrays(images, labels, {1: 3.0}, mixup_alpha=1.0, rng=np.random.default_rng(1))
    # a flat face blended with a flat face stays flat; its brightness is the labels' blend
    assert np.allclose(x, x[:, :1, :1])
    expected_brightness = y @ (np.arange(7) * 30 + 10)
    assert np.allclose(x[:, 0, 0, 0], expected_brightness, atol=1e-3)
    assert np.allclose(y.sum(1), 1)
    assert np.allclose(w, y @ np.where(np.arange(7) == 1, 3.0, 1.0), atol=1e-5)
    assert (y.max(1) < 0.99).mean() > 0.5  # alpha 1 rarely draws a ratio near 0 or 1


def test_soft_targets_replace_the_labels_and_are_mixed_like_them():
    images, labels = faces()
    soft = np.random.default_rng(5).dirichlet(np.ones(7), size=len(labels)).astype("float32")
    _, y, w = training_arrays(images, labels, {1: 3.0}, targets=soft)
    assert np.array_equal(y, soft)
    assert np.array_equal(w, np.where(labels == 1, 3.0, 1.0))  # the weights still follow the labels
    same = dict(mixup_alpha=1.0, cutmix_alpha=1.0)
    _, mixed_labels, _ = training_arrays(images, labels, None, rng=np.random.default_rng(6), **same)
    _, mixed_soft, _ = training_arrays(
        images, labels, None, rng=np.random.default_rng(6), targets=soft, **same
    )
    # same draws: each face's blend ratio, read off its mixed one-hot label, also blends its soft target
    partners = np.random.default_rng(6).permutation(len(labels))
    ratios = (mixed_labels * np.eye(7)[labels]).sum(1, keepdims=True)
    blended = ratios * soft + (1 - ratios) * soft[partners]
    readable = labels != labels[partners]  # a pair of the same label hides the ratio
    assert readable.sum() > 40
    np.testing.assert_allclose(mixed_soft[readable], blended[readable], atol=1e-5)


def test_cutmix_label_ratio_is_the_share_of_pixels_each_face_keeps():
    images, labels = faces()
    partners = np.roll(images, 1, axis=0).astype("float32")
    ratios = np.random.default_rng(2).uniform(0, 1, size=len(images))
    mixed, kept = cut_and_paste(images.astype("float32"), partners, ratios, np.random.default_rng(3))
    own = (mixed == images).mean(axis=(1, 2, 3))
    differs = labels != np.roll(labels, 1)
    assert np.allclose(own[differs], kept[differs])
    assert np.all((kept >= 0) & (kept <= 1))


def test_cutmix_boxes_are_clipped_at_the_border_not_wrapped():
    images = np.zeros((1, 48, 48, 1), dtype="float32")
    partners = np.ones_like(images)

    class Corner:  # the box centre falls on the top-left pixel
        def integers(self, high, size):
            return np.zeros(size, dtype=int)

    mixed, kept = cut_and_paste(images, partners, np.array([0.75]), Corner())
    # a 24x24 box centred at (0, 0) keeps only its bottom-right 12x12 quarter inside the face
    assert mixed[0, :12, :12].all() and mixed.sum() == 144
    assert kept[0] == pytest.approx(1 - 144 / 48**2)


def test_cutmix_alone_mixes_every_face_with_a_box():
    images, labels = faces()
    x, y, _ = training_arrays(images, labels, None, cutmix_alpha=1.0, rng=np.random.default_rng(4))
    own = y[np.arange(len(labels)), labels]
    changed = (x != images).any(axis=(1, 2, 3))
    assert np.all(own[changed] < 1)


def test_negative_alpha_is_refused():
    images, labels = faces(4)
    with pytest.raises(ValueError, match="must be >= 0"):
        training_arrays(images, labels, None, mixup_alpha=-0.2)
