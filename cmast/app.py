"""The ``cmast`` command: the app above the library (``pipeline``) and its flows (``flows``).

Each command lives in its own module under ``cmast.commands``; the settings a command runs
with come from :mod:`cmast.state`, filled by the callback here from ``--data-dir``. Errors a
person can cause or meet are handled once, by the app's group (:mod:`cmast.commands.errors`).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from cmast import state
from cmast.commands.briefing import briefing, write_and_report
from cmast.commands.errors import HandledGroup, refusals
from cmast.commands.headlines import headlines
from cmast.commands.national import national
from cmast.commands.query import query
from cmast.commands.rebuild import rebuild
from cmast.commands.serve import serve
from cmast.commands.settings import settings as settings_command
from cmast.commands.snapshot import snapshot
from cmast.commands.spc import spc
from cmast.state import settings
from pipeline import report
from pipeline.config import Settings

# HandledGroup: every error a person can cause or meet (pipeline.errors.CmastError) is turned
# into its one line and exit code there, for every command.
app = typer.Typer(
    help="CMAST metrics: trust returns in, board figures out.",
    no_args_is_help=True,
    add_completion=False,
    cls=HandledGroup,
)
console = Console()


@app.callback()
def main(
    data_dir: Annotated[
        Path | None,
        typer.Option(
            help="Data root (inbox, archive, quarantine, outputs, warehouse). "
            "Default: $CMAST_DATA_DIR or data/."
        ),
    ] = None,
) -> None:
    state.use_data_dir(data_dir)


def _run_ingest(current: Settings, quiet: bool) -> list[dict]:
    from flows.environment import prepare_flow_command
    from pipeline.lifeline import bound_termination

    # The flow's own SIGTERM handler reports the run to Prefect's server before it lets the
    # process go: bounded, so a stop never waits on a busy server.
    bound_termination()
    prepare_flow_command(current)  # before Prefect is imported, which reads its settings then
    from flows.ingest import ingest_inbox  # imports Prefect: only when a flow is to run

    return ingest_inbox(data_dir=str(current.data_dir), show_progress=not quiet)


@app.command()
def ingest(
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Take every file waiting in the inbox: load it, or quarantine it with a feedback workbook.

    Exit 0 when every file was taken; 1 when one was refused, failed or is held (or the marts
    or snapshot step failed)."""
    current = settings()
    with refusals():
        outcomes = _run_ingest(current, quiet)
    report.print_outcomes(console, outcomes, current)
    raise typer.Exit(report.exit_code(outcomes))


