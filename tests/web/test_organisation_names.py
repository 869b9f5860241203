"""An organisations-file row names a stored organisation by any name a 5W file may use for it.

A tester's: `kipu orgs load` of "CARE Perú, CARE" and "Acción contra el Hambre, ACH" (the stored
Spanish names of CARE and Action Against Hunger, no registry ids) created two new organisations
as "2 new", without a word, and the demonstration's 5W file, valid before, then had 47 rows
naming two organisations ("CARE": CARE and the new CARE Perú). Rows were matched by the
English name only."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kipu.core.loaders.organisations import OrganisationRecord
from kipu.core.text import normalise
from kipu.core.validation.resolve import Resolver
from kipu.web.platforms.models import Membership, Organisation, Platform
from kipu.web.platforms.queries import reference_data
from kipu.web.platforms.services import load_organisations
from kipu.web.reference.services import import_reference

pytestmark = pytest.mark.django_db
HYPOTHESIS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

# Words no fixture organisation has ("Partner A", "Socio B", "PA", "PB").
WORD = st.text(alphabet="bcdfgklmrtvzáéíóúñ", min_size=3, max_size=8)
ACRONYM = st.text(alphabet="CDFGHKLMRTVXZ", min_size=2, max_size=5)


def _varied(text: str, how: int) -> str:
    """`text` as another file may write it: case, accents, spaces (what `normalise` folds)."""
    if how == 1:
        return text.upper()
    if how == 2:
        return f"  {text.lower()} "
    if how == 3:
        return text.replace("a", "á").replace("o", "ó").replace("é", "e")
    return text


@st.composite
def stored_organisation(draw: st.DrawFn) -> dict[str, object]:
    words = draw(st.lists(WORD, min_size=5, max_size=5, unique_by=normalise))
    return {
        "name_en": f"Org {words[0]}",
        "name_es": f"Organización {words[1]}",
        "name_pt": f"Organização {words[2]}",
        "acronym": draw(ACRONYM),
        "aliases": [f"Alias {words[3]}", f"Alias {words[4]}"],
        "external_id": draw(st.none() | st.just("ORG777")),
    }


def _store(platform: Platform, values: dict[str, object]) -> Organisation:
    aliases = values["aliases"]
    assert isinstance(aliases, list)
    record = OrganisationRecord(
        str(values["name_en"]),
        name_es=str(values["name_es"]),
        name_pt=str(values["name_pt"]),
        acronym=str(values["acronym"]),
        external_id=str(values["external_id"] or ""),
        aliases=list(aliases),
    )
    load_organisations(platform, [record])
    return Organisation.objects.get(name_en=values["name_en"])


def _resolves(platform: Platform, organisation: Organisation) -> None:
    """Every label of `organisation` names it, and it alone, in the platform's 5W files."""
    resolver = Resolver(reference_data(platform))
    labels = [organisation.name_en, organisation.name_es, organisation.name_pt]
    for label in [*labels, organisation.acronym, *organisation.aliases]:
        assert resolver.organisation(label).key == organisation.key, label


@given(
    values=stored_organisation(),
    kind=st.sampled_from(["name_en", "name_es", "name_pt", "alias", "acronym", "bracketed"]),
    how=st.integers(0, 3),
    with_acronym=st.booleans(),
)
@HYPOTHESIS
def test_a_row_naming_an_organisation_by_any_stored_name_matches_it(
    platform: Platform,
    values: dict[str, object],
    kind: str,
    how: int,
    with_acronym: bool,
) -> None:
    with transaction.atomic():
        organisation = _store(platform, values)
        aliases = values["aliases"]
        assert isinstance(aliases, list)
        written = {
            "alias": aliases[1],
            "bracketed": f"{values['name_es']} ({values['acronym']})",
        }.get(kind) or str(values[kind])
        count = Organisation.objects.count()
        record = OrganisationRecord(
            _varied(written, how),
            acronym=str(values["acronym"]) if with_acronym else "",
            org_type="INGO",
        )
        done = load_organisations(platform, [record])
        assert (done.created, done.updated, done.refused) == (0, 1, 0)
        assert Organisation.objects.count() == count  # no second organisation
        organisation.refresh_from_db()
        assert organisation.org_type == "INGO"  # the row's values are its
        if kind == "name_en":
            assert normalise(organisation.name_en) == normalise(values["name_en"])
            assert not done.remarks
        else:
            assert organisation.name_en == values["name_en"]  # not renamed "Organización …"
            assert organisation.aliases == aliases  # its other names kept
            [(row, remark)] = done.remarks
            assert f"of {organisation.name_en} ({organisation.key}): loaded as it" in remark
        _resolves(platform, organisation)
        transaction.set_rollback(True)


