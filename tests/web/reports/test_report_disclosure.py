"""The report's partners by province under the open data's disclosure rule: the open data
leaves out the province of rows counting fewer than k people in a group
(`fivew_disclosure.protect_activities`), and a table of partners by province built from every
row named it again (a tester recovered 54 of the 93 provinces withheld in the demo month)."""

from __future__ import annotations

from dataclasses import replace

import polars as pl
import pytest

from kipu.core.report.context import Coordination, ReportContext
from kipu.core.surveys.fivew_disclosure import protect_activities
from kipu.web.figures.queries import cached_activity_frame, cached_reference_data
from kipu.web.platforms.models import Platform
from kipu.web.reports.context import report_context
from kipu.web.surveys.queries import disclosure_k
from kipu.web.surveys.services import set_disclosure_k

MONTH = "2019-11"


def _open_data_table(platform: Platform, k: int) -> dict[tuple[str, str], int]:
    """Appealing partners per (department, province) of the rows as the open data shows them
    (computed here from the protected rows, not with the report's code)."""
    rows = cached_activity_frame(platform)[1].filter(pl.col("month") == MONTH)
    shown = protect_activities(rows, k).filter(pl.col("admin2").is_not_null())
    names = {
        p: u.name for p, u in cached_reference_data(platform, 2019).gazetteer.locations.items()
    }
    counts = shown.group_by("admin1", "admin2").agg(pl.col("appealing_org").n_unique())
    return {(names[a1], names[a2]): n for a1, a2, n in counts.iter_rows()}


def _report_table(platform: Platform, lang: str = "en") -> tuple[dict[tuple[str, str], int], int]:
    context = report_context(platform, MONTH, lang)
    table = {(r.department, r.province): r.partners for r in context.province_presence}
    return table, context.province_rule


def test_partners_by_province_are_those_the_open_data_shows(demo: Platform) -> None:
    k = disclosure_k(demo)
    table, rule = _report_table(demo)
    assert table == _open_data_table(demo, k)
    # The demonstration month has partners present in a province through small rows only:
    # without the rule the table differs (the test would pass on nothing otherwise).
    assert table != _open_data_table(demo, 1)
    assert rule == k


def test_without_small_rows_every_presence_is_shown_and_nothing_said(demo: Platform) -> None:
    set_disclosure_k(demo, 1)  # no count is below 1: no row is small
    table, rule = _report_table(demo)
    assert table == _open_data_table(demo, 1)
    assert rule == 0


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("en", "Activities with fewer than 5 people in a group are shown by department only"),
        ("es", "Las actividades con menos de 5 personas en un grupo se muestran solo por"),
    ],
)
def test_the_report_says_why_a_province_may_count_fewer(
    demo: Platform, lang: str, words: str
) -> None:
    from kipu.core.report.view import make_view

    view = make_view(report_context(demo, MONTH, lang), {})
    assert view.notes["province_table"].startswith(words)


def test_a_narrative_figure_of_a_province_refuses_rows_the_open_data_hides(
    demo: Platform,
) -> None:
    """`indicator(code=…, admin2=…)` printed "In Tayacaja province, 2 people were reached":
    a province's figure is refused when one of its rows counts fewer than k people in a
    group; a province of larger rows keeps its figure."""
    from kipu.core.report.narrative import NarrativeError
    from kipu.core.surveys.fivew_disclosure import small_rows

    rows = cached_activity_frame(demo)[1].filter(pl.col("month") == MONTH)
    placed = rows.filter(pl.col("admin2").is_not_null())
    k = disclosure_k(demo)
    marked = placed.with_columns(small_rows(placed, k).alias("small"))
    cells = marked.group_by("indicator", "admin2").agg(
        pl.col("small").any(), pl.col("total_monthly").sum()
    )
    plan = cached_reference_data(demo, 2019).plan
    people = [i.code for i in plan.indicators if i.kind.counts_people]
    cells = cells.filter(pl.col("indicator").is_in(people)).sort("indicator", "admin2")
    hidden = cells.filter(pl.col("small")).row(0, named=True)
    shown = cells.filter(~pl.col("small")).row(0, named=True)
    catalogue = report_context(demo, MONTH).catalogue
    with pytest.raises(NarrativeError, match="fewer than 5 people"):
        catalogue.call("indicator", code=hidden["indicator"], admin2=hidden["admin2"])
    value = catalogue.call("indicator", code=shown["indicator"], admin2=shown["admin2"])
    assert value == shown["total_monthly"]


