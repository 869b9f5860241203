"""Reloading a year's plan with its sectors written otherwise. Before, a list writing "Salud"
and "Educación" for the stored Health and Education made new sectors SALUD and EDUCACION and
moved every indicator into them; the targets stayed on Health and Education, which had no
indicators left, and the import said "targets kept as stored". A sector written by its code
was renamed to the code, and an indicator moved or a sector renamed was said nowhere."""

from __future__ import annotations

from pathlib import Path

import pytest

from kipu.core.loaders.plan import IndicatorRecord, PlanContent, SectorRecord
from kipu.web.audit.models import AuditEvent
from kipu.web.plans.models import Indicator, Sector, Target
from kipu.web.platforms.models import Platform
from kipu.web.reference.services import Imported, import_reference

ENGLISH = (
    "sector,sector_code,sector_es,indicator,code,type\n"
    "Health,HE,Salud,People receiving primary health care,HE1,People\n"
    "Health,HE,Salud,Consultations,HE2,People\n"
    "Education,ED,Educación,Children enrolled,ED1,People\n"
)
TARGETS = "sector,admin1,people_targeted\nHealth,,500\nEducation,,400\n"


@pytest.fixture
def platform(make_platform) -> Platform:  # noqa: ANN001
    return make_platform()


def _load(platform: Platform, tmp_path: Path, text: str, targets: str = "") -> Imported:
    path = tmp_path / "plan.csv"
    path.write_text(text, encoding="utf-8")
    options: dict[str, object] = {"year": 2026}
    if targets:
        (tmp_path / "targets.csv").write_text(targets, encoding="utf-8")
        options["targets_file"] = tmp_path / "targets.csv"
    return import_reference("plan", platform, path, "cli:test", options)


def _stored(platform: Platform) -> dict[str, tuple[str, str, list[str], int]]:
    """Each sector of 2026 by code: its names, its indicators and its number of targets."""
    return {
        s.code: (
            s.name_en,
            s.name_es,
            sorted(s.indicators.values_list("code", flat=True)),
            s.targets.count(),
        )
        for s in Sector.objects.filter(plan__platform=platform, plan__year=2026)
    }


def _warnings(done: Imported) -> str:
    return " | ".join(done.summary.get("warnings", []))


@pytest.fixture
def english(platform: Platform, tmp_path: Path) -> dict[str, tuple[str, str, list[str], int]]:
    assert _load(platform, tmp_path, ENGLISH, TARGETS).ok
    return _stored(platform)


def test_sectors_written_in_spanish_or_by_code_are_the_stored_ones(
    platform, tmp_path, english
) -> None:  # noqa: ANN001
    """No new sector, the names kept as stored, and nothing to warn of; "he" for the stored
    HE renamed Health to "he"."""
    for sectors in (("SALUD", "salud", "Educacion"), ("he", "HE", "ed")):
        rows = zip(sectors, ("HE1", "HE2", "ED1"), strict=True)
        text = "sector,indicator,code,type\n" + "".join(
            f"{sector},Indicador {code},{code},Personas\n" for sector, code in rows
        )
        done = _load(platform, tmp_path, text)
        assert done.ok, done.errors
        assert _stored(platform) == english
        assert "moves" not in _warnings(done) and "renamed" not in _warnings(done)


def test_new_sectors_leaving_targets_behind_are_refused(platform, tmp_path: Path) -> None:
    """The reported case: the stored sectors have no Spanish names, so "Salud" is a new
    sector; the plan is refused whole, naming the sectors and the indicators that left."""
    english = (
        "sector,indicator,code,type\n"
        "Health,Primary care,HE1,People\nEducation,Enrolled,ED1,People\n"
    )
    assert _load(platform, tmp_path, english, TARGETS).ok
    before = _stored(platform)
    spanish = (
        "sector,indicator,code,type\n"
        "Salud,Atención primaria,HE1,Personas\nEducación,Matriculados,ED1,Personas\n"
    )
    done = _load(platform, tmp_path, spanish)
    said = " | ".join(done.errors)
    assert not done.ok
    assert "sector Health (HEALTH) has targets but would have no indicators left" in said
    assert "HE1 to Salud (SALUD, a sector this file adds)" in said
    assert "ED1 to Educación (EDUCACION, a sector this file adds)" in said
    assert _stored(platform) == before  # nothing stored
    assert AuditEvent.objects.filter(action="import_plan").count() == 1


