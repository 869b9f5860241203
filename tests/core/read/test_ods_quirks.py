"""ODS cells that calamine reads otherwise than the spreadsheet shows them
(`kipu.core.read.ods`): every value is read as shown, or its cell carries a mark and
the validation an issue at it.

- A text with no value type is read as LibreOffice reads it, as text; a line break or a tab
  in a text is read (calamine joined `1<text:line-break/>5` into 15).
- A number, date, time or boolean without its value attribute, and a `void` or unknown type
  holding text, are `unreadable-value` (calamine read them blank: a count of 0).
- An error's text shown over another value (Excel's ODS export writes `#DIV/0!` over a 0) is
  an `error`.
- A covered cell of a merged range that holds its own value is `unreadable-value`.
- A currency amount in another currency than the US dollar, and a percentage, are read as the
  text they show (`S/ 100.00`, `5%`), and get the issue that text gets in a CSV.
"""

from __future__ import annotations

import re
import sys
import zipfile
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parents[1] / "validation"))
from fivew_factories import TODAY, make_reference, record  # noqa: E402

from kipu.core.read import marks, read_5w  # noqa: E402
from kipu.core.read import ods as ods_reading  # noqa: E402
from kipu.core.schema import COLUMN_BY_NAME  # noqa: E402
from kipu.core.validation import validate_file  # noqa: E402
from quirk_files import _MANIFEST, _ODS_NS  # noqa: E402

CASH = {"cva": "Yes", "value_usd": 150, "delivery_mechanism": "Cash in hand"}
NAMES = list(record(**CASH))
REFERENCE = make_reference()
SETTINGS = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def typed(value: Any, attributes: str = "") -> str:
    """A cell as LibreOffice writes it: a string, or a float with its value."""
    if value is None:
        return "<table:table-cell/>"
    if isinstance(value, int | float):
        return (
            f'<table:table-cell office:value-type="float" office:value="{value}"{attributes}>'
            f"<text:p>{value}</text:p></table:table-cell>"
        )
    return (
        f'<table:table-cell office:value-type="string"{attributes}><text:p>{escape(str(value))}'
        "</text:p></table:table-cell>"
    )


def cell(attributes: str = "", text: str | None = None, tag: str = "table-cell") -> str:
    """A raw cell: `attributes` as written, `text` the XML inside one paragraph."""
    inside = "" if text is None else f"<text:p>{text}</text:p>"
    return f"<table:{tag}{attributes}>{inside}</table:{tag}>"


def ods(path: Path, rows: list[list[str]], repeats: dict[int, int] | None = None) -> Path:
    """An ODS file whose one sheet (5W) holds the 5W header and `rows` of raw cells, row i
    repeated `repeats[i]` times."""
    header = "".join(typed(COLUMN_BY_NAME[n].label_en) for n in NAMES)
    body = "".join(
        f'<table:table-row table:number-rows-repeated="{(repeats or {}).get(i, 1)}">'
        f"{''.join(r)}</table:table-row>"
        for i, r in enumerate(rows)
    )
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_ODS_NS}>'
        '<office:body><office:spreadsheet><table:table table:name="5W">'
        f"<table:table-row>{header}</table:table-row>{body}"
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet"
        )
        archive.writestr("content.xml", content)
        archive.writestr("META-INF/manifest.xml", _MANIFEST)
    return path


def row(special: dict[str, str] | None = None, **overrides: Any) -> list[str]:
    """A valid CVA activity's cells, some of them raw (`special`: column → cell)."""
    values = record(**{**CASH, **overrides})
    return [(special or {}).get(n) or typed(values[n]) for n in NAMES]


def one_row(tmp_path: Path, special: dict[str, str], name: str = "q.ods") -> Path:
    return ods(tmp_path / name, [row(special)])


def marked(table: Any) -> dict[tuple[int, str], str]:
    return {(r, c): k for r, c, k in table.marks.select("row", "column", "kind").iter_rows()}


