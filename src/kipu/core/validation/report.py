"""The validation report: file issues as `Issue` objects, row issues as columns.

A 100,000-row file can carry 200,000 row issues; building an object per issue took seconds.
Row issues are kept as one polars frame (`ROW_ISSUES` columns), their messages written
column-wise from the catalogue's templates (`row_issue_table`), and the report answers from
it: counts and summary by group-by, `to_dict` and the JSON writer row by row in Rust. `issues`
is still the sequence of `Issue` objects (file issues first, then row issues in order), made
only when a caller walks it; its length and truth cost nothing.

The JSON text (`write_json`, `to_json`) is exactly `json.dumps(report.to_dict(),
ensure_ascii=False, indent=…)`, written in slices so a large report is never one string.
"""

from __future__ import annotations

import json
import string
from collections import Counter
from collections.abc import Iterator, Sequence
from typing import IO, TYPE_CHECKING, Any, overload

import polars as pl

if TYPE_CHECKING:
    from kipu.core.validation.issues import Issue

ERROR = "error"
WARNING = "warning"
ROW_ISSUES = {
    "code": pl.Utf8,
    "severity": pl.Utf8,
    "message": pl.Utf8,
    "sheet": pl.Utf8,
    "row": pl.Int64,
    "column": pl.Utf8,
    "value": pl.Utf8,
    "suggestion": pl.Utf8,
    "org": pl.Utf8,
    "col_index": pl.Int64,
}
SERIALISED = ("code", "severity", "sheet", "row", "column", "value", "message", "suggestion")
_SLICE = 20_000  # row issues written (and made into objects) per slice


def empty_row_issues() -> pl.DataFrame:
    return pl.DataFrame(schema=ROW_ISSUES)


def messages(found: pl.DataFrame, lang: str) -> pl.Series:
    """The message of each issue of `found` (code, value, column, detail, suggestion), as
    `issues.message` writes it one at a time: the code's template in `lang`, blanks for
    missing parts, and "Did you mean …?" after a suggestion."""
    from kipu.core.validation.issues import _SUGGEST, CATALOGUE

    if found.is_empty():
        return pl.Series("message", [], dtype=pl.Utf8)
    parts = {n: pl.col(n).fill_null("") for n in ("value", "column", "detail")}
    before, after = _SUGGEST["es" if lang == "es" else "en"].split("{}")
    hint = pl.when(pl.col("suggestion").fill_null("") != "").then(
        pl.concat_str(pl.lit(before), pl.col("suggestion"), pl.lit(after))
    )
    pieces = []
    for (code,), group in found.with_row_index("_at").group_by("code"):
        info = CATALOGUE[str(code)]
        template = info.es if lang == "es" else info.en
        text: list[pl.Expr] = []
        for literal, name, _, _ in string.Formatter().parse(template):
            if literal:
                text.append(pl.lit(literal))
            if name is not None:
                text.append(parts[name])
        body = pl.concat_str(text) if text else pl.lit("")
        pieces.append(
            group.select("_at", pl.concat_str(body, hint.otherwise(pl.lit(""))).alias("message"))
        )
    return pl.concat(pieces).sort("_at")["message"]


class IssueList(Sequence["Issue"]):
    """`Report.issues`: the file issues, then the row issues, as `Issue` objects made on first
    use (all at once, then kept); `len` and truth need none."""

    def __init__(self, listed: list[Issue], rows: pl.DataFrame) -> None:
        self._listed, self._rows = listed, rows
        self._made: list[Issue] | None = None if rows.height else listed

    def _all(self) -> list[Issue]:
        if self._made is None:
            from kipu.core.validation.issues import Issue

            made = list(self._listed)
            names = list(ROW_ISSUES)
            for chunk in self._rows.iter_slices(_SLICE):
                made.extend(Issue(**dict(zip(names, r, strict=True))) for r in chunk.iter_rows())
            self._made = made
        return self._made

    def __len__(self) -> int:
        return len(self._listed) + self._rows.height

    def __bool__(self) -> bool:
        return len(self) > 0

    @overload
    def __getitem__(self, index: int) -> Issue: ...
    @overload
    def __getitem__(self, index: slice) -> list[Issue]: ...
    def __getitem__(self, index: int | slice) -> Issue | list[Issue]:
        return self._all()[index]

    def __iter__(self) -> Iterator[Issue]:
        return iter(self._all())

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    def __repr__(self) -> str:
        return f"IssueList({len(self)} issues)"


