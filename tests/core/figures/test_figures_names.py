"""The figure rows' names in Spanish (`names.named_rows`), as the open-data figures table
writes them: the Spanish export had Spanish headers over "Protection", "Peru" and "check AGD
breakdown", while the Spanish activities table wrote the plan's Spanish sector names."""

from __future__ import annotations

import dataclasses

import polars as pl
from figures_factories import SECTORS, activity, compute, frame, reference_data
from hypothesis import given, settings
from hypothesis import strategies as st

from kipu.core.export import display_frame
from kipu.core.figures.names import INTERSECTOR_NAMES, named_rows
from kipu.core.figures.output import CHECK_AGD, CHECK_SECTORS, CHECKS, INTERSECTOR, check_name

SPANISH = {"EDU": "Educación", "FOOD": "Seguridad alimentaria", "HEA": "Salud", "PRO": ""}


def _reference(spanish: dict[str, str]):  # noqa: ANN202
    reference = reference_data()
    sectors = [
        dataclasses.replace(s, name_es=spanish.get(s.code, "")) for s in reference.plan.sectors
    ]
    return dataclasses.replace(reference, plan=dataclasses.replace(reference.plan, sectors=sectors))


@settings(max_examples=40, deadline=None)
@given(
    spanish=st.fixed_dictionaries(
        {code: st.sampled_from(["", SPANISH[code] or "Protección"]) for code in SECTORS}
    ),
    rows=st.lists(
        st.tuples(st.sampled_from(sorted(SECTORS)), st.integers(0, 9), st.integers(0, 9)),
        min_size=1,
        max_size=6,
    ),
)
def test_every_name_is_in_spanish_where_it_has_a_spanish_form(spanish, rows) -> None:  # noqa: ANN001
    reference = _reference(spanish)
    made = [
        activity(sector=code, total_monthly=girls + boys, new_beneficiaries=girls + boys,
                 pop=(girls + boys,), agd=(girls, boys))
        for code, girls, boys in rows
    ]  # fmt: skip
    figures = compute(*made, reference=reference)
    english, named = figures.rows, named_rows(figures, "es")
    assert named_rows(figures, "en").equals(english)  # English: the engine's names
    assert named.drop("sector", "country_name", "checks").equals(
        english.drop("sector", "country_name", "checks")
    )
    for before, after in zip(
        english.iter_rows(named=True), named.iter_rows(named=True), strict=True
    ):
        if before["sector"] == INTERSECTOR:
            assert after["sector"] == INTERSECTOR_NAMES["es"] == "Intersectorial"
        else:  # the plan's Spanish name, its English one where it has none
            assert after["sector"] == (spanish[before["sector_code"]] or before["sector"])
        assert after["country_name"] == "Perú"
        assert after["checks"] == [check_name(c, "es") for c in before["checks"]]
        assert not set(after["checks"]) & set(CHECKS)
    # One way to name a sector and a country: the Spanish activities table writes the same.
    shown = display_frame(frame(made[0]), reference, "es").select("country", "sector")
    code = rows[0][0]
    assert shown.row(0) == ("Perú", spanish[code] or SECTORS[code])


def test_the_checks_are_named_in_spanish() -> None:
    two = activity(total_monthly=2, new_beneficiaries=2, pop=(1, 1), agd=(1, 1))
    named = named_rows(compute(two, reference=_reference(SPANISH)), "es")
    inter = named.filter(pl.col("sector") == "Intersectorial")["checks"].to_list()
    assert inter and all(check_name(CHECK_SECTORS, "es") in c for c in inter)
    assert check_name(CHECK_SECTORS, "es") == "intersectorial por encima de la suma de los sectores"
    assert check_name(CHECK_AGD, "es") == "revisar el desglose por edad y sexo"


@settings(max_examples=40, deadline=None)
@given(
    reported=st.sets(st.integers(1, 12), min_size=1, max_size=6),
    last=st.integers(1, 12),
    lang=st.sampled_from(["en", "es"]),
)
def test_a_month_without_rows_is_said_never_a_silent_zero(reported, last, lang) -> None:  # noqa: ANN001
    """A published month nobody reported for listed its rows with monthly 0 and nothing
    said: read as "0 reached". The note and each such row's checks say no rows were
    reported; the consolidated totals stay carried forward."""
    from kipu.core.figures.names import UNREPORTED
    from kipu.core.figures.notes import note_text

    months = [f"2019-{m:02d}" for m in sorted(reported)]
    made = [
        activity(month=m, total_monthly=3, new_beneficiaries=3, pop=(3,), agd=(3,)) for m in months
    ]
    end = f"2019-{max(last, max(reported)):02d}"
    figures = compute(*made, date_from="2019-01", date_to=end)
    period = [f"2019-{m:02d}" for m in range(1, int(end[5:]) + 1)]
    expected = [m for m in period if m > months[0] and m not in months]  # none before rows
    assert figures.unreported == expected
    said = [n for n in figures.notes if "No rows were reported" in n]
    assert bool(said) == bool(expected)
    if expected:
        assert ", ".join(expected) in said[0]
        assert "No se reportaron filas" in note_text(said[0], "es")
    named = named_rows(figures, lang)
    for row in named.iter_rows(named=True):
        flagged = UNREPORTED[lang] in row["checks"]
        assert flagged == (row["month"] in expected)
        if flagged:  # nothing reported: monthly 0, the cumulative carried forward
            assert row["monthly_total"] == 0 and row["new"] == 0
            assert row["consolidated_total"] > 0
