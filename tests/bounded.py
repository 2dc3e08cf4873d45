"""Run the CLI as a person would, but bounded: a hang or a runaway read is killed, not waited on.

Used by the hostile-input tests and by benchmarks/bench_integrity.py (which reports the peak
memory this measures).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


@dataclass
class Outcome:
    returncode: int | None  # None: killed by the guard (see ``killed``)
    stdout: str
    stderr: str
    seconds: float
    peak_rss_mb: float
    killed: str | None = None  # "timeout" or "memory"


def _rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def cli(
    *args: object,
    lang: str | None = None,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float = 300,
) -> subprocess.CompletedProcess:
    """``python -m resnet_desktop ARGS`` as a person runs it, the checkout first on the path:
    its exit code and what it printed (UTF-8). ``lang`` sets LANG (LANGUAGE, LC_ALL and
    LC_MESSAGES removed, so it decides the language); ``env`` replaces the environment."""
    full = dict(os.environ if env is None else env)
    if lang is not None:
        full = {k: v for k, v in full.items() if k not in ("LANGUAGE", "LC_ALL", "LC_MESSAGES")}
        full["LANG"] = lang
    full["PYTHONPATH"] = os.pathsep.join([str(REPO), full.get("PYTHONPATH", "")])
    return subprocess.run(
        [sys.executable, "-m", "resnet_desktop", *map(str, args)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=full,
        cwd=cwd,
        timeout=timeout,
    )


def run_cli(
    *args: object,
    timeout: float = 60.0,
    max_rss_mb: float = 1500.0,
    env: dict[str, str] | None = None,
    prefix: list[str] | None = None,
) -> Outcome:
    """``python -m resnet_desktop ARGS`` with the checkout first on the path.

    Killed (``returncode`` None) when it runs past ``timeout`` or its memory passes
    ``max_rss_mb``; ``peak_rss_mb`` is the child's peak resident memory.
    """
    full_env = {**os.environ, **(env or {}), "PYTHONPATH": str(REPO)}
    cmd = [*(prefix or []), sys.executable, "-m", "resnet_desktop", *map(str, args)]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.monotonic()
        proc = subprocess.Popen(cmd, env=full_env, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        killed = None
        peak = 0.0
        status = None
        while status is None:
            pid, raw, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                status = raw
                peak = max(peak, usage.ru_maxrss / 1024)
                break
            peak = max(peak, _rss_mb(proc.pid))
            elapsed = time.monotonic() - start
            if killed is None and elapsed > timeout:
                killed = "timeout"
            elif killed is None and peak > max_rss_mb:
                killed = "memory"
            if killed:
                os.kill(proc.pid, signal.SIGKILL)
            time.sleep(0.02)
        seconds = time.monotonic() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Outcome(
            None if killed else proc.returncode,
            out.read().decode("utf-8", "replace"),
            err.read().decode("utf-8", "replace"),
            seconds,
            peak,
            killed,
        )