def value(table: Any, number: int, column: str) -> Any:
    return table.frame.filter(pl.col("row") == number)[column].item()


def issues(path: Path) -> dict[tuple[int | None, str | None], list[tuple[str, str | None]]]:
    """(row, column name) → [(code, value)] of the validation of `path`."""
    result = validate_file(path, REFERENCE, today=TODAY)
    names = {label: name for name, label in result.columns.items()}
    found: dict[tuple[int | None, str | None], list[tuple[str, str | None]]] = {}
    for issue in result.report.issues:
        where = (issue.row, names.get(issue.column or "", issue.column))
        found.setdefault(where, []).append((issue.code, issue.value))
    return found


# --- text without a value ----------------------------------------------------------------------

TEXT_FORMS = {
    # No value type: LibreOffice's default cell type is text, and it shows the paragraph.
    "no-type": (cell("", "{t}"), "{t}"),
    "no-type-styled": (cell(' table:style-name="ce1"', "{t}"), "{t}"),
    "no-type-string-value": (cell(' office:string-value="{t}"', "other"), "{t}"),
    "no-type-span": (cell("", "<text:span>{t}</text:span>"), "{t}"),
    "no-type-two-paragraphs": (
        "<table:table-cell><text:p>{t}</text:p><text:p>x</text:p></table:table-cell>",
        "{t}\nx",
    ),
    # A string cell's text with a line break or a tab, which calamine dropped.
    "line-break": (cell(' office:value-type="string"', "1<text:line-break/>{t}"), "1\n{t}"),
    "tab": (cell(' office:value-type="string"', "1<text:tab/>{t}"), "1\t{t}"),
    "nested-break": (
        cell(' office:value-type="string"', "<text:span>1<text:line-break/></text:span>{t}"),
        "1\n{t}",
    ),
}


@pytest.mark.parametrize("form", sorted(TEXT_FORMS))
@pytest.mark.parametrize("column", ["quantity_output", "activity_description"])
def test_a_text_is_read_as_shown(tmp_path: Path, form: str, column: str) -> None:
    xml, shown = TEXT_FORMS[form]
    table = read_5w(one_row(tmp_path, {column: xml.format(t="5")}))
    assert value(table, 2, column) == shown.format(t="5")
    assert not marked(table)


def test_a_count_without_a_value_type_counts_and_a_broken_one_is_an_issue(
    tmp_path: Path,
) -> None:
    path = ods(
        tmp_path / "counts.ods",
        [
            row({"quantity_output": cell("", "7")}),
            row({"quantity_output": TEXT_FORMS["line-break"][0].format(t="5")}),
        ],
    )
    found = issues(path)
    assert (2, "quantity_output") not in found
    assert found[(3, "quantity_output")] == [("invalid-number", "1\n5")]
    result = validate_file(path, REFERENCE, today=TODAY)
    assert result.rows["quantity_output"].to_list()[0] == 7


# A paragraph's parts, as XML and as shown: literal text (its runs of white space are one
# space, ODF 1.3 part 3, §6.1.2), line breaks, tabs, `text:s` spaces, spans.
SEGMENTS = st.lists(
    st.one_of(
        st.from_regex(r"[abXZ09]{1,3}(?:  ?[abXZ09]{1,3})?", fullmatch=True).map(
            lambda t: (t, re.sub(" +", " ", t))
        ),
        st.just(("<text:line-break/>", "\n")),
        st.just(("<text:tab/>", "\t")),
        st.integers(1, 3).map(lambda n: (f'<text:s text:c="{n}"/>', " " * n)),
        st.text("abc", min_size=1, max_size=3).map(lambda t: (f"<text:span>{t}</text:span>", t)),
    ),
    min_size=1,
    max_size=8,
)