class Report:
    """What a validation found: `issues` (file issues, then row issues), row counts, and where
    the 5W table was (sheet, header row). Row issues may be given as a `ROW_ISSUES` frame."""

    def __init__(
        self,
        issues: list[Issue] | None = None,
        rows_read: int = 0,
        rows_with_errors: int = 0,
        rows_with_warnings: int = 0,
        sheet: str | None = None,
        header_row: int | None = None,
        *,
        row_issues: pl.DataFrame | None = None,
    ) -> None:
        self._listed: list[Issue] = list(issues or [])
        self.row_issues = row_issues if row_issues is not None else empty_row_issues()
        self.rows_read, self.rows_with_errors = rows_read, rows_with_errors
        self.rows_with_warnings, self.sheet, self.header_row = rows_with_warnings, sheet, header_row
        self._view: IssueList | None = None

    def __repr__(self) -> str:
        return f"Report({len(self.issues)} issues, {self.rows_read} rows read)"

    @property
    def issues(self) -> IssueList:
        if self._view is None:
            self._view = IssueList(self._listed, self.row_issues)
        return self._view

    @issues.setter
    def issues(self, found: list[Issue]) -> None:
        self._listed, self.row_issues, self._view = list(found), empty_row_issues(), None

    def add(self, issue: Issue) -> None:
        """One more issue, before the row issues (file issues are found first)."""
        self._listed.append(issue)
        self._view = None

    @property
    def file_issues(self) -> list[Issue]:
        """The issues given as objects (the file's), without making the row issues."""
        return list(self._listed)

    def _severities(self) -> Counter[str]:
        counts = Counter(i.severity for i in self._listed)
        for severity, n in self.row_issues.group_by("severity").len().iter_rows():
            counts[severity] += n
        return counts

    @property
    def valid(self) -> bool:
        return not self._severities()[ERROR]

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == ERROR]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == WARNING]

    def first_per_code(self, limit: int) -> tuple[list[Issue], dict[str, int]]:
        """The first `limit` issues of each code, in order, and how many of each code were
        left out (codes in order of first appearance): what a text report shows, without
        making every issue."""
        counts = Counter(i.code for i in self._listed)
        shown = [i for n, i in _numbered(self._listed) if n < limit]
        before = {code: min(n, limit) for code, n in counts.items()}
        room = pl.col("code").replace_strict(before, default=0, return_dtype=pl.Int64)
        kept = self.row_issues.filter(pl.int_range(pl.len()).over("code") < limit - room)
        shown.extend(IssueList([], kept))
        for code, n in self.row_issues.group_by("code", maintain_order=True).len().iter_rows():
            counts[code] += n
        return shown, {code: n - limit for code, n in counts.items() if n > limit}

    @property
    def summary(self) -> dict[str, Any]:
        by_code = Counter(i.code for i in self._listed)
        by_org: dict[str, Counter[str]] = {}
        for issue in self._listed:
            by_org.setdefault(issue.org or "", Counter())[issue.code] += 1
        grouped = self.row_issues.group_by(pl.col("org").fill_null(""), "code").len()
        for org, code, n in grouped.iter_rows():
            by_code[code] += n
            by_org.setdefault(org, Counter())[code] += n
        severities = self._severities()
        return {
            "rows_read": self.rows_read,
            "rows_valid": self.rows_read - self.rows_with_errors,
            "rows_with_errors": self.rows_with_errors,
            "rows_with_warnings": self.rows_with_warnings,
            "errors": severities[ERROR],
            "warnings": severities[WARNING],
            "issues_by_code": dict(sorted(by_code.items(), key=lambda kv: (-kv[1], kv[0]))),
            "issues_by_code_and_org": {
                org: dict(sorted(counts.items())) for org, counts in sorted(by_org.items())
            },
            "sheet": self.sheet,
            "header_row": self.header_row,
        }

    def issue_rows(self, *names: str) -> Iterator[tuple[Any, ...]]:
        """The named fields of every issue (file issues, then row issues), as tuples: for
        writers that need a few fields of many issues, without making the objects."""
        for issue in self._listed:
            yield tuple(getattr(issue, name) for name in names)
        for chunk in self.row_issues.select(names).iter_slices(_SLICE):
            yield from chunk.iter_rows()

    def issue_dicts(self) -> list[dict[str, Any]]:
        """Every issue as its JSON object (file issues, then row issues)."""
        rows = self.row_issues.select(SERIALISED).to_dicts() if self.row_issues.height else []
        return [i.to_dict() for i in self._listed] + rows

    def to_dict(self) -> dict[str, Any]:
        return {"valid": self.valid, "summary": self.summary, "issues": self.issue_dicts()}

    def to_json(self, **kwargs: Any) -> str:
        if set(kwargs) - {"indent"}:
            return json.dumps(self.to_dict(), ensure_ascii=False, **kwargs)
        import io

        out = io.StringIO()
        self.write_json(out, indent=kwargs.get("indent"))
        return out.getvalue()

    def write_json(self, handle: IO[str], indent: int | None = None) -> None:
        """Write `json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)` to `handle`,
        the row issues a slice at a time."""
        head = {"valid": self.valid, "summary": self.summary, "issues": []}
        text = json.dumps(head, ensure_ascii=False, indent=indent)
        if not self._listed and not self.row_issues.height:
            handle.write(text)
            return
        # The text ends with `[]}` (or `[]\n}`): the items go between the brackets.
        handle.write(text[: -2 if indent is None else -3])
        step = "" if indent is None else "\n" + " " * (2 * indent)
        separator = ", " if indent is None else "," + step
        items = [
            json.dumps(i.to_dict(), ensure_ascii=False, indent=indent).replace("\n", step or "\n")
            for i in self._listed
        ]
        written = bool(items)
        handle.write(step + separator.join(items) if items else "")
        for rows in self.row_issues.iter_slices(_SLICE):
            texts = rows.select(_json_objects(indent, step)).to_series().to_list()
            handle.write((separator if written else step) + separator.join(texts))
            written = True
        handle.write("]}" if indent is None else "\n" + " " * indent + "]\n}")


