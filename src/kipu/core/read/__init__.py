"""Reading files exactly as the person meant them: the one reading layer of Kipu.

- `package`: what an upload is, checked against the limits before parsing.
- `textfile`: CSV, TSV and Excel's "Unicode text" (UTF-8, UTF-16, Windows-1252).
- `sheets`: workbooks sheet by sheet (calamine), merged ranges, reference tables.
- `marks`: what a cell was beyond its value (Excel error, formula, merged).
- `hidden`: the rows and columns a sheet hides (read, and reported).
- `header`: which row is the 5W header and which column is which.
- `fivew`: the 5W table: raw text, typed numbers and marks, per cell.
- `values`: numbers, months and yes/no as people type them.

A file that cannot be read at all raises `ReadError`; anything wrong with a cell is left for
the validation to report at that cell.
"""

from kipu.core.read.errors import ReadError
from kipu.core.read.fivew import (
    NUM_SUFFIX,
    FiveWTable,
    NoFiveWSheet,
    build_frame,
    prefetch,
    read_5w,
)
from kipu.core.read.header import Header, find_header
from kipu.core.read.sheets import RawSheet, Table, Workbook, read_sheets, read_table

__all__ = [
    "NUM_SUFFIX",
    "FiveWTable",
    "Header",
    "NoFiveWSheet",
    "RawSheet",
    "ReadError",
    "Table",
    "Workbook",
    "build_frame",
    "find_header",
    "prefetch",
    "read_5w",
    "read_sheets",
    "read_table",
]
