"""Shared by the benchmarks: a real `streamlit run` server and headless Chromium.

Linux only (memory comes from /proc). Chromium is Debian's (`apt-get install chromium`),
driven by Playwright for Python.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def server(script: str = "Home.py", timeout: float = 60, log: Path | None = None,
           flags: tuple[str, ...] = (), env: dict[str, str] | None = None,
           port: int | None = None, cpus: set[int] | None = None) -> Iterator[tuple[str, int]]:
    """`streamlit run script` on a free port (or `port`), with extra `flags` ("--server.x",
    "value", ...) and environment variables `env`, on the CPU cores `cpus` if given; yields
    (base URL, server pid) once healthy. The server's output goes to `log` if given."""
    port = port or free_port()
    env = {**os.environ, **(env or {})}
    env.setdefault("LATENT_LAB_DATA", str(ROOT.parent / "shared" / "data" / "mnist"))
    output = open(log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", script, "--server.headless", "true",
         "--server.port", str(port), "--browser.gatherUsageStats", "false", *flags],
        cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT if log else output,
        preexec_fn=(lambda: os.sched_setaffinity(0, cpus)) if cpus else None)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=1) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError(f"streamlit did not start on port {port}")
            time.sleep(0.2)
        yield base, process.pid
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
        if log:
            output.close()


def memory_mb(pid: int) -> tuple[float, float]:
    """(current, peak) resident memory of a process in MB, from /proc/<pid>/status."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text()
                  .splitlines() if ":" in line)
    kb = lambda name: float(fields[name].split()[0])  # noqa: E731
    return kb("VmRSS") / 1024, kb("VmHWM") / 1024


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far, from /proc/<pid>/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children(pid: int) -> list[int]:
    """The pids of a process's children, from /proc."""
    out: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            out += [int(c) for c in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue  # a thread that ended while we looked
    return out


def tree_rss_mb(pid: int) -> tuple[float, float]:
    """(the process's resident memory, that of its children together) in MB, right now."""
    def rss(p: int) -> float:
        try:
            return memory_mb(p)[0]
        except (FileNotFoundError, ProcessLookupError, KeyError):
            return 0.0  # a child that has just exited
    return rss(pid), sum(rss(child) for child in children(pid))


@contextmanager
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


# True once the script run is over: the app is mounted, nothing is stale or running.
IDLE_JS = """() => {
  const app = document.querySelector('[data-testid=stApp]');
  if (!app || !document.querySelector('[data-testid=stMain] [data-testid=stHeading]')) return false;
  if (document.querySelector('[data-testid=stStatusWidget]')) return false;
  if (document.querySelector('[data-stale=true]')) return false;
  if (document.querySelector('[data-testid=stSkeleton]')) return false;
  if (![...document.querySelectorAll('[data-testid=stVegaLiteChart]')]
        .every(c => c.querySelector('.marks'))) return false;  // every chart drawn
  return [...document.querySelectorAll('[data-testid=stImage] img')].every(i => i.complete);
}"""


def wait_idle(page, timeout_ms: float = 120_000, settle_s: float = 0.3) -> None:
    """Wait until a page has finished its script run (and stays finished for settle_s)."""
    while True:
        page.wait_for_function(IDLE_JS, timeout=timeout_ms, polling=50)
        time.sleep(settle_s)
        if page.evaluate(IDLE_JS):
            return


class Runs:
    """Counts the script runs the server reports finished to one browser page.

    The page's look alone cannot say a run is over: for its first half second a new run shows
    no running indicator and leaves the old page's elements unmarked, so a page can look idle
    before its script has started. The server's own word is the `script_finished` message on
    the page's websocket.
    """

    def __init__(self, page) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        self.finished = 0
        done = ForwardMsg.ScriptFinishedStatus.FINISHED_SUCCESSFULLY

        def on_frame(payload: bytes | str) -> None:
            if isinstance(payload, (bytes, bytearray)):
                msg = ForwardMsg()
                msg.ParseFromString(bytes(payload))
                if msg.WhichOneof("type") == "script_finished" and msg.script_finished == done:
                    self.finished += 1

        page.on("websocket", lambda ws: ws.on("framereceived", on_frame))

    def wait(self, page, after: int, timeout_ms: float = 120_000) -> None:
        """Wait until more than `after` runs have finished, then until the page is drawn."""
        deadline = time.monotonic() + timeout_ms / 1000
        while self.finished <= after:
            if time.monotonic() > deadline:
                raise TimeoutError(f"no script run finished in {timeout_ms / 1000:.0f} s")
            page.wait_for_timeout(10)  # lets Playwright deliver the websocket's frames
        wait_idle(page, timeout_ms)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))]


class RedisServer:
    """redis-server on loopback, persisting to `folder` (append-only file), so that a stop and a
    start on the same port brings the classes back, as a host's Redis would."""

    def __init__(self, folder: Path, port: int | None = None) -> None:
        self.folder, self.port = Path(folder), port or free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 10) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--dir",
             str(self.folder), "--appendonly", "yes", "--save", "", "--protected-mode", "yes"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                pass
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise RuntimeError(f"redis-server did not start on port {self.port}")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()  # SIGTERM: Redis flushes its append-only file and exits
            self.process.wait(10)
        self.process = None


@contextmanager
def redis_server(folder: Path) -> Iterator[RedisServer]:
    redis = RedisServer(folder)
    redis.start()
    try:
        yield redis
    finally:
        redis.stop()


NGINX_CONF = ROOT / "deploy" / "nginx.conf"


@contextmanager
def nginx(folder: Path, replicas: list[int]) -> Iterator[str]:
    """deploy/nginx.conf as shipped, with its replicas' ports and its own port changed; yields
    its base URL."""
    folder = Path(folder)
    (folder / "tmp").mkdir(parents=True, exist_ok=True)
    port = free_port()
    conf = NGINX_CONF.read_text()
    shipped = "        server 127.0.0.1:8501;\n        server 127.0.0.1:8502;\n"
    assert shipped in conf, "deploy/nginx.conf's upstream changed: update bench.common.nginx"
    conf = conf.replace(shipped, "".join(f"        server 127.0.0.1:{p};\n" for p in replicas))
    conf = conf.replace("listen 127.0.0.1:8080;", f"listen 127.0.0.1:{port};")
    (folder / "nginx.conf").write_text(conf)
    process = subprocess.Popen(["nginx", "-p", str(folder), "-c", "nginx.conf", "-g",
                                "daemon off;"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=1):
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError("nginx did not start: "
                                   + (folder / "nginx-error.log").read_text()[-500:]
                                   if (folder / "nginx-error.log").exists() else "")
            time.sleep(0.05)
        yield base
    finally:
        process.terminate()
        process.wait(10)
