"""A Prefect server of our own on loopback, for ``cmast serve``.

Schedules only fire on a real server (``prefect server start``), not on the temporary one a
flow starts by itself. This runs it as a child process listening on 127.0.0.1 only (nothing
outside this machine can reach it), with its log in ``<PREFECT_HOME>/server.log``, waits until
its health endpoint answers, and stops it again. It is started in a session of its own so that
Ctrl-C in the terminal reaches ``cmast serve`` alone, which then stops it in order.

Prefect itself is not imported here: the server's address must be known before it is.
"""

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

HOST = "127.0.0.1"
#: A first start creates the server's database; on a busy two-core machine that takes a while.
START_TIMEOUT_SECONDS = 180


class ServerError(RuntimeError):
    """The Prefect server could not be started."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def port_in_use(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind((HOST, port))
        except OSError:
            return True
    return False


def healthy(api_url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(f"{api_url}/health", timeout=timeout) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


class PrefectServer:
    """``with PrefectServer(port, log) as server:`` runs a server until the block ends."""

    def __init__(self, port: int, log_path: Path):
        self.port = port or free_port()
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    @property
    def ui_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def api_url(self) -> str:
        return f"{self.ui_url}/api"

    def start(self) -> None:
        if port_in_use(self.port):
            raise ServerError(
                f"Port {self.port} on {HOST} is already in use (another Prefect server?). To "
                f"use that server set PREFECT_API_URL={self.api_url}; or pick another port with "
                "--port or CMAST_PREFECT_PORT (0 = any free port).")
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        prefect = Path(sys.executable).with_name("prefect")
        command = [str(prefect) if prefect.exists() else "prefect", "server", "start",
                   "--host", HOST, "--port", str(self.port)]
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT,
                                            stdin=subprocess.DEVNULL, start_new_session=True,
                                            env={**os.environ, "PREFECT_API_URL": self.api_url})
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while not healthy(self.api_url):
            if self.process.poll() is not None:
                raise ServerError(f"The Prefect server stopped while starting (exit code "
                                  f"{self.process.returncode}); its log: {self.log_path}")
            if time.monotonic() > deadline:
                self.stop()
                raise ServerError(f"The Prefect server did not answer within "
                                  f"{START_TIMEOUT_SECONDS} s; its log: {self.log_path}")
            time.sleep(0.25)

    def stop(self) -> None:
        """SIGTERM to the server and any children it started, then SIGKILL after 20 s."""
        if self.process is None or self.process.poll() is not None:
            return
        # Its own session made it the leader of a process group holding only it and its children.
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def __enter__(self) -> PrefectServer:
        try:
            self.start()
        except BaseException:
            self.stop()  # Ctrl-C while waiting for it must not leave it running
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
