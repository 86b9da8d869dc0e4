"""The tables in ``docs/`` that repeat the code, written from the code.

A page holds a generated table between two markers::

    <!-- generated: NAME -->
    ...
    <!-- end generated -->

``python -m tests.docs_tables`` rewrites every such region in ``README.md`` and ``docs/*.md``
from :data:`TABLES`; ``tests/test_docs_current.py`` fails while a committed page differs from
what this writes. It lives beside the tests because the hostile-input table is read from the
test corpus (``tests/corpus.py``), which the library may not import.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path

from pipeline.config import PROJECT_ROOT
from pipeline.metrics.catalogue import CLEARED_FAMILY, FIGURES, SECTIONS, figure
from pipeline.returns import all_returns
from pipeline.returns.base import ReturnSpec
from pipeline.settings_registry import SETTINGS, Setting
from pipeline.spreadsheet.template import RULE_TEXT, column_choices, rule_sentence
from schemas import fields
from tests.corpus import CASES

#: A marker is a line of its own, so a page may name the markers in its text.
OPENING = re.compile(r"^<!-- generated: ([\w-]+) -->$", re.MULTILINE)
REGION = re.compile(
    r"^(<!-- generated: ([\w-]+) -->\n)(.*?)^(<!-- end generated -->)$", re.DOTALL | re.MULTILINE
)
COMMAND = "python -m tests.docs_tables"
#: A coded column's values are listed in full up to this many; a longer list is counted.
LISTED_VALUES = 8


def cell(text: str) -> str:
    """Text safe in a Markdown table cell: a pipe would end the cell, even inside backticks."""
    return text.replace("|", "\\|").replace("\n", " ")


def kind_of(spec: ReturnSpec, column: str) -> str:
    return (spec.model.to_schema().columns[column].metadata or {}).get("kind", "text")


def allowed_values(spec: ReturnSpec, column: str) -> str:
    """What a value of ``column`` may be: its drop-down list, pattern and bounds, as checked."""
    parts = []
    choices = column_choices(spec)
    if column in choices:
        values, strict = choices[column][0](), choices[column][1]
        listed = (
            ", ".join(f"`{v}`" for v in values)
            if len(values) <= LISTED_VALUES
            else f"{len(values)} values (the template's drop-down)"
        )
        # A list that is not the whole rule guides the sender; the rules across columns decide.
        parts.append(f"one of {listed}" if strict else f"suggested: {listed}")
    for check in spec.model.to_schema().columns[column].checks:
        stats = check.statistics
        if check.name == "str_matches":
            parts.append(f"matches `{stats['pattern']}`")
        elif check.name == "greater_than_or_equal_to":
            parts.append(f"{stats['min_value']} or more")
        elif check.name == "less_than_or_equal_to":
            parts.append(f"{stats['max_value']} or less")
        elif check.name == "in_range":
            parts.append(f"{stats['min_value']} to {stats['max_value']}")
        elif check.name == "isin":
            parts.append("one of " + ", ".join(f"`{v}`" for v in stats["allowed_values"]))
        else:
            parts.append(check.name)
    # Nothing beyond the kind's own rule: "any date", "any money".
    return "; ".join(parts) or f"any {kind_of(spec, column).replace('_', ' ')}"


def kind_words(kind: str) -> str:
    """What a cell of a kind holds: the template's rule for it, else its field builder's
    docstring (``schemas.fields``)."""
    if kind in RULE_TEXT:
        return RULE_TEXT[kind]
    builder = getattr(fields, kind, None)
    doc = (builder.__doc__ or "").strip().split("\n")[0] if builder else ""
    return doc.replace("``", "`").rstrip(".") or kind


def return_columns() -> str:
    """Every return's columns (kind, whether a value is required, allowed values, meaning) and
    its rules across columns, from the schemas and specs the validator uses."""
    specs = sorted(all_returns(), key=lambda s: s.return_type)
    kinds = sorted({kind_of(spec, name) for spec in specs for name in spec.columns})
    blocks = [
        "| kind | a cell holds |\n|---|---|\n"
        + "\n".join(f"| `{kind}` | {cell(kind_words(kind))} |" for kind in kinds)
    ]
    for spec in specs:
        schema = spec.model.to_schema()
        row = (spec.model.__doc__ or "").strip().split("\n")[0]
        lines = [
            f"### {spec.title} (`{spec.return_type}`)",
            "",
            f"{row} Sent {spec.frequency}; template version {spec.template_version}; "
            f"stored in `{spec.raw_table}`.",
            "",
            "| column | kind | required | allowed values | what it holds |",
            "|---|---|---|---|---|",
        ]
        for name, column in schema.columns.items():
            required = "no" if column.nullable else "yes"
            lines.append(
                f"| `{name}` | `{kind_of(spec, name)}` | {required} | "
                f"{cell(allowed_values(spec, name))} | {cell(column.description)} |"
            )
        if spec.rules:
            lines += ["", "| column | checked across columns | what to do |", "|---|---|---|"]
            lines += [
                f"| `{rule.column}` | {cell(rule_sentence(rule))} | {cell(rule.hint)} |"
                for rule in spec.rules
            ]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def hostile_inputs() -> str:
    """The hostile-input corpus, one row per case: the input and what the pipeline does."""
    rows = [f"| {cell(case.describe)} | {cell(case.did)} |" for case in CASES]
    return "\n".join(["| input | what the pipeline does |", "|---|---|", *rows])


def default_words(setting: Setting) -> str:
    """A default as set in the environment (in backticks), or in words where it is worked out."""
    return setting.default if setting.derive else f"`{setting.default}`"


def settings() -> str:
    """Every setting of the registry, in its order: variable, default, unit and meaning."""
    rows = [
        f"| `{s.env}` | {cell(default_words(s))} | {cell(s.unit)} | {cell(s.help)}"
        + (f" Also `cmast {s.option}`, before the command." if s.option else "")
        + " |"
        for s in SETTINGS
    ]
    return "\n".join(["| setting | default | unit | meaning |", "|---|---|---|---|", *rows])


def comparisons(id_: str) -> str:
    """What a figure is set beside, besides its own previous month."""
    entry = figure(id_)
    found = []
    if entry.counterpart:
        found.append(f"national: `{entry.counterpart}`")
    if entry.plan_series:
        found.append(f"plan: `{entry.plan_series}`")
    if entry.regional:
        found.append("the region and England")
    if entry.parts:
        found.append("sum of " + " + ".join(f"`{p}`" for p in entry.parts))
    return "; ".join(found)


def figures() -> str:
    """Every catalogued figure, a table per section, in the catalogue's order."""
    blocks = []
    ids = [*FIGURES, CLEARED_FAMILY]
    for section, title in SECTIONS.items():
        rows = []
        for id_ in ids:
            entry = figure(id_)
            if entry.section != section:
                continue
            flags = [
                *(["lead"] if entry.lead else []),
                *(["contract"] if entry.in_contract else []),
                *(["patients"] if entry.patient_count else []),
                *(["adds up"] if entry.adds_up else []),
            ]
            label = cell(entry.label.replace("<N>", "N"))  # "<N>" would read as an HTML tag
            rows.append(
                f"| `{id_}` | {label} | {entry.unit} | {entry.kind} "
                f"| {entry.improvement} | {'board' if entry.board else 'detail'} "
                f"| {', '.join(flags)} | {cell(comparisons(id_))} |"
            )
        blocks.append(
            "\n".join(
                [
                    f"## {title}",
                    "",
                    "| id | label | unit | series | better | role | flags | compared with |",
                    "|---|---|---|---|---|---|---|---|",
                    *rows,
                ]
            )
        )
    return "\n\n".join(blocks)