@SETTINGS
@given(segments=SEGMENTS, typed_cell=st.booleans())
def test_any_laid_out_text_is_read_as_odf_defines_it(
    tmp_path: Path, segments: list[tuple[str, str]], typed_cell: bool
) -> None:
    xml = "".join(x for x, _ in segments)
    shown = "".join(t for _, t in segments)
    if not shown.strip() or typed_cell and not re.search("line-break|tab", xml):
        return  # nothing shown, or a text calamine reads itself
    attributes = ' office:value-type="string"' if typed_cell else ""
    table = read_5w(one_row(tmp_path, {"activity_description": cell(attributes, xml)}))
    got = value(table, 2, "activity_description")
    assert got == shown.strip(), (xml, got)  # a cell's text is trimmed (`raw_frame.clean_text`)


UNKNOWN_FORMS = {
    "float": cell(' office:value-type="float"', "5"),
    "percentage": cell(' office:value-type="percentage"', "5%"),
    "currency": cell(' office:value-type="currency" office:currency="USD"', "$5"),
    "date": cell(' office:value-type="date"', "2025-03-01"),
    "time": cell(' office:value-type="time"', "10:00"),
    "boolean": cell(' office:value-type="boolean"', "TRUE"),
    "void": cell(' office:value-type="void"', "5"),
    "unknown-type": cell(' office:value-type="int"', "5"),
    "single-quotes": (
        "<table:table-cell office:value-type='float'><text:p>5</text:p></table:table-cell>"
    ),
    "covered-void": cell(' office:value-type="void"', "5", tag="covered-table-cell"),
}


@pytest.mark.parametrize("form", sorted(UNKNOWN_FORMS))
@pytest.mark.parametrize("column", ["total_monthly", "month", "activity_name"])
def test_a_value_the_file_does_not_hold_is_unknown(tmp_path: Path, form: str, column: str) -> None:
    table = read_5w(one_row(tmp_path, {column: UNKNOWN_FORMS[form]}))
    assert marked(table) == {(2, column): marks.UNREADABLE_VALUE}
    assert value(table, 2, column) is None


def test_it_is_reported_at_its_cell_and_the_row_is_not_stored(tmp_path: Path) -> None:
    path = one_row(tmp_path, {"total_monthly": UNKNOWN_FORMS["float"]})
    assert issues(path)[(2, "total_monthly")] == [("unreadable-value", None)]
    result = validate_file(path, REFERENCE, today=TODAY)
    assert result.report.rows_with_errors == 1


@pytest.mark.parametrize(
    "xml",
    [
        '<table:table-cell office:value-type="float"/>',  # shows nothing: empty
        '<table:table-cell office:value-type="void"/>',
        "<table:table-cell><text:p/></table:table-cell>",
    ],
)
def test_a_cell_that_shows_nothing_is_empty(tmp_path: Path, xml: str) -> None:
    table = read_5w(one_row(tmp_path, {"total_monthly": xml}))
    assert not marked(table)
    assert value(table, 2, "total_monthly") is None


@pytest.mark.parametrize(
    "xml",
    [
        '<table:table-cell table:formula="of:=1+1"><text:p>2</text:p></table:table-cell>',
        '<table:table-cell table:formula="of:=1+1" office:value-type="float">'
        "<text:p>2</text:p></table:table-cell>",
    ],
)
def test_a_formula_without_its_value_has_none(tmp_path: Path, xml: str) -> None:
    table = read_5w(one_row(tmp_path, {"total_monthly": xml}))
    assert marked(table) == {(2, "total_monthly"): marks.FORMULA_NO_VALUE}


