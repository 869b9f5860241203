"""A seventeen-country regional response from R4V-shaped files, with no hand edit: admin1
list → platforms (regional, national, local) → partner registry → three plan years → the
regional 5W export → figures at every level → reports (issue 13). Runs on SQLite and on
PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

from kipu.core import demo_regional as r4v

YEAR = r4v.YEARS[0]
OTHERS = [iso3 for iso3, *_ in r4v.COUNTRIES]


def _file(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def _reached(output: str, country: str | None = None) -> int:
    """People reached in the year, at country level, summed over countries (or one)."""
    data = json.loads(output)
    last = data["to"]
    rows = [
        r
        for r in data["rows"]
        if r["sector"] == "Intersector" and not r["admin1"] and r["month"] == last
        and (country is None or r["country"] == country)
    ]  # fmt: skip
    return sum(int(r["consolidated_total"] or 0) for r in rows)


def test_a_regional_response_from_r4v_files(kipu, tmp_path: Path) -> None:  # noqa: ANN001
    def ok(*args: str) -> str:
        result = kipu(*args)
        assert result.exit_code == 0, f"kipu {' '.join(args)}:\n{result.output[-3000:]}"
        return result.output

    ok("locations", "load", _file(tmp_path, "r4v_admin1.csv", r4v.admin1_list_csv()))
    countries = ",".join(OTHERS)
    ok("platforms", "add", "r4v", "--name", "R4V", "--level", "regional", "--countries", countries)
    ok("platforms", "add", "gtrm-peru", "--name", "GTRM Peru", "--country", "PER",
       "--parent", "r4v")  # fmt: skip
    ok("platforms", "add", "gtrm-tumbes", "--name", "GTRM Tumbes", "--country", "PER",
       "--level", "local", "--parent", "gtrm-peru", "--admin1", "PE24")  # fmt: skip
    loaded = ok("orgs", "load", _file(tmp_path, "registry.csv", r4v.registry_csv()), "--platform",
                "r4v")  # fmt: skip
    assert "ORG013" in loaded  # one id on two organisations: a warning, not a refusal
    for year in r4v.YEARS:
        plan = _file(tmp_path, f"plan-{year}.csv", r4v.plan_csv(year))
        ok("plan", "load", plan, "--year", str(year), "--platform", "r4v")
    export = r4v.write_export(tmp_path / "r4v-5w-2021.xlsx", 3_000, YEAR)
    imported = json.loads(
        ok(
            "import",
            str(export),
            "--platform",
            "r4v",
            "--all-months",
            "--accept-issues",
            "--format",
            "json",
        )  # fmt: skip
    )
    assert imported["blocked_rows"] == 0 and sum(s["rows"] for s in imported["stored"]) == 3_000
    period = ("--from", f"{YEAR}-01", "--to", f"{YEAR}-12", "--format", "json")
    regional = ok("figures", "--platform", "r4v", *period)
    total = _reached(regional)
    by_country = {c: _reached(regional, c) for c in [*OTHERS, "PER"]}
    assert total > 0 and total == sum(by_country.values())
    assert all(by_country[c] > 0 for c in ("ARG", "BOL", "CHL", "PER", "ABW", "TTO"))
    peru = _reached(ok("figures", "--platform", "gtrm-peru", *period))
    assert peru == by_country["PER"]
    bolivia = _reached(ok("figures", "--platform", "r4v", "--country", "BOL", *period))
    assert bolivia == by_country["BOL"]
    tumbes = json.loads(ok("figures", "--platform", "gtrm-tumbes", *period))
    assert {r["admin1"] for r in tumbes["rows"]} <= {"PE24", None, ""}
    assert 0 < _reached(json.dumps(tumbes)) < peru
    out = tmp_path / "sitrep"
    ok("sitrep", "--platform", "r4v", "--month", f"{YEAR}-12", "--lang", "en", "--out",
       str(out / "r4v"))  # fmt: skip
    ok("sitrep", "--platform", "gtrm-tumbes", "--month", f"{YEAR}-12", "--lang", "es", "--out",
       str(out / "tumbes"))  # fmt: skip
    assert (out / "tumbes" / "sitrep.pdf").stat().st_size > 0
    assert "Tumbes" in (out / "tumbes" / "sitrep.html").read_text(encoding="utf-8")
