"""MNIST from the four standard IDX files (LeCun, Cortes & Burges).

The folder comes from the environment variable LATENT_LAB_DATA, else a per-user cache folder.
Files may be gzip-compressed or not, and may sit in the folder itself or in torchvision's layout
(`<root>/MNIST/raw/`). Missing files are downloaded from the public mirrors; every file is
checked against the canonical md5 of its decompressed bytes, and a file that fails the check is
reported, never replaced behind the user's back.

We parse IDX ourselves (a 16-line format) because torchvision, which would do it, cannot be
imported next to the CPU build of torch.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import os
import shutil
import tempfile
import threading
import time
import urllib.error
import urllib.request
from functools import lru_cache
from pathlib import Path

import numpy as np
import torch
from torch import Tensor

DATA_ENV = "LATENT_LAB_DATA"
SPLITS = ("train", "test")
LOGGER = logging.getLogger(__name__)
TIMEOUT_S = 10          # per connection and per read: a network that never answers costs 20 s
REMEMBER_S = 600        # a failed download is not tried again for this long (or until `retry`)

FILES = {  # split -> (images file, labels file)
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}
# md5 of the decompressed bytes: the canonical sums (the .gz bytes differ between mirrors).
MD5 = {
    "train-images-idx3-ubyte": "6bbc9ace898e44ae57da46a324031adb",
    "train-labels-idx1-ubyte": "a25bea736e30d166cdddb491f175f624",
    "t10k-images-idx3-ubyte": "2646ac647ad5339dbf082846283269ea",
    "t10k-labels-idx1-ubyte": "27ae3e4e09519cfbb04c329615203637",
}
MIRRORS = (  # the ones torchvision uses
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "http://yann.lecun.com/exdb/mnist/",
)
IDX_DTYPES = {0x08: np.uint8, 0x09: np.int8, 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


class MnistError(RuntimeError):
    """MNIST could not be loaded; the message says which file and what to do."""


def data_dir() -> Path:
    """The MNIST folder: $LATENT_LAB_DATA if set, else ~/.cache/latent-lab/mnist."""
    if os.environ.get(DATA_ENV):
        return Path(os.environ[DATA_ENV]).expanduser()
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    return cache / "latent-lab" / "mnist"


def where(root: Path) -> str:
    """The data folder as a student may read it: never its absolute path (the server log has
    that), but how it was chosen."""
    if os.environ.get(DATA_ENV):
        return f"the folder {DATA_ENV} names"
    return "the app's data folder (~/.cache/latent-lab/mnist)"


def parse_idx(raw: bytes, source: str = "<bytes>") -> np.ndarray:
    """Decode the bytes of one IDX file into an array of the shape its header declares.

    Header: two zero bytes, a type code, the number of dimensions, then each dimension as a
    big-endian uint32. Raises MnistError naming `source` if the file is malformed or truncated.
    """
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] not in IDX_DTYPES:
        raise MnistError(f"{source} is not an IDX file (bad magic number)")
    ndim = raw[3]
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise MnistError(f"{source} is truncated: its header is incomplete")
    shape = tuple(int(d) for d in np.frombuffer(raw, dtype=">u4", count=ndim, offset=4))
    dtype = np.dtype(IDX_DTYPES[raw[2]])
    expected = header + int(np.prod(shape)) * dtype.itemsize
    if len(raw) != expected:
        raise MnistError(f"{source} is truncated or corrupt: {len(raw):,} bytes where its header "
                         f"declares {expected:,}")
    return np.frombuffer(raw, dtype=dtype, offset=header).reshape(shape).astype(dtype.newbyteorder("="))


def find_file(root: Path, name: str) -> Path | None:
    """The first of root/name, root/name.gz, root/MNIST/raw/name, root/MNIST/raw/name.gz that exists."""
    for folder in (root, root / "MNIST" / "raw"):
        for candidate in (folder / name, folder / f"{name}.gz"):
            try:
                if candidate.is_file():
                    return candidate
            except OSError as error:  # e.g. a folder the server may not read
                LOGGER.warning("cannot look for %s: %s", candidate, error)
                raise MnistError(f"The MNIST files in {where(root)} cannot be read (no "
                                 f"permission). Make it readable, or set {DATA_ENV} to a "
                                 "folder that is.") from error
    return None


def read_bytes(path: Path) -> bytes:
    """The file's content, decompressed if it is gzip (judged by its magic bytes, not its name)."""
    try:
        content = path.read_bytes()
    except OSError as error:
        LOGGER.warning("cannot read %s: %s", path, error)
        raise MnistError(f"{path.name} in {where(path.parent)} cannot be read. Make it "
                         f"readable, or set {DATA_ENV} to a folder with readable copies.") from error
    try:
        return gzip.decompress(content) if content[:2] == b"\x1f\x8b" else content
    except (OSError, EOFError) as error:  # gzip raises these for truncated or corrupt streams
        LOGGER.warning("corrupt gzip %s: %s", path, error)
        raise MnistError(f"{path.name} is a corrupt or truncated gzip file. Delete it and "
                         f"run again to download a fresh copy.") from error


