"""Making a saved workbook byte-for-byte repeatable.

openpyxl stamps the time of saving into the zip entries and the document properties, so the same
content saved twice hashes differently. Sample returns must hash the same on every run (the
ledger knows a file by its hash), so their workbooks are rewritten with fixed stamps.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

_FIXED = (2023, 1, 1, 0, 0, 0)
_STAMP = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def make_repeatable(path: Path, when: dt.datetime = dt.datetime(*_FIXED)) -> None:
    with zipfile.ZipFile(path) as source:
        entries = [(info, source.read(info.filename)) for info in source.infolist()]
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    temporary = path.with_name(path.name + ".tmp")
    with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in entries:
            if info.filename == "docProps/core.xml":
                data = _STAMP.sub(rb"\g<1>" + stamp + rb"\g<2>", data)
            fixed = zipfile.ZipInfo(info.filename, date_time=when.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            target.writestr(fixed, data)
    temporary.replace(path)
