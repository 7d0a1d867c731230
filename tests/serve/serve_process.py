"""`sitegen serve` as a real subprocess on a free port, for end-to-end tests."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(condition, timeout: float = 30.0, interval: float = 0.1, message: str = "condition"):
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {message}")
        time.sleep(interval)


class ServeProcess:
    def __init__(self, project: Path, logs: Path, port: int | None = None, arguments: tuple[str, ...] = ()):
        self.project = project
        self.port = port or free_port()
        self.arguments = arguments or ("serve", "--port", str(self.port))
        self.stdout_path = logs / f"serve-{self.port}.out"
        self.stderr_path = logs / f"serve-{self.port}.err"
        self.process: subprocess.Popen | None = None

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> ServeProcess:
        env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "PYTHONUNBUFFERED": "1"}
        command = [sys.executable, "-m", "sitegen", "-C", str(self.project), *self.arguments]
        with open(self.stdout_path, "wb") as out, open(self.stderr_path, "wb") as err:
            self.process = subprocess.Popen(command, stdout=out, stderr=err, env=env, cwd=self.project)
        return self

    def output(self) -> str:
        return self.stdout_path.read_text(errors="replace") + self.stderr_path.read_text(errors="replace")

    def wait_for_output(self, text: str, timeout: float = 60.0) -> None:
        def seen() -> bool:
            if self.process is not None and self.process.poll() is not None:
                raise AssertionError(f"sitegen serve exited early ({self.process.returncode}):\n{self.output()}")
            return text in self.output()

        wait_until(seen, timeout=timeout, message=f"{text!r} in the output of sitegen serve:\n{self.output()}")

    def get(self, path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(self.origin + path, timeout=10) as response:
                return response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8", "replace")

    def interrupt(self, timeout: float = 15.0) -> int:
        """Ctrl-C, as a user would press it; returns the exit code."""
        assert self.process is not None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        return self.process.wait(timeout=timeout)

    def stop(self) -> None:
        """Ctrl-C, so the scratch folder is cleaned up; a hard kill only if that fails."""
        if self.process is None or self.process.poll() is not None:
            return
        try:
            self.interrupt()
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
