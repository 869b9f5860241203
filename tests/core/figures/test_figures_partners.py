"""Section 7: partners, coverage, operational presence, progress and CVA values."""

from __future__ import annotations

import polars as pl
from figures_factories import LIBERTAD, LIMA, NATIONAL, TUMBES, activity, base_rows, compute, frame
from hypothesis import given, settings
from hypothesis import strategies as st


def partner_rows() -> list[dict]:
    return [
        activity(appealing_org="ORG1", implementing_partner="ORG2", admin2="PE1501"),
        activity(appealing_org="ORG2", sector="FOOD", admin2="PE1502"),
        activity(appealing_org="ORG3", implementing_partner="ORG4", admin1=LIBERTAD,
                 admin2="PE1301", month="2019-02"),
        activity(appealing_org="ORG5", admin1=NATIONAL, sector="HEA", indicator="HEA2"),
    ]  # fmt: skip


def test_partner_counts_match_organisations_by_key() -> None:
    figures = compute(*partner_rows())
    assert (figures.partners["appealing"], figures.partners["implementing"]) == (4, 2)
    assert figures.partners["union"] == 5  # ORG2 is both, counted once
    assert figures.partner_count("union") == 5
    assert figures.partner_count("appealing", sector="FOOD") == 1
    assert figures.partner_count("union", sector="Education") == 4
    assert figures.partner_count("union", admin1=LIMA) == 2
    assert figures.partner_count("implementing", admin2="PE1301") == 1
    assert figures.partner_count("appealing", month="2019-02") == 1
    by_admin1 = figures.partners["by_admin1"].filter(pl.col("admin1") == NATIONAL).to_dicts()
    assert by_admin1[0]["union"] == 1 and by_admin1[0]["admin1_name"] == "Country level"
    assert figures.partners["by_admin2"].height == 3


def test_coverage_excludes_national_rows() -> None:
    figures = compute(*partner_rows())
    assert (figures.coverage_count(1), figures.coverage_count(2)) == (2, 3)
    assert figures.coverage["admin1_units"] == [LIBERTAD, LIMA]
    assert figures.coverage_count(1, sector="FOOD") == 1
    assert figures.coverage_count(2, sector="Education") == 2


def test_operational_presence() -> None:
    figures = compute(*partner_rows())
    org2 = figures.presence.filter(pl.col("organisation") == "ORG2").to_dicts()
    assert [(r["sector"], r["as_appealing"], r["as_implementing"]) for r in org2] == [
        ("EDU", False, True), ("FOOD", True, False)]  # fmt: skip
    matrix = figures.presence_matrix()
    assert matrix.columns == [
        "country",
        "organisation",
        "organisation_name",
        NATIONAL,
        LIBERTAD,
        LIMA,
    ]
    assert matrix.filter(pl.col("organisation") == "ORG5")[NATIONAL].item() == 1
    assert "sector" in figures.presence_matrix(by_sector=True).columns


def test_progress_against_targets() -> None:
    figures = compute(*base_rows(), activity(admin1=TUMBES, sector="HEA", new_beneficiaries=5,
                                             pop=(5,), agd=(5,)))  # fmt: skip
    progress = {(r["admin1"], r["sector"]): r for r in figures.progress.to_dicts()}
    lima_edu = progress[(LIMA, "Education")]
    assert (lima_edu["reached"], lima_edu["people_in_need"], lima_edu["pct_of_need"]) == (
        10, 1000, 1.0)  # fmt: skip
    assert lima_edu["pct_of_targeted"] == 5.0
    tumbes = progress[(TUMBES, "Health")]
    assert (tumbes["reached"], tumbes["pct_of_need"], tumbes["pct_of_targeted"]) == (5, 10.0, 20.0)
    country = progress[(None, "Intersector")]
    assert country["reached"] == 20 and country["pct_of_need"] == 0.2
    assert country["pct_of_targeted"] is None  # no people targeted in the plan
    assert progress[(LIMA, "Food Security")]["people_in_need"] is None


def test_a_target_nobody_reported_on_reads_null_not_zero() -> None:
    """Health in Tumbes has a target and no row: its people reached read 0 and 0.0 % of
    the need, where the report says "none reported" (a tester)."""
    figures = compute(*base_rows())
    progress = {(r["admin1"], r["sector"]): r for r in figures.progress.to_dicts()}
    tumbes = progress[(TUMBES, "Health")]
    assert tumbes["people_in_need"] == 50
    assert (tumbes["reached"], tumbes["pct_of_need"], tumbes["pct_of_targeted"]) == (None,) * 3
    assert progress[(LIMA, "Education")]["reached"] == 10


def test_progress_against_another_years_plan_says_so() -> None:
    """A period of 2020 on a platform with a 2019 plan only: every sector at 0.0 % of 2019's
    targets, and no note said whose targets they were."""
    texts = [str(n) for n in compute(*base_rows(), date_from="2020-03", date_to="2020-03").notes]
    assert any("no plan for 2020" in t and "2019 plan" in t for t in texts), texts
    same = [str(n) for n in compute(*base_rows(), date_from="2019-01", date_to="2019-03").notes]
    assert not any("no plan for" in t for t in same), same


