"""Size limits applied before and while reading an uploaded 5W file.

Uploads come from anyone with an account, so every reader checks these before it allocates:
a file that passes them fits comfortably in memory on a small server. The defaults are sized
for a whole regional year of 5W rows in one file (the R4V regional export of a year is about
half a million rows), with headroom.
"""

from __future__ import annotations

from dataclasses import dataclass

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """What one uploaded file may hold; beyond any of these, `file-too-large`.

    - `max_bytes` (100 MB): the file as uploaded.
    - `max_rows` (2,000,000): rows of the 5W sheet or CSV, header included; also checked
      against a sheet's declared dimension before the sheet is parsed.
    - `max_columns` (300): columns of any sheet (the 5W standard has 31).
    - `max_decompressed_bytes` (2 GB): sum of the declared uncompressed sizes of the members
      of an XLSX/XLSM/ODS zip container (a zip bomb is a tiny file with a huge member).
    - `max_compression_ratio` (200): one member may not expand more than this many times,
      once it is beyond `ratio_floor_bytes` (10 MB); real sheet XML compresses 5-30 times.
    - `max_comments` (5,000): cell comments written by the annotated workbook; every issue
      is still listed in its Errors sheet.
    """

    max_bytes: int = 100 * MB
    max_rows: int = 2_000_000
    max_columns: int = 300
    max_decompressed_bytes: int = 2048 * MB
    max_compression_ratio: int = 200
    ratio_floor_bytes: int = 10 * MB
    max_comments: int = 5_000


DEFAULT_LIMITS = Limits()
