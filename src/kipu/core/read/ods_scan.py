"""The background reading of an ODS file's content.xml for its marks (`ods.content_marks`)
and the rows and columns it hides (`hidden.content_hidden`), as `cell_scan.CellScan` does
for an XLSX file.

It runs in a thread started before calamine parses the workbook: calamine leaves the GIL
while it parses content.xml, and the searches of the same XML (zlib, polars) ran after it,
one after the other. content.xml is inflated once for both readings (225 MB for 100,000
rows: inflated twice, it cost 0.5 s more).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Generic, TypeVar

from kipu.core.limits import DEFAULT_LIMITS, Limits
from kipu.core.read.book_marks import Found
from kipu.core.read.hidden import Hidden, content_hidden
from kipu.core.read.ods import content_marks, counted_rows, ods_content

_Read = TypeVar("_Read")


class _Outcome(Generic[_Read]):
    """What a reading gave: its result, or the exception it raised, to raise in the caller's
    thread (a ReadError refuses the file there, as if it had been read there)."""

    def __init__(self, read: Callable[[], _Read]) -> None:
        self.value: _Read | None = None
        self.error: Exception | None = None
        try:
            self.value = read()
        except Exception as error:  # noqa: BLE001 - raised again by `result`
            self.error = error

    def result(self) -> _Read:
        if self.error is not None:
            raise self.error
        assert self.value is not None
        return self.value


class OdsScan:
    """The marks and hidden rows of every sheet of an ODS file, read in a background
    thread; `marks()` and `hidden()` wait for it and raise what the reading raised."""

    def __init__(self, path: Path, limits: Limits = DEFAULT_LIMITS) -> None:
        self.path, self.limits = path, limits
        self._marks: _Outcome[dict[str, Found]] | None = None
        self._hidden: _Outcome[dict[str, Hidden]] | None = None
        self._thread = threading.Thread(target=self._run, name="kipu ods scan", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            found = ods_content(self.path)
        except Exception as error:  # noqa: BLE001 - raised again by `marks` and `hidden`
            self._marks, self._hidden = _failed(error), _failed(error)
            return
        if found is None:  # cannot be opened: calamine, which read it, reports broken files
            self._marks, self._hidden = _Outcome(dict), _Outcome(dict)
            return
        content, styles = found
        del found
        name = self.path.name
        self._marks = _Outcome(lambda: content_marks(content, styles, name, self.limits))
        self._hidden = _Outcome(lambda: content_hidden(content, name, counted_rows))

    def marks(self) -> dict[str, Found]:
        """`ods.ods_marks` of the file. Raises ReadError as it does."""
        self._thread.join()
        assert self._marks is not None
        return self._marks.result()

    def hidden(self) -> dict[str, Hidden]:
        """`ods_hidden` of the file. Raises ReadError as it does."""
        self._thread.join()
        assert self._hidden is not None
        return self._hidden.result()

    def wait(self) -> None:
        self._thread.join()


def ods_hidden(path: Path) -> dict[str, Hidden]:
    """The rows and columns each sheet of an ODS file hides, by name
    (`hidden.content_hidden` of its content.xml, plain rows counted from their text); {}
    when it cannot be opened (calamine, which read it, reports broken files). Raises
    ReadError (`parser`) when expat refuses content.xml."""
    found = ods_content(path)
    return {} if found is None else content_hidden(found[0], path.name, counted_rows)


def _failed(error: Exception) -> _Outcome[_Read]:
    def fail() -> _Read:
        raise error

    return _Outcome(fail)