def test_cva_values_by_sector_and_mechanism() -> None:
    mobile = activity(sector="FOOD", cva=True, value_usd=30.0, delivery_mechanism="Mobile Money")
    rows = [*base_rows(), mobile]
    figures = compute(*rows)
    assert figures.cva_value() == 150.0
    assert figures.cva_value(sector="Food Security", mechanism="Voucher") == 120.0
    assert figures.cva_value(sector="EDU") == 0.0
    assert figures.cva.columns == ["country", "sector", "sector_name", "delivery_mechanism",
                                   "value_usd", "rows"]  # fmt: skip


def test_partner_tables_come_sorted_by_their_keys() -> None:
    """Same data, same output line for line (JSON and exports are compared and diffed)."""
    partners = compute(*partner_rows(), *base_rows()).partners
    for table, keys in (
        ("by_sector", ["country", "sector"]),
        ("by_admin1", ["country", "admin1"]),
        ("by_admin2", ["country", "admin1", "admin2"]),
    ):
        frame = partners[table]
        assert frame.height > 1
        assert frame.select(keys).rows() == frame.sort(keys).select(keys).rows(), table


def test_partners_not_registered_are_said_beside_the_counts() -> None:
    """Before, two rows through unregistered partners made "0 implementing partners" and no
    word beside the figure (the validation's warning stayed with the file)."""
    rows = [
        activity(implementation=True, implementing_partner=None),
        activity(implementation=True, implementing_partner=None, month="2019-02"),
        activity(implementation=True, implementing_partner="ORG2"),
        activity(implementation=False),
    ]
    figures = compute(*rows, date_to="2019-02")
    assert figures.partners["implementing"] == 1
    said = [n for n in figures.notes if "names no one registered organisation" in n]
    assert said and said[0].startswith("2 rows"), figures.notes
    assert not [
        n for n in compute(rows[2], rows[3]).notes if "registered organisation" in n
    ]  # none unnamed: nothing said


def test_a_share_rounded_to_nothing_or_to_the_whole_is_kept_whole() -> None:
    """Before, 90 people reached of 480,000 in need read 0.0 in the progress table, and
    9,999 of 10,000 targeted 100.0."""
    from dataclasses import replace

    from figures_factories import reference_data

    from kipu.core.reference import Target

    def shares(reached: int, need: int, targeted: int) -> tuple[float, float]:
        reference = reference_data()
        target = Target("EDU", LIMA, people_in_need=need, people_targeted=targeted)
        plan = replace(reference.plan, targets=[target])
        rows = [activity(new_beneficiaries=reached, pop=(reached,))]
        progress = compute(*rows, reference=replace(reference, plan=plan)).progress
        row = progress.filter(pl.col("admin1") == LIMA, pl.col("sector_code") == "EDU")
        return row["pct_of_need"][0], row["pct_of_targeted"][0]

    assert shares(90, 480_000, 900) == (90 * 100 / 480_000, 10.0)
    assert shares(9_999, 20_000, 10_000) == (50.0, 99.99)


# --- the open data's disclosure rule on places finer than the department ---------------------

_place_rows = st.lists(
    st.fixed_dictionaries({
        "appealing_org": st.sampled_from(["ORG1", "ORG2", "ORG3"]),
        "implementing_partner": st.sampled_from([None, "ORG4", "ORG5"]),
        "admin2": st.sampled_from([None, "PE1501", "PE1502"]),
        "total_monthly": st.integers(0, 9),
        "girls": st.integers(0, 9),
    }),
    min_size=1,
    max_size=12,
)  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(rows=_place_rows, k=st.integers(1, 6))
def test_published_places_are_those_of_the_protected_rows(rows: list[dict], k: int) -> None:
    """With `disclosure_k`, partners by province and the provinces reached (listed and
    counted) are what the rows as the open data shows them give (`protect_activities`: a row
    with a count from 1 to k-1 has its province left out), computed here without the
    engine; the department-level counts are those of every row."""
    from kipu.core.surveys.fivew_disclosure import protect_activities

    given_rows = [activity(**r, implementation=r["implementing_partner"] is not None) for r in rows]
    whole = compute(*given_rows)
    public = compute(*given_rows, disclosure_k=k)
    shown = protect_activities(frame(*given_rows), k).filter(pl.col("admin2").is_not_null())
    for column, kind in (("appealing_org", "appealing"), ("implementing_partner", "implementing")):
        counts = shown.drop_nulls(column).group_by("admin2").agg(pl.col(column).n_unique())
        table = public.partners["by_admin2"].select("admin2", kind)
        assert {a: n for a, n in table.iter_rows() if n} == dict(counts.iter_rows())
        assert public.partner_count(kind, admin1=LIMA) == whole.partner_count(kind, admin1=LIMA)
    assert public.coverage["admin2_units"] == sorted(set(shown["admin2"]))
    assert public.coverage_count(2) == len(set(shown["admin2"]))
    assert public.coverage_count(1) == whole.coverage_count(1)
    assert public.rows.equals(whole.rows)  # people reached are counted by department
