"""Cells that say "nothing" ("-", "N/A", "ninguno": `NOTHING`) in the organisations and events
files, and what an organisations file leaves as stored (columns it lacks, cells it cannot read).

A tester's: R4V-style registries write "-" or "N/A" for an organisation without an acronym;
they were stored as acronyms, and an events file writing "N/A" for "no organisation" was then
attributed to those organisations."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from kipu.core.gazetteer import Gazetteer, bundled_locations
from kipu.core.loaders.events import load_events
from kipu.core.loaders.organisations import load_organisations
from kipu.core.read.values import NOTHING
from kipu.core.reference import Organisation

ORGS_HEADER = (
    "id,name,name_es,name_pt,acronym,type,aliases,member_since,member_until,"
    "sub_working_groups,country\n"
)


@pytest.fixture(scope="module")
def peru() -> Gazetteer:
    return Gazetteer(bundled_locations("PE"))


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("nothing", sorted(NOTHING) + ["N/A", " N/A ", "No  aplica", "NIL"])
def test_an_optional_organisation_cell_saying_nothing_is_empty(
    tmp_path: Path, nothing: str
) -> None:
    cells = ["ORG501", "Asociación Uno", *[nothing] * 9]
    file = write(tmp_path / "orgs.csv", ORGS_HEADER + ",".join(f'"{c}"' for c in cells) + "\n")
    loaded = load_organisations(file, countries=["PER"])
    assert loaded.ok, loaded.errors
    (record,) = loaded.records
    assert (record.name_es, record.name_pt, record.acronym, record.org_type) == ("", "", "", "")
    assert (record.aliases, record.sub_working_groups, record.countries) == ([], [], [])
    assert (record.member_since, record.member_until, record.unread) == (None, None, frozenset())
    # Nothing to warn about: an empty cell is no unknown type and no bad date.
    assert loaded.warnings == []


def test_placeholders_among_listed_values_are_dropped(tmp_path: Path) -> None:
    file = write(
        tmp_path / "orgs.csv",
        "name,acronym,aliases,sub_working_groups,country\n"
        "Asociación Uno,AU,Uno|-|N/A|Asoc. Uno,Health|n/a,Peru|-\n",
    )
    (record,) = load_organisations(file).records
    assert record.acronym == "AU"
    assert record.aliases == ["Uno", "Asoc. Uno"]
    assert record.sub_working_groups == ["Health"]
    assert record.countries == ["Peru"]


def test_a_registry_id_saying_nothing_is_no_id(tmp_path: Path) -> None:
    """Two organisations with "N/A" for an id are not one id given to two organisations: each
    loads without one (matched by name), and no warning claims they shared it."""
    file = write(tmp_path / "orgs.csv", "id,name\nN/A,Asociación Uno\nN/A,Asociación Dos\n")
    loaded = load_organisations(file)
    assert [(r.name, r.external_id, r.shared_id) for r in loaded.records] == [
        ("Asociación Uno", "", ""),
        ("Asociación Dos", "", ""),
    ]
    assert loaded.warnings == []


def test_a_name_saying_nothing_is_no_name(tmp_path: Path) -> None:
    file = write(tmp_path / "orgs.csv", "id,name,acronym\nORG501,N/A,AU\nORG502,Asociación,AD\n")
    loaded = load_organisations(file)
    assert [r.name for r in loaded.records] == ["Asociación"]
    assert [str(w) for w in loaded.warnings] == [
        "orgs.csv, row 2, column 'name': no name ('N/A' says none): row skipped"
    ]


def test_membership_columns_the_file_lacks_are_absent(tmp_path: Path) -> None:
    """R4V's registry has no membership columns: the record says so, so that a reload keeps the
    stored dates and sub-working groups."""
    file = write(
        tmp_path / "orgs.csv",
        "Organization ID,Organization Name,Type\nORG001,United Nations Refugee Agency,UN Agency\n",
    )
    (record,) = load_organisations(file).records
    assert {"member_since", "member_until", "sub_working_groups"} <= record.absent

    with_dates = write(tmp_path / "dates.csv", "id,name,member_since\nORG001,UNHCR,\n")
    (record,) = load_organisations(with_dates).records
    assert "member_since" not in record.absent  # an empty cell in a column the file has
    assert {"member_until", "sub_working_groups"} <= record.absent


def test_a_date_that_cannot_be_read_is_left_as_stored(tmp_path: Path) -> None:
    file = write(
        tmp_path / "orgs.csv", "id,name,member_since,member_until\nORG001,UNHCR,01/03/2019,\n"
    )
    loaded = load_organisations(file)
    (record,) = loaded.records
    assert record.member_since is None and record.unread == {"member_since"}
    assert [str(w) for w in loaded.warnings] == [
        "orgs.csv, row 2, column 'member_since': '01/03/2019' is not a date (YYYY-MM-DD): "
        "left as stored (empty if new)"
    ]


def test_merged_rows_read_a_date_one_of_them_gives(tmp_path: Path) -> None:
    """R4V lists an organisation once per country: a date one row cannot read and the other
    gives is the other's; one that no row reads is left as stored."""
    file = write(
        tmp_path / "orgs.csv",
        "id,name,member_since,member_until\nORG001,UNHCR,pronto,luego\nORG001,UNHCR,2019-03-01,\n",
    )
    (record,) = load_organisations(file).records
    assert record.member_since == date(2019, 3, 1)
    assert record.unread == {"member_until"}


# The store's organisations as an events file sees them, two with the acronyms the
# organisations loader stored before it read "-" and "N/A" as empty.
MEMBERS = [
    Organisation("ORG501", "Asociación Uno", acronym="-"),
    Organisation("ORG502", "Asociación Dos", acronym="N/A"),
    Organisation("ORG503", "Asociación Tres", acronym="AT", aliases=("ninguno",)),
    Organisation("ORG504", "Asociación Cuatro", acronym="AC"),
]


@pytest.mark.parametrize("nothing", ["N/A", "-", "n.a.", "Ninguno", "--", "N/A|-"])
def test_an_events_organisation_saying_nothing_is_no_organisation(
    tmp_path: Path, peru: Gazetteer, nothing: str
) -> None:
    file = write(
        tmp_path / "events.csv", f"date,title,organisations\n2024-04-01,Reunión,{nothing}\n"
    )
    loaded = load_events(file, MEMBERS, peru, "PER")
    assert loaded.ok, loaded.errors
    (event,) = loaded.records
    assert event.organisations == []
    assert "organisations" in event.given  # as an empty cell: a stored event's are cleared


def test_a_placeholder_beside_names_is_skipped(tmp_path: Path, peru: Gazetteer) -> None:
    file = write(tmp_path / "events.csv", "date,title,organisations\n2024-04-01,Reunión,N/A|AC\n")
    (event,) = load_events(file, MEMBERS, peru, "PER").records
    assert event.organisations == ["ORG504"]


def test_an_unknown_name_is_not_suggested_a_placeholder(tmp_path: Path, peru: Gazetteer) -> None:
    """Labels saying nothing name no organisation: not matched, not offered as a hint."""
    file = write(tmp_path / "events.csv", "date,title,organisations\n2024-04-01,Reunión,N/B\n")
    loaded = load_events(file, MEMBERS, peru, "PER")
    assert not loaded.ok
    (error,) = loaded.errors
    assert "'N/B' is not a member organisation" in str(error)
    assert "'n a'" not in str(error) and "did you mean ''" not in str(error)