def _numbered(issues: list[Issue]) -> Iterator[tuple[int, Issue]]:
    seen: Counter[str] = Counter()
    for issue in issues:
        yield seen[issue.code], issue
        seen[issue.code] += 1


def _json_text(name: str) -> pl.Expr:
    """A column as JSON values: strings escaped as `json.dumps` escapes them (serde_json
    escapes the same characters the same way), numbers as digits, null as null."""
    column = pl.col(name)
    if ROW_ISSUES[name] == pl.Int64:
        return column.cast(pl.Utf8).fill_null("null")
    return pl.struct(column.alias("v")).struct.json_encode().str.slice(5).str.strip_suffix("}")


def _json_objects(indent: int | None, step: str) -> pl.Expr:
    """Each row issue as `json.dumps(issue, indent=indent)` would write it, already shifted
    to its place in the report (`step`: the newline and indent of the list's items)."""
    if indent is None:
        between, colon, opening, closing = ", ", ": ", "{", "}"
    else:
        inner = step + " " * indent
        between, colon, opening, closing = "," + inner, ": ", "{" + inner, step + "}"
    parts: list[pl.Expr] = [pl.lit(opening)]
    for n, name in enumerate(SERIALISED):
        if n:
            parts.append(pl.lit(between))
        parts += [pl.lit(json.dumps(name) + colon), _json_text(name)]
    parts.append(pl.lit(closing))
    return pl.concat_str(parts).alias("json")
