"""The notes of the figures (`Figures.notes`): what their reader must know, in English and
Spanish (rows left out, cells split without proportions, partners not counted)."""

from __future__ import annotations

import polars as pl

from kipu.core.figures.periods import plan_year_start

# Note and note_text were defined here; callers import them from here still.
from kipu.core.phrasing import Note as Note
from kipu.core.phrasing import note_text as note_text
from kipu.core.phrasing import number
from kipu.core.reference import ReferenceData


def note(key: str, n: int, **values: object) -> Note:
    """The note `key` of `_NOTES` about `n` rows or cells, in both languages; a value given as
    {"en": …, "es": …} is taken in each language."""

    def form(lang: str) -> str:
        texts = _NOTES[key]
        template = texts.get(f"{lang}_one", texts[lang]) if n == 1 else texts[lang]
        shown = {k: v[lang] if isinstance(v, dict) else v for k, v in values.items()}
        return template.format(n=n if lang == "en" else number(n, lang), **shown)

    return Note(form("en"), form("es"), key)


# The notes of the figures, in both languages (`note`); "_one": the form for one row.
_NOTES: dict[str, dict[str, str]] = {
    "other_years": {
        "en": "{n} rows of other plan years ({first} to {last}) are not in these figures: "
        "people reached are counted within one plan year, here {start} to {end}; ask for the "
        "other year with --from/--to",
        "es": "{n} filas de otros años del plan ({first} a {last}) no están en estas cifras: "
        "las personas alcanzadas se cuentan dentro de un año del plan, aquí {start} a {end}; "
        "pida el otro año con --from/--to",
        "es_one": "1 fila de otro año del plan ({first}) no está en estas cifras: las "
        "personas alcanzadas se cuentan dentro de un año del plan, aquí {start} a {end}; pida "
        "el otro año con --from/--to",
    },
    "unresolved": {
        "en": "{n} rows without country, admin1, month or sector were left out",
        "es": "{n} filas sin país, admin1, mes o sector quedaron fuera",
        "es_one": "1 fila sin país, admin1, mes o sector quedó fuera",
    },
    "proportions_missing": {
        "en": "max-cell: the proportions table has no shares for {n} admin1 × sector × "
        "population type cell(s); their people were split with the sector's own age/sex "
        "shares (R4V's 2022 script leaves such an admin1 out of the Intersector): {cells}",
        "es": "max-cell: la tabla de proporciones no tiene porcentajes para {n} celdas de "
        "admin1 × sector × tipo de población; sus personas se repartieron con los "
        "porcentajes de edad y sexo del propio sector (el script de 2022 de R4V deja ese "
        "admin1 fuera del intersectorial): {cells}",
        "es_one": "max-cell: la tabla de proporciones no tiene porcentajes para 1 celda de "
        "admin1 × sector × tipo de población; sus personas se repartieron con los "
        "porcentajes de edad y sexo del propio sector (el script de 2022 de R4V deja ese "
        "admin1 fuera del intersectorial): {cells}",
    },
    "unnamed_partners": {
        "en": "{n} rows were carried out through an implementing partner that names no one "
        "registered organisation (not registered, a name several share, or none given): "
        "such partners are not counted among implementing partners",
        "es": "{n} filas se ejecutaron a través de un socio implementador que no nombra a "
        "ninguna organización registrada (no registrada, un nombre que comparten varias, o "
        "ninguno): esos socios no se cuentan entre los socios implementadores",
        "es_one": "1 fila se ejecutó a través de un socio implementador que no nombra a "
        "ninguna organización registrada (no registrada, un nombre que comparten varias, o "
        "ninguno): ese socio no se cuenta entre los socios implementadores",
    },
    "partial_year": {
        "en": "progress against the plan's targets counts the people reached from {first} "
        "only, not from the plan year's start ({start}): the year's progress is asked with "
        "--from {start}",
        "es": "el avance respecto a las metas del plan cuenta las personas alcanzadas desde "
        "{first} solamente, no desde el inicio del año del plan ({start}): el avance del año "
        "se pide con --from {start}",
    },
    "plan_of_another_year": {
        "en": "no plan for {year}: progress is against the {plan} plan's people in need and "
        "targets; a sector or place with no row reads null, not 0",
        "es": "no hay plan para {year}: el avance se mide con las personas con necesidades y "
        "las metas del plan {plan}; un sector o lugar sin filas se lee nulo, no 0",
    },
    "rmrp_unanswered": {
        "en": "{n} rows that do not say whether they are an RMRP activity (an empty cell, or no "
        "such column) are not in these RMRP-only figures",
        "en_one": "1 row that does not say whether it is an RMRP activity (an empty cell, or no "
        "such column) is not in these RMRP-only figures",
        "es": "{n} filas que no dicen si son una actividad del RMRP (una celda vacía, o ninguna "
        "columna) no están en estas cifras de solo actividades del RMRP",
        "es_one": "1 fila que no dice si es una actividad del RMRP (una celda vacía, o ninguna "
        "columna) no está en estas cifras de solo actividades del RMRP",
    },
    "unlisted_indicators": {
        "en": "{n} rows ({people} new beneficiaries) name an indicator that the plan they are "
        "counted with does not list ({codes}): they are left out of people reached (partners "
        "and coverage count them)",
        "en_one": "1 row ({people} new beneficiaries) names an indicator that the plan it is "
        "counted with does not list ({codes}): it is left out of people reached (partners and "
        "coverage count it)",
        "es": "{n} filas ({people} beneficiarios nuevos) nombran un indicador que el plan con "
        "el que se cuentan no tiene ({codes}): quedan fuera de las personas alcanzadas (los "
        "socios y la cobertura las cuentan)",
        "es_one": "1 fila ({people} beneficiarios nuevos) nombra un indicador que el plan con "
        "el que se cuenta no tiene ({codes}): queda fuera de las personas alcanzadas (los "
        "socios y la cobertura la cuentan)",
    },
    "area_targets_unknown": {
        "en": "this platform's targets are those of its admin1 units ({units}), its "
        "country-level target their sum when every unit has one: the plan gives {n} sectors "
        "a target that is not known for the whole area, which reads null (not the country's "
        "target): {sectors}",
        "en_one": "this platform's targets are those of its admin1 units ({units}), its "
        "country-level target their sum when every unit has one: the plan gives 1 sector a "
        "target that is not known for the whole area, which reads null (not the country's "
        "target): {sectors}",
        "es": "las metas de esta plataforma son las de sus unidades admin1 ({units}), su meta "
        "de nivel país la suma de ellas cuando cada unidad tiene una: el plan da a {n} "
        "sectores una meta que no se conoce para toda el área, que se lee nula (no la meta "
        "del país): {sectors}",
        "es_one": "las metas de esta plataforma son las de sus unidades admin1 ({units}), su "
        "meta de nivel país la suma de ellas cuando cada unidad tiene una: el plan da a 1 "
        "sector una meta que no se conoce para toda el área, que se lee nula (no la meta del "
        "país): {sectors}",
    },
    "accepted_errors": {
        "en": "{n} stored rows with accepted errors not counted",
        "en_one": "1 stored row with accepted errors not counted",
        "es": "{n} filas guardadas con errores aceptados no se cuentan",
        "es_one": "1 fila guardada con errores aceptados no se cuenta",
    },
    "unreported": {
        "en": "No rows were reported for {months}: the monthly values of these months are 0 "
        "because nothing was reported, not a count of people reached; the consolidated totals "
        "carry the earlier months forward",
        "en_one": "No rows were reported for {months}: its monthly values are 0 because "
        "nothing was reported, not a count of people reached; the consolidated totals carry "
        "the earlier months forward",
        "es": "No se reportaron filas para {months}: los valores mensuales de esos meses son 0 "
        "porque no se reportó nada, no un recuento de personas alcanzadas; los totales "
        "consolidados arrastran los meses anteriores",
        "es_one": "No se reportaron filas para {months}: sus valores mensuales son 0 porque no "
        "se reportó nada, no un recuento de personas alcanzadas; los totales consolidados "
        "arrastran los meses anteriores",
    },
}