@pytest.mark.parametrize(
    ("xml", "mark"),
    [
        # LibreOffice's `=IF(…;"";…)` that gave "": computed, empty (a tester: every row of
        # a template's formula column was refused as never computed). A script may write the
        # same of a formula it never computed (a re-tester): the formula's warning says so.
        ('<table:table-cell table:formula="of:=IF(1=1;&quot;&quot;;5)"><text:p/>'
         "</table:table-cell>", "formula"),
        ('<table:table-cell table:formula="of:=IF(1=1;&quot;&quot;;5)"><text:p></text:p>'
         "</table:table-cell>", "formula"),
        # A script's formula, never computed: no paragraph.
        ('<table:table-cell table:formula="of:=IF(1=1;&quot;&quot;;5)"/>', "formula-no-value"),
        ('<table:table-cell table:formula="of:=1+1" office:value-type="float"><text:p/>'
         "</table:table-cell>", "formula-no-value"),
    ],
)  # fmt: skip
def test_a_formula_that_gave_an_empty_text_is_empty(tmp_path: Path, xml: str, mark: str) -> None:
    path = one_row(tmp_path, {"quantity_output": xml})
    table = read_5w(path)
    assert marked(table) == {(2, "quantity_output"): mark}
    assert value(table, 2, "quantity_output") is None
    code = "formula-cell" if mark == "formula" else "formula-without-value"
    assert code in {c for c, _ in issues(path).get((2, "quantity_output"), [])}


@pytest.mark.parametrize(
    ("xml", "read"),
    [
        (cell(' table:formula="of:=[.R2]+3" office:value-type="float" office:value="15"', "15"),
         "15"),
        (cell(' table:formula="of:=&quot;A&quot;" office:value-type="string"', "Kits"), "Kits"),
    ],
)  # fmt: skip
def test_a_computed_formula_is_read_with_its_warning(tmp_path: Path, xml: str, read: str) -> None:
    """As in an XLSX and an XLS: its saved result is read, and the warning says it comes from
    a formula (a tester's: ODS and XLS formulas said nothing)."""
    path = one_row(tmp_path, {"total_monthly": xml})
    table = read_5w(path)
    assert marked(table) == {(2, "total_monthly"): marks.FORMULA}
    assert value(table, 2, "total_monthly") == read
    assert ("formula-cell", None) in issues(path)[(2, "total_monthly")]


def test_cells_calamine_leaves_out_of_the_sheet_are_read(tmp_path: Path) -> None:
    """A last row whose cells calamine reads blank (it leaves the row out of the sheet, and
    the cells' texts and marks with it), and a row repeated with its marks."""
    void = cell(' office:value-type="void"', "9")
    untyped = [
        cell("", escape(str(v))) if v is not None else typed(None) for v in record(**CASH).values()
    ]
    path = ods(tmp_path / "edges.ods", [row(), row({"total_monthly": void}), untyped], {1: 2})
    table = read_5w(path)
    assert marked(table) == {
        (3, "total_monthly"): marks.UNREADABLE_VALUE,
        (4, "total_monthly"): marks.UNREADABLE_VALUE,
    }
    assert value(table, 5, "activity_name") == record()["activity_name"]
    assert value(table, 5, "total_monthly") == "15"


@pytest.mark.parametrize("past", ["rows", "columns"])
def test_marked_cells_past_the_limits_refuse_the_sheet(tmp_path: Path, past: str) -> None:
    """calamine counts no such cell in the sheet's size: a few bytes of XML must not make
    millions of marks."""
    from kipu.core.limits import Limits
    from kipu.core.read import ReadError

    void = cell(' office:value-type="void"', "9")
    grid, repeats, limits = [row(), [void]], {1: 50}, Limits(max_rows=20)  # 50 last rows
    if past == "columns":  # the 5W columns and 400 more
        void = void.replace(
            "<table:table-cell", '<table:table-cell table:number-columns-repeated="400"'
        )
        grid, repeats, limits = [row(), [*row()[:-1], void]], {}, Limits()
    path = ods(tmp_path / "past.ods", grid, repeats)
    with pytest.raises(ReadError, match="rows ×"):
        read_5w(path, limits=limits)


# --- errors ------------------------------------------------------------------------------------