def md5(raw: bytes) -> str:
    return hashlib.md5(raw).hexdigest()


def _fetch(url: str, destination: Path) -> None:
    """Download `url` to `destination` with a tqdm progress bar."""
    from tqdm.auto import tqdm

    with urllib.request.urlopen(url, timeout=TIMEOUT_S) as response:
        total = int(response.headers.get("Content-Length") or 0) or None
        with open(destination, "wb") as out, tqdm(total=total, unit="B", unit_scale=True,
                                                  desc=Path(url).name) as bar:
            while chunk := response.read(1 << 16):
                out.write(chunk)
                bar.update(len(chunk))


_failures: dict[str, tuple[float, str]] = {}  # data folder -> (when, message) of its last failure
_failures_lock = threading.Lock()


def remembered_failure(root: Path) -> str | None:
    """The message of a download into `root` that failed in the last REMEMBER_S seconds."""
    with _failures_lock:
        failed = _failures.get(str(root))
    if failed is not None and time.monotonic() - failed[0] < REMEMBER_S:
        return failed[1]
    return None


def retry(root: Path | None = None) -> None:
    """Forget the failed downloads (of `root`, or every folder), so the next load tries again."""
    with _failures_lock:
        if root is None:
            _failures.clear()
        else:
            _failures.pop(str(root), None)
    _load_arrays.cache_clear()


def download(name: str, root: Path) -> Path:
    """Download `name`.gz into `root` from the first mirror that serves it with the right md5.

    The file is written under a temporary name and moved into place only once verified, so an
    interrupted download never leaves a half-written file behind. A failure is remembered for
    REMEMBER_S seconds: no other visit waits on the network for it again (`retry` forgets it).
    """
    failed = remembered_failure(root)
    if failed is not None:
        raise MnistError(failed)
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as error:  # a file in the way, a read-only home, no permission
        LOGGER.warning("cannot create the MNIST folder %s: %s", root, error)
        raise MnistError(f"MNIST is not in {where(root)}, and the app cannot create or write "
                         f"that folder. Set {DATA_ENV} to a folder it may write, or to one that "
                         "holds the four MNIST files.") from error
    errors = []
    for mirror in MIRRORS:
        try:
            with tempfile.NamedTemporaryFile(dir=root, suffix=".part", delete=False) as tmp:
                part = Path(tmp.name)
        except OSError as error:
            errors.append(f"{root}: {error}")
            break
        try:
            _fetch(mirror + name + ".gz", part)
            digest = md5(read_bytes(part))
            if digest != MD5[name]:
                raise MnistError(f"md5 {digest} instead of {MD5[name]}")
            target = root / f"{name}.gz"
            shutil.move(part, target)
            return target
        except (OSError, urllib.error.URLError, MnistError) as error:
            errors.append(f"{mirror}: {error}")
        finally:
            part.unlink(missing_ok=True)
    LOGGER.warning("MNIST download of %s into %s failed: %s", name, root, "; ".join(errors))
    message = (f"MNIST is not in {where(root)} and could not be downloaded (no answer from "
               f"its mirrors; the app tries again in {REMEMBER_S // 60} minutes, or when you "
               "press *Try the download again*). Without internet, copy the four MNIST files "
               "(train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, "
               f"t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz) into a folder and set "
               f"{DATA_ENV} to it.")
    with _failures_lock:
        _failures[str(root)] = (time.monotonic(), message)
    raise MnistError(message)


