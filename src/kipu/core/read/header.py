"""Find the 5W header of a sheet: which row, and which column is which.

A header is recognised by its labels (every label variant of the 5W standard, compared
accent-, case- and punctuation-insensitively), by an HXL hashtag row under the labels or
instead of them, by a saved column mapping, by Kobo's `group/field` names, and as two rows:
group labels over field labels (the 2025 template's "Country" over "Country | Admin1"), the
group cells merged across their fields or written once. A row is an HXL row only when valid
hashtags (`#tag+attribute`, HXL 1.1 syntax) fill most of its cells: R4V's indicator names
start with "# of", and such a data row must stay a data row.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from kipu.core.schema import COLUMNS, COUNT_COLUMNS, REQUIRED_COLUMNS, match_hxl, match_label
from kipu.core.text import compact

HEAD_ROWS = 50  # the header must be within the first rows of a sheet
IGNORE = ""  # a saved mapping to "" means: this column is known and deliberately not imported


@dataclass
class Header:
    row: int  # the (field) labels' row as the user sees it (1-based)
    data_start: int  # 0-based index of the first data row
    columns: dict[str, int] = field(default_factory=dict)  # canonical → 0-based index
    labels: dict[int, str] = field(default_factory=dict)  # index → label as written in the file
    unknown: dict[int, str] = field(default_factory=dict)  # index → label of unmapped columns
    duplicates: list[tuple[str, int]] = field(default_factory=list)  # canonical, second index
    group_row: int | None = None  # 1-based row of group labels over the field labels
    hints: dict[int, str] = field(default_factory=dict)  # unknown index → closest 5W label

    @property
    def missing(self) -> list[str]:
        return [name for name in REQUIRED_COLUMNS if name not in self.columns]

    def label(self, name: str) -> str:
        index = self.columns.get(name)
        return self.labels.get(index, name) if index is not None else name


def cell_label(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


# A hashtag with attributes, as the HXL 1.1 standard defines it (#tag +attribute, letters,
# digits and underscores, spaces allowed around "+"). tests/core/read/test_header.py checks
# that libhxl's parser agrees; libhxl itself is not imported here (0.15 s per process).
_HASHTAG = re.compile(r"#[A-Za-z][A-Za-z0-9_]*(?:\s*\+\s*[A-Za-z][A-Za-z0-9_]*)*")


def is_hashtag(text: str) -> bool:
    """A valid HXL hashtag with optional attributes (`#adm1+code`)."""
    return _HASHTAG.fullmatch(text) is not None


def is_hxl_row(cells: Sequence[object]) -> bool:
    """Valid hashtags in at least two cells and in more than half of the filled cells."""
    texts = [t for t in map(cell_label, cells) if t]
    tags = sum(1 for t in texts if is_hashtag(t))
    return tags >= 2 and 2 * tags > len(texts)


def mapping_lookup(column_mapping: dict[str, str] | None) -> dict[str, str]:
    return {compact(k): (v or IGNORE) for k, v in (column_mapping or {}).items()}


def match_cell(text: str, saved: dict[str, str]) -> str | None:
    """The canonical column (or IGNORE) a header cell names, or None."""
    found = _match_plain(text, saved)
    return found if found is not None else _marked(text)


def _match_plain(text: str, saved: dict[str, str]) -> str | None:
    """`match_cell` without template marks (`_marked`)."""
    if not text:
        return None
    key = compact(text)
    if key in saved:
        return saved[key]
    if is_hashtag(text):
        return match_hxl(text)
    found = match_label(text)
    if found is None and "/" in text:  # Kobo/ODK exports name columns group/field
        found = match_label(text.rsplit("/", 1)[1])
    if found is None and "[" in text:  # ActivityInfo's formula style: [Country].[Admin1]
        found = match_label(text.replace("[", " ").replace("]", " "))
    return found


# What templates add to a label: a required field's asterisk, a question's marks. An optional
# column headed "Admin2*" was kept aside as unknown, and figures printed its units as none.
_MARKS = re.compile(r"[*?¿!¡]+")
# A count's "(#)": "Quantity of output (#)". Only for a count: "Indicator (#)" or a bare
# "Indicator #" numbers the rows (1, 2, 3), and read as the indicators, a valid file was
# found invalid.
_COUNT_MARK = re.compile(r"\(\s*#\s*\)")


def _marked(text: str) -> str | None:
    """The column a label names under its template marks (`_MARKS`, `_COUNT_MARK`)."""
    if not _MARKS.search(text) and not _COUNT_MARK.search(text):
        return None
    found = match_label(_COUNT_MARK.sub(" ", _MARKS.sub(" ", text)))
    if found is not None and _COUNT_MARK.search(text) and found not in COUNT_COLUMNS:
        return None
    return found


# How ActivityInfo names columns besides its labels (the "code" and "id" column names of its
# API and R package): a field's code, a field of the form it references after a dot
# ("ADMIN1.NAME"); or the field's collision-resistant ID ("c12c92vi5olfmn7khb4", joined the
# same way) or legacy ID ("i0000012345"). An ID has digits among its letters, where a word
# has none.
_AI_CODE = re.compile(r"[A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z][A-Za-z0-9_]*)+")
_AI_ID_PART = re.compile(r"c[a-z0-9]{8,30}|[a-zA-Z]\d{7,12}")


def is_activityinfo_id(label: str) -> bool:
    """Whether a header cell is an ActivityInfo field ID (`c12c92vi5olfmn7khb4`, also
    `c12c….c13c…` for a field of a referenced form): a name no label can be matched to."""
    parts = label.split(".")
    return all(
        _AI_ID_PART.fullmatch(p) is not None and sum(c.isdigit() for c in p) >= 3 for p in parts
    )


def activityinfo_header(rows: Sequence[Sequence[object]]) -> tuple[str, str] | None:
    """("id" or "code", an example cell) when a row of `rows` names at least three columns
    the way ActivityInfo does by field ID, or by field code where a code resembles a 5W label
    ("APPEALING_ORG.NAME"); None otherwise. Said when no 5W header is found."""
    for row in rows:
        labels = [text for text in map(cell_label, row) if text]
        ids = [t for t in labels if is_activityinfo_id(t)]
        codes = [t for t in labels if _AI_CODE.fullmatch(t) and closest_label(t)]
        for kind, found in (("id", ids), ("code", codes)):
            if len(found) >= 3:
                return kind, found[0]
    return None


def match_row(cells: Sequence[object], saved: dict[str, str]) -> dict[int, str]:
    """Index → canonical for the cells of one row. A label matched only under its marks
    ("Quantity of output*") gives way to a label of the same column without them: it is
    kept aside, as before, not a second column of that name (an error)."""
    found, marked = {}, {}
    for index, cell in enumerate(cells):
        label = cell_label(cell)
        if (name := _match_plain(label, saved)) is not None:
            found[index] = name
        elif label and (name := _marked(label)) is not None:
            marked[index] = name
    plain = set(found.values())
    return {**found, **{i: n for i, n in marked.items() if n not in plain}}


def two_row_labels(group: Sequence[object], fields: Sequence[object]) -> list[str]:
    """Each column's label read from a group row over a field row.

    An empty group cell continues the group on its left (groups written once, as in CSV).
    A field named like its group, or empty under it (a cell merged down both rows), is the
    group's own label.
    """
    width = max(len(group), len(fields))
    labels, current = [], ""
    for i in range(width):
        top = cell_label(group[i]) if i < len(group) else ""
        below = cell_label(fields[i]) if i < len(fields) else ""
        current = top or (current if below else "")
        if not below:
            labels.append(current)
        elif not current or compact(current) == compact(below):
            labels.append(below)
        else:
            labels.append(f"{current} {below}")
    return labels


def _two_row_match(
    group: Sequence[object], fields: Sequence[object], saved: dict[str, str]
) -> tuple[dict[int, str], dict[int, str]]:
    """Index → canonical and index → label, trying "group field", then the field alone."""
    found, shown = {}, {}
    for i, combined in enumerate(two_row_labels(group, fields)):
        below = cell_label(fields[i]) if i < len(fields) else ""
        for label in (combined, below):
            name = match_cell(label, saved)
            if name is not None:
                found[i], shown[i] = name, label
                break
    return found, shown


def _score(found: dict[int, str]) -> tuple[int, int]:
    names = set(found.values())
    return len(names & set(REQUIRED_COLUMNS)), len(names)


def find_header(rows: list[list[object]], saved: dict[str, str]) -> Header | None:
    """The header within the first rows; None when no row names three required columns."""
    head = rows[:HEAD_ROWS]
    hxl = [is_hxl_row(r) for r in head]
    matches = [match_row(r, saved) for r in head]
    best: tuple[tuple[int, int], int, bool] | None = None  # score, row, two-row
    for index, found in enumerate(matches):
        options = [(_score(found), index, False)]
        # A field row names some columns by itself (Admin1, Sector, Month…).
        if index > 0 and len(found) >= 2 and not hxl[index] and not hxl[index - 1]:
            pair, _ = _two_row_match(head[index - 1], head[index], saved)
            options.append((_score(pair), index, True))
        for option in options:
            if option[0][0] >= 3 and (best is None or option[0] > best[0]):
                best = option
    if best is None:
        return None
    _, index, two_rows = best
    return _build(head, hxl, matches, index, two_rows, saved)


def _build(
    head: list[list[object]],
    hxl: list[bool],
    matches: list[dict[int, str]],
    index: int,
    two_rows: bool,
    saved: dict[str, str],
) -> Header:
    found = dict(matches[index])
    shown = {i: cell_label(c) for i, c in enumerate(head[index])}
    label_index, data_start, group_row = index, index + 1, None
    if two_rows:
        found, shown = _two_row_match(head[index - 1], head[index], saved)
        group_row = index  # 1-based number of the row above
    if hxl[index] and index > 0 and not hxl[index - 1] and any(map(cell_label, head[index - 1])):
        label_index = index - 1  # HXL row under the labels: the labels are what users see
        found = {**found, **matches[index - 1]}
        shown = {
            **shown,
            **{i: t for i, c in enumerate(head[index - 1]) if (t := cell_label(c))},
        }
    elif index + 1 < len(head) and hxl[index + 1]:
        data_start = index + 2  # labels with an HXL row under them
        found = {**matches[index + 1], **found}
        for i, cell in enumerate(head[index + 1]):
            shown.setdefault(i, cell_label(cell))
    header = Header(row=label_index + 1, data_start=data_start, group_row=group_row)
    tags = head[data_start - 1] if data_start - 1 != label_index else []
    width = max(len(head[label_index]), len(tags), max(shown, default=-1) + 1)
    for i in range(width):
        label = shown.get(i, "") or (cell_label(tags[i]) if i < len(tags) else "")
        name = found.get(i)
        if name is None:
            if label:
                header.unknown[i] = label
                if hint := closest_label(label):
                    header.hints[i] = hint
            continue
        header.labels[i] = label
        if name == IGNORE:
            continue
        if name in header.columns:
            header.duplicates.append((name, i))
        else:
            header.columns[name] = i
    return header


@lru_cache(maxsize=1)
def _known_labels() -> dict[str, str]:
    """Compact form of every label and name of a 5W column → its English label."""
    known: dict[str, str] = {}
    for column in COLUMNS:
        for label in (column.label_en, column.label_es, column.name, *column.labels):
            if len(compact(label)) >= 5:  # "men", "cva": too short to resemble anything
                known.setdefault(compact(label), column.label_en)
    return known


def closest_label(label: str) -> str | None:
    """The 5W label a header cell most resembles (for a hint), or None.

    Kobo names (`group/field`) are compared by their last part; ActivityInfo field codes
    (`APPEALING_ORG.NAME`: the field's code, then a field of the form it references) by the
    whole and by their first part; only close resemblances count (a ratio of 0.8), so
    "Comments" suggests nothing.
    """
    texts = [compact(label.rsplit("/", 1)[-1] if "/" in label else label)]
    if _AI_CODE.fullmatch(label):
        texts.append(compact(label.split(".", 1)[0]))
    best: tuple[float, str] | None = None
    for key, english in sorted(_known_labels().items()):
        score = max(difflib.SequenceMatcher(None, text, key).ratio() for text in texts)
        if score >= 0.8 and (best is None or score > best[0]):
            best = (score, english)
    return best[1] if best else None
