"""A survey's definition read from the XLSForm its team already has (KoboToolbox, ODK).

The workbook (`survey`, `choices`, `settings` sheets) is parsed by pyxform, the XLSForm
reference implementation, never by hand: `load_form(path)` turns pyxform's JSON tree into a
`SurveyForm` with its questions (paths through groups, the repeat each belongs to), types,
choice lists and labels per language ("English (en)" → `en`, "Español (es)" → `es`).

`relevant` and `constraint` expressions are compiled once (`kipu.core.surveys.xpath`); an
expression outside the supported subset is not dropped silently: the form keeps a warning
naming the question, and the validation says which checks it could not make.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

SELECT_ONE = "select_one"
SELECT_MULTIPLE = "select_multiple"
INTEGER = "integer"
DECIMAL = "decimal"
DATE = "date"
DATETIME = "datetime"
TEXT = "text"
CALCULATE = "calculate"
NUMERIC = (INTEGER, DECIMAL)
_TYPES = {
    "select one": SELECT_ONE,
    "select all that apply": SELECT_MULTIPLE,
    "integer": INTEGER,
    "decimal": DECIMAL,
    "range": DECIMAL,
    "date": DATE,
    "today": DATE,
    "datetime": DATETIME,
    "start": DATETIME,
    "end": DATETIME,
    "calculate": CALCULATE,
}
# Types that hold no answer (notes) and metadata the phone fills in (never "required").
_NO_DATA = {"note", "group", "repeat", "survey"}
_META = {
    "start", "end", "today", "deviceid", "username", "phonenumber", "simserial",
    "subscriberid", "audit", "email", "start-geopoint", "background-audio",
}  # fmt: skip
_LANGUAGE_NAMES = {
    "english": "en", "ingles": "en", "inglés": "en", "spanish": "es", "espanol": "es",
    "español": "es", "castellano": "es", "portuguese": "pt", "portugues": "pt",
    "português": "pt", "french": "fr", "francais": "fr", "français": "fr",
}  # fmt: skip
_CODE_IN_NAME = re.compile(r"\(([A-Za-z]{2,3}(?:-[A-Za-z0-9]+)?)\)\s*$")
_YES = {"yes", "true", "true()", "1", "y"}


class FormError(ValueError):
    """The XLSForm cannot be used: pyxform's own message (it names the sheet row)."""


@dataclass(frozen=True)
class Choice:
    name: str
    labels: dict[str, str] = field(default_factory=dict)  # language code → label

    def label(self, lang: str = "en") -> str:
        return self.labels.get(lang) or next(iter(self.labels.values()), "") or self.name


@dataclass(frozen=True)
class Question:
    """One field of the form. `path` is the XML path below the root ("respondent/sex");
    `repeat` the path of the repeat it sits in (None: one per interview). `relevant` lists
    the relevance of the question and of every group around it (all must hold)."""

    name: str
    path: str
    type: str
    labels: dict[str, str] = field(default_factory=dict)
    list_name: str | None = None
    choices: tuple[Choice, ...] = ()
    required: bool = False
    constraint: str | None = None
    constraint_message: dict[str, str] = field(default_factory=dict)
    relevant: tuple[str, ...] = ()
    repeat: str | None = None
    group_labels: tuple[dict[str, str], ...] = ()
    meta: bool = False
    # The XLSForm type of metadata ("today", "start", "end", "deviceid"…): `${today}` is read
    # from `start` when the export has no `today` column (`kipu.core.surveys.references`).
    meta_type: str = ""

    def label(self, lang: str = "en") -> str:
        return self.labels.get(lang) or next(iter(self.labels.values()), "") or self.name

    @property
    def is_select(self) -> bool:
        return self.type in (SELECT_ONE, SELECT_MULTIPLE)

    def choice_names(self) -> list[str]:
        return [c.name for c in self.choices]

    def choice(self, name: str) -> Choice | None:
        return next((c for c in self.choices if c.name == name), None)