ERROR_FORMS = {
    "excel-float": ' table:formula="of:=1/0" office:value-type="float" office:value="0"',
    "empty-string": ' table:formula="of:=1/0" office:value-type="string" office:string-value=""',
    "other-string": ' office:value-type="string" office:string-value="12"',
    "percentage": ' office:value-type="percentage" office:value="0"',
    "no-type": "",
    "libreoffice": ' office:value-type="string" office:string-value="" calcext:value-type="error"',
}


@SETTINGS
@given(
    error=st.sampled_from(sorted(marks.EXCEL_ERRORS)),
    form=st.sampled_from(sorted(ERROR_FORMS)),
    column=st.sampled_from(["new_beneficiaries", "indicator", "activity_name"]),
)
def test_an_errors_text_over_another_value_is_an_error(
    tmp_path: Path, error: str, form: str, column: str
) -> None:
    path = one_row(tmp_path, {column: cell(ERROR_FORMS[form], escape(error))})
    table = read_5w(path)
    assert marked(table) == {(2, column): marks.ERROR}
    assert value(table, 2, column) == error  # the validation reads it as unknown
    found = [c for c in issues(path).get((2, column), []) if c[0] == "excel-error"]
    assert found == [("excel-error", error)]


# --- covered cells -----------------------------------------------------------------------------


def merged_down(first: Any, covered: str) -> list[list[str]]:
    """Two activities; Admin1 merged over both, the covered cell holding `covered`."""
    anchor = typed(first, ' table:number-rows-spanned="2" table:number-columns-spanned="1"')
    return [row({"admin1": anchor}), row({"admin1": covered}, activity_name="Second")]


@pytest.mark.parametrize(
    ("covered", "kind", "read"),
    [
        (typed("Tumbes"), marks.UNREADABLE_VALUE, None),  # shown: Lima; held: Tumbes
        (typed("Lima"), marks.MERGED, "Lima"),  # the same value: read
        (typed(" Lima "), marks.MERGED, "Lima"),
        (typed(15), marks.UNREADABLE_VALUE, None),
        ("<table:covered-table-cell/>", marks.MERGED, "Lima"),  # as before
    ],
)
def test_a_covered_cell_holding_its_own_value_is_unknown(
    tmp_path: Path, covered: str, kind: str, read: str | None
) -> None:
    xml = covered.replace("<table:table-cell", "<table:covered-table-cell").replace(
        "</table:table-cell>", "</table:covered-table-cell>"
    )
    table = read_5w(ods(tmp_path / "down.ods", merged_down("Lima", xml)))
    assert marked(table) == {(3, "admin1"): kind}
    assert value(table, 3, "admin1") == read


@SETTINGS
@given(
    across=st.integers(2, 3),
    down=st.integers(1, 3),
    held=st.lists(st.sampled_from([None, 20, 7, "x"]), min_size=9, max_size=9),
)
def test_every_covered_cell_shows_the_ranges_value(
    tmp_path: Path, across: int, down: int, held: list[Any]
) -> None:
    """A range over Total monthly beneficiaries (20) and the columns after it: a covered cell
    in its column reads 20 (held or not), a value held elsewhere is unknown, and an empty one
    in another column stays empty."""
    first = NAMES.index("total_monthly")
    grid = [row() for _ in range(down)]
    grid[0][first] = typed(
        20, f' table:number-rows-spanned="{down}" table:number-columns-spanned="{across}"'
    )
    expected: dict[tuple[int, str], str] = {}
    for r in range(down):
        for c in range(first, first + across):
            if (r, c) == (0, first):
                continue
            own = held[r * 3 + c - first]
            grid[r][c] = cell_covered(own)
            column = NAMES[c]
            if own is None:
                expected[(r + 2, column)] = marks.MERGED if c == first else marks.MERGED_ACROSS
            elif c == first and own == 20:
                expected[(r + 2, column)] = marks.MERGED
            else:
                expected[(r + 2, column)] = marks.UNREADABLE_VALUE
    table = read_5w(ods(tmp_path / "range.ods", grid))
    assert marked(table) == expected


