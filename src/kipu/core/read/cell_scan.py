"""The background scan of an XLSX/XLSM workbook's sheets for their marks
(`kipu.core.read.marks`), the texts their styles show (`Shown`), the rows and columns they
hide (`Hidden`) and, for the columnar reading, their census (`kipu.core.read.census`).

It runs in a thread started before calamine parses the workbook: zlib, polars and calamine
leave the GIL while they work, so the scan costs little wall time beside the reading.
"""

from __future__ import annotations

import contextlib
import threading
from pathlib import Path

from kipu.core.limits import DEFAULT_LIMITS, Limits
from kipu.core.read.census import Census
from kipu.core.read.errors import unreadable
from kipu.core.read.header import HEAD_ROWS
from kipu.core.read.hidden import Hidden
from kipu.core.read.marks import (
    DIVIDED_FORMAT,
    DOLLAR_FORMAT,
    HIDING_FORMAT,
    TEXT_FORMAT,
    Mark,
    xlsx_marks,
)
from kipu.core.read.package import recalculated_on_load, sheet_members
from kipu.core.read.shown import Shown, xlsx_shown_styles


class CellScan:
    """The marks of every worksheet of an XLSX/XLSM file, found in a background thread.

    Started before calamine parses the workbook; `marks(sheet)` waits for the scan. A sheet
    whose scan fails (its member is not found, or is not XML the scan can read) is refused
    by `marks` if it is read at all: without its marks, its error cells would read as empty.
    A broken file is mostly refused before, by calamine, which parses the same XML.
    """

    def __init__(
        self, path: Path, limits: Limits = DEFAULT_LIMITS, *, census: bool = False
    ) -> None:
        self.path, self.limits = path, limits
        self._found: dict[str, list[Mark]] = {}
        self._shown: dict[str, Shown] = {}
        self._census: dict[str, Census] | None = {} if census else None
        self._hidden: dict[str, Hidden] = {}
        self._thread = threading.Thread(target=self._run, name="kipu-cell-scan", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        # Any failure leaves the sheet out of `_found`, and `marks` refuses it.
        with contextlib.suppress(Exception):
            untrusted = recalculated_on_load(self.path)
            styles = xlsx_shown_styles(self.path)
            for name, member in sheet_members(self.path).items():
                census = None
                if self._census is not None:
                    census = self._census[name] = Census(HEAD_ROWS)
                shown = Shown(styles) if styles else None
                if shown is not None:
                    self._shown[name] = shown
                hidden = self._hidden[name] = Hidden()
                try:
                    found = xlsx_marks(self.path, member, untrusted, census, shown, hidden)
                    dollars = [] if shown is None else shown.dollars
                    divided = [] if shown is None else shown.divided
                    nothing = [] if shown is None else shown.hidden
                    over = [] if shown is None else shown.over
                    self._found[name] = (
                        found
                        + [(r, c, DOLLAR_FORMAT, None) for r, c in dollars]
                        + [(r, c, DIVIDED_FORMAT, text) for r, c, text in divided]
                        + [(r, c, HIDING_FORMAT, text or None) for r, c, text in nothing]
                        + [(r, c, TEXT_FORMAT, held) for r, c, held in over]
                    )
                except Exception:  # noqa: BLE001 - as above, for this sheet only
                    if census is not None:
                        census.failed = True

    def marks(self, sheet: str) -> list[Mark]:
        """The sheet's marks. Raises ReadError when the sheet was not scanned (its member
        was not found, or its XML broke the scan): its error cells would read as empty."""
        self._thread.join()
        if sheet not in self._found:
            raise unreadable("unchecked-sheet", self.path.name, sheet=sheet)
        return self._found[sheet]

    def texts(self, sheet: str) -> dict[tuple[int, int], str]:
        """The text each number cell of the sheet shows, where that is not its number (a
        percentage, an amount in soles: `Shown`), by (row 1-based, col 0-based)."""
        self._thread.join()
        found = self._shown.get(sheet)
        return {} if found is None else found.texts

    def wait(self) -> None:
        self._thread.join()

    def hidden(self, sheet: str) -> Hidden:
        """The rows and columns the sheet hides (none when it was not scanned: `marks`
        refuses such a sheet)."""
        self._thread.join()
        return self._hidden.get(sheet) or Hidden()

    def census(self, sheet: str) -> Census | None:
        """The sheet's census (when asked for, and the scan read the sheet), else None."""
        self._thread.join()
        found = (self._census or {}).get(sheet)
        return None if found is None or found.failed else found
