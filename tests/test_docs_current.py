"""The docs' generated tables are what the code says today, and every page's links lead
somewhere: a table that repeats the code is rewritten by ``python -m tests.docs_tables``, never
by hand, and a page moved or renamed leaves no link behind."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipeline.config import PROJECT_ROOT
from tests import docs_tables
from tests.corpus import CASES

PAGES = docs_tables.pages()
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def test_every_table_name_has_a_page():
    marked = {name for page in PAGES for name in docs_tables.OPENING.findall(page.read_text())}
    assert marked == set(docs_tables.TABLES)


@pytest.mark.parametrize(
    "page", list(docs_tables.generated()), ids=lambda p: str(p.relative_to(PROJECT_ROOT))
)
def test_the_committed_page_is_current(page: Path):
    assert page.read_text() == docs_tables.generated()[page], (
        f"{page.relative_to(PROJECT_ROOT)} is out of date with the code: run "
        f"`{docs_tables.COMMAND}` and commit the result"
    )


def test_the_hostile_input_table_has_a_row_per_case():
    page = (PROJECT_ROOT / "docs" / "robustness.md").read_text()
    region = page.split("<!-- generated: hostile-inputs -->", 1)[1].split(
        "<!-- end generated -->", 1
    )[0]
    rows = [line for line in region.splitlines() if line.startswith("| ")][1:]
    assert len(rows) == len(CASES) >= 40
    assert (
        "| A zip bomb: 2 MB inflating to 2 GiB | Refused from the zip directory's sizes, "
        "before any reading |" in rows
    )


def test_the_return_columns_say_what_the_schema_checks():
    page = (PROJECT_ROOT / "docs" / "return-columns.md").read_text()
    # Worked out from schemas/rtt.py and the template's drop-downs by hand: a PTL's priority
    # may be blank, and takes one of four values.
    assert "| `priority` | `code` | no | one of `P1`, `P2`, `P3`, `P4` |" in page
    assert "| `type1_attendances` | `count` | yes | 0 or more |" in page
    for title in (
        "Urgent and emergency care (`uec`)",
        "Theatre sessions (`theatres`)",
        "Programme (`programme`)",
        "Plans and targets (`plans`)",
    ):
        assert f"### {title}" in page


def test_a_region_is_rewritten_and_an_unknown_name_refused(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "README.md").write_text("no tables here\n")
    page = tmp_path / "docs" / "page.md"
    page.write_text(
        "before\n<!-- generated: hostile-inputs -->\nstale\n<!-- end generated -->\nafter\n"
    )
    text = docs_tables.generated(tmp_path)[page]
    assert text.startswith("before\n<!-- generated: hostile-inputs -->\n| input |")
    assert "stale" not in text and text.endswith("|\n<!-- end generated -->\nafter\n")
    page.write_text("<!-- generated: nothing-of-that-name -->\n<!-- end generated -->\n")
    with pytest.raises(KeyError, match="nothing-of-that-name"):
        docs_tables.generated(tmp_path)
    page.write_text("<!-- generated: hostile-inputs -->\nno end marker\n")
    with pytest.raises(ValueError, match="no '<!-- end generated -->'"):
        docs_tables.generated(tmp_path)


def _anchors(page: Path) -> set[str]:
    """GitHub's anchors for a page's headings: lower case, punctuation dropped, spaces to
    hyphens."""
    headings = re.findall(r"^#+ (.+)$", page.read_text(), flags=re.MULTILINE)
    return {re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-") for h in headings}


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(PROJECT_ROOT)))
def test_every_relative_link_resolves(page: Path):
    broken = []
    for target in LINK.findall(page.read_text()):
        if re.match(r"[a-z]+:", target):
            continue  # a web address
        path, _, anchor = target.partition("#")
        linked = (page.parent / path).resolve() if path else page
        missing_heading = (
            anchor and linked.suffix == ".md" and linked.exists() and anchor not in _anchors(linked)
        )
        if not linked.exists() or missing_heading:
            broken.append(target)
    assert broken == []