def cell_covered(held: Any) -> str:
    if held is None:
        return "<table:covered-table-cell/>"
    return typed(held).replace("table:table-cell", "table:covered-table-cell")


# --- currencies and percentages ----------------------------------------------------------------


def currency(code: str | None, amount: str, shown: str | None) -> str:
    named = "" if code is None else f" office:currency={quoteattr(code)}"
    return cell(
        f' office:value-type="currency"{named} office:value="{amount}"', shown and escape(shown)
    )


AMOUNTS = [
    # (cell, issue at Value (in USD), the issue's value); no issue: read as the number 100
    (currency("PEN", "100", "S/ 100.00"), "currency-not-usd", "S/ 100.00"),
    (currency("EUR", "100", "100,00 €"), "currency-not-usd", "100,00 €"),
    (currency("PEN", "1500.5", "S/ 1,500.50"), "currency-not-usd", "S/ 1,500.50"),
    (currency("PEN", "100", "100.00"), "currency-not-usd", "PEN 100"),  # the text names none
    (currency("MXN", "100", "$100.00"), "currency-not-usd", "MXN 100"),  # a $ that is no dollar
    (currency("COP", "100", None), "currency-not-usd", "COP 100"),
    (currency(None, "100", "S/ 100.00"), "currency-not-usd", "S/ 100.00"),  # no code: as shown
    (currency("UYU", "100", "$U 100"), "currency-not-usd", "$U 100"),
    (currency("USD", "100", "$100.00"), None, None),
    (currency("usd", "100", "US$ 100"), None, None),
    (currency(None, "100", "$100.00"), None, None),
    (currency(None, "100", "100"), None, None),
    (cell(' office:value-type="percentage" office:value="0.05"', "5%"), "invalid-number", "5%"),
    (
        cell(' office:value-type="percentage" office:value="0.07"', "7,00 %"),
        "invalid-number",
        "7,00 %",
    ),
    (cell(' office:value-type="percentage" office:value="0.07"', "0.07"), "invalid-number", "7%"),
    (cell(' office:value-type="percentage" office:value="0.07"'), "invalid-number", "7%"),
]


@pytest.mark.parametrize(("xml", "code", "shown"), AMOUNTS)
def test_an_amount_in_another_currency_is_never_dollars(
    tmp_path: Path, xml: str, code: str | None, shown: str | None
) -> None:
    path = one_row(tmp_path, {"value_usd": xml})
    found = issues(path).get((2, "value_usd"), [])
    result = validate_file(path, REFERENCE, today=TODAY)
    if code is None:
        assert found == []
        assert result.rows["value_usd"].to_list() == [100]
    else:
        assert found == [(code, shown)]
        assert result.report.rows_with_errors == 1


CODES = ["PEN", "EUR", "COP", "BRL", "MXN", "CLP", "ARS", "VES", "GBP", "UYU", "BOB", "pen"]


@SETTINGS
@given(
    code=st.one_of(st.none(), st.sampled_from([*CODES, "USD"])),
    amount=st.decimals(1, 10**6, places=2),
    shown=st.sampled_from(["{s} {a}", "{a} {s}", "{s}{a}", "{a}", ""]),
    sign=st.sampled_from(["S/", "€", "$", "US$", "R$", "Bs.", "£"]),
)
def test_any_currency_amount_is_read_as_dollars_only_when_it_is(
    tmp_path: Path, code: str | None, amount: Any, shown: str, sign: str
) -> None:
    """Read as a number only when its code is the US dollar's, or it has none and the text
    it shows is a dollar amount or a bare number; an issue at the cell otherwise."""
    text = shown.format(s=sign, a=f"{amount:.2f}") or None
    path = one_row(tmp_path, {"value_usd": currency(code, str(amount), text)})
    found = {c for c, _ in issues(path).get((2, "value_usd"), [])}
    bare = "{s}" not in shown or sign in ("$", "US$")
    dollars = code.upper() == "USD" if code is not None else bare
    assert bool(found & {"currency-not-usd", "invalid-number"}) != dollars, (code, text, found)


