"""A new version of a survey's form, beside the answers already stored under the old one.

Stored rounds are analysed with the survey's current form (`kipu.web.surveys.queries`), so
a new form that renames a choice (`go_chile` → `continue_chile`), drops a question or
changes its type would change the figures of rounds already imported and published, with
no word: 93 interviews "Continue to Chile" became 0, and the shares no longer added to 100 %.
XLSForm's rule is that a deployed form keeps its choice and question names (ODK: "Form
versioning", changing a name breaks earlier submissions); labels, new questions and new
choices are free. `unread_answers` says which stored answers a new form could not read, so
the new form is refused and nothing changes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from kipu.core.surveys.form import DECIMAL, INTEGER, SELECT_MULTIPLE, Question, SurveyForm

# Types a stored answer keeps its meaning under: a whole number is a decimal one too.
_COMPATIBLE = {(INTEGER, DECIMAL)}


@dataclass(frozen=True)
class Unread:
    """Stored answers the new form cannot read: of question `path`, `count` answers
    (`value`: the choice the new form lacks; None when the question itself is gone or is
    of another type), in `months`."""

    path: str
    reason: str  # "choice", "question", "type" or "repeat"
    value: str | None
    count: int
    months: tuple[str, ...]

    def text(self) -> str:
        months = ", ".join(self.months[:3]) + (" …" if len(self.months) > 3 else "")
        if self.reason == "choice":
            what = f"{self.count} answers {self.value!r} to {self.path}, a choice it lacks"
        elif self.reason == "question":
            what = f"{self.count} answers to {self.path}, a question it lacks"
        elif self.reason == "repeat":
            what = f"{self.count} answers to {self.path}, which it moves ({self.value} repeat)"
        else:
            what = f"{self.count} answers to {self.path}, whose type it changes ({self.value})"
        return f"{what} (rounds {months})"


def unread_answers(
    old: SurveyForm, new: SurveyForm, stored: Iterable[tuple[str, Mapping[str, Any]]]
) -> list[Unread]:
    """What of `stored` (month, the answers of one interview or of one row of a repeat, by
    question path) `new` could not read as `old` did: an
    answer to a question `new` lacks or types otherwise, a choice it lacks. Empty when the
    new form reads every stored answer (labels, new questions and choices change nothing)."""
    counts: Counter[tuple[str, str, str | None]] = Counter()
    months: dict[tuple[str, str, str | None], set[str]] = {}
    questions = {q.path: q for q in old.answered()}
    renewed = {q.path: q for q in new.answered()}
    for month, answers in stored:
        for path, value in answers.items():
            question = questions.get(path)
            if question is None or value is None or value == []:
                continue
            for key in _unread(question, renewed.get(path), value):
                counts[key] += 1
                months.setdefault(key, set()).add(month)
    return [
        Unread(path, reason, value, count, tuple(sorted(months[(path, reason, value)])))
        for (path, reason, value), count in sorted(counts.items())
    ]


def _unread(
    question: Question, new: Question | None, value: Any
) -> Iterable[tuple[str, str, str | None]]:
    if new is None:
        yield question.path, "question", None
        return
    if question.repeat != new.repeat:  # into or out of a repeat: its rows are elsewhere
        yield question.path, "repeat", f"{question.repeat or '—'} → {new.repeat or '—'}"
        return
    if question.type != new.type and (question.type, new.type) not in _COMPATIBLE:
        yield question.path, "type", f"{question.type} → {new.type}"
        return
    if not new.is_select:
        return
    names = set(new.choice_names())
    chosen = value if question.type == SELECT_MULTIPLE and isinstance(value, list) else [value]
    for choice in chosen:
        if str(choice) not in names:
            yield question.path, "choice", str(choice)