def test_targets_given_again_let_the_sectors_change(platform, tmp_path, english) -> None:  # noqa: ANN001
    moved = ENGLISH.replace("Education,ED,Educación", "Schooling,SC,Escolaridad")
    done = _load(
        platform, tmp_path, moved, "sector,admin1,people_targeted\nHealth,,5\nSchooling,,4\n"
    )
    assert done.ok, done.errors
    assert "indicator ED1 moves from Education to Schooling (SC, a sector this file adds)" in (
        _warnings(done)
    )
    assert _stored(platform)["ED"] == ("Education", "Educación", [], 0)


def test_a_move_into_an_existing_sector_is_warned(platform, tmp_path, english) -> None:  # noqa: ANN001
    moved = ENGLISH.replace("Health,HE,Salud,Consultations", "Education,ED,Educación,Consultations")
    done = _load(platform, tmp_path, moved)
    assert done.ok, done.errors
    assert "indicator HE2 moves from Health to Education" in _warnings(done)
    assert Indicator.objects.get(plan__year=2026, code="HE2").sector.code == "ED"


def test_a_sector_left_without_indicators_is_refused(platform, tmp_path, english) -> None:  # noqa: ANN001
    """Education's only indicator left out of the list: it was deleted, and Education kept
    its target with nothing to count against it."""
    done = _load(platform, tmp_path, ENGLISH.rsplit("Education", 1)[0])
    assert not done.ok
    assert "sector Education (ED) has targets but would have no indicators left; keep its " in (
        " | ".join(done.errors)
    )
    assert _stored(platform) == english


def test_a_renamed_sector_is_warned(platform, tmp_path, english) -> None:  # noqa: ANN001
    done = _load(platform, tmp_path, ENGLISH.replace("Health,HE,Salud", "Health care,HE,Salud"))
    assert done.ok, done.errors
    assert "sector HE renamed from 'Health' / 'Salud' to 'Health care' / 'Salud'" in (
        _warnings(done)
    )


def test_a_new_code_with_a_stored_name_is_refused(platform, tmp_path, english) -> None:  # noqa: ANN001
    """A second sector named Salud: 5W rows naming it went to the first."""
    done = _load(platform, tmp_path, ENGLISH.replace("Health,HE,Salud", "Salud,SAL,Salud"))
    assert not done.ok
    assert "sector SAL (Salud) has the name of the stored sector HE" in " | ".join(done.errors)
    assert _stored(platform) == english


def test_an_indicator_moved_into_a_sub_sector_leaves_its_sector_counted(platform) -> None:  # noqa: ANN001
    """Progress rolls a sub-sector up to its sector: Protection's targets still count."""
    from kipu.web.plans.services import PlanChanges, load_plan

    plan = platform.plans.get(year=2019)
    Target.objects.create(plan=plan, sector=plan.sectors.get(code="PRO"), people_targeted=10)
    content = PlanContent(
        sectors=[
            SectorRecord("PRO", "Protection", "Protección"),
            SectorRecord("PRO-CP", "Child protection", parent_code="PRO"),
        ],
        indicators=[IndicatorRecord("PRO-01", "People oriented", "PRO-CP", "PiN")],
    )
    changes = PlanChanges()
    load_plan(platform, 2019, content, changes=changes)
    assert [(i.code, before.code) for i, before in changes.moved] == [("PRO-01", "PRO")]
    assert changes.emptied == []


def test_a_sub_sector_made_a_sector_is_warned(platform, tmp_path: Path) -> None:  # noqa: ANN001
    """A parent_sector column with an empty cell makes a sub-sector a sector: its figures no
    longer roll up to Protection, said in a warning."""
    plan = platform.plans.get(year=2019)
    protection = plan.sectors.get(code="PRO")
    Sector.objects.create(plan=plan, code="PRO-CP", name_en="Child protection", parent=protection)
    path = tmp_path / "plan.csv"
    path.write_text(
        "sector,sector_code,parent_sector,indicator,code,type\n"
        "Protection,PRO,,People oriented,PRO-01,PiN\nChild protection,PRO-CP,,Kids,CP-01,PiN\n"
    )
    done = import_reference("plan", platform, path, "cli:test", {"year": 2019})
    assert done.ok, done.errors
    assert "sector Child protection is now a sector, no longer under Protection" in (
        _warnings(done)
    )
    assert plan.sectors.get(code="PRO-CP").parent is None


