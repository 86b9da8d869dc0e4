"""What the command line prints: outcomes of a run, problems in a file, the ledger."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import pandas as pd
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from pipeline.config import Settings
from pipeline.validation.problems import Problem, number_spans

_STATUS_STYLE = {
    "loaded": "green",
    "rejected": "red",
    "duplicate": "yellow",
    "superseded": "dim",
    "recovered": "cyan",
    "failed": "bold red",
    "taken": "dim",
    "held": "bold red",
    "waiting": "yellow",
}
#: Outcomes of an ingest that mean something was refused or not done: exit code 1.
NOT_DONE = frozenset({"rejected", "failed", "held"})
#: Outcomes shown one per line, with their message.
_SHOWN = ("rejected", "failed", "recovered", "held", "waiting")


def exit_code(outcomes: list[dict]) -> int:
    """0 when every file was taken and every step done; 1 when a file was refused, failed or is
    held until someone acts (a workbook still open in Excel only waits: 0)."""
    return 1 if any(o["status"] in NOT_DONE for o in outcomes) else 0


def print_outcomes(console: Console, outcomes: list[dict], settings: Settings) -> None:
    if not outcomes:
        console.print("The inbox is empty: nothing to do.")
        return
    files = [o for o in outcomes if "step" not in o]
    counts = Counter(o["status"] for o in files)
    parts = [f"[{_STATUS_STYLE.get(s, '')}]{n} {s}[/]" for s, n in sorted(counts.items())]
    console.print(f"Processed {len(files)} files: " + ", ".join(parts))
    for outcome in outcomes:
        if outcome["status"] in _SHOWN:
            style = _STATUS_STYLE[outcome["status"]]
            console.print(
                f"  [{style}]{outcome['status']}[/] "
                + escape(f"{outcome['org_code']}/{outcome['file_name']}: {outcome['message']}")
            )
            for line in outcome.get("problems", [])[:5]:
                console.print("      " + escape(line))
            extra = len(outcome.get("problems", [])) - 5
            if extra > 0:
                console.print(f"      ... and {extra} more")
            if outcome.get("feedback_path"):
                console.print(f"      feedback: {settings.absolute(outcome['feedback_path'])}")


def print_problems(console: Console, file_name: str, problems: list[Problem]) -> None:
    """One line per problem (where, column, rule, value found, what to do): easy to read in a
    narrow terminal, and to grep or paste into an email. The same problem on many rows is one
    line naming the rows (:func:`grouped_lines`)."""
    console.print(
        f"[red]Not valid[/red]: {escape(file_name)} has {len(problems)} problem"
        f"{'s' if len(problems) != 1 else ''}:"
    )
    for line in grouped_lines(problems):
        console.print("  " + escape(line), soft_wrap=True)


#: From this many rows with one problem, they are one line.
GROUP_FROM = 3
_ROW_NUMBER = re.compile(r"(\d+)$")


def grouped_lines(problems: list[Problem]) -> list[str]:
    """``31 rows [site_code]: ... (found: RJR05): rows 2 to 32. <hint>`` for a problem repeated
    on rows (same column, rule, value and hint), in place of its first; others as they are."""
    groups: dict[tuple, list[Problem]] = {}
    for problem in problems:
        groups.setdefault(_group_key(problem), []).append(problem)
    lines = []
    for key, members in groups.items():
        if key[0] is None or len(members) < GROUP_FROM:
            lines += [p.as_line() for p in members]
            continue
        first = members[0]
        sheet = first.location.rpartition("!")[0]
        column = f" [{first.column}]" if first.column else ""
        found = f" (found: {first.value!s})" if first.value not in (None, "") else ""
        rows = _ranges(sorted(_row_number(p) for p in members))
        where = f"{sheet} rows" if sheet else "lines"
        hint = f" {first.hint}" if first.hint else ""
        lines.append(f"{len(members)} rows{column}: {first.rule}{found}: {where} {rows}.{hint}")
    return lines


def _row_number(problem: Problem) -> int:
    """The row a grouped problem is on (only problems on a numbered row are grouped)."""
    found = _ROW_NUMBER.search(problem.location)
    assert found is not None, problem.location
    return int(found.group(1))


def _group_key(problem: Problem) -> tuple:
    """Problems alike but for their row; ``(None,)`` for one that is not on a numbered row."""
    if problem.row is None or not _ROW_NUMBER.search(problem.location or ""):
        return (None, id(problem))
    return (
        problem.column,
        problem.rule,
        problem.value,
        problem.hint,
        problem.location.rpartition("!")[0],
    )


def _ranges(numbers: list[int]) -> str:
    """``2 to 32``, or ``2 to 5, 9, 12 to 20``."""
    return ", ".join(f"{a} to {b}" if b > a else str(a) for a, b in number_spans(numbers))


def print_not_taken(console: Console, waiting: list[dict]) -> None:
    """The files in the inbox not taken, for ``cmast status``."""
    if not waiting:
        return
    console.print(f"{len(waiting)} file(s) in the inbox not taken:")
    for outcome in waiting:
        style = _STATUS_STYLE[outcome["status"]]
        console.print(
            f"  [{style}]{outcome['status']}[/] "
            + escape(f"{outcome['path']}: {outcome['message']}"),
            soft_wrap=True,
        )


def print_ledger(console: Console, frame: pd.DataFrame) -> None:
    """The ledger as a table that reads in an 80-column terminal: codes, statuses and times
    never cut (they are short), the file name folded onto further lines when long."""
    table = Table(box=None, padding=(0, 1, 0, 0), header_style="bold underline")
    for name, options in (
        ("#", {"justify": "right"}),
        ("Org", {}),
        ("Return", {}),
        ("Period", {}),
        ("Status", {"min_width": 10}),
        ("Rows", {"justify": "right"}),
        ("Err", {"justify": "right"}),
        ("Received", {"min_width": 11}),
    ):
        table.add_column(name, no_wrap=True, **options)
    table.add_column("File", overflow="fold", ratio=1, min_width=12)
    for row in frame.itertuples(index=False):
        style = _STATUS_STYLE.get(row.status, "")
        # An unrecognised file has no return or period: NaN in the frame, not None.
        table.add_row(
            str(row.submission_id),
            row.org_code,
            "-" if _missing(row.return_type) else row.return_type,
            "-" if _missing(row.period) else row.period,
            f"[{style}]{row.status}[/]",
            f"{row.row_count:,}",
            str(row.error_count),
            f"{row.received_at:%d %b %H:%M}",
            escape(row.file_name),
        )
    console.print(table)


def ledger_records(frame: pd.DataFrame, settings: Settings) -> list[dict]:
    """The ledger as JSON-ready records; ``path`` is absolute: where the file lies now."""
    records = []
    for row in frame.to_dict(orient="records"):
        record: dict[str, Any] = {
            key: (None if _missing(value) else value) for key, value in row.items()
        }
        record["received_at"] = row["received_at"].isoformat()
        record["processed_at"] = row["processed_at"].isoformat()
        record["path"] = str(settings.absolute(row["path"]))
        if record["feedback_path"]:
            record["feedback_path"] = str(settings.absolute(record["feedback_path"]))
        for key in ("submission_id", "row_count", "error_count", "duplicate_of", "superseded_by"):
            if record[key] is not None:
                record[key] = int(record[key])
        records.append(record)
    return records


def _missing(value: object) -> bool:
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def print_loaded_summary(console: Console, settings: Settings) -> None:
    """What the warehouse now holds: per return and period, how many trusts are current."""
    from pipeline.warehouse.reading import reading

    with reading(settings) as conn:
        frame = conn.execute(
            "SELECT return_type, period, count(*) AS trusts, sum(row_count) AS rows "
            "FROM ledger.submissions WHERE status = 'loaded' "
            "GROUP BY ALL ORDER BY return_type, period"
        ).df()
    if frame.empty:
        return
    table = Table("Return", "Period", "Trusts current", "Rows", title="Now in the warehouse")
    for row in frame.itertuples(index=False):
        table.add_row(row.return_type, row.period, str(row.trusts), f"{int(row.rows):,}")
    console.print(table)
