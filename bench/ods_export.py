"""R4V's regional export (`kipu.core.demo_regional`) as an ODS file written the way
LibreOffice Calc writes one: for the benchmarks' ODS case (`bench.bench_read`).

content.xml as LibreOffice saves a sheet: rows of `table:style-name="ro1"`, text cells and
float cells with their `calcext:value-type`, empty cells repeated, spaces a paragraph would
lose (leading, trailing, or after another) as `<text:s/>`, and the sheet's last empty row
repeated to the 1,048,576th row.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

_NAMESPACES = " ".join(
    f'xmlns:{prefix}="{uri}"'
    for prefix, uri in {
        "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
        "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
        "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
        "calcext": "urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0",
    }.items()
)
_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
    'manifest:version="1.3"><manifest:file-entry manifest:full-path="/" manifest:version="1.3" '
    'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)
_SHEET_ROWS = 1 << 20
_SPACES = re.compile(r"^ +| +$|(?<= ) +")


def write_ods(path: Path, count: int, year: int = 2021, seed: int = 13) -> Path:
    """The export of `count` rows (`demo_regional.export_rows`) as an ODS file at `path`."""
    from kipu.core import demo_regional

    header = demo_regional.export_header()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet"
        )
        with archive.open("content.xml", "w") as content:
            content.write(_prologue(len(header)).encode())
            content.write(_row(header))
            for row in demo_regional.export_rows(count, year, seed):
                content.write(_row(row))
            content.write(_epilogue(count + 1, len(header)).encode())
        archive.writestr("META-INF/manifest.xml", _MANIFEST)
    return path


def _prologue(width: int) -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content {_NAMESPACES} '
        'office:version="1.3"><office:body><office:spreadsheet><table:table table:name="Data" '
        f'table:style-name="ta1"><table:table-column table:style-name="co1" '
        f'table:number-columns-repeated="{width}" table:default-cell-style-name="Default"/>'
    )


def _epilogue(rows: int, width: int) -> str:
    return (
        '<table:table-row table:style-name="ro1" '
        f'table:number-rows-repeated="{_SHEET_ROWS - rows}">'
        f'<table:table-cell table:number-columns-repeated="{width}"/></table:table-row>'
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )


def _row(values: list[object]) -> bytes:
    cells: list[str] = []
    empty = 0  # empty cells before this one, written as one repeated cell
    for value in values:
        if value is None or value == "":
            empty += 1
            continue
        cells += _empty(empty)
        empty = 0
        cells.append(_cell(value))
    cells += _empty(empty)
    return f'<table:table-row table:style-name="ro1">{"".join(cells)}</table:table-row>'.encode()


def _empty(count: int) -> list[str]:
    if not count:
        return []
    repeated = f' table:number-columns-repeated="{count}"' if count > 1 else ""
    return [f"<table:table-cell{repeated}/>"]


def _cell(value: object) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return (
            f'<table:table-cell office:value-type="float" office:value={quoteattr(str(value))} '
            f'calcext:value-type="float"><text:p>{value}</text:p></table:table-cell>'
        )
    text = _SPACES.sub(_spaces, escape(str(value)))
    return (
        '<table:table-cell office:value-type="string" calcext:value-type="string">'
        f"<text:p>{text}</text:p></table:table-cell>"
    )


def _spaces(found: re.Match[str]) -> str:
    count = len(found.group(0))
    return "<text:s/>" if count == 1 else f'<text:s text:c="{count}"/>'
