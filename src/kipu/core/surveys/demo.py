"""A synthetic flow-monitoring survey (FMS) like those run at the CEBAF in Tumbes: the
XLSForm, its indicators file, and a Kobo-style export of about 400 interviews a month.

Deterministic (seeded per month): the same files every time. Everything it writes is
synthetic and the demonstration says so. The form has groups, a repeat (the people
travelling with the respondent), select_one and select_multiple questions, a constraint, a
relevance rule and labels in English and Spanish: the tests use it as a realistic form.
"""

from __future__ import annotations

import random
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path

SLUG = "fms-tumbes"
YEAR = 2019
SEED = 2019
INTERVIEWS = {11: 400}  # the November 2019 report: "400 people interviewed"

EN, ES = "label::English (en)", "label::Español (es)"
SURVEY_HEADER = [
    "type", "name", EN, ES, "required", "constraint",
    "constraint_message::English (en)", "constraint_message::Español (es)", "relevant",
    "calculation",
]  # fmt: skip
SURVEY_ROWS: list[list[str]] = [
    ["start", "start"],
    ["end", "end"],
    ["date", "today", "Interview date", "Fecha de la entrevista", "yes"],
    ["begin_group", "interview", "Interview", "Entrevista"],
    ["select_one border_point", "border_point", "Border point", "Punto fronterizo", "yes"],
    ["end_group", "interview"],
    ["begin_group", "respondent", "Respondent", "Persona entrevistada"],
    ["select_one sex", "sex", "Sex", "Sexo", "yes"],
    ["integer", "age", "Age", "Edad", "yes", ". >= 18 and . <= 99",
     "Adults only (18 to 99)", "Solo adultos (18 a 99)"],
    ["select_one nationality", "nationality", "Nationality", "Nacionalidad", "yes"],
    ["end_group", "respondent"],
    ["select_one intention", "intention", "Where do you intend to go?",
     "¿A dónde piensa ir?", "yes"],
    ["select_one department", "destination_department", "Department of destination in Peru",
     "Departamento de destino en el Perú", "yes", "", "", "", "${intention} = 'stay_peru'"],
    ["select_multiple needs", "needs", "Most urgent needs", "Necesidades más urgentes", "yes"],
    ["integer", "group_size", "People travelling together", "Personas que viajan juntas",
     "yes", ". >= 1 and . <= 20", "Between 1 and 20", "Entre 1 y 20"],
    ["begin_repeat", "members", "Travel companions", "Acompañantes", "", "", "", "",
     "${group_size} > 1"],
    ["select_one sex", "member_sex", "Sex", "Sexo", "yes"],
    ["integer", "member_age", "Age", "Edad", "yes", ". >= 0 and . <= 99"],
    ["end_repeat", "members"],
    ["calculate", "weight", "", "", "", "", "", "", "", "1"],
]  # fmt: skip
CHOICES: dict[str, list[tuple[str, str, str]]] = {
    "border_point": [
        ("cebaf_tumbes", "CEBAF Tumbes", "CEBAF Tumbes"),
        ("aguas_verdes", "Aguas Verdes", "Aguas Verdes"),
        ("other", "Other", "Otro"),
    ],
    "sex": [("female", "Female", "Mujer"), ("male", "Male", "Hombre")],
    "nationality": [
        ("venezuelan", "Venezuelan", "Venezolana"),
        ("colombian", "Colombian", "Colombiana"),
        ("other", "Other", "Otra"),
    ],
    "intention": [
        ("stay_peru", "Stay in Peru", "Quedarse en el Perú"),
        ("go_chile", "Continue to Chile", "Seguir a Chile"),
        ("go_other", "Continue to another country", "Seguir a otro país"),
        ("return", "Return to Venezuela", "Volver a Venezuela"),
        ("dont_know", "Does not know yet", "Aún no sabe"),
    ],
    "department": [
        ("lima", "Lima", "Lima"),
        ("la_libertad", "La Libertad", "La Libertad"),
        ("tumbes", "Tumbes", "Tumbes"),
        ("piura", "Piura", "Piura"),
        ("arequipa", "Arequipa", "Arequipa"),
        ("other", "Other", "Otro"),
    ],
    "needs": [
        ("food", "Food", "Alimentos"),
        ("health", "Health care", "Atención de salud"),
        ("documentation", "Documentation", "Documentación"),
        ("shelter", "Shelter", "Alojamiento"),
        ("employment", "Employment", "Empleo"),
        ("transport", "Transport", "Transporte"),
        ("information", "Information", "Información"),
        ("cash", "Cash", "Dinero en efectivo"),
    ],
}
NEEDS_RATE = {
    "food": 0.62, "health": 0.47, "documentation": 0.41, "shelter": 0.33,
    "employment": 0.29, "transport": 0.21, "information": 0.14, "cash": 0.09,
}  # fmt: skip
INTENTION_RATE = {"stay_peru": 0.56, "go_chile": 0.24, "go_other": 0.1, "return": 0.03}
DEPARTMENT_RATE = {
    "lima": 0.52, "la_libertad": 0.13, "tumbes": 0.1, "piura": 0.08, "arequipa": 0.06,
}  # fmt: skip

