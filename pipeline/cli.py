"""The ``cmast`` command."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from pipeline import report
from pipeline.commands.briefing import briefing, write_and_report
from pipeline.commands.headlines import headlines
from pipeline.commands.national import national
from pipeline.commands.query import query
from pipeline.commands.serve import serve
from pipeline.commands.snapshot import snapshot
from pipeline.commands.spc import spc
from pipeline.config import Settings, load_settings

app = typer.Typer(help="CMAST metrics: trust returns in, board figures out.",
                  no_args_is_help=True, add_completion=False)
console = Console()
_state: dict[str, Path | None] = {"data_dir": None}


@app.callback()
def main(
    data_dir: Annotated[Path | None, typer.Option(
        help="Data root (inbox, archive, quarantine, outputs, warehouse). "
        "Default: $CMAST_DATA_DIR or data/.")] = None,
) -> None:
    _state["data_dir"] = data_dir


def settings() -> Settings:
    return load_settings(_state["data_dir"])


def _run_ingest(current: Settings, quiet: bool) -> list[dict]:
    from flows.ingest import ingest_inbox  # imports Prefect: only when a flow is to run

    return ingest_inbox(data_dir=str(current.data_dir), show_progress=not quiet)


@app.command()
def ingest(quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False
           ) -> None:
    """Take every file waiting in the inbox: load it, or quarantine it with a feedback workbook."""
    current = settings()
    outcomes = _run_ingest(current, quiet)
    report.print_outcomes(console, outcomes, current)


@app.command()
def demo(quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False
         ) -> None:
    """Sample returns for every trust, ingested, then the briefing for the latest month."""
    from pipeline.samples.demo import write_demo_inbox

    current = settings()
    current.ensure_dirs()
    written = write_demo_inbox(current)
    console.print(f"{len(written)} sample returns new to the ledger written into {current.inbox}")
    outcomes = _run_ingest(current, quiet)
    report.print_outcomes(console, outcomes, current)
    report.print_loaded_summary(console, current)
    _load_national_for_demo(current)
    write_and_report(current, None)


def _load_national_for_demo(current: Settings) -> None:
    from pipeline.national.load import load_national_file
    from pipeline.samples.demo import national_demo_files

    files = national_demo_files()
    if not files:
        console.print("No NHS England A&E files beside the project (../shared): the briefing "
                      "will have no regional or national comparison.")
        return
    outcomes = [load_national_file(path, current) for path in files]
    loaded = sum(o.status in ("loaded", "superseded") for o in outcomes)
    console.print(f"NHS England A&E publications: {loaded} loaded, "
                  f"{len(outcomes) - loaded} already there (for the regional comparison)")


@app.command()
def validate(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="The file to check.")],
    org: Annotated[str | None, typer.Option(
        "--org", help="The trust sending it, e.g. REM. Default: the trust the template was "
        "made for, else the inbox folder the file is in.")] = None,
) -> None:
    """Check a file as the inbox would, without loading anything. Exit 0 valid, 1 invalid."""
    from pipeline.reference_data import trust_sites
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
                f"{label} says {other}. Check which trust's file this is.", param_hint="FILE")
    chosen = given or recorded or folder
    if chosen is None:
        raise typer.BadParameter("say which trust sends it: --org (a CSV, or a workbook not "
                                 "made from a template, does not say).", param_hint="--org")
    checked = check_file(file, Context(org_code=chosen, sites=sites))
    if checked.valid:
        console.print(f"[green]Valid[/green]: {checked.spec.title} for {checked.period}, "
                      f"{len(checked.rows):,} rows, template version {checked.template_version}"
                      f" ({chosen}).")
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

    try:
        spec = get_return(return_type)
    except KeyError as error:
        raise typer.BadParameter(str(error.args[0]), param_hint="RETURN_TYPE") from error
    org = org.strip().upper()
    sites = sorted(trust_sites(settings()).get(org, []))
    build_template(spec, org_code=org, period=period, sites=sites, path=output)
    console.print(f"Wrote the {spec.title} template for {org}, {period} to {output}")


@app.command()
def status(
    as_json: Annotated[bool, typer.Option("--json", help="A JSON array, one per file.")] = False,
    org: Annotated[str | None, typer.Option("--org", help="Only this trust.")] = None,
) -> None:
    """The submissions ledger: every file received and what became of it."""
    from pipeline.warehouse import connect, ledger

    current = settings()
    with connect(current) as conn:
        frame = ledger.submissions(conn)
    if org:
        frame = frame[frame["org_code"] == org.strip().upper()]
    if as_json:
        sys.stdout.write(json.dumps(report.ledger_records(frame, current), indent=2) + "\n")
        return
    report.print_ledger(console, frame)


app.command("spc")(spc)
app.command("serve")(serve)
app.command("query")(query)
app.command("snapshot")(snapshot)
app.command("headlines")(headlines)
app.command("briefing")(briefing)
app.add_typer(national, name="national")


if __name__ == "__main__":
    app()