SUB_SECTORS = PlanContent(
    sectors=[
        SectorRecord("PRO", "Protection", "Protección"),
        SectorRecord("GBV", "Gender-based violence", "Violencia de género", parent_code="PRO"),
        SectorRecord("CP", "Child protection", "Protección de la niñez", parent_code="PRO"),
        SectorRecord("HE", "Health", "Salud"),
    ],
    indicators=[
        IndicatorRecord("GBV1", "Survivors assisted", "GBV", "People"),
        IndicatorRecord("CP1", "Children assisted", "CP", "People"),
        IndicatorRecord("HE1", "Medical consultations", "HE", "People", "Consultas médicas"),
    ],
)
LIST = (
    "sector,indicator,code,type\nGender-based violence,Survivors assisted,GBV1,People\n"
    "Child protection,Children assisted,CP1,People\nHealth,Medical consultations,HE1,People\n"
)
PARENTS = (
    "parent_sector,sector,indicator,code,type\n"
    "Protection,Gender-based violence,Survivors assisted,GBV1,People\n"
    "PRO,Child protection,Children assisted,CP1,People\n"
    ",Health,Medical consultations,HE1,People\n"
)


@pytest.fixture
def sub_sectors(platform: Platform) -> dict[str, tuple[str, str, list[str], int]]:
    """2026: Protection, with targets, and its sub-sectors holding the indicators."""
    from kipu.web.plans.services import load_plan

    plan = load_plan(platform, 2026, SUB_SECTORS)
    Target.objects.create(plan=plan, sector=plan.sectors.get(code="PRO"), people_targeted=10)
    return _stored(platform)


def _parents(platform: Platform) -> dict[str, str | None]:
    sectors = Sector.objects.filter(plan__platform=platform, plan__year=2026)
    return {s.code: s.parent.code if s.parent else None for s in sectors}


def test_a_file_without_parents_keeps_the_stored_ones(platform, tmp_path, sub_sectors) -> None:  # noqa: ANN001
    """R4V's list names no parents: every stored sub-sector was made a sector, and the plan
    was refused, Protection left with targets and no indicators, whatever the file."""
    coded = LIST.replace("sector,", "sector,sector_code,").replace("violence,", "violence,GBV,")
    coded = coded.replace("protection,", "protection,CP,").replace("Health,", "Health,HE,")
    for text in (LIST, coded):
        done = _load(platform, tmp_path, text)
        assert done.ok, done.errors
        assert "is now a sector" not in _warnings(done)
        assert _parents(platform) == {"PRO": None, "GBV": "PRO", "CP": "PRO", "HE": None}
        assert _stored(platform) == sub_sectors


def test_a_list_gives_parents_in_parent_sector(platform, tmp_path, sub_sectors) -> None:  # noqa: ANN001
    """The column was accepted and never read: a list naming the parents was refused as the
    one without them, and its targets for Protection were "unknown sector"."""
    targets = "sector,admin1,people_targeted\nProtection,,20\nHealth,,30\n"
    done = _load(platform, tmp_path, PARENTS, targets)
    assert done.ok, done.errors
    assert "not read" not in _warnings(done) and "is now a sector" not in _warnings(done)
    assert _parents(platform) == {"PRO": None, "GBV": "PRO", "CP": "PRO", "HE": None}
    assert _stored(platform)["PRO"] == ("Protection", "Protección", [], 1)
    done = _load(platform, tmp_path, PARENTS.replace("\nProtection,", "\n,").replace("PRO,", ","))
    said = " | ".join(done.errors)
    assert "(no longer under it: Gender-based violence, Child protection); give " in said
    assert "the parent Protection again (the sectors sheet's parent column, or an indicator " in (
        said
    )
    assert "give the plan's targets again without it" in said
    assert _parents(platform)["GBV"] == "PRO"


def test_a_spanish_list_keeps_the_english_names(platform, tmp_path, sub_sectors) -> None:  # noqa: ANN001
    """A list with "Indicador" and no English column replaced "Medical consultations" with
    "Consultas médicas"; a new indicator takes its Spanish name in English too, said."""
    text = (
        "Sector,Indicador,Código,Tipo\nViolencia de género,Sobrevivientes,GBV1,Personas\n"
        "Protección de la niñez,Niños,CP1,Personas\nSalud,Consultas médicas,HE1,Personas\n"
        "Salud,Vacunas,HE2,Personas\n"
    )
    done = _load(platform, tmp_path, text)
    assert done.ok, done.errors
    names = dict(Indicator.objects.filter(plan__year=2026).values_list("code", "name_en"))
    assert names == {
        "GBV1": "Survivors assisted", "CP1": "Children assisted",
        "HE1": "Medical consultations", "HE2": "Vacunas",
    }  # fmt: skip
    assert Indicator.objects.get(plan__year=2026, code="CP1").name_es == "Niños"
    assert "where no English name is stored" in _warnings(done)