INDICATORS = """\
# Indicators of the synthetic flow-monitoring survey (docs/surveys.md).
[survey]
slug = "fms-tumbes"
title_en = "Flow monitoring survey, CEBAF Tumbes (synthetic)"
title_es = "Encuesta de monitoreo de flujo, CEBAF Tumbes (sintética)"
synthetic = true

[disaggregations]
sex = "sex"
age_group = { question = "age", bins = [18, 25, 60] }
nationality = "nationality"
border_point = "border_point"
department = "destination_department"

[[indicators]]
question = "intention"
by = ["sex", "age_group", "nationality", "border_point"]

[[indicators]]
question = "needs"
by = ["sex", "age_group", "nationality"]

[[indicators]]
question = "destination_department"
by = ["sex"]

[[indicators]]
question = "member_sex"
by = ["border_point"]
"""


def write_form(path: Path) -> Path:
    """The XLSForm (survey, choices, settings sheets) as an XLSX file."""
    import xlsxwriter

    path.parent.mkdir(parents=True, exist_ok=True)
    with xlsxwriter.Workbook(str(path)) as book:
        survey = book.add_worksheet("survey")
        survey.write_row(0, 0, SURVEY_HEADER)
        for number, row in enumerate(SURVEY_ROWS, start=1):
            survey.write_row(number, 0, row)
        choices = book.add_worksheet("choices")
        choices.write_row(0, 0, ["list_name", "name", EN, ES])
        number = 1
        for list_name, items in CHOICES.items():
            for name, english, spanish in items:
                choices.write_row(number, 0, [list_name, name, english, spanish])
                number += 1
        settings = book.add_worksheet("settings")
        settings.write_row(0, 0, ["form_title", "form_id", "version", "default_language"])
        settings.write_row(1, 0, ["FMS Tumbes", "fms_tumbes", "2019-01", "English (en)"])
    return path