def test_partners_of_a_province_shown_by_department_only_are_refused(demo: Platform) -> None:
    """`partners(admin2=…)` printed 0 for a province where 6 organisations reported, all
    in rows the open data shows by department only (k = 10)."""
    from kipu.core.report.narrative import NarrativeError
    from kipu.core.surveys.fivew_disclosure import small_rows

    set_disclosure_k(demo, 10)
    rows = cached_activity_frame(demo)[1].filter(pl.col("month") == MONTH)
    placed = rows.filter(pl.col("admin2").is_not_null())
    marked = placed.with_columns(small_rows(placed, 10).alias("small"))
    provinces = marked.group_by("admin2").agg(pl.col("small").all()).sort("admin2")
    hidden = provinces.filter(pl.col("small"))["admin2"][0]
    catalogue = report_context(demo, MONTH).catalogue
    with pytest.raises(NarrativeError, match="counted in their department only"):
        catalogue.call("partners", admin2=hidden)
    shown = provinces.filter(~pl.col("small"))["admin2"][0]
    assert catalogue.call("partners", admin2=shown) > 0


def test_rows_are_protected_with_the_largest_k_of_the_platforms_they_come_from(
    demo: Platform,
) -> None:
    """A local platform under gtrm-peru (k=10) showed gtrm-peru's Lima rows with its own
    k=5: 28 of 32 rows with a province where gtrm-peru's open data shows 25."""
    from kipu.web.platforms.services import add_platform
    from kipu.web.surveys.queries import rows_disclosure_k

    local = add_platform(
        "lima-local", "Lima local", country="PER", level="local", parent=demo.slug,
        admin1=["PE15"],
    )  # fmt: skip
    assert rows_disclosure_k(local) == rows_disclosure_k(demo) == 5  # the default
    set_disclosure_k(demo, 10)
    assert rows_disclosure_k(local) == 10 and disclosure_k(local) == 5
    set_disclosure_k(local, 3)
    assert rows_disclosure_k(local) == 10
    set_disclosure_k(local, 12)  # gtrm-peru's view holds the local platform's rows too
    assert rows_disclosure_k(local) == rows_disclosure_k(demo) == 12


def test_provinces_covered_are_those_the_open_data_names(demo: Platform) -> None:
    """The report counted every province with a row: Tumbes has three provinces, and "1
    department and 3 provinces" beside a withheld row of Tumbes named its province (a tester).
    It counts those the open data names, and says that the others are withheld."""
    set_disclosure_k(demo, 30_000)  # every row is small (a smallint in PostgreSQL)
    rows = cached_activity_frame(demo)[1].filter(pl.col("month") == MONTH)
    every = rows.filter(pl.col("admin2").is_not_null()).select("country", "admin2").n_unique()
    shown = protect_activities(rows, disclosure_k(demo))
    named = shown.filter(pl.col("admin2").is_not_null()).select("country", "admin2").n_unique()
    assert 0 < named < every == 17  # rows of no people keep their province
    for lang, words in (("en", "neither named nor counted"), ("es", "no se nombra ni")):
        context = report_context(demo, MONTH, lang)
        assert len({(p.department, p.province) for p in context.province_presence}) == named
        assert context.coordination.provinces_covered == named
        assert context.coordination.provinces_withheld
        sentence = _sentence(context.coordination, lang)
        assert f"{named} prov" in sentence and words in sentence, sentence
    set_disclosure_k(demo, 1)  # nothing withheld: no such sentence
    context = report_context(demo, MONTH)
    assert context.coordination.provinces_covered == every
    assert not context.coordination.provinces_withheld
    assert "named nor counted" not in _sentence(context.coordination, "en")


def _sentence(coordination: Coordination, lang: str) -> str:
    """The report's coordination sentence of `coordination` (the narrative's figures of a
    whole context fail where every count is withheld)."""
    from kipu.core.report.view import make_view

    context = ReportContext(
        platform="GTRM Peru", slug="gtrm-peru", month=MONTH, lang=lang, country="PER"
    )
    return make_view(replace(context, coordination=coordination), {}).coordination


@pytest.mark.parametrize(
    ("named", "lang", "expected"),
    [
        (0, "en", "host communities in 2 departments. Where an activity reached few people, its "
                  "province is neither named nor counted, so that no one can be singled out."),
        (0, "es", "comunidades de acogida en 2 departamentos. Cuando una actividad atendió a "
                  "pocas personas, su provincia no se nombra ni se cuenta"),
        (3, "en", "in 2 departments and 3 provinces. Where an activity reached few people"),
    ],
)  # fmt: skip
def test_a_month_whose_provinces_were_all_withheld_names_its_departments(
    named: int, lang: str, expected: str
) -> None:
    """ "in 1 department and 0 provinces" was said of a month whose one province was
    withheld; "and 1 province" named it."""
    sentence = _sentence(Coordination(5, 2, named, provinces_withheld=True), lang)
    assert expected in sentence, sentence
    assert "0 prov" not in sentence


def test_a_threshold_the_store_cannot_hold_is_refused(demo: Platform) -> None:
    """PostgreSQL refused k = 100,000 with a database error (a small integer)."""
    with pytest.raises(ValueError, match="between 1 and 32,767, not 100000"):
        set_disclosure_k(demo, 100_000)
    assert set_disclosure_k(demo, 32_767).k == 32_767
