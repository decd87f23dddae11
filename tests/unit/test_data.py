import gzip
import hashlib
import urllib.error
from pathlib import Path

import numpy as np
import pytest
import torch

from core import data
from core.data import DATA_ENV, MnistError, load_mnist, parse_idx


def idx_bytes(array: np.ndarray) -> bytes:
    """An IDX file of uint8 `array`: magic 0x0000, type 0x08, ndim, big-endian dims, data."""
    header = bytes([0, 0, 0x08, array.ndim]) + np.array(array.shape, dtype=">u4").tobytes()
    return header + array.astype(np.uint8).tobytes()


@pytest.fixture
def tiny_mnist(monkeypatch):
    """Synthetic images and labels for both splits, with MD5 pointed at their sums."""
    rng = np.random.default_rng(0)
    arrays = {"train-images-idx3-ubyte": rng.integers(0, 256, (6, 28, 28)),
              "train-labels-idx1-ubyte": rng.integers(0, 10, 6),
              "t10k-images-idx3-ubyte": rng.integers(0, 256, (4, 28, 28)),
              "t10k-labels-idx1-ubyte": rng.integers(0, 10, 4)}
    raw = {name: idx_bytes(a) for name, a in arrays.items()}
    monkeypatch.setattr(data, "MD5", {name: hashlib.md5(b).hexdigest() for name, b in raw.items()})
    data.retry()  # no failed download remembered from another test
    yield arrays, raw
    data.retry()


def write(folder: Path, raw: dict, compress: bool) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in raw.items():
        if compress:
            (folder / f"{name}.gz").write_bytes(gzip.compress(content))
        else:
            (folder / name).write_bytes(content)


def test_parse_idx_round_trip():
    array = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    assert np.array_equal(parse_idx(idx_bytes(array)), array)


@pytest.mark.parametrize("compress", [True, False])
@pytest.mark.parametrize("layout", ["flat", "torchvision"])
def test_load_from_gz_or_raw_in_either_layout(tmp_path, tiny_mnist, compress, layout):
    arrays, raw = tiny_mnist
    write(tmp_path if layout == "flat" else tmp_path / "MNIST" / "raw", raw, compress)
    x, y = load_mnist("train", tmp_path, allow_download=False)
    assert x.shape == (6, 1, 28, 28) and x.dtype == torch.float32
    assert y.shape == (6,) and y.dtype == torch.int64
    assert 0 <= x.min() and x.max() <= 1
    assert torch.allclose(x[:, 0] * 255, torch.from_numpy(arrays["train-images-idx3-ubyte"]).float())
    assert torch.equal(y, torch.from_numpy(arrays["train-labels-idx1-ubyte"]).long())
    assert load_mnist("test", tmp_path, allow_download=False)[0].shape == (4, 1, 28, 28)


def test_md5_mismatch_is_reported_and_the_file_left_alone(tmp_path, tiny_mnist):
    _, raw = tiny_mnist
    write(tmp_path, raw, compress=False)
    bad = tmp_path / "t10k-images-idx3-ubyte"
    tampered = bytearray(bad.read_bytes())
    tampered[100] ^= 0xFF
    bad.write_bytes(bytes(tampered))
    with pytest.raises(MnistError, match="md5") as error:
        load_mnist("test", tmp_path)
    assert bad.name in str(error.value) and str(tmp_path) not in str(error.value)
    assert bad.read_bytes() == bytes(tampered)


def test_truncated_files_give_a_clear_error(tmp_path, tiny_mnist):
    _, raw = tiny_mnist
    with pytest.raises(MnistError, match="truncated"):
        parse_idx(raw["t10k-images-idx3-ubyte"][:-10], "t10k-images")
    write(tmp_path, raw, compress=True)
    gz = tmp_path / "t10k-images-idx3-ubyte.gz"
    gz.write_bytes(gz.read_bytes()[:-20])
    with pytest.raises(MnistError, match="corrupt or truncated gzip"):
        load_mnist("test", tmp_path)


def test_missing_files_without_network_name_the_folder_and_the_variable(tmp_path, tiny_mnist,
                                                                        monkeypatch):
    def offline(*args, **kwargs):
        raise urllib.error.URLError("no network")

    monkeypatch.setattr(data.urllib.request, "urlopen", offline)
    monkeypatch.setenv(DATA_ENV, str(tmp_path / "nowhere"))
    with pytest.raises(MnistError) as error:
        load_mnist("test")
    message = str(error.value)
    assert DATA_ENV in message and str(tmp_path) not in message  # no server path on screen
    assert not list((tmp_path / "nowhere").glob("*"))  # no half-written files left behind