@dataclass
class SurveyForm:
    """The questions of a form, in order, and what was read about it."""

    form_id: str
    title: str
    version: str = ""
    default_language: str = "en"
    languages: tuple[str, ...] = ()
    questions: tuple[Question, ...] = ()
    repeats: tuple[str, ...] = ()  # repeat paths, outermost first
    # What `load-form` shows: pyxform's own warnings (a translation missing a column…) and
    # the expressions outside the supported subset. An import reports neither from here:
    # it says which checks it could not make (`expression_problems`, `kipu.core.surveys.rules`).
    warnings: list[str] = field(default_factory=list)

    def outer(self, repeat: str) -> str | None:
        """The repeat that `repeat` is nested in (its rows sit in that repeat's rows); None
        when it sits in the interview."""
        around = [r for r in self.repeats if repeat.startswith(f"{r}/")]
        return max(around, key=len, default=None)

    def question(self, name: str) -> Question:
        """The question named `name` or with path `name`; KeyError listing the valid names."""
        for question in self.questions:
            if name in (question.name, question.path):
                return question
        valid = ", ".join(q.name for q in self.answered())
        raise KeyError(f"no question {name!r} in form {self.form_id!r}; questions: {valid}")

    def answered(self, repeat: str | None | bool = False) -> list[Question]:
        """Questions that hold an answer (not metadata); `repeat` False: all of them, None:
        those asked once per interview, a path: those of that repeat."""
        found = [q for q in self.questions if not q.meta]
        return found if repeat is False else [q for q in found if q.repeat == repeat]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SurveyForm:
        questions = tuple(
            Question(
                **{
                    **q,
                    "choices": tuple(Choice(**c) for c in q.get("choices", ())),
                    "relevant": tuple(q.get("relevant", ())),
                    "group_labels": tuple(q.get("group_labels", ())),
                }
            )
            for q in data.get("questions", ())
        )
        return cls(
            form_id=data["form_id"],
            title=data.get("title", ""),
            version=data.get("version", ""),
            default_language=data.get("default_language", "en"),
            languages=tuple(data.get("languages", ())),
            questions=questions,
            repeats=tuple(data.get("repeats", ())),
            warnings=list(data.get("warnings", [])),
        )


def language_code(name: str, default: str = "en") -> str:
    """'English (en)' → 'en', 'Español' → 'es', 'default' → `default`."""
    found = _CODE_IN_NAME.search(name)
    if found:
        return found.group(1).lower()
    key = name.strip().casefold()
    if key in ("", "default"):
        return default
    return _LANGUAGE_NAMES.get(key, key)


def load_form(path: Path | str) -> SurveyForm:
    """Read an XLSForm (XLSX, XLS or CSV form) with pyxform. Raises FormError with pyxform's
    message (naming the row) when the form is not valid XLSForm."""
    from pyxform.errors import PyXFormError
    from pyxform.xls2json import parse_file_to_json

    path = Path(path)
    warnings: list[str] = []
    try:
        tree = parse_file_to_json(str(path), warnings=warnings)
    except PyXFormError as error:
        raise FormError(f"{path.name}: {error}") from None
    except Exception as error:  # noqa: BLE001 - a broken workbook must still be a clean message
        raise FormError(f"{path.name}: not a readable XLSForm ({type(error).__name__})") from None
    return form_from_tree(tree, warnings)


def form_from_tree(tree: Mapping[str, Any], warnings: list[str] | None = None) -> SurveyForm:
    """A `SurveyForm` from pyxform's JSON tree (`parse_file_to_json`)."""
    default = language_code(str(tree.get("default_language") or "default"))
    questions = list(_walk(tree.get("children", []), default, (), None, (), ()))
    # Every repeat, also one holding only a repeat (its sheet is what the inner rows name).
    repeats = tuple(_repeat_paths(tree.get("children", []), ()))
    languages = sorted({lang for q in questions for lang in q.labels})
    form = SurveyForm(
        form_id=str(tree.get("id_string") or tree.get("name") or "form"),
        title=str(tree.get("title") or tree.get("id_string") or ""),
        version=str(tree.get("version") or ""),
        default_language=default,
        languages=tuple(sorted(languages, key=lambda code: (code != default, code))),
        questions=tuple(questions),
        repeats=repeats,
        warnings=list(warnings or []),
    )
    form.warnings.extend(_expression_warnings(form))
    return form


