"""The benchmarks' ODS case (`bench.ods_export`) holds what the XLSX case holds: Kipu reads
the same 5W table from both, so the two cases measure the same work."""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.ods_export import write_ods  # noqa: E402

from kipu.core import demo_regional  # noqa: E402
from kipu.core.read import read_5w  # noqa: E402


def test_the_ods_export_reads_as_the_xlsx_export(tmp_path: Path) -> None:
    ods = read_5w(write_ods(tmp_path / "r4v.ods", 300))
    xlsx = read_5w(demo_regional.write_export(tmp_path / "r4v.xlsx", 300))
    assert ods.frame.height == 300
    assert ods.frame.equals(xlsx.frame)
    assert ods.marks.is_empty() and xlsx.marks.is_empty()
    with zipfile.ZipFile(tmp_path / "r4v.ods") as archive:
        content = archive.read("content.xml")
    assert b"<text:s/>" in content  # a trailing space, as LibreOffice keeps it
    assert b'table:number-rows-repeated="1048275"' in content  # its last row, to the sheet's end
