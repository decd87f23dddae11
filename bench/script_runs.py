"""How long each page's script takes to run once warm, without a browser (Streamlit's AppTest).

    python bench/script_runs.py

Opens every page with the default model, runs it once to fill the caches, then times two more
runs and prints the faster. Set against the page open times of `pages_and_memory.py`, it shows
how much of an open is our Python and how much is Streamlit's frontend in the browser.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from core.app import course  # noqa: E402


def main() -> None:
    at = AppTest.from_file(str(ROOT / "Home.py"), default_timeout=300).run()
    out = {}
    for path in ["Home.py", *[path for path, *_ in course.LESSONS]]:
        if path != "Home.py":
            at.switch_page(path).run()
        times = []
        for _ in range(2):
            start = time.perf_counter()
            at.run()
            times.append(time.perf_counter() - start)
        out[Path(path).stem] = round(min(times), 3)
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
