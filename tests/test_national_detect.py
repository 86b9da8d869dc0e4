"""Publications are recognised by their content: names mean nothing, other files are refused."""

from __future__ import annotations

import os
import random
import shutil
import zipfile
from pathlib import Path

import pytest

from pipeline.national import parse_publication
from pipeline.national.detect import UnrecognisedPublication, detect

NHSE = Path(__file__).resolve().parents[1].parent / "shared" / "reference" / "nhse"
EXPECTED = {
    "ae_2023-08_provider_revised.csv": "ae_provider_csv",
    "ae_2023-09_provider_revised.csv": "ae_provider_csv",
    "ae_2023-10_provider.csv": "ae_provider_csv",
    "ae_2023-11_provider.csv": "ae_provider_csv",
    "ae_2023-12_provider.csv": "ae_provider_csv",
    "ae_2025-06_provider_workbook_with_system_mapping.xlsx": "ae_workbook",
    "dm01_2024-09_provider.xls": "dm01_provider_xls",
    "dm01_2024-10_provider.xls": "dm01_provider_xls",
    "dm01_2024-11_provider.xls": "dm01_provider_xls",
    "rtt_2026-04_full_extract.csv.zip": "rtt_full_extract_zip",
}
NOT_PUBLICATIONS = [
    "ods_etr_trusts_2025-07.csv",
    "cancelled_ops_2024-25_Q3_provider.xlsx",
    "SOURCES.md",
]


@pytest.fixture(scope="module")
def nhse() -> Path:
    if not NHSE.is_dir():
        pytest.skip(
            f"NHS England reference files not found at {NHSE}; "
            "these tests need ../shared beside the project"
        )
    return NHSE


@pytest.mark.nhse
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_publication_is_recognised(nhse: Path, name: str) -> None:
    assert detect(nhse / name) == EXPECTED[name]


@pytest.mark.nhse
@pytest.mark.parametrize("name", NOT_PUBLICATIONS)
def test_other_nhs_files_are_refused(nhse: Path, name: str) -> None:
    with pytest.raises(UnrecognisedPublication, match=name.replace(".", r"\.")):
        detect(nhse / name)


@pytest.mark.nhse
@pytest.mark.parametrize(
    ("source", "new_name"),
    [
        ("dm01_2024-09_provider.xls", "Monthly-AE-October-2023.csv"),
        ("ae_2023-10_provider.csv", "rtt_2026-04_full_extract.csv.zip"),
        ("ae_2025-06_provider_workbook_with_system_mapping.xlsx", "data.bin"),
    ],
)
def test_a_renamed_publication_is_known_by_its_content(
    nhse: Path, tmp_path: Path, source: str, new_name: str
) -> None:
    renamed = tmp_path / new_name
    shutil.copy(nhse / source, renamed)
    assert detect(renamed) == EXPECTED[source]


@pytest.mark.nhse
def test_a_renamed_other_file_is_refused(nhse: Path, tmp_path: Path) -> None:
    renamed = tmp_path / "Monthly-AE-October-2023.csv"
    shutil.copy(nhse / "ods_etr_trusts_2025-07.csv", renamed)
    with pytest.raises(UnrecognisedPublication):
        detect(renamed)
    renamed = tmp_path / "dm01_2024-09_provider.xls"
    shutil.copy(nhse / "cancelled_ops_2024-25_Q3_provider.xlsx", renamed)
    with pytest.raises(UnrecognisedPublication):
        detect(renamed)


@pytest.mark.nhse
def test_a_zipped_a_and_e_csv_is_not_an_rtt_extract(nhse: Path, tmp_path: Path) -> None:
    archive = tmp_path / "20260430-RTT-April-2026-full-extract.csv.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        handle.write(nhse / "ae_2023-10_provider.csv", "20260430-RTT-April-2026-full-extract.csv")
    with pytest.raises(UnrecognisedPublication, match="not an RTT full extract"):
        detect(archive)


@pytest.mark.nhse
def test_a_csv_that_only_starts_like_a_and_e_is_refused(nhse: Path, tmp_path: Path) -> None:
    header = (nhse / "ae_2023-10_provider.csv").read_text().splitlines()[0]
    fake = tmp_path / "fake.csv"
    fake.write_text(header + "\nRTT-April-2026," + ",".join(["0"] * 21) + "\n")
    with pytest.raises(UnrecognisedPublication):
        detect(fake)


@pytest.mark.nhse
def test_parse_publication_dispatches_on_content(nhse: Path, tmp_path: Path) -> None:
    renamed = tmp_path / "upload-1.dat"
    shutil.copy(nhse / "ae_2023-10_provider.csv", renamed)
    parsed = parse_publication(renamed)
    assert (parsed.kind, parsed.period) == ("ae_provider_csv", "2023-10")


def test_random_bytes_are_refused(tmp_path: Path) -> None:
    noise = tmp_path / "Monthly-AE-October-2023.csv"
    noise.write_bytes(random.Random(7).randbytes(4096))
    with pytest.raises(UnrecognisedPublication):
        detect(noise)


def test_random_bytes_behind_a_zip_or_xls_signature_are_refused(tmp_path: Path) -> None:
    for magic, name in (
        (b"PK\x03\x04", "x.zip"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "dm01_2024-09_provider.xls"),
    ):
        fake = tmp_path / name
        fake.write_bytes(magic + os.urandom(2048))
        with pytest.raises(UnrecognisedPublication):
            detect(fake)


def test_a_csv_of_other_content_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "ae_2023-10_provider.csv"
    other.write_text("Period,Org Code,Beds\n2023-10,RBL,800\n")
    with pytest.raises(UnrecognisedPublication, match="neither the A&E provider CSV"):
        detect(other)


def test_an_empty_file_is_refused(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(UnrecognisedPublication):
        detect(empty)