#: Name (as written in the page's marker) -> the function that writes the table.
TABLES: dict[str, Callable[[], str]] = {
    "return-columns": return_columns,
    "hostile-inputs": hostile_inputs,
    "settings": settings,
    "figures": figures,
}


def pages(root: Path = PROJECT_ROOT) -> list[Path]:
    return [root / "README.md", *sorted((root / "docs").glob("*.md"))]


def generated(root: Path = PROJECT_ROOT) -> dict[Path, str]:
    """Every page holding a generated region, with the text it should have. An unknown name or
    an opening marker without its end is an error, never a region silently left as it was."""
    made: dict[str, str] = {}

    def table(match: re.Match) -> str:
        name = match.group(2)
        if name not in TABLES:
            raise KeyError(
                f"no generated table called {name!r}; the tables are: " + ", ".join(sorted(TABLES))
            )
        if name not in made:
            made[name] = TABLES[name]()
        return f"{match.group(1)}{made[name]}\n{match.group(4)}"

    found = {}
    for page in pages(root):
        text = page.read_text()
        regions = len(REGION.findall(text))
        if len(OPENING.findall(text)) != regions:
            raise ValueError(
                f"{page}: a '<!-- generated: NAME -->' marker has no "
                "'<!-- end generated -->' after it"
            )
        if regions:
            found[page] = REGION.sub(table, text)
    return found


def main() -> int:
    changed = 0
    for page, text in generated().items():
        if page.read_text() != text:
            page.write_text(text)
            changed += 1
            print(f"rewrote {page.relative_to(PROJECT_ROOT)}")
    if not changed:
        print("every generated table is current")
    return 0


if __name__ == "__main__":
    sys.exit(main())