def have_locally(root: Path | None = None) -> bool:
    """Whether all four MNIST files are in the data folder (no network asked)."""
    folder = Path(root) if root is not None else data_dir()
    try:
        return all(find_file(folder, name) is not None for pair in FILES.values() for name in pair)
    except MnistError:
        return False


def read_verified(name: str, root: Path, allow_download: bool = True) -> np.ndarray:
    """Locate (or download) one standard file, check its md5 and parse it."""
    path = find_file(root, name)
    if path is None:
        if not allow_download:
            raise MnistError(f"MNIST file {name} is not in {where(root)}. Set {DATA_ENV} to the "
                             "folder that holds the four MNIST files.")
        path = download(name, root)
    raw = read_bytes(path)
    digest = md5(raw)
    if digest != MD5[name]:
        LOGGER.warning("%s: md5 %s, not %s", path, digest, MD5[name])
        raise MnistError(f"{path.name} in {where(root)} is corrupt: the md5 of its content is "
                         f"{digest}, not MNIST's {MD5[name]}. Delete it and run again to "
                         f"download a fresh copy, or point {DATA_ENV} at a good copy. (It was "
                         "left untouched.)")
    return parse_idx(raw, path.name)


@lru_cache(maxsize=4)
def _load_arrays(split: str, root: str, allow_download: bool) -> tuple[np.ndarray, np.ndarray]:
    """uint8 images (N, 28, 28) and labels (N,), cached per process (47 MB for train)."""
    images_name, labels_name = FILES[split]
    images = read_verified(images_name, Path(root), allow_download)
    labels = read_verified(labels_name, Path(root), allow_download)
    images.flags.writeable = labels.flags.writeable = False  # shared by every caller
    return images, labels


def load_mnist(split: str, root: str | os.PathLike | None = None, *,
               allow_download: bool = True) -> tuple[Tensor, Tensor]:
    """MNIST `split` ("train" or "test") as (images, labels).

    images: float32 tensor of shape (N, 1, 28, 28) in [0, 1]; labels: int64 tensor of shape (N,).
    N is 60,000 for train and 10,000 for test. `root` defaults to `data_dir()`.
    Raises MnistError, naming the folder and what to do, if the data cannot be had.
    """
    return load_mnist_subset(split, None, root, allow_download=allow_download)


def load_mnist_subset(split: str, indices: np.ndarray | Tensor | None,
                      root: str | os.PathLike | None = None, *,
                      allow_download: bool = True) -> tuple[Tensor, Tensor]:
    """Like `load_mnist`, but only the images at `indices` (all if None) become float32.

    A server that trains on 10,000 digits then holds 31 MB of float images, not 188 MB.
    """
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}, not {split!r}")
    folder = Path(root) if root is not None else data_dir()
    images, labels = _load_arrays(split, str(folder.resolve()), allow_download)
    if indices is not None:
        indices = np.asarray(indices)
        images, labels = images[indices], labels[indices]
    x = torch.from_numpy(np.divide(images, np.float32(255), dtype=np.float32)).unsqueeze(1)
    return x, torch.from_numpy(labels.astype(np.int64))