def test_download_verifies_and_writes_atomically(tmp_path, tiny_mnist, monkeypatch):
    _, raw = tiny_mnist
    served = []

    def fake_fetch(url: str, destination: Path) -> None:
        name = Path(url).name.removesuffix(".gz")
        served.append(url)
        destination.write_bytes(gzip.compress(raw[name]))

    monkeypatch.setattr(data, "_fetch", fake_fetch)
    x, y = load_mnist("test", tmp_path)
    assert x.shape == (4, 1, 28, 28) and len(served) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t10k-images-idx3-ubyte.gz",
                                                          "t10k-labels-idx1-ubyte.gz"]


def test_a_mirror_serving_wrong_bytes_is_not_kept(tmp_path, tiny_mnist, monkeypatch):
    monkeypatch.setattr(data, "_fetch", lambda url, dest: dest.write_bytes(b"not mnist"))
    with pytest.raises(MnistError, match="could not be downloaded"):
        load_mnist("test", tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_unknown_split():
    with pytest.raises(ValueError, match="split"):
        load_mnist("validation")


def test_real_mnist_test_split():
    """Reads the real files from $LATENT_LAB_DATA (CI points it at ../shared/data/mnist)."""
    data._load_arrays.cache_clear()
    x, y = load_mnist("test", allow_download=False)
    assert x.shape == (10_000, 1, 28, 28) and y.shape == (10_000,)
    assert torch.equal(torch.bincount(y)[:3], torch.tensor([980, 1135, 1032]))
    assert 0.12 < x.mean().item() < 0.14  # MNIST's mean intensity is 0.1325


def test_a_data_setting_that_names_a_file_says_what_to_do(tmp_path, tiny_mnist, monkeypatch):
    """LATENT_LAB_DATA pointing at a file gave a raw FileExistsError before."""
    a_file = tmp_path / "mnist.txt"
    a_file.write_text("not a folder")
    monkeypatch.setenv(DATA_ENV, str(a_file))
    with pytest.raises(MnistError) as error:
        load_mnist("test")
    assert DATA_ENV in str(error.value) and str(tmp_path) not in str(error.value)


def test_a_folder_the_server_may_not_write_or_read_says_what_to_do(tmp_path, tiny_mnist,
                                                                   monkeypatch):
    """A read-only home (no LATENT_LAB_DATA) and an unreadable folder gave PermissionError.
    The tests run as root, whom permissions do not stop, so the refusals are staged."""
    monkeypatch.delenv(DATA_ENV, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "mkdir", refuse)
    with pytest.raises(MnistError, match="cannot create or write") as error:
        load_mnist("test")
    assert DATA_ENV in str(error.value) and str(tmp_path) not in str(error.value)
    monkeypatch.undo()
    _, raw = tiny_mnist
    write(tmp_path, raw, compress=False)
    monkeypatch.setattr(Path, "read_bytes", refuse)
    with pytest.raises(MnistError, match="cannot be read") as error:
        load_mnist("test", tmp_path)
    assert str(tmp_path) not in str(error.value)


def test_a_failed_download_is_remembered_until_asked_again(tmp_path, tiny_mnist, monkeypatch):
    """A network that does not answer cost every visit its timeouts before: now the first
    failure is remembered, later loads fail at once, and `retry` tries again."""
    calls = []

    def offline(*args, **kwargs):
        calls.append(args[0])
        raise urllib.error.URLError("timed out")

    monkeypatch.setattr(data.urllib.request, "urlopen", offline)
    with pytest.raises(MnistError, match="could not be downloaded"):
        load_mnist("test", tmp_path)
    tried = len(calls)
    assert tried == len(data.MIRRORS)  # the first file's mirrors, then no more
    with pytest.raises(MnistError, match="tries again"):
        load_mnist("train", tmp_path)
    assert len(calls) == tried
    data.retry(tmp_path)
    with pytest.raises(MnistError):
        load_mnist("test", tmp_path)
    assert len(calls) == 2 * tried
    assert not data.have_locally(tmp_path)