# Population types as the notes name them in Spanish (English: the code, spaced).
POPULATION_ES = {
    "in_destination": "en destino",
    "in_transit": "en tránsito",
    "host_community": "comunidad de acogida",
    "pendular": "pendulares",
    "returnees": "colombianos retornados",
}


def unnamed_partners(scoped: pl.DataFrame) -> Note | None:
    """The note on rows carried out through an implementing partner that names no one
    registered organisation (`unknown-implementing-partner`, `ambiguous-implementing-partner`,
    warnings; `implementing-partner-missing` stored with its issue): partners counts leave
    it out, and said nothing of it."""
    if "implementation" not in scoped.columns:
        return None
    unnamed = scoped.filter(
        pl.col("implementation").fill_null(False), pl.col("implementing_partner").is_null()
    ).height
    if not unnamed:
        return None
    return note("unnamed_partners", unnamed)


def unlisted_indicators(scoped: pl.DataFrame, reference: ReferenceData) -> Note | None:
    """The note on rows in scope whose indicator the plan they are counted with
    (`plans.per_row_plan`) does not list, or that name none: people reached leave them out,
    as neither counting nor not counting people. A local platform's own plan left out the
    national rows of indicators it lacks, 18,900 people, with no note (a tester's)."""
    from kipu.core.figures.plans import listed_indicator  # plans imports nothing of notes

    left = scoped.filter(~listed_indicator(reference).fill_null(False))
    if left.is_empty():
        return None
    codes = sorted({str(c) for c in left["indicator"].drop_nulls()})
    shown = ", ".join(codes[:10]) + (f" … ({len(codes)})" if len(codes) > 10 else "")
    people = int(left["new_beneficiaries"].sum() or 0)
    where = {lang: number(people, lang) for lang in ("en", "es")}
    return note("unlisted_indicators", left.height, people=where, codes=shown or "—")