@app.command()
def demo(
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Sample returns for every trust, ingested, then the briefing for the latest month."""
    from pipeline.samples.demo import write_demo_inbox

    current = settings()
    current.ensure_dirs()
    with refusals():
        written = write_demo_inbox(current)
        console.print(
            f"{len(written)} sample returns new to the ledger written into {current.inbox}"
        )
        outcomes = _run_ingest(current, quiet)
        report.print_outcomes(console, outcomes, current)
        report.print_loaded_summary(console, current)
        _load_national_for_demo(current)
    write_and_report(current, None)
    # The demo's drafts are rejected on purpose (to show the feedback); anything else not done
    # (a file failed, the snapshot not published) is an exit code of 1, as for `cmast ingest`.
    if any(o["status"] in ("failed", "held") for o in outcomes):
        raise typer.Exit(1)


def _load_national_for_demo(current: Settings) -> None:
    from cmast.commands.national import report_differences
    from pipeline.national.load import load_national_file
    from pipeline.samples.demo import national_demo_files
    from pipeline.samples.uec import PLANTED

    files = national_demo_files()
    if not files:
        console.print(
            "No NHS England A&E files beside the project (../shared): every UEC return "
            "is invented, and the briefing has no regional or national comparison and "
            "nothing to reconcile with."
        )
        return
    from pipeline.warehouse.rebuild import refresh_marts
    from pipeline.warehouse.snapshot import publish_snapshot

    outcomes = [load_national_file(path, current) for path in files]
    loaded = sum(o.status in ("loaded", "superseded") for o in outcomes)
    months = ", ".join(sorted({o.period for o in outcomes if o.period}))
    console.print(
        f"NHS England A&E publications: {loaded} loaded, "
        f"{len(outcomes) - loaded} already there. The UEC returns for {months} agree "
        f"with NHS England's figures for each trust (attendances and within 4 hours by "
        f"type), except {PLANTED.org_code}'s for {PLANTED.period}, planted to differ; "
        "other months are invented."
    )
    if loaded:  # a writer: the marts and the report writers' snapshot follow what it loaded
        refresh_marts(current)
        publish_snapshot(current)
    report_differences(current)


@app.command()
def validate(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="The file to check.")],
    org: Annotated[
        str | None,
        typer.Option(
            "--org",
            help="The trust sending it, e.g. REM. Default: the trust the template was "
            "made for, else the inbox folder the file is in.",
        ),
    ] = None,
) -> None:
    """Check a file as the inbox would, without loading anything. Exit 0 valid, 1 invalid."""
    from pipeline.reference_data import cdc_sites, trust_sites
    from pipeline.spreadsheet.template import recorded_org
    from pipeline.validation.validate import Context, check_file

    current = settings()
    sites = trust_sites(current)
    given = org.strip().upper() if org else None
    recorded = recorded_org(file)
    folder = file.resolve().parent.name.strip().upper()
    folder = folder if folder in sites else None  # inbox/<ORG>/ only
    for label, other in (("--org", given), (f"its folder ({file.parent.name}/)", folder)):
        if recorded and other and other != recorded:
            raise typer.BadParameter(
                f"the workbook is the template made for {recorded} (its About sheet), but "
                f"{label} says {other}. Check which trust's file this is.",
                param_hint="FILE",
            )
    chosen = given or recorded or folder
    if chosen is None:
        raise typer.BadParameter(
            "say which trust sends it: --org (a CSV, or a workbook not "
            "made from a template, does not say).",
            param_hint="--org",
        )
    checked = check_file(file, Context(org_code=chosen, sites=sites, cdc_sites=cdc_sites(current)))
    if checked.valid:
        console.print(
            f"[green]Valid[/green]: {checked.spec.title} for {checked.period}, "
            f"{len(checked.rows):,} rows, template version {checked.template_version}"
            f" ({chosen})."
        )
        raise typer.Exit(0)
    report.print_problems(console, file.name, checked.problems)
    raise typer.Exit(1)


@app.command()
def template(
    return_type: Annotated[str, typer.Argument(help="Which return, e.g. uec.")],
    org: Annotated[str, typer.Option("--org", help="The trust it is for, e.g. REM.")],
    period: Annotated[str, typer.Option("--period", help="The month, YYYY-MM.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Where to write the .xlsx.")],
) -> None:
    """Write the Excel template a trust fills in for one period."""
    from pipeline.reference_data import trust_sites
    from pipeline.returns import get_return
    from pipeline.spreadsheet.template import build_template

    spec = get_return(return_type)  # an unknown name is a UsageError: exit 2, the returns named
    org = org.strip().upper()
    sites = sorted(trust_sites(settings()).get(org, []))
    build_template(spec, org_code=org, period=period, sites=sites, path=output)
    console.print(f"Wrote the {spec.title} template for {org}, {period} to {output}")


@app.command()
def status(
    as_json: Annotated[bool, typer.Option("--json", help="A JSON array, one per file.")] = False,
    org: Annotated[str | None, typer.Option("--org", help="Only this trust.")] = None,
) -> None:
    """The submissions ledger: every file received and what became of it, then the files in the
    inbox that cannot be taken. Reads only. Exit 1 when a file is held until someone acts."""
    from pipeline.ingest import not_taken
    from pipeline.warehouse import ledger
    from pipeline.warehouse.connection import received_before
    from pipeline.warehouse.reading import reading

    current = settings()
    if not current.warehouse_path.exists() and not received_before(current):
        frame = ledger.empty_ledger()  # nothing received yet, and nothing is created to say so
    else:
        with refusals(), reading(current) as conn:
            frame = ledger.submissions(conn)
    waiting = not_taken(current)
    if org:
        frame = frame[frame["org_code"] == org.strip().upper()]
        waiting = [w for w in waiting if w["org_code"] == org.strip().upper()]
    if as_json:
        sys.stdout.write(json.dumps(report.ledger_records(frame, current), indent=2) + "\n")
    else:
        report.print_ledger(console, frame)
        report.print_not_taken(console, waiting)
    # Files held until someone acts are something not done, as for `cmast ingest`.
    raise typer.Exit(report.exit_code(waiting))


app.command("spc")(spc)
app.command("serve")(serve)
app.command("query")(query)
app.command("snapshot")(snapshot)
app.command("headlines")(headlines)
app.command("briefing")(briefing)
app.command("rebuild")(rebuild)
app.command("settings")(settings_command)
app.add_typer(national, name="national")
