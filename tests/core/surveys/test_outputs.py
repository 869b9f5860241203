"""The chart and the open-data CSV show only what disclosure control left, say what it
withheld, escape every text and neutralise every cell."""

from __future__ import annotations

from pathlib import Path

import hxl
import polars as pl

from kipu.core.surveys.outputs import COLUMNS, Bar, bar_chart, results_csv


def test_chart_escapes_text_shows_intervals_and_withheld_bars() -> None:
    svg = bar_chart(
        "Needs <script>", [Bar("Food & water", 0.62, 0.57, 0.67), Bar("Cash", None)], lang="es"
    )
    assert "<script>" not in svg and "Needs &lt;script&gt;" in svg
    assert "Food &amp; water" in svg and "62 %" in svg
    assert "reservado (menos de 5 personas)" in svg
    assert " style=" not in svg and "<style" not in svg  # the CSP forbids inline styles
    assert svg.count("<line") == 3  # one interval: the line and its two ends


def test_a_choice_not_known_is_said_so_never_drawn() -> None:
    """A choice the export did not bring (choice-not-exported) has no share: the chart says
    it is not known, neither a 0 bar nor "withheld" (no one withheld it)."""
    for lang, said in (("en", "not known: not in the export"),
                       ("es", "no se sabe: no está en la exportación")):  # fmt: skip
        svg = bar_chart("Needs", [Bar("Cash", None, known=False)], lang=lang)
        assert said in svg and "<rect" not in svg and "withheld" not in svg
        assert "reservado" not in svg


def _frame(**changes: object) -> pl.DataFrame:
    row = {
        "survey": "fms",
        "month": "2019-11",
        "question": "needs",
        "question_label": "=HYPERLINK()",
        "answer": "food",
        "answer_label": "Food",
        "dimension": "all",
        "group": "all",
        "respondents": 400,
        "count": 268,
        "weighted_count": 268.0,
        "share": 0.67,
        "low": 0.62,
        "high": 0.71,
        "suppressed": False,
        "group_suppressed": False,
    }
    return pl.DataFrame([{**row, **changes}])


def test_csv_has_an_hxl_row_libhxl_reads_and_neutralised_cells(tmp_path: Path) -> None:
    body = results_csv(
        pl.concat([_frame(), _frame(answer="cash", count=None, share=None, suppressed=True)])
    )
    (tmp_path / "results.csv").write_bytes(body)
    dataset = hxl.data(str(tmp_path / "results.csv"), hxl.InputOptions(allow_local=True))
    assert [c.display_tag for c in dataset.columns] == [tag for *_, tag in COLUMNS]
    rows = list(dataset)
    assert rows[0].get("#indicator+question+name") == "'=HYPERLINK()"
    count = [name for name, *_ in COLUMNS].index("count")
    assert rows[1].values[count] == "" and rows[1].get("#meta+suppressed") == "yes"
    assert rows[0].values[count] == "268"
    assert body.decode("utf-8").splitlines()[0].startswith("Survey,Month,Question")
