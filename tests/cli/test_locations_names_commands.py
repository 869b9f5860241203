"""`kipu locations load` of a COD-AB with several name columns: the other names stored as
aliases once (a reload adds none and updates nothing), and one already naming another stored
unit not added, in a warning naming both (docs/reference-data.md, "Several names of a
unit")."""

from __future__ import annotations

import json
from pathlib import Path

from kipu.web.locations.models import Location, LocationAlias
from kipu.web.locations.queries import gazetteer

COLOMBIA = (
    "ADM0_PCODE,ADM0_EN,ADM0_ES,ADM1_PCODE,ADM1_EN,ADM1_ES,ADM2_PCODE,ADM2_EN,ADM2_ES\n"
    "CO,Colombia,Colombia,CO52,Narino,Nariño,CO52001,Pasto,San Juan de Pasto\n"
    "CO,Colombia,Colombia,CO52,Narino,Nariño,CO52356,Ipiales,Ipiales\n"
    "CO,Colombia,Colombia,CO15,Boyaca,Boyacá,CO15001,Tunja,Tunja\n"
)
ECUADOR = (
    "ADM0_ES,ADM0_PCODE,ADM1_ES,ADM1_PCODE,ADM2_ES,ADM2_PCODE,ADM2_REF\n"
    "Ecuador,EC,Sucumbíos,EC21,Lago Agrio,EC2101,Nueva Loja\n"
    "Ecuador,EC,Azuay,EC01,Cuenca,EC0101,\n"
)


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_the_spanish_names_are_stored_and_the_others_aliases_once(kipu, tmp_path: Path) -> None:  # noqa: ANN001
    path = write(tmp_path, "col_en_es.csv", COLOMBIA)
    first = kipu("locations", "load", path)
    assert first.exit_code == 0, first.output
    assert "ADM2_EN names kept as alternative names of 1 unit of Colombia" in first.output
    names = dict(Location.objects.filter(country="COL").values_list("pcode", "name"))
    assert (names["CO52"], names["CO15"], names["CO52001"]) == (
        "Nariño",
        "Boyacá",
        "San Juan de Pasto",
    )
    listed = json.loads(kipu("locations", "alias", "list", "CO52001", "--format", "json").output)
    assert listed == [{"alias": "Pasto", "kind": "name"}]
    places = gazetteer(["COL"])
    assert places.find("Pasto", "COL", 2, "CO52") == places.get("CO52001")
    assert places.find("San Juan de Pasto", "COL", 2) == places.get("CO52001")
    assert places.find("Narino", "COL", 1) == places.get("CO52")
    aliases = LocationAlias.objects.count()
    again = kipu("locations", "load", path)
    assert again.exit_code == 0, again.output
    assert again.output.startswith("COL: 0 units added, 0 updated.")
    assert LocationAlias.objects.count() == aliases


def test_an_other_name_of_another_stored_unit_is_not_added(kipu, tmp_path: Path) -> None:  # noqa: ANN001
    first = kipu("locations", "load", write(tmp_path, "ecu.csv", ECUADOR.replace("Nueva Loja", "")))
    assert first.exit_code == 0, first.output
    added = kipu("locations", "alias", "add", "EC0101", "Nueva Loja")
    assert added.exit_code == 0, added.output
    loaded = kipu("locations", "load", write(tmp_path, "ecu_ref.csv", ECUADOR))
    assert loaded.exit_code == 0, loaded.output
    assert (
        "'Nueva Loja' already names EC0101 'Cuenca': not added as an alias of EC2101 "
        "'Lago Agrio'" in loaded.output
    )
    assert not LocationAlias.objects.filter(location__pcode="EC2101").exists()
    assert gazetteer(["ECU"]).find_all("Nueva Loja", "ECU", 2) == [gazetteer(["ECU"]).get("EC0101")]
