"""Rebuild the reference CSVs in ``data/reference`` from NHS England's own files.

    python -m pipeline.reference.build [--shared PATH] [--out PATH]

Reads, from ``<shared>/reference/nhse`` (``../shared`` beside the project by default):

* ``ods_etr_trusts_2025-07.csv``: the ODS list of NHS trusts (no header row, 27 fields);
* ``ae_2025-06_provider_workbook_with_system_mapping.xlsx``: its ``System Mapping`` sheet maps
  270 providers and sites to 42 ICBs and 7 regions, by name.

and two hand-kept inputs committed beside the outputs: ``cmast_members.csv`` (the 12 CMAST
trusts, their short names and type 1 A&E flags) and ``sites.csv`` (checked, not rewritten).
Writes ``organisations.csv``, ``icbs.csv``, ``regions.csv`` and ``provider_icb_map.csv``.
Output is deterministic (sorted rows, ``\\n`` line ends), so a rebuild from the same files gives
byte-identical CSVs and the tests can compare them with the committed ones.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from pathlib import Path

import pandas as pd

from pipeline.national.ae import icb_codes, read_system_mapping

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SHARED = PROJECT_ROOT.parent / "shared"
DEFAULT_OUT = PROJECT_ROOT / "data" / "reference"
ETR_FILE = "ods_etr_trusts_2025-07.csv"
AE_WORKBOOK = "ae_2025-06_provider_workbook_with_system_mapping.xlsx"
MAPPING_SOURCE = "NHS England A&E June 2025 workbook, System Mapping sheet"

# The ODS etr fields used (1-based in the ODS file layout): code, name, national grouping
# (region), high level health geography (ICB), open date, close date.
ETR_FIELDS = {
    0: "org_code",
    1: "ods_name",
    2: "region_code",
    3: "icb_code",
    10: "open_date",
    11: "close_date",
}

# Trusts closed before the ODS snapshot was taken, added by hand (see data/reference/SOURCES.md).
HAND_ADDED = [
    {
        "org_code": "RVY",
        "ods_name": "SOUTHPORT AND ORMSKIRK HOSPITAL NHS TRUST",
        "region_code": "Y62",
        "icb_code": "QYG",
        "open_date": "",
        "close_date": "2023-06-30",
    },
]

# Mergers: the closed trust's history maps onto the successor from the given day. RVY is the
# one CMAST needs; the others are the closures dated in the ODS file whose whole trust went to
# one successor (Dudley Integrated Health and Care, RYK, was split, so it has none).
SUCCESSORS = {
    "RVY": ("RBN", "2023-07-01"),
    "R1C": ("RW1", "2024-10-01"),
    "RY9": ("RAX", "2024-11-01"),
    "RAP": ("RAL", "2025-01-01"),
}

_SMALL_WORDS = {"and", "of", "the", "for", "upon", "on", "in", "at", "with", "by"}
_KEEP_UPPER = {"NHS", "UK", "ICB", "CIC"}


def tidy_name(name: str) -> str:
    """Title case for ODS's upper-case names: 'ALDER HEY CHILDREN'S NHS FOUNDATION TRUST' ->
    "Alder Hey Children's NHS Foundation Trust"; small words and 'NHS' kept as written."""

    def word(token: str, first: bool) -> str:
        if token.upper() in _KEEP_UPPER:
            return token.upper()
        if not first and token.lower() in _SMALL_WORDS:
            return token.lower()
        parts = token.split("-")  # Stoke-on-Trent
        return "-".join(
            p.lower() if i and p.lower() in _SMALL_WORDS else p[:1].upper() + p[1:].lower()
            for i, p in enumerate(parts)
        )

    tokens = re.split(r"(\s+)", name.strip())
    out, first = [], True
    for token in tokens:
        if token.isspace() or not token:
            out.append(token)
            continue
        out.append(word(token, first))
        first = False
    return "".join(out)


def _iso(yyyymmdd: str) -> str:
    return f"{yyyymmdd[:4]}-{yyyymmdd[4:6]}-{yyyymmdd[6:8]}" if yyyymmdd else ""


def read_etr(path: Path) -> pd.DataFrame:
    """The ODS trust list: one row per trust, the fields in ``ETR_FIELDS``."""
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    if not rows or len(rows[0]) != 27:
        raise ValueError(f"{path.name}: not an ODS etr file (27 fields, no header)")
    frame = pd.DataFrame([[r[i] for i in ETR_FIELDS] for r in rows], columns=ETR_FIELDS.values())
    frame["open_date"] = frame["open_date"].map(_iso)
    frame["close_date"] = frame["close_date"].map(_iso)
    return frame


def build_regions_and_icbs(
    mapping: pd.DataFrame, icb_table: pd.DataFrame, etr: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """regions (code, name, publication name) and icbs (code, names, region) for the 42 ICBs.

    The workbook names each ICB's region but gives no region codes; the ODS file gives each
    trust's region code and ICB. An ICB's region code is the one its trusts carry in ODS. A
    region's name is the System Mapping name that most of its ICBs carry; ICBs whose mapping
    rows name another region are returned as the third item (the June 2025 sheet puts
    Gloucestershire, QR1, under South East, while ODS and the workbook's own provider sheet
    put its trusts in the South West).
    """
    etr_regions = (
        etr[etr["icb_code"].isin(icb_table["icb_code"])].groupby("icb_code")["region_code"].agg(set)
    )
    if (etr_regions.map(len) != 1).any():
        raise ValueError("an ICB's trusts carry two region codes in the ODS file")
    icb_region_code = etr_regions.map(lambda s: next(iter(s)))
    missing = set(icb_table["icb_code"]) - set(icb_region_code.index)
    if missing:
        raise ValueError(f"ICBs without a trust in the ODS file: {sorted(missing)}")

    named = mapping.drop_duplicates(["icb_code", "region_name"]).assign(
        region_code=lambda f: f["icb_code"].map(icb_region_code)
    )
    publication_name = named.groupby("region_code")["region_name"].agg(
        lambda names: names.value_counts().index[0]
    )
    odd = named[named["region_name"] != named["region_code"].map(publication_name)]
    disagreements = [
        f"{row.icb_code}: System Mapping says {row.region_name!r}, ODS says {row.region_code}"
        for row in odd.itertuples()
    ]
    regions = pd.DataFrame(
        {"region_code": publication_name.index, "publication_name": publication_name.to_numpy()}
    )
    regions["region_name"] = regions["publication_name"].str.replace(
        r"\s*Commissioning Region$", "", regex=True
    )
    regions = regions[["region_code", "region_name", "publication_name"]]
    icbs = icb_table.assign(
        icb_name=icb_table["icb_ods_name"].map(tidy_name),
        ods_name=icb_table["icb_ods_name"],
        region_code=icb_table["icb_code"].map(icb_region_code),
    )[["icb_code", "icb_name", "ods_name", "region_code"]]
    return (
        regions.sort_values("region_code").reset_index(drop=True),
        icbs.sort_values("icb_code").reset_index(drop=True),
        disagreements,
    )


def build_organisations(etr: pd.DataFrame, members: pd.DataFrame) -> pd.DataFrame:
    """Every NHS trust in ODS, plus the hand-added closed trusts, with CMAST columns."""
    orgs = pd.concat(
        [etr.assign(source="ods_etr"), pd.DataFrame(HAND_ADDED).assign(source="hand")],
        ignore_index=True,
    )
    if orgs["org_code"].duplicated().any():
        raise ValueError("a hand-added trust is already in the ODS file: drop it from HAND_ADDED")
    orgs["name"] = orgs["ods_name"].map(tidy_name)
    members = members.set_index("org_code")
    unknown = set(members.index) - set(orgs["org_code"])
    if unknown:
        raise ValueError(f"cmast_members.csv lists codes not in ODS: {sorted(unknown)}")
    orgs["short_name"] = orgs["org_code"].map(members["short_name"]).fillna("")
    orgs["cmast_member"] = orgs["org_code"].isin(members.index)
    orgs["has_type1_ae"] = orgs["org_code"].map(members["has_type1_ae"])
    orgs["successor_code"] = orgs["org_code"].map(lambda c: SUCCESSORS.get(c, ("", ""))[0])
    orgs["successor_date"] = orgs["org_code"].map(lambda c: SUCCESSORS.get(c, ("", ""))[1])
    missing = set(SUCCESSORS) - set(orgs["org_code"])
    if missing:
        raise ValueError(f"successors given for unknown trusts {sorted(missing)}")
    columns = [
        "org_code",
        "name",
        "ods_name",
        "region_code",
        "icb_code",
        "open_date",
        "close_date",
        "short_name",
        "cmast_member",
        "has_type1_ae",
        "successor_code",
        "successor_date",
        "source",
    ]
    return orgs[columns].sort_values("org_code").reset_index(drop=True)


def build_provider_map(mapping: pd.DataFrame, icbs: pd.DataFrame) -> pd.DataFrame:
    """NHS England's provider -> ICB mapping with region codes: org_code, org_name, ..."""
    region = icbs.set_index("icb_code")["region_code"]
    out = mapping.assign(region_code=mapping["icb_code"].map(region), source=MAPPING_SOURCE)
    return (
        out[["org_code", "org_name", "icb_code", "region_code", "source"]]
        .sort_values("org_code")
        .reset_index(drop=True)
    )


