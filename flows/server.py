"""A Prefect server of our own on loopback, for ``cmast serve``.

Schedules only fire on a real server (``prefect server start``), not on the temporary one a
flow starts by itself. This runs it as a child process listening on 127.0.0.1 only (nothing
outside this machine can reach it), with its log in ``<PREFECT_HOME>/server.log``, waits until
its health endpoint answers, and stops it again. It is started in a session of its own so that
Ctrl-C in the terminal reaches ``cmast serve`` alone, which then stops it in order. While it
runs, its address is in ``<PREFECT_HOME>/cmast-serve.url``, so that flows run by hand meanwhile
use it too (:func:`adopt_running_server`).

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
from contextlib import suppress
from pathlib import Path

from pipeline.errors import CmastError
from pipeline.lifeline import end_with_parent

HOST = "127.0.0.1"
#: In PREFECT_HOME while `cmast serve` runs its server: that server's API address.
ADDRESS_FILE = "cmast-serve.url"
#: A first start creates the server's database; on a busy two-core machine that takes a while.
START_TIMEOUT_SECONDS = 180


def address_file() -> Path:
    return Path(os.environ.get("PREFECT_HOME", ".prefect")) / ADDRESS_FILE


def adopt_running_server() -> None:
    """Send flows run by hand (``cmast ingest``) to the server of a running ``cmast serve``.

    Otherwise each would start a temporary server of its own on the same database: slower
    (seconds per command, longer than Prefect allows on a busy small machine), and its runs
    would not show in the UI while they run. A ``PREFECT_API_URL`` already set wins; an address
    left behind by a serve that was killed is ignored, as nothing answers there.
    """
    if os.environ.get("PREFECT_API_URL"):
        return
    try:
        api_url = address_file().read_text().strip()
    except OSError:
        return
    if api_url and healthy(api_url, timeout=1.0):
        os.environ["PREFECT_API_URL"] = api_url


class ServerError(CmastError, RuntimeError):
    """The Prefect server could not be started."""

    label = "Cannot serve"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def port_in_use(port: int) -> bool:
    with socket.socket() as probe:
        # As the server binds: a port its previous run left in TIME_WAIT is free to it.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
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
                "--port or CMAST_PREFECT_PORT (0 = any free port)."
            )
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        prefect = Path(sys.executable).with_name("prefect")
        command = [
            str(prefect) if prefect.exists() else "prefect",
            "server",
            "start",
            "--host",
            HOST,
            "--port",
            str(self.port),
        ]
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                command,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
                preexec_fn=end_with_parent,
                env={**os.environ, "PREFECT_API_URL": self.api_url},
            )
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while not healthy(self.api_url):
            if self.process.poll() is not None:
                raise ServerError(
                    f"The Prefect server stopped while starting (exit code "
                    f"{self.process.returncode}); its log: {self.log_path}"
                )
            if time.monotonic() > deadline:
                self.stop()
                raise ServerError(
                    f"The Prefect server did not answer within "
                    f"{START_TIMEOUT_SECONDS} s; its log: {self.log_path}"
                )
            time.sleep(0.25)
        address_file().write_text(self.api_url + "\n")

    def stop(self) -> None:
        """SIGTERM to the server and any children it started, then SIGKILL after 20 s."""
        with suppress(OSError):
            if address_file().read_text().strip() == self.api_url:
                address_file().unlink()
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


def start_temporary_server_and_say_so() -> None:
    """For ``cmast ingest`` (or ``demo``) with no server to use: start Prefect's temporary
    server now rather than at the first flow call, and say how long it took and how to avoid
    it, since every such command pays it again. Prefect's client then finds it running."""
    from prefect.server.api.server import SubprocessASGIServer

    started = time.monotonic()
    SubprocessASGIServer().start()
    sys.stderr.write(
        f"No `cmast serve` running: Prefect's temporary server took "
        f"{time.monotonic() - started:.1f} s to start. To skip this on every command, keep "
        "`cmast serve` running (commands use its server) or set PREFECT_API_URL to a Prefect "
        "server (see docs/operations.md).\n"
    )
