"""Where the server's memory goes before any page draws: resident memory after each import,
and the peak while encoding the 10,000 test images at a given batch size.

    python bench/stack_memory.py [--batch-sizes 2000 500]

Each encoding is measured in a fresh process, because a process's peak (VmHWM) never falls.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def status_mb(key: str) -> int:
    line = next(l for l in Path("/proc/self/status").read_text().splitlines() if l.startswith(key))
    return int(line.split()[1]) // 1024


def imports() -> dict[str, int]:
    out = {"python": status_mb("VmRSS")}
    import torch  # noqa: F401
    out["+ torch"] = status_mb("VmRSS")
    import altair, pandas, streamlit  # noqa: F401, E401
    out["+ streamlit, altair, pandas"] = status_mb("VmRSS")
    sys.path.insert(0, str(ROOT))
    import core.app.layout  # noqa: F401
    out["+ core.app"] = status_mb("VmRSS")
    import sklearn.decomposition, sklearn.manifold  # noqa: F401, E401
    out["+ scikit-learn"] = status_mb("VmRSS")
    from core import zoo
    for key in [("vae", 10, 1.0), ("ae", 10, 0.0), ("vae", 2, 1.0), ("ae", 2, 0.0)]:
        zoo.load_model(*key)
    out["+ four zoo models"] = status_mb("VmRSS")
    return out


def encode_peak(batch_size: int) -> dict[str, float]:
    import time

    sys.path.insert(0, str(ROOT))
    from core import zoo
    from core.data import load_mnist
    from core.latent import encode_mu

    x, _ = load_mnist("test")
    model = zoo.load_model("vae", 10, 1.0)
    before = status_mb("VmRSS")
    start = time.perf_counter()
    encode_mu(model, x, batch_size=batch_size)
    return {"before_mb": before, "peak_mb": status_mb("VmHWM"),
            "seconds": round(time.perf_counter() - start, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch-sizes", type=int, nargs="+", default=[2000, 500])
    parser.add_argument("--encode", type=int, help=argparse.SUPPRESS)  # one child process
    args = parser.parse_args()
    if args.encode:
        print(json.dumps(encode_peak(args.encode)))
        return
    out = {"resident_mb_after": imports(), "encode_10k": {}}
    for size in args.batch_sizes:
        child = subprocess.run([sys.executable, __file__, "--encode", str(size)],
                               capture_output=True, text=True, check=True)
        out["encode_10k"][f"batch_{size}"] = json.loads(child.stdout.strip().splitlines()[-1])
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
