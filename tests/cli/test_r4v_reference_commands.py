"""`kipu orgs load`, `kipu locations load` and `kipu locations alias` with R4V's files as R4V
publishes them (issue 13): warnings printed, exit 0; every country of an admin1 list; aliases
added by the IM team, audited. Synthetic files of R4V's shape."""

from __future__ import annotations

import json
from pathlib import Path

from kipu.web.audit.models import AuditEvent
from kipu.web.locations.models import Location
from kipu.web.platforms.models import Organisation

REGISTRY = (
    "Organization ID,Organization Name,Acronym,Type,Country\n"
    "ORG801,Fundación Sintética,FS,Faith Based Organizations,Peru\n"
    "ORG802,Comercio Sintético,,Private sector,Peru\n"
    "ORG802,Clínica Sintética,,Health Facilities,Peru\n"
    "ORG803,,,Other,Peru\n"
)
ADMIN1_LIST = (
    "Country,Admin1 Name,Admin1 P-code\n"
    "Bolivia,Bolivia,BO00\nBolivia,La Paz,BO02\n"
    "Chile,Tarapacá,CH01\n"
    "Trinidad y Tobago,Trinidad and Tobago,TT01\n"
    "Curazao,Curaçao,\n"
)


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_orgs_load_takes_the_registry_and_prints_its_warnings(
    kipu, make_platform, tmp_path: Path
) -> None:  # noqa: ANN001
    make_platform()
    result = kipu("orgs", "load", write(tmp_path, "registry.csv", REGISTRY))
    assert result.exit_code == 0, result.output
    assert "3 organisations loaded into gtrm-test (3 new, 0 updated)." in result.output
    assert (
        "warning: registry.csv, row 4, column 'Organization ID': registry id ORG802 is on row 3"
        in result.output
    )
    assert (
        "warning: registry.csv, row 5, column 'Organization Name': no name: row skipped"
        in result.output
    )
    types = dict(Organisation.objects.values_list("name_en", "org_type"))
    assert types["Fundación Sintética"] == "Faith Based Organization"
    assert types["Comercio Sintético"] == "Private Sector"
    assert types["Clínica Sintética"] == "Health Facility"


def test_locations_load_takes_every_country_of_the_admin1_list(kipu, tmp_path: Path) -> None:  # noqa: ANN001
    result = kipu("locations", "load", write(tmp_path, "r4v_admin1.csv", ADMIN1_LIST))
    assert result.exit_code == 0, result.output
    assert result.output.startswith("BOL, CHL, CUW, TTO: ")
    rows = json.loads(kipu("locations", "list", "--country", "TTO", "--format", "json").output)
    assert [(r["pcode"], r["name"]) for r in rows] == [
        ("TT", "Trinidad and Tobago"),
        ("TT00", "Country level"),
    ]
    assert Location.objects.get(pcode="BO00").national
    assert Location.objects.filter(pcode="CL01", aliases__alias="CH01").exists()
    one = kipu("locations", "load", write(tmp_path, "list.csv", ADMIN1_LIST), "--country", "BOL")
    assert one.exit_code == 0
    assert "warning: list.csv, column 'Country': rows of other countries left out" in one.output


def test_locations_alias_add_list_remove(kipu, make_platform) -> None:  # noqa: ANN001
    make_platform()
    added = kipu("locations", "alias", "add", "PE", "Perú (país)")
    assert added.exit_code == 0, added.output
    assert "PE (Peru): alias 'Perú (país)' added." in added.output
    listed = json.loads(kipu("locations", "alias", "list", "PER", "--format", "json").output)
    assert {"alias": "Perú (país)", "kind": "name"} in listed
    clash = kipu("locations", "alias", "add", "PE15", "Tumbes")
    assert clash.exit_code == 1 and "already names Tumbes (PE24)" in clash.output
    assert kipu("locations", "alias", "remove", "PE", "Perú (país)").exit_code == 0
    assert kipu("locations", "alias", "remove", "PE", "Perú (país)").exit_code == 1
    actions = list(
        AuditEvent.objects.filter(action__endswith="location_alias").values_list(
            "action", "actor_label"
        )
    )
    assert [a for a, _ in actions] == ["remove_location_alias", "add_location_alias"]
    assert all(label.startswith("cli:") for _, label in actions)