def test_a_percentage_in_a_text_column_is_its_text(tmp_path: Path) -> None:
    xml = cell(' office:value-type="percentage" office:value="0.5"', "50%")
    table = read_5w(one_row(tmp_path, {"activity_description": xml}))
    assert value(table, 2, "activity_description") == "50%"


# --- the search for such cells ----------------------------------------------------------------


@pytest.mark.parametrize(
    "xml",
    [
        *(x.format(t="5") for x, _ in TEXT_FORMS.values()),
        *UNKNOWN_FORMS.values(),
        *(cell(a, "#N/A") for a in ERROR_FORMS.values()),
        *(x for x, _, _ in AMOUNTS),
        "<ns0:table-cell><ns1:p>5</ns1:p></ns0:table-cell>",  # other prefixes
    ],
)
def test_every_form_is_searched_for(xml: str) -> None:
    """A file whose only such cell is this one is parsed (the search is cut in chunks of
    rows: the cell is found in any)."""
    plain = f"<table:table-row>{typed('x')}{typed(1)}</table:table-row>"
    content = (plain * 20_000 + f"<table:table-row>{xml}</table:table-row>" + plain).encode()
    assert ods_reading._may_hold(content)
    assert not ods_reading._may_hold((plain * 20_000).encode())


_FLOAT = (
    ' table:style-name="ce1" office:value-type="float" office:value="{v}"'
    ' calcext:value-type="float"'
)


@pytest.mark.parametrize(
    ("xml", "hinted"),
    [
        (cell(_FLOAT.format(v=15), "PE15"), True),  # a code's letters (`_padded`)
        (cell(_FLOAT.format(v=701), "0701"), True),  # leading zeros
        (cell(_FLOAT.format(v=5), "5 M"), True),  # a scale word (`_scaled`)
        (cell(_FLOAT.format(v=5), "$ 5"), True),  # a `$` (`DOLLAR_FORMAT`)
        (cell(_FLOAT.format(v=1), "TRUE"), True),  # a LibreOffice boolean
        ('<table:table-cell office:value-type="float" office:value="15">'
         "<office:annotation><text:p>note 1</text:p></office:annotation>"
         "<text:p>PE15</text:p></table:table-cell>", True),  # after a comment
        ("<table:table-cell office:value-type='float' office:value='15' x='a>b'>"
         "<text:p text:style-name='P1'>PE15</text:p></table:table-cell>", True),
        # In any markup LibreOffice writes (a re-tester): a format's spaces, spans, links,
        # an empty paragraph, an image or an XML comment before the text.
        (cell(_FLOAT.format(v=15), "<text:s/>PE15"), True),
        (cell(_FLOAT.format(v=5), "5<text:s text:c='2'/>M"), True),
        (cell(_FLOAT.format(v=1), "<text:span>TRUE</text:span>"), True),
        (cell(_FLOAT.format(v=59), "0<text:span>059</text:span>"), True),
        (cell(_FLOAT.format(v=1), '<text:a xlink:href="x">TRUE</text:a>'), True),
        (f"<table:table-cell{_FLOAT.format(v=1)}><text:p/><text:p>TRUE</text:p>"
         "</table:table-cell>", True),
        (f"<table:table-cell{_FLOAT.format(v=1)}><draw:frame/><text:p>TRUE</text:p>"
         "</table:table-cell>", True),
        (f"<table:table-cell{_FLOAT.format(v=1)}><!-- c --><text:p>TRUE</text:p>"
         "</table:table-cell>", True),
        (cell(_FLOAT.format(v=15), "CODIGO PROVINCIA PERU LIMA 15"), True),
        (cell(_FLOAT.format(v=1234.5), "1,234.50"), False),  # a number's characters only
        (cell(_FLOAT.format(v=-5), "-5"), False),
        (typed("Admin1"), False),  # text cells are read right: a header, a code, a word
        (typed("ORG001"), False),
        (typed("5 M"), False),
        (typed("US$ 5"), False),
        (typed("TRUE"), False),
        (cell(_FLOAT.format(v=15), "15"), False),
    ],
)  # fmt: skip
def test_number_cells_shown_otherwise_are_searched_for_and_text_cells_not(
    xml: str, hinted: bool
) -> None:
    """Every R4V file was parsed (20 s for 100,000 rows): its header's "Admin1" and its
    "ORG001" texts looked like a number shown with a code's letters."""
    plain = f"<table:table-row>{typed('x')}{typed(1)}</table:table-row>"
    content = (plain * 20_000 + f"<table:table-row>{xml}</table:table-row>" + plain).encode()
    assert ods_reading._may_hold(content) == hinted


@pytest.mark.parametrize("shown", ["TRUE", "FALSE", "VERDADERO", "Falso", " WAHR "])
@pytest.mark.parametrize("formula", ["", ' table:formula="of:=[.S3]&gt;0"'])
def test_a_libreoffice_boolean_is_not_a_count(tmp_path: Path, shown: str, formula: str) -> None:
    """LibreOffice writes TRUE as a 1 in a boolean format (it has no boolean cells): a
    tester's `=S3>0` in a count column was read as 1 person, with no issue. It is read as the
    text it shows, as Excel's TRUE is: not a number."""
    number = "0" if "F" in shown.upper() else "1"
    xml = cell(f'{formula} office:value-type="float" office:value="{number}"', shown)
    path = one_row(tmp_path, {"quantity_output": xml})
    assert value(read_5w(path), 2, "quantity_output") == shown.strip()
    assert "invalid-number" in {c for c, _ in issues(path).get((2, "quantity_output"), [])}
    plain = f"<table:table-row>{typed('x')}{typed(1)}</table:table-row>"
    content = (plain * 20_000 + f"<table:table-row>{xml}</table:table-row>").encode()
    assert ods_reading._may_hold(content)  # the search for such cells finds it


@pytest.mark.slow
def test_number_cells_shown_otherwise_deep_in_100000_rows(tmp_path: Path) -> None:
    """At real size, compressed as LibreOffice saves it: the search for chunks to parse
    (`_may_hold`) and the streamed parse find a LibreOffice boolean, a count shown as
    nothing and one shown as a text alone, far past the first chunks; no other cell is
    changed."""
    shown = ' office:value-type="float" office:value="{}"'
    odd = {
        50_000: {"quantity_output": cell(shown.format(12), "n/a")},
        99_990: {"total_monthly": cell(shown.format(15), "")},
        99_991: {"quantity_output": cell(shown.format(1), "VERDADERO")},
    }
    rows = [row(odd.get(i), activity_name=f"Activity {i}") for i in range(100_000)]
    stored = ods(tmp_path / "stored.ods", rows)
    path = tmp_path / "big.ods"
    with zipfile.ZipFile(stored) as source, zipfile.ZipFile(path, "w") as target:
        for info in source.infolist():
            packed = zipfile.ZIP_STORED if info.filename == "mimetype" else zipfile.ZIP_DEFLATED
            target.writestr(info.filename, source.read(info.filename), compress_type=packed)
    stored.unlink()
    assert issues(path) == {
        (50_002, "quantity_output"): [("number-read-as", "n/a"), ("number-shown-as-text", "n/a")],
        (99_992, "total_monthly"): [("hidden-value", "15")],
        (99_993, "quantity_output"): [("invalid-number", "VERDADERO")],
    }
