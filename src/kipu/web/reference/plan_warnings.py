"""What a plan import warns of, or refuses, beyond what the plan loader says
(`kipu.core.loaders.plan`): tables the file leaves as stored, targets and proportions it
deletes, figures it clears, indicators
it moves from under stored rows, sectors it empties, and what it renamed or kept."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from kipu.core.figures.notes import Note, note_text  # a text in English and Spanish

if TYPE_CHECKING:  # the models load with Django's apps, after this module
    from kipu.web.plans.services import PlanChanges


def _both(label: str) -> tuple[str, str]:
    """A file's name, or the edit page's label (a `Note`: "This edit", "Esta edición"), in
    English and Spanish."""
    return str(label), note_text(label, "es")


def kept_as_stored(file: str, plan: Any, content: Any) -> list[Note]:
    """A warning per table the file does not give and the plan keeps: a workbook without a
    proportions sheet kept last load's proportions without a word, and figures still used
    them."""
    kept = []
    for name, given, stored in (
        ("targets", content.targets, plan.targets),
        ("proportions", content.proportions, plan.proportions),
    ):
        if not given and (count := stored.count()):
            # "gives no": a sheet whose every row was skipped gives none either
            en, es = _counted(count, name[:-1]), _counted(count, name[:-1], "es")
            kept.append(
                Note(
                    f"{file} gives no {name}: the {en} {'is' if count == 1 else 'are'} kept",
                    f"{file} no da {_WORDS[name]}: se conserva{'' if count == 1 else 'n'} {es}",
                )
            )
    return kept


def retyped_with_rows(
    file: str, plan: Any, before: dict[str, Any], after: dict[str, Any]
) -> list[Note]:
    """A warning, in English and Spanish, per indicator whose type the reload changed while
    rows of current submissions name it (`plan_snapshot`s before and after: "indicators" code
    → [..., type]): see `retyped`."""
    changed = {
        code: (was[4], after["indicators"][code][4])
        for code, was in before["indicators"].items()
        if code in after["indicators"] and was[4] != after["indicators"][code][4]
    }
    return retyped(file, plan, changed)


def retyped(file: str, plan: Any, changed: Mapping[str, tuple[str, str]]) -> list[Note]:
    """A warning per indicator of `changed` (code → (type before, type now)) that rows of
    current submissions name: the rows keep their indicator, so when the change moves it in
    or out of people reached (`IndicatorType.counts_people_reached`: PiN, Direct Assistance)
    their new beneficiaries leave or enter every figure of people reached. PRO-01 loaded as
    Other took 21,607 people out of Protection with no word but "indicators kept", and its
    type changed on the plan page with only "Saved." (`file`: the edit's label there).

    The rows are those figures count with this plan (`_counted_with`): by the indicator's
    code, not its id. Read by id, rows of 2020-01 stored while only the 2019 plan existed
    (naming the 2019 plan's PRO-01) were left out when the 2020 plan's PRO-01 was retyped,
    though the 2020 plan counts them (1,234,669 people out of people reached with no word),
    rows of other years counted with another plan were in, and rows stored with errors,
    which figures never count, were said to be counted."""
    from django.db.models import Count, Sum

    if not changed:
        return []
    counted = (
        _counted_with(plan)
        .filter(indicator__code__in=list(changed))
        .values("indicator__code")
        .annotate(rows=Count("id"), people=Sum("new_beneficiaries"))
    )
    return [
        _retyped(file, found["indicator__code"], *changed[found["indicator__code"]], found)
        for found in sorted(counted, key=lambda found: found["indicator__code"])
        if found["rows"]
    ]


def _counted_with(plan: Any) -> Any:
    """The rows figures count with `plan`: current submissions' rows without errors (a row
    stored with an accepted error is never counted), stored on a platform whose plans are the
    plan's platform's (`plan_holder`, `plan_users`), of a month whose year this plan is the
    plan of (`plan_for`: that year's plan, else the latest before it, else the first after)."""
    from kipu.web.plans.models import Plan
    from kipu.web.plans.queries import plan_users
    from kipu.web.submissions.models import Activity

    years = sorted(
        set(Plan.objects.filter(platform=plan.platform_id).values_list("year", flat=True))
    )
    rows = Activity.objects.filter(
        submission__status="current",
        has_error=False,
        platform__in=[p.pk for p in plan_users(plan.platform)],
    )
    if years and plan.year != years[0]:  # the first plan also counts the years before it
        rows = rows.filter(month__gte=f"{plan.year:04d}-01")
    later = [year for year in years if year > plan.year]
    if later:  # the next plan counts its year and those after it
        rows = rows.filter(month__lt=f"{later[0]:04d}-01")
    return rows


def _retyped(file: str, code: str, was: str, now: str, found: Mapping[str, Any]) -> Note:
    """One warning of `retyped`."""
    from kipu.core.phrasing import number
    from kipu.core.reference import INDICATOR_TYPES

    def counts(kind: str) -> bool:
        return INDICATOR_TYPES.get(kind, INDICATOR_TYPES["Other"]).counts_people_reached

    rows, people = found["rows"], int(found["people"] or 0)
    en, es = number(people, "en"), number(people, "es")
    if counts(was) and not counts(now):
        effect = (
            f"their {en} new beneficiaries were counted in people reached and no longer are",
            f"sus {es} beneficiarios nuevos se contaban en las personas alcanzadas y ya no",
        )
    elif counts(now) and not counts(was):
        effect = (
            f"their {en} new beneficiaries were not counted in people reached and now are",
            f"sus {es} beneficiarios nuevos no se contaban en las personas alcanzadas y ahora sí",
        )
    else:
        effect = ("people reached do not change", "las personas alcanzadas no cambian")
    label, etiqueta = _both(file)
    # A reload is undone by loading the file again, an edit by editing the type back.
    again = (
        (f"edit its type back to {was}", f"vuelva a poner el tipo {was}")
        if isinstance(file, Note)
        else (f"load the file again with {was}", f"cargue el archivo de nuevo con {was}")
    )
    return Note(
        f"{label}: indicator {code} changes type from {was} to {now}; {rows} stored rows name "
        f"it: {effect[0]}; if the type was right before, {again[0]}",
        f"{etiqueta}: el indicador {code} cambia de tipo de {was} a {now}; "
        f"{_filas(rows)}: {effect[1]}; si el tipo era el "
        f"correcto, {again[1]}",
    )


# A target's figures, in `plan_snapshot`'s order, in English and Spanish.
TARGET_FIGURES = (
    ("people in need", "personas en necesidad"),
    ("people targeted", "personas meta"),
    ("budget", "presupuesto"),
)
NAMED = 10  # entries a warning names; the rest are counted
# The tables' names in Spanish.
_WORDS = {"targets": "metas", "proportions": "proporciones"}


def replaced_whole(
    files: tuple[str, str], before: dict[str, Any], after: dict[str, Any], content: Any
) -> list[Note]:
    """What a reload deleted or cleared of the stored targets and proportions, which it
    replaces whole (`plan_snapshot`s before and after; `files`: the targets' file, the
    proportions' file): a target or a proportion the file leaves out, and a figure of a
    target (people in need, targeted, budget) the file leaves empty where one was stored.
    Each went without a word before: a targets file without a `people_in_need` column
    cleared every stored PiN, and one of fewer rows deleted the others' targets."""
    said = []
    tables = (("target", files[0], content.targets), ("proportion", files[1], content.proportions))
    for noun, file, given in tables:
        table = f"{noun}s"
        if not given:
            continue  # the stored ones are kept (`kept_as_stored`)
        left_out = sorted(key for key in before[table] if key not in after[table])
        if left_out:
            one = len(left_out) == 1
            said.append(
                Note(
                    f"{file} leaves out {_counted(len(left_out), noun)} "
                    f"({_named(left_out)}): deleted, as {table} are replaced whole; give "
                    f"{'it' if one else 'them'} again to keep {'it' if one else 'them'}",
                    f"{file} deja fuera {_counted(len(left_out), noun, 'es')} "
                    f"({_named(left_out, 'es')}): {'borrada' if one else 'borradas'}, pues "
                    f"las {_WORDS[table]} se reemplazan enteras; "
                    f"vuelva a {'darla para conservarla' if one else 'darlas para conservarlas'}",
                )
            )
    if content.targets:
        said += _cleared(files[0], before, after)
    return said


def _cleared(file: str, before: dict[str, Any], after: dict[str, Any]) -> list[Note]:
    """A warning per figure of the stored targets the file leaves empty (`replaced_whole`)."""
    said = []
    kept = [key for key in before["targets"] if key in after["targets"]]
    for position, (words, palabras) in enumerate(TARGET_FIGURES):
        cleared = sorted(
            key
            for key in kept
            if before["targets"][key][position] is not None
            and after["targets"][key][position] is None
        )
        if cleared:
            said.append(
                Note(
                    f"{file} gives no {words} for {_counted(len(cleared), 'target')} "
                    f"that had one ({_named(cleared)}): cleared, as targets are replaced "
                    "whole; give the figures again to keep them",
                    f"{file} no da {palabras} para {_counted(len(cleared), 'target', 'es')} "
                    f"que {'tenía' if len(cleared) == 1 else 'tenían'} esa cifra "
                    f"({_named(cleared, 'es')}): se borra, pues las metas se reemplazan "
                    "enteras; vuelva a dar las cifras para conservarlas",
                )
            )
    return said


def _counted(count: int, noun: str, lang: str = "en") -> str:
    """ "1 stored target", "2 stored proportions"; in Spanish "1 meta guardada"."""
    if lang == "es":
        singular, plural = {
            "target": ("meta guardada", "metas guardadas"),
            "proportion": ("proporción guardada", "proporciones guardadas"),
        }[noun]
        return f"{count} {singular if count == 1 else plural}"
    return f"{count} stored {noun}" if count == 1 else f"{count} stored {noun}s"


def _named(keys: list[str], lang: str = "en") -> str:
    """The first keys, sorted by the caller: the database gives them in no set order."""
    shown = ", ".join(keys[:NAMED])
    more = len(keys) - NAMED
    if more <= 0:
        return shown
    return shown + (f" y {more} más" if lang == "es" else f" and {more} more")


def _filas(rows: int) -> str:
    """ "1 fila guardada lo nombra", "2 filas guardadas lo nombran"."""
    from kipu.core.phrasing import number

    if rows == 1:
        return "1 fila guardada lo nombra"
    return f"{number(rows, 'es')} filas guardadas lo nombran"


def _spanish(sector: Any) -> str:
    return str(sector.name_es or sector.name_en)


def moved_with_rows(file: str, moved: list[tuple[Any, Any]]) -> list[Note]:
    """An error per indicator the plan moves to another sector while current submissions'
    rows name it under another: a stored row keeps the sector it was reported under
    (submissions never change once stored), so the new sector's progress would leave its
    rows out without a word, and the old sector would keep counting them. The rows' sectors
    are read from the rows, not taken to be the indicator's sector before: an indicator an
    edit had moved away from its rows' sector could not be moved back, "123 stored rows name
    it under" the wrong sector. Rows already under the new sector are no reason to refuse."""
    from kipu.web.plans.models import Sector
    from kipu.web.submissions.queries import current_rows_by_indicator_sector

    rows = current_rows_by_indicator_sector([indicator.pk for indicator, _ in moved])
    label, etiqueta = _both(file)
    refused = []
    for indicator, before in moved:
        now, ahora = indicator.sector.name_en, _spanish(indicator.sector)
        under = [(pk, n) for pk, _, n in rows.get(indicator.pk, []) if pk != indicator.sector_id]
        if not under:
            continue
        sectors = Sector.objects.in_bulk([pk for pk, _ in under])
        names = [(sectors[pk].name_en, _spanish(sectors[pk]), n) for pk, n in under]
        where = names[0][0] if len(names) == 1 else ", ".join(f"{e} ({n})" for e, _, n in names)
        donde = names[0][1] if len(names) == 1 else ", ".join(f"{s} ({n})" for _, s, n in names)
        total = sum(n for _, n in under)
        refused.append(
            Note(
                f"{label}: indicator {indicator.code} moves from {before.name_en} to {now}, "
                f"but {total} stored rows name it under {where} and would still count there "
                f"({now}'s progress would leave them out); keep it under its sector, or give "
                "the moved indicator a new code",
                f"{etiqueta}: el indicador {indicator.code} pasa de {_spanish(before)} a "
                f"{ahora}, pero {_filas(total)} en {donde} y seguirían "
                f"contando allí (el avance de {ahora} las dejaría fuera); manténgalo en su "
                "sector, o dé al indicador movido un código nuevo",
            )
        )
    return refused


def emptied(file: str, changes: PlanChanges) -> list[Note]:
    """An error per sector the plan leaves with targets and no indicators, naming the
    indicators that left it and the sub-sectors no longer under it. Refused, not warned: its
    progress would read nothing reached against its targets, and the sectors the file added
    (a list writing "Salud" for the stored Health) are never deleted by a later load, so a
    warned load could not be undone by loading the right file."""
    return [_emptied(file, sector, changes) for sector in changes.emptied]


def _emptied(file: str, sector: Any, changes: PlanChanges) -> Note:
    """One error of `emptied`."""
    label, etiqueta = _both(file)
    gone = [
        (indicator.code, indicator.sector, changes.added)
        for indicator, before in changes.moved
        if before.pk == sector.pk
    ]
    left = [s for s, before in changes.regrouped if before and before.pk == sector.pk]
    en, es = sector.name_en, _spanish(sector)
    fix: list[tuple[str, str]] = []
    if gone:
        fix.append(
            (
                f"if the file means this sector, write it as stored ({en}, or its code "
                f"{sector.code})",
                f"si el archivo se refiere a este sector, escríbalo como está guardado ({es}, "
                f"o su código {sector.code})",
            )
        )
    if left:
        fix.append(
            (
                f"give {', '.join(s.name_en for s in left)} the parent {en} again (the sectors "
                "sheet's parent column, or an indicator list's parent_sector)",
                f"vuelva a dar a {', '.join(_spanish(s) for s in left)} el sector padre {es} "
                "(la columna parent de la hoja de sectores, o parent_sector de una lista de "
                "indicadores)",
            )
        )
    moved = "; ".join(f"{c} to {_sector_name(s, a)}" for c, s, a in gone)
    movidos = "; ".join(f"{c} a {_sector_name(s, a, 'es')}" for c, s, a in gone)
    said = (f" (moved: {moved})" if gone else "") + (
        f" (no longer under it: {', '.join(s.name_en for s in left)})" if left else ""
    )
    dicho = (f" (movidos: {movidos})" if gone else "") + (
        f" (ya no están en él: {', '.join(_spanish(s) for s in left)})" if left else ""
    )
    return Note(
        f"{label}: sector {en} ({sector.code}) has targets but would have no indicators "
        f"left{said}; {'; '.join(f[0] for f in fix) or 'keep its indicators in the file'}; "
        "or, if it is meant to have none, give the plan's targets again without it (a "
        "targets sheet, or --targets)",
        f"{etiqueta}: el sector {es} ({sector.code}) tiene metas pero se quedaría sin "
        f"indicadores{dicho}; "
        f"{'; '.join(f[1] for f in fix) or 'mantenga sus indicadores en el archivo'}; o, si "
        "no debe tener ninguno, vuelva a dar las metas del plan sin él (una hoja de metas, o "
        "--targets)",
    )


def moved_renamed_deleted(file: str, changes: PlanChanges) -> list[Note]:
    """A warning per indicator moved to another sector that no stored row names (from now on
    it counts under its new sector), per stored sector renamed or regrouped, and per
    indicator the file leaves out, deleted: a reload changed any of them with only "2
    sectors, 2 indicators" to show for it."""
    label, etiqueta = _both(file)
    moved = [
        Note(
            f"{label}: indicator {indicator.code} moves from {before.name_en} to "
            f"{_sector_name(indicator.sector, changes.added)}",
            f"{etiqueta}: el indicador {indicator.code} pasa de {_spanish(before)} a "
            f"{_sector_name(indicator.sector, changes.added, 'es')}",
        )
        for indicator, before in changes.moved
    ]
    renamed = [
        Note(
            f"{label}: sector {sector.code} renamed from {english!r} / {spanish!r} to "
            f"{sector.name_en!r} / {sector.name_es!r} (English / Spanish)",
            f"{etiqueta}: el sector {sector.code} cambia de nombre de {english!r} / "
            f"{spanish!r} a {sector.name_en!r} / {sector.name_es!r} (inglés / español)",
        )
        for sector, english, spanish in changes.renamed
    ]
    return moved + renamed + _regrouped(label, etiqueta, changes) + _deleted(file, changes)


def _regrouped(label: str, etiqueta: str, changes: PlanChanges) -> list[Note]:
    said = []
    for sector, before in changes.regrouped:
        parent = sector.parent
        said.append(
            Note(
                f"{label}: sector {sector.name_en} "
                + (f"is now a sub-sector of {parent.name_en}" if parent else "is now a sector")
                + (f", no longer under {before.name_en}" if before else ""),
                f"{etiqueta}: el sector {_spanish(sector)} "
                + (
                    f"es ahora un subsector de {_spanish(parent)}"
                    if parent
                    else "es ahora un sector"
                )
                + (f", ya no está en {_spanish(before)}" if before else ""),
            )
        )
    return said


def _deleted(file: str, changes: PlanChanges) -> list[Note]:
    label, etiqueta = _both(file)
    return [
        Note(
            f"{label}: indicator {code} {name!r} is not in the file: deleted (no stored row "
            "names it)",
            f"{etiqueta}: el indicador {code} {name!r} no está en el archivo: se borra "
            "(ninguna fila guardada lo nombra)",
        )
        for code, name in changes.deleted
    ]


def _sector_name(sector: Any, added: list[Any], lang: str = "en") -> str:
    new = any(sector.pk == a.pk for a in added)
    if lang == "es":
        name = _spanish(sector)
        return f"{name} ({sector.code}, un sector que añade este archivo)" if new else name
    return f"{sector.name_en} ({sector.code}, a sector this file adds)" if new else sector.name_en
