"""``cmast serve``: the pipeline running for real, on schedules, until stopped.

Starts a Prefect server on 127.0.0.1 (or uses the one ``PREFECT_API_URL`` names), then the
serving process (``python -m flows.serve``), which registers the deployments in
``flows/serve.py`` and runs them: a file taken as soon as it settles in the inbox, the marts
rebuilt nightly, the briefing monthly, the deadline check daily.

This process only supervises. The server and the serving process run in sessions of their own,
so Ctrl-C in the terminal reaches this process alone (otherwise it would also hit a flow run
mid-file and leave a traceback); this then stops them in order: SIGTERM to the serving process
(a run in progress finishes, schedules are paused), then the server. SIGTERM to this process
does the same. The main CLI registers the function with ``app.command("serve")(serve)``.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from contextlib import nullcontext
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from pipeline.config import Settings

_console = Console(highlight=False)
#: How long the serving process may take to cancel its runs and pause the schedules after
#: Ctrl-C before it and its runs are killed; a kill is safe (a load is one transaction), only
#: untidy in the run history. It gives itself 45 s (flows.serve.STOP_SECONDS) first.
STOP_TIMEOUT_SECONDS = 60


def serve(
    interval: Annotated[
        float | None,
        typer.Option(
            min=1,
            help="Seconds between full looks over the inbox, the safety net of the inbox "
            "watch (files are taken as they settle). Default: $CMAST_INBOX_INTERVAL or 60.",
        ),
    ] = None,
    port: Annotated[
        int | None,
        typer.Option(
            min=0,
            max=65535,
            help="Port for the Prefect server on 127.0.0.1 (0 = any free port). "
            "Default: $CMAST_PREFECT_PORT or 4200.",
        ),
    ] = None,
) -> None:
    """Run on schedules: watch the inbox, rebuild the marts nightly, write the monthly briefing."""
    from cmast.state import settings as current_settings

    settings = current_settings()
    settings.ensure_dirs()
    # Under serve the run logs are the record of what happened: keep INFO for the UI and here.
    # Before the environment is prepared, as that sets Prefect's defaults (WARNING).
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "INFO")
    from flows.environment import prepare
    from flows.server import PrefectServer, ServerError, healthy  # ServerError: "Cannot serve"

    prepare(settings)  # inherited by the server and the serving process
    signal.signal(signal.SIGTERM, _interrupt)  # a service manager's stop, handled like Ctrl-C

    given_url = os.environ.get("PREFECT_API_URL")
    every = interval or settings.inbox_interval
    started = time.monotonic()
    code = 0
    try:
        if given_url and not healthy(given_url):
            raise ServerError(f"No Prefect server answers at PREFECT_API_URL={given_url}.")
        server = (
            None
            if given_url
            else PrefectServer(
                settings.prefect_port if port is None else port,
                Path(os.environ["PREFECT_HOME"]) / "server.log",
            )
        )
        with server or nullcontext():
            api_url = given_url or server.api_url
            how = (
                "given by PREFECT_API_URL"
                if given_url
                else f"started in {time.monotonic() - started:.1f} s"
            )
            _console.print(f"Prefect server ready at {api_url} ({how}).")
            _console.print(f"Prefect UI: [bold]{api_url.removesuffix('/api')}[/bold]")
            _console.print(f"Data root: {escape(str(settings.data_dir))}")
            _console.print(
                f"Serving: inbox watched (full look every {every:g} s); marts at "
                f"'{settings.marts_cron}'; briefing at '{settings.briefing_cron}'; "
                "deadline check daily at 09:00 (UK time). Ctrl-C to stop."
            )
            code = _run_worker(settings, every, api_url)
    except KeyboardInterrupt:
        pass  # stopped while the server was starting: it has been shut down already
    if code:
        _console.print(
            f"[red]The serving process stopped with exit code {code}[/red]; the "
            "messages above say why."
        )
        raise typer.Exit(1)
    _console.print(
        "Stopped: schedules paused" + ("." if given_url else ", Prefect server shut down.")
    )


def _run_worker(settings: Settings, every: float, api_url: str) -> int:
    """Run the serving process until it ends or we are interrupted; its exit code (0 when we
    stopped it)."""
    from pipeline.lifeline import end_with_parent, kill_descendants

    env = {**os.environ, "PREFECT_API_URL": api_url, "CMAST_DATA_DIR": str(settings.data_dir)}
    worker = subprocess.Popen(
        [sys.executable, "-m", "flows.serve", "--interval", str(every)],
        env=env,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
        preexec_fn=end_with_parent,
    )
    try:
        return worker.wait()
    except KeyboardInterrupt:
        _console.print(
            "Stopping: a run in progress is cancelled, its file left in the inbox "
            "for next time (Ctrl-C again to stop at once)..."
        )
        worker.terminate()  # the serving process alone: it ends its runs through Prefect
        try:
            worker.wait(timeout=STOP_TIMEOUT_SECONDS)
        except (KeyboardInterrupt, subprocess.TimeoutExpired):
            # Its runs lead sessions of their own: found through /proc, not its process group.
            kill_descendants(worker.pid)
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()
        return 0


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt
