"""Referral to treatment (RTT) waiting times: NHS England's monthly full CSV extract (zipped).

The extract has one row per provider x commissioner x RTT part x treatment function (TFC),
with 105 week bands ("Gt 00 To 01 Weeks SUM 1" ... "Gt 103 To 104 Weeks SUM 1",
"Gt 104 Weeks SUM 1") and totals; about 180,000 rows x 121 columns, 80 MB unzipped. Only the
incomplete pathways are read: Part_2 (all) and Part_2A (those with a decision to admit);
non-admitted = Part_2 - Part_2A. Rows are summed over commissioners inside DuckDB, so Python
only ever holds the per provider x TFC result (a few tens of thousands of rows).

The file also gives every provider and part a ``C_999`` (Total) TFC row. The tidy tables are
built from the specific TFCs only, and the parser checks that they add up to the C_999 rows,
so the two are never summed together.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import tempfile
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from pipeline.national.publication import Publication, PublicationError, period_from_text
from pipeline.national.tidy import conform
from schemas.national import RttCommissionerParent, RttIncomplete, RttIncompleteWeeks

PROVIDER = "Provider Org Code"
REQUIRED = [
    "Period",
    "Provider Parent Org Code",
    PROVIDER,
    "Provider Org Name",
    "Commissioner Org Code",
    "Commissioner Parent Org Code",
    "RTT Part Type",
    "Treatment Function Code",
    "Treatment Function Name",
    "Total All",
    "Patients with unknown clock start date",
]
BAND = re.compile(r"^Gt (\d+) To (\d+) Weeks SUM 1$")
TOP_BAND = "Gt 104 Weeks SUM 1"
TOTAL_TFC = "C_999"
PARTS = {"Part_2": "incomplete", "Part_2A": "admitted"}
WAIT_LIMITS = (52, 65, 78, 104)  # over N weeks = bands from "Gt N To N+1" on


@dataclass(frozen=True)
class RttMonth(Publication):
    """A month of RTT incomplete pathways: summary per provider x TFC x pathway type, the
    non-zero week bands behind it, and the same pathways by commissioner parent (ICB)."""

    incomplete: pd.DataFrame
    incomplete_weeks: pd.DataFrame
    commissioner_parents: pd.DataFrame


def csv_member(archive: zipfile.ZipFile) -> zipfile.ZipInfo:
    """The one CSV in the zip, ignoring macOS resource forks (``__MACOSX/``, ``._name``)."""
    members = [
        m
        for m in archive.infolist()
        if m.filename.lower().endswith(".csv")
        and not m.is_dir()
        and not m.filename.startswith("__MACOSX/")
        and not Path(m.filename).name.startswith("._")
    ]
    if len(members) != 1:
        names = [m.filename for m in members]
        raise PublicationError(f"expected one CSV in the zip, found {names}")
    return members[0]


@contextmanager
def extracted_csv(path: Path):
    """A path to the CSV: the file itself, or the zip's CSV streamed to a temporary file.

    DuckDB cannot read inside a zip, and streaming the member avoids holding 80 MB in memory.
    """
    path = Path(path)
    if not zipfile.is_zipfile(path):
        yield path
        return
    with tempfile.TemporaryDirectory(prefix="rtt-") as folder, zipfile.ZipFile(path) as archive:
        target = Path(folder) / "extract.csv"
        with archive.open(csv_member(archive)) as source, open(target, "wb") as sink:
            shutil.copyfileobj(source, sink, length=1 << 20)
        yield target


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _bands(columns: list[str]) -> list[str]:
    """The 105 week-band columns in week order; raises if any band is missing."""
    found = {int(m.group(1)): c for c in columns if (m := BAND.match(c))}
    if sorted(found) != list(range(104)) or TOP_BAND not in columns:
        raise PublicationError("the RTT extract does not have the 105 week bands 0-1 .. 104+")
    return [found[w] for w in range(104)] + [TOP_BAND]


def _aggregate(csv_path: Path) -> tuple[str, list[str], pd.DataFrame, pd.DataFrame]:
    """(period, band columns, incomplete rows summed over commissioners, incomplete rows by
    commissioner parent) via DuckDB.

    The incomplete rows are read from the CSV once into a temporary table; both summaries are
    taken from it. The commissioner summary uses the specific TFCs only (never C_999), so each
    pathway is counted once.
    """
    con = duckdb.connect()
    try:
        source = "read_csv(?, header = true, all_varchar = false)"
        columns = [
            r[0]
            for r in con.execute(f"DESCRIBE SELECT * FROM {source}", [str(csv_path)]).fetchall()
        ]
        missing = [c for c in REQUIRED if c not in columns]
        if missing:
            raise PublicationError(f"RTT extract without columns {missing}")
        bands = _bands(columns)
        con.execute(
            f'CREATE TEMP TABLE parts AS SELECT * FROM {source} WHERE "RTT Part Type" IN (?, ?)',
            [str(csv_path), *PARTS],
        )
        sums = ", ".join(
            f"sum(coalesce({_quoted(b)}, 0))::BIGINT AS w{i:03d}" for i, b in enumerate(bands)
        )
        query = f"""
            SELECT
                any_value("Period") AS period,
                count(DISTINCT "Period") AS periods,
                {_quoted(PROVIDER)} AS provider_code,
                any_value("Provider Org Name") AS provider_name,
                any_value("Provider Parent Org Code") AS provider_parent_code,
                count(DISTINCT "Provider Parent Org Code") AS parents,
                "Treatment Function Code" AS tfc,
                any_value("Treatment Function Name") AS tfc_name,
                "RTT Part Type" AS part,
                {sums},
                sum("Total All")::BIGINT AS total_all,
                sum("Patients with unknown clock start date")::BIGINT AS unknown_clock_start
            FROM parts
            GROUP BY {_quoted(PROVIDER)}, "Treatment Function Code", "RTT Part Type"
        """
        frame = con.execute(query).df().copy()
        by_commissioner = (
            con.execute(
                f"""
            SELECT
                "Commissioner Parent Org Code" AS commissioner_parent_code,
                any_value("Commissioner Parent Name") AS commissioner_parent_name,
                "RTT Part Type" AS part,
                {sums}
            FROM parts
            WHERE "Treatment Function Code" <> ?
            GROUP BY "Commissioner Parent Org Code", "RTT Part Type"
        """,
                [TOTAL_TFC],
            )
            .df()
            .copy()
        )
    finally:
        con.close()
    if frame.empty:
        raise PublicationError("RTT extract has no incomplete pathway (Part_2) rows")
    if (frame["periods"] > 1).any() or frame["period"].nunique() != 1:
        raise PublicationError(f"RTT extract covers several periods: {frame['period'].unique()}")
    if (frame["parents"] > 1).any():
        raise PublicationError("a provider has two parent organisations in the RTT extract")
    weeks = [f"w{i:03d}" for i in range(len(bands))]
    return frame["period"].iloc[0], weeks, frame, by_commissioner


def _tfc_code(raw: pd.Series) -> pd.Series:
    """'C_110' -> '110'; 'X02' stays. Anything else is an error."""
    code = raw.str.replace(r"^C_", "", regex=True)
    bad = ~code.str.fullmatch(r"\d{3}|X\d{2}")
    if bad.any():
        raise PublicationError(f"unexpected treatment function codes {raw[bad].unique()}")
    return code


def _check_totals(frame: pd.DataFrame, weeks: list[str]) -> None:
    """C_999 rows must equal the sum of the specific TFCs, band by band."""
    keys = ["provider_code", "part"]
    is_total = frame["tfc"].eq(TOTAL_TFC)
    summed = frame.loc[~is_total].groupby(keys)[weeks].sum()
    stated = frame.loc[is_total].set_index(keys)[weeks]
    summed, stated = summed.align(stated, fill_value=0)
    if not summed.equals(stated):
        bad = (summed != stated).any(axis=1)
        raise PublicationError(
            f"C_999 totals differ from the sum of TFCs for {list(bad[bad].index)[:5]}"
        )


def _with_non_admitted(frame: pd.DataFrame, weeks: list[str]) -> pd.DataFrame:
    """Add non-admitted rows = incomplete (Part_2) - admitted (Part_2A), band by band."""
    keys = ["provider_code", "tfc"]
    incomplete = frame[frame["pathway_type"] == "incomplete"].set_index(keys)
    admitted = frame[frame["pathway_type"] == "admitted"].set_index(keys)
    orphans = admitted.index.difference(incomplete.index)
    if len(orphans):
        raise PublicationError(f"Part_2A rows without Part_2: {list(orphans)[:5]}")
    numeric = [*weeks, "total_all"]
    rest = incomplete[numeric].sub(admitted[numeric].reindex(incomplete.index, fill_value=0))
    # The April 2026 extract has Part_2A above Part_2 in a few single week bands (never in a
    # total), so a derived band can be negative. It is kept as the difference, so that
    # admitted + non-admitted = incomplete holds everywhere; the schema allows it only here.
    if (rest["total_all"] < 0).any():
        raise PublicationError("Part_2A exceeds Part_2 in total for some provider and TFC")
    labels = incomplete.drop(columns=[*numeric, "unknown_clock_start", "pathway_type"])
    non_admitted = pd.concat([labels, rest], axis=1).assign(
        # Unknown clock starts are not split by admission in the extract.
        unknown_clock_start=pd.NA,
        pathway_type="non_admitted",
    )
    return pd.concat([frame, non_admitted.reset_index()], ignore_index=True).copy()


def _summary(frame: pd.DataFrame, weeks: list[str], period: str) -> pd.DataFrame:
    bands = frame[weeks].to_numpy(dtype=np.int64)
    out = frame[
        [
            "provider_code",
            "provider_name",
            "provider_parent_code",
            "tfc_code",
            "tfc_name",
            "pathway_type",
        ]
    ].assign(period=period)
    out["total"] = bands.sum(axis=1)
    out["within_18w"] = bands[:, :18].sum(axis=1)  # bands 0-1 .. 17-18: up to 18 weeks
    out["over_18w"] = bands[:, 18:].sum(axis=1)
    for limit in WAIT_LIMITS:
        out[f"over_{limit}w"] = bands[:, limit:].sum(axis=1)
    out["unknown_clock_start"] = frame["unknown_clock_start"].astype("Int64")
    known = frame["total_all"] - frame["unknown_clock_start"].fillna(0)
    if not (known.astype("int64") == out["total"]).all():
        raise PublicationError("week bands do not add up to 'Total All' less unknown clock starts")
    return out


#: Where the extract gives no commissioner parent (pathways commissioned from outside
#: England's ICBs, e.g. by NHS England's specialised or Welsh commissioners, left blank in the
#: file), the commissioner basis shows them under this code: counted in England, in no ICB.
NO_COMMISSIONER_PARENT = "NONE"


def _by_commissioner(frame: pd.DataFrame, weeks: list[str], period: str) -> pd.DataFrame:
    """Incomplete and admitted pathways per commissioner parent, with the summary columns."""
    bands = frame[weeks].to_numpy(dtype=np.int64)
    code = frame["commissioner_parent_code"]
    out = pd.DataFrame(
        {
            "period": period,
            "commissioner_parent_code": code.where(code.notna(), NO_COMMISSIONER_PARENT),
            "commissioner_parent_name": frame["commissioner_parent_name"].where(
                code.notna(), "No commissioner parent in the file"
            ),
            "pathway_type": frame["part"].map(PARTS),
        }
    )
    out["total"] = bands.sum(axis=1)
    out["within_18w"] = bands[:, :18].sum(axis=1)
    out["over_18w"] = bands[:, 18:].sum(axis=1)
    for limit in WAIT_LIMITS:
        out[f"over_{limit}w"] = bands[:, limit:].sum(axis=1)
    return out.sort_values(["commissioner_parent_code", "pathway_type"], ignore_index=True)


def _weeks_long(frame: pd.DataFrame, weeks: list[str], period: str) -> pd.DataFrame:
    bands = frame[weeks].to_numpy(dtype=np.int64)
    rows, cols = np.nonzero(bands)
    return pd.DataFrame(
        {
            "period": period,
            "provider_code": frame["provider_code"].to_numpy()[rows],
            "tfc_code": frame["tfc_code"].to_numpy()[rows],
            "pathway_type": frame["pathway_type"].to_numpy()[rows],
            "weeks_over": cols,
            "pathways": bands[rows, cols],
        }
    )


def parse_rtt_extract(path: Path) -> RttMonth:
    """Read the RTT full CSV extract (zip or CSV; ``RTT-<Month>-<Year>`` in its Period)."""
    with extracted_csv(path) as csv_path:
        raw_period, weeks, frame, by_commissioner = _aggregate(csv_path)
    period = period_from_text(raw_period)
    _check_totals(frame, weeks)
    frame = frame[frame["tfc"] != TOTAL_TFC].assign(pathway_type=frame["part"].map(PARTS))
    frame = _with_non_admitted(frame, weeks)
    frame["tfc_code"] = _tfc_code(frame["tfc"])
    frame = frame.sort_values(["provider_code", "tfc_code", "pathway_type"], ignore_index=True)
    return RttMonth(
        kind="rtt_full_extract_zip" if zipfile.is_zipfile(path) else "rtt_full_extract_csv",
        period=period,
        published=None,  # the extract states no dates
        revised=None,
        incomplete=conform(_summary(frame, weeks, period), RttIncomplete),
        incomplete_weeks=conform(_weeks_long(frame, weeks, period), RttIncompleteWeeks),
        commissioner_parents=conform(
            _by_commissioner(by_commissioner, weeks, period), RttCommissionerParent
        ),
    )


def header_and_first_row(path: Path) -> tuple[list[str], list[str]]:
    """The header and first data row of the extract (zip or CSV), for recognising it."""

    def read(handle) -> tuple[list[str], list[str]]:
        reader = csv.reader(io.TextIOWrapper(handle, encoding="utf-8-sig", errors="replace"))
        return next(reader, []), next(reader, [])

    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive, archive.open(csv_member(archive)) as handle:
            return read(handle)
    with open(path, "rb") as handle:
        return read(handle)