def _labels(value: Any, default: str) -> dict[str, str]:
    if isinstance(value, Mapping):
        return {language_code(str(k), default): str(v) for k, v in value.items() if v}
    return {default: str(value)} if value else {}


def _walk(
    children: list[Mapping[str, Any]],
    default: str,
    prefix: tuple[str, ...],
    repeat: str | None,
    relevant: tuple[str, ...],
    groups: tuple[dict[str, str], ...],
) -> Iterator[Question]:
    for child in children:
        kind = str(child.get("type", "")).strip()
        name = str(child.get("name", ""))
        bind = child.get("bind") or {}
        path = (*prefix, name)
        own = (*relevant, bind["relevant"]) if bind.get("relevant") else relevant
        if kind in ("group", "repeat"):
            if name == "meta" and (child.get("control") or {}).get("bodyless"):
                continue  # instanceID and friends: Kobo exports them as meta/instanceID
            labels = _labels(child.get("label"), default)
            inner = "/".join(path) if kind == "repeat" else repeat
            yield from _walk(
                child.get("children", []), default, path, inner, own, (*groups, labels)
            )
            continue
        if kind in _NO_DATA or not name:
            continue
        yield _question(child, kind, default, path, repeat, own, groups)


def _repeat_paths(children: list[Mapping[str, Any]], prefix: tuple[str, ...]) -> Iterator[str]:
    """The paths of the repeats in `children`, outermost first (document order)."""
    for child in children:
        kind = str(child.get("type", "")).strip()
        if kind not in ("group", "repeat"):
            continue
        path = (*prefix, str(child.get("name", "")))
        if kind == "repeat":
            yield "/".join(path)
        yield from _repeat_paths(child.get("children", []), path)


def _question(
    child: Mapping[str, Any],
    kind: str,
    default: str,
    path: tuple[str, ...],
    repeat: str | None,
    relevant: tuple[str, ...],
    groups: tuple[dict[str, str], ...],
) -> Question:
    bind = child.get("bind") or {}
    key = kind.lower()
    choices = tuple(
        Choice(str(c.get("name", "")), _labels(c.get("label"), default))
        for c in child.get("choices") or ()
    )
    return Question(
        name=str(child["name"]),
        path="/".join(path),
        type=_TYPES.get(key, TEXT),
        labels=_labels(child.get("label"), default),
        list_name=child.get("list_name") or child.get("itemset"),
        choices=choices,
        required=str(bind.get("required", "")).strip().casefold() in _YES,
        constraint=bind.get("constraint") or None,
        constraint_message=_labels(bind.get("jr:constraintMsg"), default),
        relevant=relevant,
        repeat=repeat,
        group_labels=groups,
        meta=key in _META,
        meta_type=key if key in _META else "",
    )


def _expression_warnings(form: SurveyForm) -> list[str]:
    """One warning per expression the validation cannot evaluate (see xpath.py)."""
    return [
        f"{question.path}: {check} “{text}” is not checked ({error})"
        for question, check, text, error in expression_problems(form)
    ]


def expression_problems(form: SurveyForm) -> list[tuple[Question, str, str, str]]:
    """(question, "relevant" or "constraint", expression, why) for each expression outside
    the supported XPath (`kipu.core.surveys.xpath.parse` refuses it)."""
    from kipu.core.surveys.xpath import UnsupportedExpression, parse

    found = []
    for question in form.questions:
        for check, text in [("relevant", r) for r in question.relevant] + [
            ("constraint", question.constraint or "")
        ]:
            if not text:
                continue
            try:
                parse(text)
            except UnsupportedExpression as error:
                found.append((question, check, text, str(error)))
    return found