def test_a_sector_code_with_its_spanish_name_renames_nothing(platform, tmp_path, english) -> None:  # noqa: ANN001
    """ "HE, Salud" renamed Health to Salud; a new English name still renames it."""
    spanish = ENGLISH.replace("sector,sector_code,sector_es,", "Sector,sector_code,")
    spanish = spanish.replace("Health,HE,Salud,", "Salud,HE,")
    spanish = spanish.replace("Education,ED,Educación,", "Educación,ED,")
    done = _load(platform, tmp_path, spanish)
    assert done.ok, done.errors
    assert _stored(platform) == english
    assert "renamed" not in _warnings(done)
    done = _load(platform, tmp_path, spanish.replace("Salud,HE", "Health care,HE"))
    assert done.ok, done.errors
    assert _stored(platform)["HE"][:2] == ("Health care", "Salud")
    assert "sector HE renamed from 'Health' / 'Salud' to 'Health care' / 'Salud'" in (
        _warnings(done)
    )


def test_an_indicator_left_out_is_said_deleted(platform, tmp_path, english) -> None:  # noqa: ANN001
    """A list without HE2 printed "2 indicators, targets kept as stored" and HE2 was gone."""
    without = "".join(line + "\n" for line in ENGLISH.splitlines() if ",HE2," not in line)
    done = _load(platform, tmp_path, without)
    assert done.ok, done.errors
    assert "plan.csv: indicator HE2 'Consultations' is not in the file: deleted" in _warnings(done)
    assert not Indicator.objects.filter(code="HE2", sector__plan__platform=platform).exists()
    again = _load(platform, tmp_path, without)
    assert "deleted" not in _warnings(again)  # nothing left out the second time


def test_a_spanish_list_for_a_new_year_stores_spanish_sector_names(platform, tmp_path) -> None:  # noqa: ANN001
    """A re-tester's: a Spanish-only list stored "Salud" as the English name with no Spanish
    one; a Spanish-only list's sectors are Spanish names (English too, as new)."""
    text = "Sector,Indicador,Código,Tipo\nSalud,Consultas médicas,HE1,Personas\n"
    done = _load(platform, tmp_path, text)
    assert done.ok, done.errors
    sector = Sector.objects.get(plan__platform=platform, plan__year=2026)
    assert (sector.name_en, sector.name_es) == ("Salud", "Salud")
    again = _load(platform, tmp_path, text.replace("Consultas médicas", "Consultas"))
    assert again.ok and "renamed" not in _warnings(again)
    assert Sector.objects.filter(plan__platform=platform, plan__year=2026).count() == 1


def test_a_sector_written_in_english_and_in_spanish_is_counted_once(
    platform, tmp_path, english
) -> None:  # noqa: ANN001
    """The import said "sectors: 3" for Health, Salud and Education: Health counted twice."""
    text = (
        "sector,indicator,code,type\nHealth,Atención primaria,HE1,People\n"
        "Salud,Consultas,HE2,Personas\nEducation,Matriculados,ED1,People\n"
    )
    done = _load(platform, tmp_path, text)
    assert done.ok, done.errors
    assert done.summary["sectors"] == 2
    assert {code: stored[2] for code, stored in _stored(platform).items()} == {
        "HE": ["HE1", "HE2"],
        "ED": ["ED1"],
    }


