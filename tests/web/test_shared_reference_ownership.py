"""Records every platform shares (organisations, the gazetteer): only their owner changes them.

An organisation is owned by the platform that created it (or by nobody: the installation); the
administrators of its owner platform, superusers and the `kipu` command change its shared
fields, and every other platform keeps its own names for it in its membership. Every change
to a shared record is audited on every platform that uses it. The gazetteer is changed by
installation administrators only."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from kipu.core.loaders.organisations import OrganisationRecord
from kipu.web.accounts.services import assign_role
from kipu.web.audit.models import AuditEvent
from kipu.web.locations.models import Location
from kipu.web.platforms.models import Membership, Organisation, Platform
from kipu.web.platforms.queries import can_change_shared, reference_data
from kipu.web.platforms.services import add_platform, load_organisations
from kipu.web.reference import forms
from kipu.web.reference.services import (
    before_edit,
    import_reference,
    notice_text,
    save_organisation,
)

pytestmark = pytest.mark.django_db
A, B = "?platform=gtrm-test", "?platform=gtrm-other"


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def upload(name: str, text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


@pytest.fixture
def admin_b(other_platform: Platform) -> User:
    """The administrator of platform B (gtrm-other), nobody on platform A (gtrm-test)."""
    user = User.objects.create_user("im.b", "im.b@example.org", "x")
    assign_role(user, other_platform, "admin")
    return user


@pytest.fixture
def superuser() -> User:
    return User.objects.create_superuser("root", "root@example.org", "x")


@pytest.fixture
def org14(platform: Platform) -> Organisation:
    """An organisation only platform A uses, which A created (A owns it)."""
    record = OrganisationRecord(
        "Original name", name_es="Nombre original", acronym="ON", external_id="ORG014"
    )
    record.aliases = ["Orig"]
    load_organisations(platform, [record])
    return Organisation.objects.get(external_id="ORG014")


def shared(organisation: Organisation) -> tuple[Any, ...]:
    organisation.refresh_from_db()
    return tuple(getattr(organisation, f) for f in Organisation.SHARED_FIELDS)


# --- the two instances of the finding ----------------------------------------------------------


def test_b_importing_a_row_of_a_s_organisation_changes_only_b_s_membership(
    platform, other_platform, admin_b, org14
) -> None:  # noqa: ANN001
    before = shared(org14)
    text = (
        "id,name,acronym,member_since,sub_working_groups\n"
        "ORG014,Another name,AN,2020-01-01,Tumbes\n"
    )
    response = client_for(admin_b).post(
        f"/reference/organisations/import/{B}", {"file": upload("orgs.csv", text)}, follow=True
    )
    assert response.status_code == 200
    assert shared(org14) == before  # name, acronym, aliases of A's record unchanged
    assert org14.owner == platform
    membership = Membership.objects.get(platform=other_platform, organisation=org14)
    assert membership.aliases == ["Another name", "AN"]
    assert (str(membership.start_date), membership.sub_working_groups) == ("2020-01-01", ["Tumbes"])
    event = AuditEvent.objects.get(action="import_organisations")
    assert event.platform == other_platform
    assert event.after["notices"] == [
        {
            "row": 2,
            "id": "ORG014",
            "organisation": "ON",
            "owner": "gtrm-test",
            "aliases_added": ["Another name", "AN"],
        }
    ]
    page = response.content.decode()
    assert "row 2: ON (ORG014) is owned by platform gtrm-test" in page
    # Nothing of A's changed: nothing to tell A.
    assert not AuditEvent.objects.filter(platform=platform, action__contains="organisation")


def test_b_importing_locations_is_refused_and_changes_nothing(
    platform, other_platform, admin, admin_b, tmp_path: Path
) -> None:  # noqa: ANN001
    places = 'pcode,name,level,parent_pcode\nPE15,=HYPERLINK("http://x"),1,PE\n'
    before = list(Location.objects.filter(pcode="PE15").values("name", "iso", "code"))
    for user, query in ((admin_b, B), (admin, A)):
        client = client_for(user)
        url = f"/reference/locations/import/{query}"
        assert client.get(url).status_code == 403
        data = {"file": upload("cod.csv", places), "country": "PER", "vintage": "x"}
        assert client.post(url, data).status_code == 403
    # The service refuses too, whoever calls it.
    path = tmp_path / "cod.csv"
    path.write_text(places, encoding="utf-8")
    with pytest.raises(PermissionDenied):
        import_reference("locations", other_platform, path, admin_b, {"country": "PER"})
    assert list(Location.objects.filter(pcode="PE15").values("name", "iso", "code")) == before
    assert not AuditEvent.objects.filter(action="import_locations").exists()


# --- imports ----------------------------------------------------------------------------------


def test_a_new_registry_id_never_takes_over_an_organisation_by_name(
    platform, other_platform, admin_b, org14
) -> None:  # noqa: ANN001
    before = shared(org14)
    text = "id,name,acronym\nORG777,Original name,OB\n"
    response = client_for(admin_b).post(
        f"/reference/organisations/import/{B}", {"file": upload("orgs.csv", text)}
    )
    assert response.status_code == 302
    assert shared(org14) == before
    made = Organisation.objects.get(external_id="ORG777")
    assert (made.name_en, made.owner) == ("Original name", other_platform)
    assert not Membership.objects.filter(platform=other_platform, organisation=org14).exists()


def test_a_bad_row_is_skipped_and_a_file_without_names_refused(
    platform, other_platform, admin_b, org14
) -> None:  # noqa: ANN001
    # R4V's registry is never refused whole for one row: a row without a name is left out
    # with a warning, the others load (B's membership of A's organisation only).
    text = "id,name,type\nORG014,Another name,NNGO\nORG778,,NNGO\n"
    response = client_for(admin_b).post(
        f"/reference/organisations/import/{B}", {"file": upload("orgs.csv", text)}
    )
    assert response.status_code == 302
    assert Membership.objects.filter(platform=other_platform, organisation=org14).exists()
    assert not Organisation.objects.filter(external_id="ORG778").exists()
    # Without a name column nothing can be loaded: the file is refused and nothing stored.
    refused = client_for(admin_b).post(
        f"/reference/organisations/import/{B}",
        {"file": upload("orgs.csv", "id,type\nORG779,NNGO\n")},
    )
    assert refused.status_code == 400
    assert not Organisation.objects.filter(external_id="ORG779").exists()


def test_the_owner_s_import_is_audited_on_every_member_platform(
    platform, other_platform, admin
) -> None:  # noqa: ANN001
    # Both platforms are members of Partner A (ORG901); A created it, so A owns it.
    text = "id,name,acronym,type\nORG901,Partner A renamed,PA,INGO\n"
    response = client_for(admin).post(
        f"/reference/organisations/import/{A}", {"file": upload("orgs.csv", text)}
    )
    assert response.status_code == 302
    assert Organisation.objects.get(external_id="ORG901").name_en == "Partner A renamed"
    events = AuditEvent.objects.filter(action="import_organisation").order_by("platform__slug")
    assert [e.platform for e in events] == [other_platform, platform]
    assert events[0].before == events[1].before and events[0].after == events[1].after
    assert events[0].before["name_en"] == "Partner A"
    assert events[0].after["name_en"] == "Partner A renamed"
    assert events[0].note == "orgs.csv, row 2"
    # Never only "1 updated": a registry row reusing an id for another name says so.
    client = client_for(admin)
    again = "id,name,acronym,type\nORG901,Partner A again,PA,INGO\n"
    answer = client.post(
        f"/reference/organisations/import/{A}", {"file": upload("orgs.csv", again)}, follow=True
    )
    said = "registry id ORG901 renamed Partner A renamed (PA) to Partner A again (PA)"
    assert said in answer.content.decode()


@pytest.mark.parametrize(
    ("header", "row", "kept"),
    [
        ("id,name,acronym", "ORG901,Partner A,PA", ("name_es", "name_pt", "org_type", "aliases")),
        ("id,name", "ORG901,Partner A", ("name_es", "name_pt", "acronym", "org_type", "aliases")),
        ("id,name,name_es,aliases", "ORG901,Partner A,,", ("name_es", "aliases", "acronym")),
        ("id,name,acronym,type", "ORG901,Partner A,,", ("acronym", "org_type", "name_es")),
        ("id,name,acronym,type", "ORG901,Partner A,\u200b,\u00ad", ("acronym", "org_type")),
    ],
)
def test_a_registry_without_a_column_keeps_what_is_stored_in_it(
    platform, admin, tmp_path: Path, header: str, row: str, kept: tuple[str, ...]
) -> None:  # noqa: ANN001
    """Before, a registry of names and acronyms, or with empty cells, erased the Spanish name,
    aliases and type an organisation had, for every platform using it ("1 updated")."""
    values = {"name_es": "Socio A", "name_pt": "Parceiro A", "acronym": "PA", "org_type": "INGO"}
    Organisation.objects.filter(external_id="ORG901").update(**values, aliases=["Socio Uno"])
    before = Organisation.objects.get(external_id="ORG901")
    path = tmp_path / "orgs.csv"
    path.write_text(f"{header}\n{row}\n", encoding="utf-8")
    loaded = import_reference("organisations", platform, path, admin)
    assert not loaded.errors, loaded.errors
    after = Organisation.objects.get(external_id="ORG901")
    for name in kept:
        assert getattr(after, name) == getattr(before, name), name


@pytest.mark.parametrize("order", [("208", "00208"), ("00208", "208")])
def test_a_registry_id_without_its_leading_zeros_is_the_same_organisation(
    platform, admin, tmp_path: Path, order: tuple[str, str]
) -> None:  # noqa: ANN001
    """Before, 00208 shown by an XLSX cell's format was read 208, and the same registry as
    CSV then made a second organisation (and 5W rows naming it ambiguous)."""
    for number, written in enumerate(order):
        path = tmp_path / f"orgs{number}.csv"
        path.write_text(f"id,name,acronym\n{written},Fundación Halú,HALU\n", encoding="utf-8")
        assert not import_reference("organisations", platform, path, admin).errors
    (halu,) = Organisation.objects.filter(acronym="HALU")
    assert halu.external_id == "00208"  # the zeros kept, whichever came first


def test_an_organisation_no_platform_owns_is_changed_by_superusers_only(
    platform, admin, superuser
) -> None:  # noqa: ANN001
    org = Organisation.objects.get(external_id="ORG902")
    Organisation.objects.filter(pk=org.pk).update(owner=None)
    text = "id,name\nORG902,Partner B renamed\n"
    client_for(admin).post(f"/reference/organisations/import/{A}", {"file": upload("o.csv", text)})
    assert Organisation.objects.get(pk=org.pk).name_en == "Partner B"
    assert Membership.objects.get(platform=platform, organisation=org).aliases == [
        "Partner B renamed"
    ]
    response = client_for(superuser).post(
        f"/reference/organisations/import/{A}", {"file": upload("o.csv", text)}
    )
    assert response.status_code == 302
    assert Organisation.objects.get(pk=org.pk).name_en == "Partner B renamed"


def test_an_organisation_nobody_uses_is_adopted_by_an_installation_load(db) -> None:  # noqa: ANN001
    first = add_platform("first", "First", country="PER")
    load_organisations(first, [OrganisationRecord("Orphan", external_id="ORG500")])
    first.delete()  # like `kipu demo load` replacing the demonstration platform
    orphan = Organisation.objects.get(external_id="ORG500")
    assert orphan.owner is None
    second = add_platform("second", "Second", country="PER")
    load_organisations(second, [OrganisationRecord("Orphan", external_id="ORG500")])
    orphan.refresh_from_db()
    assert orphan.owner == second


# --- the edit page -----------------------------------------------------------------------------


def test_a_non_owner_sees_shared_fields_read_only_and_a_forged_post_changes_none(
    platform, other_platform, admin_b
) -> None:  # noqa: ANN001
    org = Organisation.objects.get(external_id="ORG901")  # A owns it; B is a member
    before = shared(org)
    url = f"/reference/organisations/{org.pk}/edit/{B}"
    page = client_for(admin_b).get(url).content.decode()
    assert 'name="org-name_en"' in page and "disabled" in page
    assert "only the administrators of Platform gtrm-test change" in page
    response = client_for(admin_b).post(
        url,
        {
            "org-name_en": "Hijacked",
            "org-external_id": "ORG999",
            "org-acronym": "HJ",
            "org-aliases": "X, Y",
            "member-start_date": "2020-03-01",
            "member-aliases": "Socio A Tumbes",
        },
    )
    assert response.status_code == 302
    assert shared(org) == before
    membership = Membership.objects.get(platform=other_platform, organisation=org)
    assert membership.aliases == ["Socio A Tumbes"]
    assert str(membership.start_date) == "2020-03-01"
    events = AuditEvent.objects.filter(action="edit_organisation")
    assert list(events.values_list("platform__slug", flat=True)) == ["gtrm-other"]


def test_the_service_refuses_a_shared_change_the_page_would_not_offer(
    platform, other_platform, admin_b
) -> None:  # noqa: ANN001
    org = Organisation.objects.get(external_id="ORG901")
    membership = Membership.objects.get(platform=other_platform, organisation=org)
    data = {"org-name_en": "Hijacked", "org-external_id": "ORG901"}
    bound = [
        forms.OrganisationForm(data, instance=org, prefix="org"),  # not read-only: a bug
        forms.MembershipForm(data, instance=membership, prefix="member"),
    ]
    before = before_edit(bound)
    assert all(f.is_valid() for f in bound)
    with pytest.raises(PermissionDenied):
        save_organisation(admin_b, bound[0], bound[1], other_platform, before)
    assert Organisation.objects.get(pk=org.pk).name_en == "Partner A"


def _rename(user: User, org: Organisation, query: str) -> Any:
    return client_for(user).post(
        f"/reference/organisations/{org.pk}/edit/{query}",
        {
            "org-name_en": "Partner A International",
            "org-external_id": "ORG901",
            "org-acronym": "PA",
            "org-org_type": "INGO",
            "member-sub_working_groups": "Lima",
        },
    )


def test_the_owner_s_admin_changes_it_audited_on_both_platforms(
    platform, other_platform, admin
) -> None:  # noqa: ANN001
    org = Organisation.objects.get(external_id="ORG901")
    assert _rename(admin, org, A).status_code == 302
    assert Organisation.objects.get(pk=org.pk).name_en == "Partner A International"
    own = AuditEvent.objects.get(action="edit_organisation", platform=platform)
    other = AuditEvent.objects.get(action="edit_organisation", platform=other_platform)
    assert own.before["organisation"] == other.before["organisation"]
    assert own.after["organisation"] == other.after["organisation"]
    assert other.after["organisation"]["name_en"] == "Partner A International"
    assert "membership" in own.after and "membership" not in other.after  # A's own business
    assert other.note == "changed on gtrm-test"


def test_a_superuser_changes_an_organisation_from_any_platform(
    platform, other_platform, superuser
) -> None:  # noqa: ANN001
    org = Organisation.objects.get(external_id="ORG901")
    page = client_for(superuser).get(f"/reference/organisations/{org.pk}/edit/{B}")
    assert "disabled" not in page.content.decode()
    assert _rename(superuser, org, B).status_code == 302
    assert Organisation.objects.get(pk=org.pk).name_en == "Partner A International"
    slugs = AuditEvent.objects.filter(action="edit_organisation").values_list(
        "platform__slug", flat=True
    )
    assert sorted(slugs) == ["gtrm-other", "gtrm-test"]


def test_a_new_member_is_owned_by_the_platform_that_adds_it(other_platform, admin_b) -> None:  # noqa: ANN001
    response = client_for(admin_b).post(
        f"/reference/organisations/new/{B}", {"org-name_en": "Nueva ONG", "org-acronym": "NO"}
    )
    assert response.status_code == 302
    assert Organisation.objects.get(acronym="NO").owner == other_platform


# --- the rule and the reference data ----------------------------------------------------------


def test_who_may_change_a_shared_organisation(
    platform, other_platform, admin, admin_b, coordinator, superuser
) -> None:  # noqa: ANN001
    owned = Organisation.objects.get(external_id="ORG901")  # owned by platform A
    nobody = Organisation.objects.create(name_en="Installation's")
    new = Organisation()
    assert can_change_shared(admin, platform, owned)
    assert not can_change_shared(admin_b, other_platform, owned)
    assert not can_change_shared(admin_b, platform, owned)  # no role on A
    assert not can_change_shared(coordinator, platform, owned)
    assert not can_change_shared(admin, platform, nobody)
    assert not can_change_shared(AnonymousUser(), platform, owned)
    assert not can_change_shared("system", platform, owned)
    assert can_change_shared(admin_b, other_platform, new)
    assert not can_change_shared(coordinator, platform, new)
    for installation in (superuser, "cli:maria", None):
        assert can_change_shared(installation, other_platform, owned)
        assert can_change_shared(installation, platform, nobody)


def test_a_platform_s_own_alias_resolves_on_that_platform_only(
    platform, other_platform, admin_b
) -> None:  # noqa: ANN001
    org = Organisation.objects.get(external_id="ORG901")
    text = "id,name\nORG901,Socio A Tumbes\n"
    client_for(admin_b).post(
        f"/reference/organisations/import/{B}", {"file": upload("o.csv", text)}
    )
    labels_b = next(
        o for o in reference_data(other_platform, 2020).organisations if o.key == "ORG901"
    )
    labels_a = next(o for o in reference_data(platform, 2019).organisations if o.key == "ORG901")
    assert "Socio A Tumbes" in labels_b.labels()
    assert "Socio A Tumbes" not in labels_a.labels()
    assert Organisation.objects.get(pk=org.pk).name_en == "Partner A"


def test_notice_names_the_installation_when_no_platform_owns() -> None:
    notice = {"row": 4, "id": "", "organisation": "X", "owner": None, "aliases_added": ["Y"]}
    text = notice_text(notice)
    assert "row 4: X (no registry id) is owned by the installation administrators" in text
    assert text.endswith("names kept as this platform's aliases: Y")


# --- the gazetteer -----------------------------------------------------------------------------


def test_a_location_import_is_audited_on_every_platform_of_its_country(
    platform, other_platform, superuser
) -> None:  # noqa: ANN001
    add_platform("gtrm-ecu", "GTRM Ecuador", country="ECU")
    places = "pcode,name,level,parent_pcode\nPE99,Nueva Region,1,\n"
    response = client_for(superuser).post(
        f"/reference/locations/import/{B}",
        {"file": upload("cod.csv", places), "country": "PER", "vintage": "t"},
    )
    assert response.status_code == 302
    slugs = AuditEvent.objects.filter(action="import_locations").values_list(
        "platform__slug", flat=True
    )
    assert sorted(slugs) == ["gtrm-other", "gtrm-test"]


def test_a_unit_moved_to_another_parent_is_counted_and_said(
    platform, superuser, tmp_path: Path
) -> None:  # noqa: ANN001
    """Before, a vintage moving a province to another department said "0 units added, 0
    updated", and the activities stored with it still counted under the old department."""
    path = tmp_path / "cod.csv"
    path.write_text(
        "pcode,name,level,parent_pcode\nPE24,Tumbes,1,\nPE15,Lima,1,\nPE1508,Huaura,2,PE24\n",
        encoding="utf-8",
    )
    done = import_reference("locations", platform, path, superuser, {"country": "PER"})
    assert not done.errors, done.errors
    assert Location.objects.get(pcode="PE1508").parent.pcode == "PE24"
    assert done.summary["updated"] >= 1
    (said,) = [w for w in done.summary["warnings"] if "PE1508" in w]
    assert "moved from PE15 to PE24" in said


# --- the data migration ------------------------------------------------------------------------


def test_the_migration_gives_each_organisation_the_platform_of_its_only_membership(
    platform, other_platform
) -> None:  # noqa: ANN001
    only_a = Organisation.objects.create(name_en="Only A")
    Membership.objects.create(platform=platform, organisation=only_a)
    unused = Organisation.objects.create(name_en="Unused")
    Organisation.objects.update(owner=None)
    migration = importlib.import_module(
        "kipu.web.platforms.migrations.0003_organisation_owner_membership_aliases"
    )
    migration.set_owners(apps, None)
    owners = dict(Organisation.objects.values_list("name_en", "owner__slug"))
    assert owners["Only A"] == "gtrm-test"
    assert owners["Partner A"] is None  # a member of both platforms: the installation's
    assert owners[unused.name_en] is None
