"""Writing spreadsheet files byte by byte, for tests that need what no writer library makes.

openpyxl cannot save a formula with its cached value, an OpenDocument file, an encrypted
workbook or a zip that lies about its size; these helpers can. They write the smallest files
the readers accept: a workbook here is a zip of a few XML parts, an encrypted one an OLE2
compound file. Nothing is committed: the corpus builds every file at test time.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from openpyxl.utils import get_column_letter


@dataclass(frozen=True)
class Formula:
    """A formula cell; ``cached`` is the value Excel saved beside it (None: never calculated)."""

    text: str
    cached: object = None


@dataclass(frozen=True)
class Styled:
    """An empty cell that carries formatting only (a fill or border someone applied)."""


@dataclass
class Sheet:
    """One worksheet: rows of cells (str, int, float, Formula, Styled or None)."""

    name: str
    rows: Sequence[Sequence[object]] = ()
    hidden: bool = False
    merged: Sequence[str] = ()  # ranges such as "E1:F1"
    first_row: int = 1  # the sheet row the first of ``rows`` goes in
    tail: Iterable[str] = field(default_factory=tuple)  # raw <row> XML appended after ``rows``
    references: bool = True  # False: cells without r="A1" (some libraries write them so)


def _cell_xml(ref: str, value: object) -> str:
    """A cell; ``ref`` "" leaves the reference out (allowed: the position follows the order)."""
    if value is None:
        return ""
    at = f' r="{ref}"' if ref else ""
    if isinstance(value, Styled):
        return f'<c{at} s="1"/>'
    if isinstance(value, Formula):
        cached = value.cached
        if cached is None:
            return f"<c{at}><f>{escape(value.text)}</f></c>"
        if isinstance(cached, str):
            return f'<c{at} t="str"><f>{escape(value.text)}</f><v>{escape(cached)}</v></c>'
        return f"<c{at}><f>{escape(value.text)}</f><v>{cached}</v></c>"
    if isinstance(value, bool):
        return f'<c{at} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        return f"<c{at}><v>{value}</v></c>"
    return f'<c{at} t="inlineStr"><is><t xml:space="preserve">{escape(str(value))}</t></is></c>'


def _sheet_xml(sheet: Sheet) -> Iterable[str]:
    yield (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    )
    for offset, row in enumerate(sheet.rows):
        number = sheet.first_row + offset
        cells = "".join(
            _cell_xml(f"{get_column_letter(c)}{number}" if sheet.references else "", v)
            for c, v in enumerate(row, start=1)
        )
        yield f'<row r="{number}">{cells}</row>'
    yield from sheet.tail
    yield "</sheetData>"
    if sheet.merged:
        yield (
            f'<mergeCells count="{len(sheet.merged)}">'
            + "".join(f'<mergeCell ref="{r}"/>' for r in sheet.merged)
            + "</mergeCells>"
        )
    yield "</worksheet>"


_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="3"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFFFFF00"/></patternFill></fill></fills>'
    '<borders count="1"><border/></borders>'
    '<cellStyleXfs count="1"><xf/></cellStyleXfs>'
    '<cellXfs count="2"><xf/><xf fillId="2" applyFill="1"/></cellXfs>'
    "</styleSheet>"
)


def xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    """A minimal .xlsx holding ``sheets``, strings inline, one fill style for :class:`Styled`."""
    main = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    package = "http://schemas.openxmlformats.org/package/2006/relationships"
    sheet_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{sheet_type}"/>'
        for i in range(1, len(sheets) + 1)
    )
    content_types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-'
        f'officedocument.spreadsheetml.styles+xml"/>{overrides}</Types>'
    )
    root_rels = (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{package}">'
        f'<Relationship Id="rId1" Type="{main}/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"
    )
    hidden = ' state="hidden"'
    entries = "".join(
        f'<sheet name="{escape(s.name)}" sheetId="{i}" r:id="rId{i}"{hidden if s.hidden else ""}/>'
        for i, s in enumerate(sheets, start=1)
    )
    workbook = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        f'xmlns:r="{main}"><sheets>{entries}</sheets></workbook>'
    )
    links = "".join(
        f'<Relationship Id="rId{i}" Type="{main}/worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, len(sheets) + 1)
    )
    style_link = (
        f'<Relationship Id="rId{len(sheets) + 1}" Type="{main}/styles" Target="styles.xml"/>'
    )
    workbook_rels = (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{package}">'
        f"{links}{style_link}</Relationships>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr("_rels/.rels", root_rels)
        archive.writestr("xl/workbook.xml", workbook)
        archive.writestr("xl/_rels/workbook.xml.rels", workbook_rels)
        archive.writestr("xl/styles.xml", _STYLES)
        for i, sheet in enumerate(sheets, start=1):
            with archive.open(f"xl/worksheets/sheet{i}.xml", "w") as part:
                batch: list[str] = []
                for chunk in _sheet_xml(sheet):
                    batch.append(chunk)
                    if len(batch) == 50_000:  # fewer, larger writes: a million rows in ~1 s
                        part.write("".join(batch).encode("utf-8"))
                        batch.clear()
                part.write("".join(batch).encode("utf-8"))
    return buffer.getvalue()


def ods_bytes(rows: Sequence[Sequence[object]], sheet_name: str = "Data") -> bytes:
    """A minimal OpenDocument spreadsheet (what LibreOffice saves) with one sheet."""

    def cell(value: object) -> str:
        if value is None:
            return "<table:table-cell/>"
        if isinstance(value, int | float):
            return (
                f'<table:table-cell office:value-type="float" office:value="{value}">'
                f"<text:p>{value}</text:p></table:table-cell>"
            )
        return (
            f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}'
            "</text:p></table:table-cell>"
        )

    body = "".join(
        "<table:table-row>" + "".join(cell(v) for v in row) + "</table:table-row>" for row in rows
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="{escape(sheet_name)}">'
        f"{body}</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        'manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        # The mimetype entry comes first and uncompressed: that is how the format is recognised.
        archive.writestr(
            "mimetype",
            "application/vnd.oasis.opendocument.spreadsheet",
            compress_type=zipfile.ZIP_STORED,
        )
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def zip_bomb_bytes(template: bytes, inflated_bytes: int = 2 << 30, chunk: int = 1 << 20) -> bytes:
    """``template`` (an .xlsx) with its first sheet replaced by one that inflates to
    ``inflated_bytes`` of spaces: a 2 MB file that would unpack to 2 GiB.

    Deflate compresses a run of one byte about 1,000 to 1; compressing a 1 MiB run once and
    repeating its output (each piece ends with a full flush, so the pieces are independent)
    builds the entry in milliseconds instead of the seconds compressing 2 GiB would take.
    The declared sizes and CRCs are true: only the size is hostile.
    """
    pieces = inflated_bytes // chunk
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(b" " * chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    crc, run = 0, b" " * chunk
    for _ in range(pieces):
        crc = zlib.crc32(run, crc)
    entries = [("xl/worksheets/sheet1.xml", block * pieces + b"\x03\x00", crc, pieces * chunk)]
    with zipfile.ZipFile(io.BytesIO(template)) as source:
        for info in source.infolist():
            if info.filename != entries[0][0]:
                content = source.read(info)
                packer = zlib.compressobj(6, zlib.DEFLATED, -15)
                entries.append(
                    (
                        info.filename,
                        packer.compress(content) + packer.flush(),
                        zlib.crc32(content),
                        len(content),
                    )
                )
    return raw_zip(entries)


def raw_zip(entries: Sequence[tuple[str, bytes, int, int]]) -> bytes:
    """A zip of already deflated entries: (name, deflated bytes, CRC-32, inflated size)."""
    body, directory = b"", b""
    for name, data, crc, size in entries:
        encoded = name.encode()
        offset = len(body)
        body += (
            struct.pack(
                "<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(data), size, len(encoded), 0
            )
            + encoded
            + data
        )
        directory += (
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                20,
                20,
                0,
                8,
                0,
                0,
                crc,
                len(data),
                size,
                len(encoded),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + encoded
        )
    end = struct.pack(
        "<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(directory), len(body), 0
    )
    return body + directory + end


def encrypted_workbook_bytes(package_bytes: int = 8192) -> bytes:
    """An OLE2 compound file shaped like a password-protected .xlsx.

    Excel saves an encrypted workbook not as a zip but as a compound file holding two streams,
    ``EncryptionInfo`` and ``EncryptedPackage``. Both are written here at 4,096 bytes or more, so
    they sit in ordinary sectors and no mini stream is needed; their content is random-looking.
    """
    sector = 512
    info = b"\x04\x00\x04\x00\x40\x00\x00\x00" + bytes(4096 - 8)
    package = struct.pack("<Q", package_bytes) + bytes((i * 37) % 251 for i in range(package_bytes))
    streams = [("EncryptionInfo", info), ("EncryptedPackage", package)]
    data_sectors: list[bytes] = []
    starts = []
    for _, content in streams:
        starts.append(len(data_sectors))
        padded = content + bytes(-len(content) % sector)
        data_sectors += [padded[i : i + sector] for i in range(0, len(padded), sector)]
    # Layout: sector 0 = FAT, sector 1 = directory, then the streams' sectors.
    first_data = 2
    fat = [0xFFFFFFFD, 0xFFFFFFFE]  # the FAT's own sector, then the directory (one sector)
    for (_, content), start in zip(streams, starts, strict=True):
        count = -(-len(content) // sector)
        chain = [first_data + start + k for k in range(count)]
        fat += [*chain[1:], 0xFFFFFFFE]
    fat += [0xFFFFFFFF] * (sector // 4 - len(fat))

    def entry(
        name: str,
        kind: int,
        start: int,
        size: int,
        child: int = 0xFFFFFFFF,
        right: int = 0xFFFFFFFF,
    ) -> bytes:
        encoded = (name + "\0").encode("utf-16-le")
        return (
            encoded.ljust(64, b"\0")
            + struct.pack("<HBB", len(encoded), kind, 1)
            + struct.pack("<III", 0xFFFFFFFF, right, child)
            + bytes(16)
            + bytes(4)
            + bytes(16)
            + struct.pack("<IQ", start, size)
        )

    directory = (
        entry("Root Entry", 5, 0xFFFFFFFE, 0, child=1)
        + entry(streams[0][0], 2, first_data + starts[0], len(streams[0][1]), right=2)
        + entry(streams[1][0], 2, first_data + starts[1], len(streams[1][1]))
        + bytes(128)
    )
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + bytes(16)
        + struct.pack("<HHHH", 0x3E, 3, 0xFFFE, 9)
        + struct.pack("<H", 6)
        + bytes(6)
        + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 0x1000, 0xFFFFFFFE, 0, 0xFFFFFFFE, 0)
    )
    difat = struct.pack("<I", 0) + struct.pack("<I", 0xFFFFFFFF) * 108
    header = header + difat
    assert len(header) == sector
    return header + struct.pack(f"<{sector // 4}I", *fat) + directory + b"".join(data_sectors)