def _workbook(tmp_path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    path = tmp_path / "plan.xlsx"
    book.save(path)
    return path


def test_a_reload_without_targets_or_proportions_says_it_keeps_the_stored_ones(
    platform, tmp_path
) -> None:  # noqa: ANN001
    """A workbook without a proportions sheet kept last load's proportions without a word
    (the max-cell figures still use them); the web page said "targets: 0"."""
    sectors = [["code", "name_en"], ["HE", "Health"]]
    indicators = [["code", "indicator", "sector", "type"], ["HE1", "Care", "Health", "People"]]
    full = {
        "sectors": sectors,
        "indicators": indicators,
        "targets": [["sector", "admin1", "people_targeted"], ["Health", "", 500]],
        "proportions": [
            ["sector", "admin1", "population_type", "girls", "boys", "women", "men"],
            ["Health", "Country level", "In destination", 0.25, 0.25, 0.25, 0.25],
        ],
    }
    options = {"year": 2026}
    first = import_reference("plan", platform, _workbook(tmp_path, full), "cli:test", options)
    assert first.ok, first.errors
    assert "stored" not in _warnings(first)
    only = {"sectors": sectors, "indicators": indicators}
    done = import_reference("plan", platform, _workbook(tmp_path, only), "cli:test", options)
    assert done.ok, done.errors
    assert "plan.xlsx gives no targets: the 1 stored target is kept" in _warnings(done)
    assert "plan.xlsx gives no proportions: the 1 stored proportion is kept" in _warnings(done)
    assert Target.objects.filter(plan__platform=platform).count() == 1


def test_a_reload_audits_the_entries_it_changed_on_every_platform_using_the_plan(
    platform, tmp_path, english
) -> None:  # noqa: ANN001
    """A reload was audited as counts ("targets: 2"): which target changed, and from what,
    could not be told; and a national platform keeping its regional platform's plan saw
    nothing in its log."""
    from kipu.web.platforms.services import add_platform

    below = add_platform("gtrm-below", "Below", country="PER", parent=platform.slug)
    targets = "sector,admin1,people_targeted\nHealth,,500\nEducation,,450\n"
    renamed = ENGLISH.replace("Consultations", "Medical consultations")
    done = _load(platform, tmp_path, renamed, targets)
    assert done.ok, done.errors
    events = AuditEvent.objects.filter(action="import_plan_entries").order_by("pk")
    last = [e for e in events if e.note.startswith("plan.csv")][-2:]
    assert {e.platform for e in last} == {platform, below}
    for event in last:
        assert event.before == {
            "indicators": {"HE2": ["HE", "Consultations", "", "", "People"]},
            "targets": {"ED country": [None, 400, None]},
        }
        assert event.after == {
            "indicators": {"HE2": ["HE", "Medical consultations", "", "", "People"]},
            "targets": {"ED country": [None, 450, None]},
        }
    again = _load(platform, tmp_path, renamed, targets)
    assert again.ok
    assert AuditEvent.objects.filter(action="import_plan_entries").count() == events.count()


def test_a_reload_without_a_name_or_classification_keeps_the_stored_ones(
    platform, tmp_path
) -> None:  # noqa: ANN001
    """`kipu plan load` without --name, or the web form left blank, renamed "GTRM Peru RMRP
    2026" to the platform's name and year, and made a plan by areas one by sectors, without
    a word; the audit did not say it either."""
    path = tmp_path / "plan.csv"
    path.write_text(ENGLISH, encoding="utf-8")
    named = {"year": 2026, "name": "RMRP 2026", "classification": "areas"}
    assert import_reference("plan", platform, path, "cli:test", named).ok
    again = import_reference("plan", platform, path, "cli:test", {"year": 2026})
    assert again.ok, again.errors
    plan = Sector.objects.filter(plan__platform=platform, plan__year=2026).first().plan
    assert (plan.name, plan.classification) == ("RMRP 2026", "areas")
    renamed = {"year": 2026, "name": "RMRP 2026 (revised)", "classification": "sectors"}
    assert import_reference("plan", platform, path, "cli:test", renamed).ok
    last = AuditEvent.objects.filter(action="import_plan_entries").latest("pk")
    assert last.before == {"plan": {"name": ["RMRP 2026"], "classification": ["areas"]}}
    assert last.after == {"plan": {"name": ["RMRP 2026 (revised)"], "classification": ["sectors"]}}


def test_a_first_plan_of_its_own_says_the_platform_stops_using_its_parents(
    platform, tmp_path
) -> None:  # noqa: ANN001
    """A national platform keeping its regional platform's plans that loads a plan of its
    own uses only its own plans from then on, for every year: it went without a word."""
    from kipu.web.platforms.services import add_platform

    below = add_platform("gtrm-below", "Below", country="PER", parent=platform.slug)
    path = tmp_path / "plan.csv"
    path.write_text(ENGLISH, encoding="utf-8")
    done = import_reference("plan", below, path, "cli:test", {"year": 2025})
    assert done.ok, done.errors
    assert f"Below used the plans of {platform.name}" in _warnings(done)
    again = import_reference("plan", below, path, "cli:test", {"year": 2025})
    assert "used the plans of" not in _warnings(again)


FULL = (
    "sector,admin1,people_in_need,people_targeted,budget\n"
    "Health,,900,500,1000\nEducation,,800,400,2000\nHealth,Lima,90,50,\n"
)


@pytest.mark.parametrize(
    ("again", "said"),
    [
        # Without the people_in_need column: every stored PiN was cleared without a word.
        (
            "sector,admin1,people_targeted,budget\n"
            "Health,,500,1000\nEducation,,400,2000\nHealth,Lima,50,\n",
            [
                "targets.csv gives no people in need for 3 stored targets that had one (ED "
                "country, HE PE15, HE country): cleared"
            ],
        ),
        # Some figures left empty: those.
        (
            "sector,admin1,people_in_need,people_targeted,budget\n"
            "Health,,900,,1000\nEducation,,,400,\nHealth,Lima,90,50,\n",
            [
                "targets.csv gives no people in need for 1 stored target that had one (ED "
                "country): cleared",
                "targets.csv gives no people targeted for 1 stored target that had one (HE "
                "country): cleared",
                "targets.csv gives no budget for 1 stored target that had one (ED country): "
                "cleared",
            ],
        ),
        # Fewer rows: the others' targets were deleted without a word; the warning about
        # the figures counts the targets that stay.
        (
            "sector,admin1,people_targeted\nHealth,,500\n",
            [
                "targets.csv leaves out 2 stored targets (ED country, HE PE15): deleted",
                "targets.csv gives no people in need for 1 stored target that had one (HE "
                "country): cleared",
                "targets.csv gives no budget for 1 stored target that had one (HE country): "
                "cleared",
            ],
        ),
        # An admin1 column headed otherwise: the department's target became the country's.
        (
            "sector,Ubicación,people_in_need,people_targeted,budget\n"
            "Education,,800,400,2000\nHealth,Lima,90,50,\n",
            [
                "targets.csv leaves out 1 stored target (HE PE15): deleted",
                "targets.csv gives no budget for 1 stored target that had one (HE country): "
                "cleared",
            ],
        ),
        # Every figure given again, in another order: nothing to say.
        (
            "sector,admin1,budget,people_targeted,people_in_need\n"
            "Education,,2000,400,800\nHealth,Lima,,50,90\nHealth,,1000,500,900\n",
            [],
        ),
    ],
)
def test_a_reload_says_which_stored_targets_it_deletes_or_clears(
    platform, tmp_path, again, said
) -> None:  # noqa: ANN001
    """Targets are replaced whole: a file without people in need cleared every stored PiN,
    and a file of fewer rows deleted the others' targets, each without a word (coverage then
    read "no data"). Deleted or cleared, as documented, and now said, naming them."""
    assert _load(platform, tmp_path, ENGLISH, FULL).ok
    done = _load(platform, tmp_path, ENGLISH, again)
    assert done.ok, done.errors
    told = [w for w in done.summary.get("warnings", []) if "deleted" in w or "cleared" in w]
    assert [w.split(", as ")[0] for w in told] == said
    if said and "people in need for 3" in said[0]:
        assert not Target.objects.filter(plan__platform=platform).exclude(people_in_need=None)


def test_a_reload_says_which_stored_proportions_it_deletes(platform, tmp_path) -> None:  # noqa: ANN001
    """Proportions are replaced whole too: one the file leaves out was deleted silently."""
    sectors = [["code", "name_en"], ["HE", "Health"]]
    indicators = [["code", "indicator", "sector", "type"], ["HE1", "Care", "Health", "People"]]
    header = ["sector", "admin1", "population_type", "girls", "boys", "women", "men"]
    rows = [
        ["Health", "Lima", "In destination", 0.25, 0.25, 0.25, 0.25],
        ["Health", "Lima", "In transit", 0.1, 0.2, 0.3, 0.4],
    ]
    options = {"year": 2026}
    for proportions, said in (
        ([header, *rows], []),
        ([header, rows[0]], ["plan.xlsx leaves out 1 stored proportion (HE PE15 in_transit)"]),
    ):
        book = {"sectors": sectors, "indicators": indicators, "proportions": proportions}
        done = import_reference("plan", platform, _workbook(tmp_path, book), "cli:test", options)
        assert done.ok, done.errors
        told = [w.split(": deleted")[0] for w in done.summary.get("warnings", []) if "deleted" in w]
        assert told == said
