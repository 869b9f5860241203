"""Build Kipu's bundled table of country names: src/kipu/data/countries.csv.

How to run (from the repository root; pycountry is a tool-only dependency, NOT a runtime
dependency of Kipu, so it is not listed in pyproject.toml):

    .venv/bin/pip install pycountry==26.2.16
    .venv/bin/python tools/build_countries.py

The script is deterministic and rerunnable: the same package versions give a byte-identical file
(tests/core/test_r4v_reference_countries.py checks it when pycountry is installed).

Sources
- pycountry 26.2.16 (LGPL-2.1; its data is Debian's iso-codes, LGPL-2.1+): the 249 countries of
  ISO 3166-1 (alpha-2, alpha-3, short name, common name, official name) and their translations
  (gettext domain iso3166-1) into Spanish (es) and Portuguese (pt, pt_BR).
- Babel (already a runtime dependency of Kipu; CLDR, Unicode licence): the CLDR territory names
  in English, Spanish and Portuguese ("Trinidad & Tobago", "Curazao"), as aliases only.
- R4V_SPELLINGS below: spellings seen in R4V's own files (hand-kept).

Output: iso2,iso3,name_en,name_es,name_pt,aliases (aliases separated by "|").
- name_en: the ISO common name where there is one ("Bolivia"), else the ISO short name
  ("Trinidad and Tobago"); name_es, name_pt: its Spanish and Brazilian Portuguese translations.
- aliases: every other ISO name (short, common, official) in English, Spanish, Portuguese (pt
  and pt_BR), the CLDR names and R4V's spellings; an alias is dropped when it normalises to one
  of the country's own names (matching folds accents, case and punctuation), or when it would
  name two countries (the gazetteer would answer the wrong one), unless it is one country's own
  name: then only that country keeps it. The dropped aliases are printed.
"""

from __future__ import annotations

import csv
import gettext
import io
import sys
from collections import defaultdict
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from kipu.core.text import normalise  # noqa: E402

OUT = ROOT / "src" / "kipu" / "data" / "countries.csv"
EXPECTED_VERSION = "26.2.16"
HEADER = ("iso2", "iso3", "name_en", "name_es", "name_pt", "aliases")

# Spellings of the 17 R4V countries (and Venezuela) seen in R4V's files, besides ISO's and
# CLDR's names. Keyed by ISO3.
R4V_SPELLINGS: dict[str, tuple[str, ...]] = {
    "BOL": ("Bolivia (Plurinational State of)", "Estado Plurinacional de Bolivia"),
    "BRA": ("Brasil",),
    "CUW": ("Curacao", "Curazao"),
    "DOM": ("Rep. Dominicana", "Dominican Rep.", "Republica Dominicana"),
    "TTO": ("Trinidad & Tobago", "Trinidad y Tobago", "Trinidad e Tobago"),
    "VEN": ("Venezuela (Bolivarian Republic of)", "República Bolivariana de Venezuela"),
}


def translator(language: str) -> gettext.NullTranslations:
    import pycountry

    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language])


def names_of(country: object) -> tuple[dict[str, str], list[str]]:
    """(own names by language, every other spelling) of one pycountry country."""
    from babel import Locale

    english = [getattr(country, k, "") for k in ("common_name", "name", "official_name")]
    english = [name for name in english if name]
    own = {"en": english[0]}
    others = list(english[1:])
    for language in ("es", "pt_BR", "pt"):
        translate = translator(language).gettext
        translated = [translate(name) for name in english]
        if language != "pt":
            own.setdefault(language[:2], translated[0])
        others.extend(translated)
    iso2 = country.alpha_2  # type: ignore[attr-defined]
    for locale in ("en", "es", "pt"):
        if name := Locale(locale).territories.get(iso2):
            others.append(name)
    others.extend(R4V_SPELLINGS.get(country.alpha_3, ()))  # type: ignore[attr-defined]
    return own, others


def build() -> list[tuple[str, ...]]:
    import pycountry

    found = metadata.version("pycountry")
    if found != EXPECTED_VERSION:
        print(f"warning: pycountry {found}, expected {EXPECTED_VERSION}", file=sys.stderr)
    table = {c.alpha_3: (c.alpha_2, *names_of(c)) for c in pycountry.countries}
    owners: dict[str, set[str]] = defaultdict(set)  # normalised name -> countries naming it so
    mentions: dict[str, set[str]] = defaultdict(set)  # normalised spelling -> countries
    for iso3, (iso2, own, others) in table.items():
        for code in (iso2, iso3):
            owners[normalise(code)].add(iso3)
        for name in own.values():
            owners[normalise(name)].add(iso3)
        for name in (*own.values(), *others):
            mentions[normalise(name)].add(iso3)
    rows = []
    for iso3, (iso2, own, others) in sorted(table.items(), key=lambda item: item[1][0]):
        kept: dict[str, str] = {}
        mine = {normalise(name) for name in own.values()}
        for name in others:
            key = normalise(name)
            if not key or key in mine or key in kept:
                continue
            holders = owners.get(key) or mentions[key]
            if holders != {iso3}:
                print(f"dropped {name!r} for {iso3}: also names {sorted(holders - {iso3})}")
                continue
            kept[key] = name.strip()
        rows.append((iso2, iso3, own["en"], own["es"], own["pt"], "|".join(kept.values())))
    return rows


def render(rows: list[tuple[str, ...]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    return out.getvalue()


def main() -> None:
    rows = build()
    OUT.write_text(render(rows), encoding="utf-8")
    print(f"{OUT.relative_to(ROOT)}: {len(rows)} countries")


if __name__ == "__main__":
    main()
