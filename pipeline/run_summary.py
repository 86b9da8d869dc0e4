"""What an ingest run did, for the analyst on duty: a row per file, a short summary, and a
name for the run that says at a glance whether any file was quarantined or failed.

Prefect shows these (``flows/ingest.py`` publishes them as artifacts and as the run's final
state); nothing here imports Prefect, so it is tested on its own.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from pipeline.config import Settings
from pipeline.warehouse import connect

#: The run's state name, by the worst thing that happened to a file in it.
LOADED_NAME, QUARANTINED_NAME, FAILED_NAME = "Loaded", "Quarantined", "File failed"
HELD_NAME = "File held"
#: Tags the run is given, so the run list filters on them.
QUARANTINED_TAG, FAILED_TAG, HELD_TAG = "quarantined", "file-failed", "file-held"


def superseded(settings: Settings, submission_ids: list[int]) -> dict[int, list[str]]:
    """For each submission, the file names of the submissions it replaced."""
    ids = [i for i in submission_ids if i is not None]
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    with connect(settings) as conn:
        found = conn.execute(
            f"SELECT superseded_by, file_name FROM ledger.submissions "  # noqa: S608 (marks)
            f"WHERE superseded_by IN ({marks}) ORDER BY submission_id",
            ids,
        ).fetchall()
    replaced: dict[int, list[str]] = {}
    for by, name in found:
        replaced.setdefault(by, []).append(name)
    return replaced


def _replaced_by(outcome: dict, replaced: dict[int, list[str]]) -> list[str]:
    """The files a loaded file superseded; none for a file that made no submission."""
    submission_id = outcome.get("submission_id")
    return [] if submission_id is None else replaced.get(submission_id, [])


def table(outcomes: list[dict], replaced: dict[int, list[str]], data_dir: Path) -> list[dict]:
    """A row per file: file, trust, return, period, outcome, rows, what it superseded, its
    problems, its feedback file (relative to the data root)."""
    rows = []
    for outcome in outcomes:
        problems = outcome.get("problems") or []
        rows.append(
            {
                "file": outcome["file_name"],
                "trust": outcome["org_code"],
                "return": outcome.get("return_type") or "",
                "period": outcome.get("period") or "",
                "outcome": outcome["status"],
                "rows": outcome.get("row_count") or 0,
                "superseded": ", ".join(_replaced_by(outcome, replaced)),
                "problems": (
                    f"{len(problems)}: {problems[0]}" + (" ..." if len(problems) > 1 else "")
                )
                if problems
                else "",
                "feedback": _relative(outcome.get("feedback_path"), data_dir),
            }
        )
    return rows


def _relative(path: str | None, data_dir: Path) -> str:
    if not path:
        return ""
    try:
        return str(Path(path).relative_to(data_dir))
    except ValueError:
        return path


def state_name(outcomes: list[dict]) -> str:
    statuses = {o["status"] for o in outcomes}
    if "failed" in statuses:
        return FAILED_NAME
    if "rejected" in statuses:
        return QUARANTINED_NAME
    if "held" in statuses:  # a file the sender must move or re-save (pipeline.inbox.not_taken)
        return HELD_NAME
    return LOADED_NAME


def tags(outcomes: list[dict]) -> list[str]:
    statuses = {o["status"] for o in outcomes}
    return (
        ([QUARANTINED_TAG] if "rejected" in statuses else [])
        + ([FAILED_TAG] if "failed" in statuses else [])
        + ([HELD_TAG] if "held" in statuses else [])
    )


def headline(outcomes: list[dict]) -> str:
    """``3 file(s): 2 loaded, 1 rejected``."""
    counts = Counter(o["status"] for o in outcomes)
    parts = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
    return f"{len(outcomes)} file(s): {parts}" if outcomes else "No file waiting"


def markdown(outcomes: list[dict], rows: list[dict]) -> str:
    """The run in a few lines: the counts, then each file that needs someone's attention."""
    lines = [f"## Inbox run: {headline(outcomes)}", ""]
    attention = [
        (o, r) for o, r in zip(outcomes, rows, strict=True) if o["status"] in ("rejected", "failed")
    ]
    for outcome, row in attention:
        what = "quarantined" if outcome["status"] == "rejected" else "failed, left in the inbox"
        lines.append(
            f"- **{row['trust']} {row['file']}** {what}: {outcome['message']}"
            + (f" Feedback: `{row['feedback']}`" if row["feedback"] else "")
        )
    loaded = [r for o, r in zip(outcomes, rows, strict=True) if o["status"] == "loaded"]
    for row in loaded:
        lines.append(
            f"- {row['trust']} {row['file']}: loaded {row['return']} {row['period']}, "
            f"{row['rows']:,} rows"
            + (f", replacing {row['superseded']}" if row["superseded"] else "")
        )
    return "\n".join(lines) + "\n"