def plan_of_another_year(
    end: str | None, start_month: int, plan_year: int, progress: pl.DataFrame
) -> Note | None:
    """The note on progress against another year's plan (`plan_year`): a period of 2020 on a
    platform with a 2019 plan only listed every sector at 0.0 % of 2019's targets, and
    nothing said whose (a tester). The plan year holding `end` names the year."""
    planned = progress.select(pl.col("people_in_need", "people_targeted").is_not_null().any())
    if not end or not any(planned.row(0)):  # no target: no plan to name
        return None
    year = int(plan_year_start(end, start_month)[:4])
    return None if year == plan_year else note("plan_of_another_year", 1, year=year, plan=plan_year)


def partial_year(first: str | None, start_month: int, progress: pl.DataFrame) -> Note | None:
    """The note on progress against targets (`progress`) of a period that starts (`first`)
    after its plan year does (`--from 2020-02`, plan years starting in `start_month`): the
    people reached from February only, beside the year's targets, read 0.0 % for a sector
    reported in January."""
    if not first or progress.is_empty():
        return None
    start = plan_year_start(first, start_month)
    return None if first == start else note("partial_year", 1, first=first, start=start)


def unreported_months(reported: pl.Series, first: str | None, last: str | None) -> list[str]:
    """The months from `first` (or the first month with a row) to `last` (YYYY-MM) no row in
    scope was reported for (`reported`: the rows' months): the figures list them with monthly
    values 0, carried forward (docs/figures.md), a 0 that counts nobody, not people reached."""
    have = set(reported.drop_nulls().to_list())
    if not first or not last or not have:
        return []  # without any row there are no figure rows to qualify
    first, found = max(first, min(have)), []  # before the first row: no figure rows either
    year, month = int(first[:4]), int(first[5:7])
    while (current := f"{year:04d}-{month:02d}") <= last:
        if current not in have:
            found.append(current)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


def unreported_note(months: list[str]) -> Note | None:
    """The note on `unreported_months`."""
    return note("unreported", len(months), months=", ".join(months)) if months else None
