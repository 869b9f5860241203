"""The codes of survey validation: the same `Issue` and `Report` shapes as 5W validation
(`kipu.core.validation.issues`), so pages, the CLI and the API show both the same way.

Every code is documented in docs/surveys.md (a test checks it).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from kipu.core.validation.issues import ERROR, WARNING, Issue


@dataclass(frozen=True)
class SurveyCode:
    code: str
    severity: str
    en: str  # templates: {value} {column} {detail}
    es: str


def _c(code: str, severity: str, en: str, es: str) -> SurveyCode:
    return SurveyCode(code, severity, en, es)


_CODES = (
    _c(
        "unreadable-file",
        ERROR,
        "The file cannot be read: {detail}",
        "No se puede leer el archivo: {detail}",
    ),
    _c(
        "file-too-large",
        ERROR,
        "The file is too large: {detail}",
        "El archivo es demasiado grande: {detail}",
    ),
    _c(
        "no-survey-sheet",
        ERROR,
        "No sheet has a header naming the form's questions ({detail}).",
        "Ninguna hoja tiene encabezados con las preguntas del formulario ({detail}).",
    ),
    _c("no-rows", ERROR, "The export has no interviews.", "La exportación no tiene entrevistas."),
    _c(
        "duplicate-column",
        ERROR,
        "Column “{column}” appears twice ({detail}).",
        "La columna “{column}” aparece dos veces ({detail}).",
    ),
    _c(
        "unknown-column",
        WARNING,
        "Column “{column}” is not a question of the form; ignored.",
        "La columna “{column}” no es una pregunta del formulario; se ignora.",
    ),
    _c(
        "missing-question",
        ERROR,
        "Required question “{column}” has no column in the export.",
        "La pregunta obligatoria “{column}” no tiene columna en la exportación.",
    ),
    _c(
        "question-not-exported",
        WARNING,
        "Question “{column}” has no column in the export: its answers are read as empty.",
        "La pregunta “{column}” no tiene columna en la exportación: sus respuestas se leen vacías.",
    ),
    _c(
        "choice-not-exported",
        WARNING,
        "Choice “{value}” of “{column}” has no 1/0 column in the export, nor does the question "
        "have a column of its own: whether it was chosen is not known, and its figures are "
        "not given.",
        "La opción “{value}” de “{column}” no tiene columna 1/0 en la exportación, ni la "
        "pregunta tiene columna propia: no se sabe si fue elegida, y sus cifras no se dan.",
    ),
    _c(
        "unknown-sheet",
        WARNING,
        "Sheet “{value}” is not a repeat group of the form; ignored.",
        "La hoja “{value}” no es un grupo de repetición del formulario; se ignora.",
    ),
    _c(
        "unknown-choice",
        ERROR,
        "“{value}” is not a choice of “{column}” ({detail}).",
        "“{value}” no es una opción de “{column}” ({detail}).",
    ),
    _c(
        "invalid-choice-flag",
        ERROR,
        "“{value}” in “{column}” is neither 1 (chosen) nor 0 (not chosen).",
        "“{value}” en “{column}” no es ni 1 (elegida) ni 0 (no elegida).",
    ),
    _c(
        "split-disagrees",
        ERROR,
        "“{column}” holds “{value}”, but its 1/0 columns choose “{detail}”.",
        "“{column}” dice “{value}”, pero sus columnas 1/0 eligen “{detail}”.",
    ),
    _c(
        "invalid-number",
        ERROR,
        "“{value}” in “{column}” is not a number.",
        "“{value}” en “{column}” no es un número.",
    ),
    _c(
        "ambiguous-number",
        ERROR,
        "“{value}” in “{column}” may group thousands or mark decimals: write it without a "
        "thousands separator (1500) or with a decimal point (1.5).",
        "“{value}” en “{column}” puede separar miles o decimales: escríbalo sin separador de "
        "miles (1500) o con punto decimal (1.5).",
    ),
    _c(
        "not-integer",
        ERROR,
        "“{value}” in “{column}” is not a whole number.",
        "“{value}” en “{column}” no es un número entero.",
    ),
    _c(
        "invalid-date",
        ERROR,
        "“{value}” in “{column}” is not a date (YYYY-MM-DD).",
        "“{value}” en “{column}” no es una fecha (AAAA-MM-DD).",
    ),
    _c(
        "required-missing",
        ERROR,
        "“{column}” is required but empty.",
        "“{column}” es obligatoria pero está vacía.",
    ),
    _c(
        "constraint-violated",
        ERROR,
        "“{value}” in “{column}” is out of range: {detail}.",
        "“{value}” en “{column}” está fuera de rango: {detail}.",
    ),
    _c(
        "answer-not-relevant",
        WARNING,
        "“{column}” is answered although the form skips it here ({detail}).",
        "“{column}” tiene respuesta aunque el formulario la omite aquí ({detail}).",
    ),
    _c(
        "check-not-made",
        WARNING,
        "A check of the form cannot be made: {detail}.",
        "Un control del formulario no se puede hacer: {detail}.",
    ),
    _c(
        "duplicate-submission",
        ERROR,
        "Interview {value} appears twice (first at row {detail}).",
        "La entrevista {value} aparece dos veces (primero en la fila {detail}).",
    ),
    _c(
        "duplicate-index",
        ERROR,
        "Index {value} is given to two interviews (first at row {detail}): their repeat rows "
        "cannot be told apart.",
        "El índice {value} está en dos entrevistas (primero en la fila {detail}): sus filas de "
        "repetición no se pueden distinguir.",
    ),
    _c(
        "orphan-repeat-row",
        ERROR,
        "This row belongs to interview {value}, which is not in the export.",
        "Esta fila pertenece a la entrevista {value}, que no está en la exportación.",
    ),
    _c(
        "orphan-nested-row",
        ERROR,
        "This row belongs to row {value} of the repeat group “{detail}”, which is not in the "
        "export or belongs to no interview.",
        "Esta fila pertenece a la fila {value} del grupo de repetición “{detail}”, que no está "
        "en la exportación o no pertenece a ninguna entrevista.",
    ),
    _c(
        "parent-key-not-exported",
        ERROR,
        "“{column}” names row {value} of the sheet “{detail}”, which has no column numbering "
        "its rows (Kobo's “_index”, ODK's “KEY”), and no “_submission__uuid” names the "
        "interview: the row belongs to no interview.",
        "“{column}” nombra la fila {value} de la hoja “{detail}”, que no tiene columna que "
        "numere sus filas (“_index” de Kobo, “KEY” de ODK), y ningún “_submission__uuid” "
        "nombra la entrevista: la fila no pertenece a ninguna entrevista.",
    ),
    _c(
        "repeat-link-disagrees",
        ERROR,
        "“{column}” ({value}) and “_submission__uuid” ({detail}) put this row in different "
        "interviews: it belongs to neither.",
        "“{column}” ({value}) y “_submission__uuid” ({detail}) ponen esta fila en entrevistas "
        "distintas: no pertenece a ninguna.",
    ),
    _c(
        "duplicate-repeat-index",
        ERROR,
        "Index {value} is given to two rows of this repeat group (first at row {detail}): the "
        "rows of the repeat group inside it cannot be told apart.",
        "El índice {value} está en dos filas de este grupo de repetición (primero en la fila "
        "{detail}): las filas del grupo de repetición dentro de él no se pueden distinguir.",
    ),
    _c(
        "missing-repeat",
        ERROR,
        "The export brings no rows for the repeat group “{value}”, although {detail} "
        "interviews call for them. A CSV export holds one table: pass the repeat's file "
        "(command line: --repeat {value}=FILE). In an XLSX export, give it a sheet named "
        "“{value}”.",
        "La exportación no trae filas del grupo de repetición “{value}”, aunque {detail} "
        "entrevistas las requieren. Una exportación CSV tiene una sola tabla: pase el archivo "
        "de la repetición (línea de comandos: --repeat {value}=ARCHIVO). En una exportación "
        "XLSX, inclúyala en una hoja llamada “{value}”.",
    ),
    _c(
        "invalid-weight",
        ERROR,
        "The weight “{value}” in “{column}” is not a positive number.",
        "El peso “{value}” en “{column}” no es un número positivo.",
    ),
    _c(
        "excel-error",
        ERROR,
        "“{column}” holds the Excel error {value}.",
        "“{column}” contiene el error de Excel {value}.",
    ),
    _c(
        "formula-without-value",
        ERROR,
        "“{column}” holds a formula with no saved value.",
        "“{column}” contiene una fórmula sin valor guardado.",
    ),
    _c(
        "unreadable-value",
        ERROR,
        "“{column}” holds a value written in a form that cannot be read exactly.",
        "“{column}” contiene un valor escrito en una forma que no se puede leer con exactitud.",
    ),
    _c(
        "merged-cell",
        WARNING,
        "“{column}” is part of the merged cells {detail}: their value was used for this row.",
        "“{column}” es parte de las celdas combinadas {detail}: se usó su valor en esta fila.",
    ),
)

SURVEY_CODES: dict[str, SurveyCode] = {c.code: c for c in _CODES}

# The detail of `check-not-made`: why one check of the form (a question's `relevant` or
# `constraint`) is not made, in each language. {question} is its path, {check} the XLSForm
# column, {expression} its text, {reference} the `${name}` whose value is not known.
_NOT_MADE = {
    "unsupported": (
        "{question}: {check} “{expression}” is not checked ({error})",
        "{question}: {check} “{expression}” no se controla ({error})",
    ),
    "no-column": (
        "{question}: {check} “{expression}” is not checked: the export has no column for "
        "{reference}",
        "{question}: {check} “{expression}” no se controla: la exportación no tiene columna "
        "para {reference}",
    ),
    "no-today": (
        "{question}: {check} “{expression}” is not checked: the export has no column for "
        "{reference} nor for the interview's start (its end and submission time may fall on "
        "a later day)",
        "{question}: {check} “{expression}” no se controla: la exportación no tiene columna "
        "para {reference} ni para el inicio de la entrevista (su fin y su envío pueden caer "
        "otro día)",
    ),
    "no-link": (
        "{question}: {check} “{expression}” is not checked: {reference} is asked in the "
        "repeat group “{scope}”, whose rows the export does not bring",
        "{question}: {check} “{expression}” no se controla: {reference} se pregunta en el "
        "grupo de repetición “{scope}”, cuyas filas la exportación no trae",
    ),
    "other-repeat": (
        "{question}: {check} “{expression}” is not checked: {reference} is asked in the "
        "repeat group “{scope}”, which holds none of its rows",
        "{question}: {check} “{expression}” no se controla: {reference} se pregunta en el "
        "grupo de repetición “{scope}”, que no contiene sus filas",
    ),
    "inner-repeat": (
        "{question}: {check} “{expression}” is not checked: {reference} is asked in the "
        "repeat group “{scope}”, which may hold many answers to it",
        "{question}: {check} “{expression}” no se controla: {reference} se pregunta en el "
        "grupo de repetición “{scope}”, que puede tener muchas respuestas",
    ),
    "unknown-rows": (
        "{question}: {check} “{expression}” is not checked in the rows where a value it reads "
        "({reference}) is not known (empty, or in a row the export does not bring): {rows}",
        "{question}: {check} “{expression}” no se controla en las filas donde un valor que lee "
        "({reference}) no se conoce (vacío, o en una fila que la exportación no trae): {rows}",
    ),
}


def not_made(why: str, lang: str = "en", **parts: object) -> str:
    """The detail of a `check-not-made` issue: `why` is a key of `_NOT_MADE`."""
    english, spanish = _NOT_MADE[why]
    return (spanish if lang == "es" else english).format(**{"scope": "", **parts})


def survey_issue(
    code: str,
    lang: str = "en",
    *,
    value: object = None,
    column: str | None = None,
    detail: object = "",
    suggestion: str | None = None,
    **where: Any,
) -> Issue:
    """An `Issue` of a survey code; `where` takes sheet, row (as the sheet shows it) and
    col_index (0-based)."""
    info = SURVEY_CODES[code]
    template = info.es if lang == "es" else info.en
    text = None if value is None else str(value)
    message = template.format(value=text or "", column=column or "", detail=detail or "")
    if suggestion:
        message += (" ¿Quiso decir “{}”?" if lang == "es" else " Did you mean “{}”?").format(
            suggestion
        )
    return Issue(
        code=code,
        severity=info.severity,
        message=message,
        value=text,
        column=column,
        suggestion=suggestion,
        **where,
    )


def unknown_choices(issues: Iterable[Issue | Mapping[str, Any]]) -> dict[str, frozenset[str]]:
    """Question path → the choices whose answers the export did not bring
    (`choice-not-exported`), from a report's issues (`Issue`s, or the dicts a stored round's
    report holds): the analysis gives them no figure, never a 0."""
    found: dict[str, set[str]] = {}
    for issue in issues:
        item = issue if isinstance(issue, Mapping) else issue.to_dict()
        if item.get("code") == "choice-not-exported" and item.get("column"):
            found.setdefault(str(item["column"]), set()).add(str(item.get("value")))
    return {path: frozenset(choices) for path, choices in found.items()}