@given(
    first=stored_organisation(),
    second=stored_organisation(),
    kind=st.sampled_from(["name_en", "name_es", "name_pt", "alias"]),
    contradiction=st.sampled_from(["acronym", "id"]),
)
@HYPOTHESIS
def test_a_row_whose_name_is_one_organisation_s_and_acronym_or_id_another_s_is_refused(
    platform: Platform,
    first: dict[str, object],
    second: dict[str, object],
    kind: str,
    contradiction: str,
) -> None:
    names = {normalise(v) for v in (first["name_en"], first["name_es"], first["name_pt"])}
    if names & {normalise(second[k]) for k in ("name_en", "name_es", "name_pt")}:
        return  # the two share a name: another test's case
    if normalise(first["acronym"]) == normalise(second["acronym"]):
        second = {**second, "acronym": f"{second['acronym']}Q"}
    with transaction.atomic():
        one = _store(platform, {**first, "external_id": None})
        other = _store(platform, {**second, "external_id": "ORG888"})
        aliases = first["aliases"]
        assert isinstance(aliases, list)
        written = aliases[0] if kind == "alias" else str(first[kind])
        record = OrganisationRecord(written, acronym=other.acronym, org_type="NNGO")
        if contradiction == "id":
            record = OrganisationRecord(written, external_id="ORG888", org_type="NNGO")
        before = [(o.pk, o.name_en, o.acronym, o.org_type) for o in Organisation.objects.all()]
        done = load_organisations(platform, [record])
        assert (done.created, done.updated, done.refused) == (0, 0, 1)
        after = [(o.pk, o.name_en, o.acronym, o.org_type) for o in Organisation.objects.all()]
        assert after == before  # nothing changed, nothing created
        [(_, remark)] = done.remarks
        assert "row not loaded" in remark
        assert f"{one.name_en} ({one.key})" in remark and f"{other.name_en} (ORG888)" in remark
        transaction.set_rollback(True)


def test_a_new_organisation_sharing_a_member_s_name_is_said(platform: Platform) -> None:
    """A new registry id is a new organisation even when a member has its name (nothing is
    taken over by name), but 5W rows writing that name then name neither: said, naming both."""
    done = load_organisations(
        platform, [OrganisationRecord("Socio B", acronym="SB", external_id="ORG555")]
    )
    assert done.created == 1
    assert done.remarks == [
        (
            None,
            "'Socio B', the English name of Socio B (ORG555), is also a name of Partner B "
            "(ORG902): 5W rows writing it will name neither (give each its own name, or write "
            "the registry id in the 5W files)",
        )
    ]
    # A name no member has says nothing; nor does a reload of the same row.
    assert not load_organisations(platform, [OrganisationRecord("Partner Z")]).remarks
    assert not load_organisations(
        platform, [OrganisationRecord("Socio B", acronym="SB", external_id="ORG555")]
    ).remarks


def test_a_name_of_several_organisations_is_refused_unless_the_acronym_tells(
    platform: Platform,
) -> None:
    load_organisations(
        platform,
        [
            OrganisationRecord("CARE Perú", acronym="CARE", aliases=["CARE"]),
            OrganisationRecord("CARE Ecuador", acronym="CAREEC", aliases=["CARE"]),
        ],
    )
    count = Organisation.objects.count()
    done = load_organisations(platform, [OrganisationRecord("Care")])
    assert done.refused == 1 and Organisation.objects.count() == count
    assert "'Care' names several organisations (CARE Perú (org-" in done.remarks[0][1]
    done = load_organisations(platform, [OrganisationRecord("Care", acronym="CAREEC")])
    assert (done.updated, done.refused, Organisation.objects.count()) == (1, 0, count)


def test_the_tester_s_file_matches_care_and_action_against_hunger(
    platform: Platform, tmp_path: Path
) -> None:
    load_organisations(
        platform,
        [
            OrganisationRecord(
                "CARE", name_es="CARE Perú", acronym="CARE", org_type="INGO", aliases=["CARE Perú"]
            ),
            OrganisationRecord(
                "Action Against Hunger",
                name_es="Acción contra el Hambre",
                acronym="ACH",
                org_type="INGO",
                aliases=["Acción contra el Hambre"],
            ),
        ],
    )
    count = Organisation.objects.count()
    path = tmp_path / "orgs.csv"
    path.write_text(
        "Organization,Acronym,Type\nCARE Perú,CARE,INGO\nAcción contra el Hambre,ACH,INGO\n",
        encoding="utf-8",
    )
    result = import_reference("organisations", platform, path, "cli:tester")
    assert result.ok and Organisation.objects.count() == count
    assert (result.summary["created"], result.summary["updated"]) == (0, 2)
    assert result.summary["warnings"] == [
        "orgs.csv, row 2: 'CARE Perú' is the Spanish name of CARE (org-"
        f"{Organisation.objects.get(acronym='CARE').pk}): loaded as it (its English name kept)",
        "orgs.csv, row 3: 'Acción contra el Hambre' is the Spanish name of Action Against "
        f"Hunger (org-{Organisation.objects.get(acronym='ACH').pk}): loaded as it (its English "
        "name kept)",
    ]
    assert sorted(Organisation.objects.values_list("name_en", flat=True))[:2] == [
        "Action Against Hunger",
        "CARE",
    ]


def test_a_file_whose_every_row_is_refused_is_refused_whole(
    platform: Platform, tmp_path: Path
) -> None:
    path = tmp_path / "orgs.csv"
    path.write_text("id,name\nORG901,Socio B\n", encoding="utf-8")
    before = list(Membership.objects.values_list("pk", "aliases"))
    result = import_reference("organisations", platform, path, "cli:tester")
    assert not result.ok
    assert result.errors == [
        "orgs.csv, row 2: registry id ORG901 is Partner A (ORG901)'s, but the name 'Socio B' is "
        "Partner B (ORG902)'s: row not loaded; correct the id or the name",
        "orgs.csv: no row could be loaded",
    ]
    assert list(Membership.objects.values_list("pk", "aliases")) == before


def test_a_name_written_otherwise_renames_and_says_so_without_a_registry_id(
    platform: Platform, tmp_path: Path
) -> None:
    load_organisations(platform, [OrganisationRecord("Partner C")])
    path = tmp_path / "orgs.csv"
    path.write_text("name\nPARTNER  c\n", encoding="utf-8")
    result = import_reference("organisations", platform, path, "cli:tester")
    assert result.summary["warnings"] == [
        "orgs.csv, row 2: renamed Partner C to PARTNER  c (the row writes its name so), for "
        "every platform using it"
    ]
