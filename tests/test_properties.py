"""Properties of the readers and validators: whatever bytes arrive, an answer comes back.

``check_file`` returns a :class:`Checked` (rows, or problems that each say something) and
``process_file`` an :class:`Outcome`, for any content under a CSV or a workbook name: random
bytes, bytes that start like a zip or an OLE2 file, valid files with bytes flipped or cut off,
and valid returns with random text in random cells. Never an exception.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.config import load_settings
from pipeline.ingest import Outcome, process_file
from pipeline.validation.validate import Checked, Context, check_file
from tests.conftest import uec_rows
from tests.workbooks import Sheet, xlsx_bytes

SITES = {"RJR": frozenset({"RJR05"})}
CONTEXT = Context(org_code="RJR", sites=SITES, today=dt.date(2024, 1, 15))
VALID_CSV = uec_rows(days=3).to_csv(index=False).encode()
VALID_XLSX = xlsx_bytes(
    [Sheet("Data", [list(uec_rows().columns), *uec_rows().astype(object).values.tolist()])]
)
SUFFIXES = st.sampled_from([".csv", ".xlsx"])
FEW = settings(max_examples=60, deadline=None)


def _damaged(original: bytes) -> st.SearchStrategy[bytes]:
    """``original`` with a few bytes overwritten, or cut short."""
    flips = st.lists(
        st.tuples(st.integers(0, len(original) - 1), st.integers(0, 255)), min_size=1, max_size=8
    )

    def flip(changes: list[tuple[int, int]]) -> bytes:
        damaged = bytearray(original)
        for at, value in changes:
            damaged[at] = value
        return bytes(damaged)

    return st.one_of(flips.map(flip), st.integers(1, len(original) - 1).map(lambda n: original[:n]))


ANY_CONTENT = st.one_of(
    st.binary(max_size=3000),
    st.binary(max_size=2000).map(lambda b: b"PK\x03\x04" + b),
    st.binary(max_size=2000).map(lambda b: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b),
    st.text(max_size=2000).map(str.encode),
    _damaged(VALID_CSV),
    _damaged(VALID_XLSX),
)


def _check(content: bytes, suffix: str) -> Checked:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"return{suffix}"
        path.write_bytes(content)
        return check_file(path, CONTEXT)


def _assert_answer(result: Checked) -> None:
    assert isinstance(result, Checked)
    if result.valid:
        assert result.rows is not None and len(result.rows) > 0
    else:
        assert result.problems, "a file that is not valid must say why"
        assert all(p.rule and isinstance(p.rule, str) for p in result.problems)


@FEW
@given(content=ANY_CONTENT, suffix=SUFFIXES)
def test_any_bytes_get_an_answer(content, suffix):
    _assert_answer(_check(content, suffix))


@FEW
@given(
    cells=st.lists(
        st.tuples(st.integers(0, 2), st.integers(0, 16), st.text(max_size=40)),
        min_size=1,
        max_size=6,
    ),
    workbook=st.booleans(),
)
def test_random_text_in_random_cells_gets_an_answer(cells, workbook):
    frame = uec_rows(days=3).astype(object)
    for row, column, text in cells:
        frame.iat[row, column] = text
    if workbook:
        rows = [list(frame.columns), *frame.values.tolist()]
        # Text a workbook cannot hold (control characters) is dropped as Excel would refuse it.
        rows = [[_printable(v) for v in r] for r in rows]
        result = _check(xlsx_bytes([Sheet("Data", rows)]), ".xlsx")
    else:
        result = _check(frame.to_csv(index=False).encode(), ".csv")
    _assert_answer(result)
    original = uec_rows(days=3)
    if all(str(frame.iat[r, c]).strip() == str(original.iat[r, c]) for r, c, _ in cells):
        assert result.valid  # cells given back their own values change nothing


def _printable(value: object) -> object:
    if not isinstance(value, str):
        return value
    return "".join(ch for ch in value if ch.isprintable() or ch in "\t\n")


@pytest.fixture(scope="module")
def shared_settings(tmp_path_factory):
    """One data root for every example (a warehouse per example would cost 0.5 s each)."""
    current = replace(
        load_settings(tmp_path_factory.mktemp("properties") / "data"), settle_seconds=0.0
    )
    current.ensure_dirs()
    return current


@settings(max_examples=40, deadline=None)
@given(content=ANY_CONTENT, suffix=SUFFIXES)
def test_process_file_always_returns_an_outcome_and_empties_the_inbox(
    shared_settings, content, suffix
):
    path = shared_settings.inbox / "RJR" / f"return{suffix}"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    outcome = process_file(path, shared_settings, today=CONTEXT.today)
    assert isinstance(outcome, Outcome)
    assert outcome.status in {"loaded", "rejected", "duplicate"}
    assert not path.exists()
    assert shared_settings.absolute(outcome.path).read_bytes() == content


def test_a_valid_return_survives_the_strategies_unchanged():
    """The originals the damage starts from are themselves valid (else the tests prove less)."""
    assert _check(VALID_CSV, ".csv").valid
    assert _check(VALID_XLSX, ".xlsx").valid
    assert pd.api.types.is_integer_dtype(_check(VALID_CSV, ".csv").rows["type1_attendances"])
