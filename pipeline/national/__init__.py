"""NHS England's national publications, read as published, for benchmarks.

``detect`` recognises a file from its content; ``ae``, ``dm01`` and ``rtt`` parse each kind into
a small dataclass of tidy, validated DataFrames (see ``schemas.national``); ``load`` takes a file
through the ledger into ``raw.nhse_*``, from which ``sql/marts/benchmark_*.sql`` build the ICB,
region and England figures and ranks.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.national.publication import Publication, PublicationError, UnrecognisedPublication


def parse_publication(path: Path) -> Publication:
    """Recognise the file by its content and parse it with the matching parser."""
    from pipeline.national import ae, dm01, rtt
    from pipeline.national.detect import detect

    parsers = {
        "ae_provider_csv": ae.parse_ae_csv,
        "ae_workbook": ae.parse_ae_workbook,
        "dm01_provider_xls": dm01.parse_dm01,
        "rtt_full_extract_zip": rtt.parse_rtt_extract,
        "rtt_full_extract_csv": rtt.parse_rtt_extract,
    }
    return parsers[detect(path)](Path(path))


__all__ = ["Publication", "PublicationError", "UnrecognisedPublication", "parse_publication"]