def write_indicators(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(INDICATORS, encoding="utf-8")
    return path


def _pick(rng: random.Random, rates: dict[str, float], rest: str) -> str:
    draw, total = rng.random(), 0.0
    for name, rate in rates.items():
        total += rate
        if draw < total:
            return name
    return rest


def interviews(month: int, year: int = YEAR) -> list[dict[str, object]]:
    """One month's synthetic interviews, each with its travel companions."""
    rng = random.Random(SEED * 100 + month)
    count = INTERVIEWS.get(month, 380 + rng.randrange(41))
    first = date(year, month, 1)
    found = []
    for index in range(1, count + 1):
        day = first + timedelta(days=rng.randrange(28))
        intention = _pick(rng, INTENTION_RATE, "dont_know")
        size = 1 + min(int(rng.expovariate(0.7)), 6)
        needs = [n for n, rate in NEEDS_RATE.items() if rng.random() < rate] or ["food"]
        found.append(
            {
                "_index": index,
                "_uuid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                "today": day,
                "start": datetime(day.year, day.month, day.day, 8 + rng.randrange(9), 0),
                "border_point": _pick(rng, {"cebaf_tumbes": 0.93, "aguas_verdes": 0.05}, "other"),
                "sex": "female" if rng.random() < 0.52 else "male",
                "age": 18 + min(int(rng.expovariate(1 / 14)), 70),
                "nationality": _pick(rng, {"venezuelan": 0.95, "colombian": 0.03}, "other"),
                "intention": intention,
                "destination_department": _pick(rng, DEPARTMENT_RATE, "other")
                if intention == "stay_peru"
                else None,
                "needs": needs,
                "group_size": size,
                "weight": 1,
                "members": [
                    ("female" if rng.random() < 0.5 else "male", rng.randrange(0, 60))
                    for _ in range(size - 1)
                ],
            }
        )
    return found


PATHS = {
    "today": "today",
    "border_point": "interview/border_point",
    "sex": "respondent/sex",
    "age": "respondent/age",
    "nationality": "respondent/nationality",
    "intention": "intention",
    "destination_department": "destination_department",
    "needs": "needs",
    "group_size": "group_size",
    "weight": "weight",
}


def write_export(path: Path, month: int, year: int = YEAR) -> Path:
    """A KoboToolbox XLSX export of one month: XML-name headers with group paths, one column
    of space-separated needs plus a 1/0 column per need, and a `members` sheet."""
    import xlsxwriter

    rows = interviews(month, year)
    needs = [name for name, _, _ in CHOICES["needs"]]
    header = ["start", *PATHS.values(), *[f"needs/{n}" for n in needs], "_id", "_uuid", "_index"]
    path.parent.mkdir(parents=True, exist_ok=True)
    with xlsxwriter.Workbook(str(path), {"strings_to_numbers": False}) as book:
        dates = book.add_format({"num_format": "yyyy-mm-dd"})
        main = book.add_worksheet("FMS Tumbes")
        main.write_row(0, 0, header)
        for number, row in enumerate(rows, start=1):
            values: list[object] = [row["start"].isoformat()]  # type: ignore[attr-defined]
            values += [
                " ".join(row[k]) if k == "needs" else row[k]  # type: ignore[arg-type]
                for k in PATHS
            ]
            values += [1 if n in row["needs"] else 0 for n in needs]  # type: ignore[operator]
            values += [year * 100_000 + month * 1000 + number, row["_uuid"], row["_index"]]
            for col, value in enumerate(values):
                if isinstance(value, date):
                    main.write_datetime(
                        number, col, datetime(value.year, value.month, value.day), dates
                    )
                elif value is not None:
                    main.write(number, col, value)
        members = book.add_worksheet("members")
        members.write_row(0, 0, ["members/member_sex", "members/member_age", "_index",
                                 "_parent_table_name", "_parent_index"])  # fmt: skip
        number = 1
        for row in rows:
            for sex, age in row["members"]:  # type: ignore[attr-defined]
                members.write_row(number, 0, [sex, age, number, "FMS Tumbes", row["_index"]])
                number += 1
    return path


def write_demo_files(folder: Path, months: range = range(1, 13)) -> dict[str, Path]:
    """The form, the indicators file and one export per month: {"form", "indicators",
    "YYYY-MM": export}."""
    files = {
        "form": write_form(folder / "fms-tumbes-form.xlsx"),
        "indicators": write_indicators(folder / "fms-tumbes-indicators.toml"),
    }
    for month in months:
        name = f"{YEAR}-{month:02d}"
        files[name] = write_export(folder / f"fms-tumbes-{name}.xlsx", month)
    return files
