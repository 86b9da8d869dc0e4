"""``cmast settings``: every setting's value in force and where it came from.

Reads nothing but the environment and ``--data-dir``: the values a command run the same way
would use, each with its source (``default``, ``environment`` or the command-line option). The
main CLI registers the function with ``app.command("settings")(settings)``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

_console = Console(highlight=False)


def settings(
    as_json: Annotated[
        bool,
        typer.Option(
            "--json", help="A JSON array, one record per setting (env, field, value, source)."
        ),
    ] = False,
) -> None:
    """Every CMAST_* setting: the value in force and whether it came from the default, the
    environment or a command-line option (docs/configuration.md)."""
    from cmast.state import settings_in_force

    found = settings_in_force()
    if as_json:
        records = [
            {
                "env": each.setting.env,
                "field": each.setting.field,
                "value": _as_json(each.value),
                "source": each.source,
            }
            for each in found
        ]
        sys.stdout.write(json.dumps(records, indent=2) + "\n")
        return
    table = Table("setting", "value", "from")
    for column in table.columns:
        column.overflow = "fold"  # a path or a name cut short could not be copied
    for each in found:
        table.add_row(each.setting.env, escape(shown(each.value)), each.source)
    _console.print(table)


def shown(value: Any) -> str:
    """A value as it would be written in the environment."""
    if value is None or value == "":
        return "(not set)"
    if isinstance(value, dict):
        return ",".join(f"{key}={number:g}" for key, number in value.items())
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _as_json(value: Any) -> Any:
    return str(value) if isinstance(value, Path) else value