def check_sites(sites: pd.DataFrame, organisations: pd.DataFrame) -> None:
    """Site codes are 5 characters starting with an existing trust's code."""
    bad = sites[
        (sites["site_code"].str.len() != 5)
        | (sites["site_code"].str[:3] != sites["org_code"])
        | ~sites["org_code"].isin(organisations["org_code"])
    ]
    if len(bad) or sites["site_code"].duplicated().any():
        raise ValueError(f"sites.csv: bad or repeated site codes:\n{bad}")


def read_members(path: Path) -> pd.DataFrame:
    """The hand-kept CMAST membership file (org_code, short_name, has_type1_ae, note)."""
    members = pd.read_csv(path, dtype=str, keep_default_na=False)
    members["has_type1_ae"] = (
        members["has_type1_ae"].str.lower().map({"true": True, "false": False})
    )
    return members


def build(
    shared: Path = DEFAULT_SHARED, out: Path = DEFAULT_OUT, inputs: Path | None = None
) -> dict[str, pd.DataFrame]:
    """Build every generated reference table; write them to ``out`` as CSV. Returns them.

    ``inputs`` is where the hand-kept CSVs are read from (default: ``out``).
    """
    nhse = Path(shared) / "reference" / "nhse"
    inputs = Path(inputs) if inputs else Path(out)
    etr = read_etr(nhse / ETR_FILE)
    workbook = nhse / AE_WORKBOOK
    mapping = read_system_mapping(workbook)
    regions, icbs, disagreements = build_regions_and_icbs(mapping, icb_codes(workbook), etr)
    for line in disagreements:
        print(f"note: region taken from ODS for {line}", file=sys.stderr)
    organisations = build_organisations(etr, read_members(inputs / "cmast_members.csv"))
    check_sites(pd.read_csv(inputs / "sites.csv", dtype=str), organisations)
    tables = {
        "organisations": organisations,
        "icbs": icbs,
        "regions": regions,
        "provider_icb_map": build_provider_map(mapping, icbs),
    }
    Path(out).mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        write_csv(frame, Path(out) / f"{name}.csv")
    return tables


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """CSV with lower-case booleans (as DuckDB and most tools read them) and ``\\n`` endings."""
    text = frame.copy()
    for column in text.columns:
        values = text[column]
        if values.map(lambda v: isinstance(v, bool)).any():
            text[column] = values.map(lambda v: "" if pd.isna(v) else str(bool(v)).lower())
    text.to_csv(path, index=False, lineterminator="\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--shared",
        type=Path,
        default=DEFAULT_SHARED,
        help="the shared folder holding reference/nhse (default: ../shared)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_OUT,
        help="where to write the CSVs (default: data/reference)",
    )
    args = parser.parse_args(argv)
    if not (args.shared / "reference" / "nhse" / ETR_FILE).exists():
        print(f"NHS England reference files not found under {args.shared}", file=sys.stderr)
        return 2
    tables = build(args.shared, args.out, inputs=DEFAULT_OUT)
    for name, frame in tables.items():
        print(f"{name}.csv: {len(frame)} rows")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
