"""A new version of a survey's form must read every answer the stored rounds hold: one that
renamed a choice (`go_chile` → `continue_chile`) turned 93 interviews "Continue to Chile" of
a published round into 0, with no word. Such a form is refused and nothing changes; new
labels, choices and questions are taken."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from kipu.core.surveys import demo
from kipu.core.surveys.form import FormError
from kipu.web.audit.models import AuditEvent
from kipu.web.surveys.models import Survey
from kipu.web.surveys.queries import round_results
from kipu.web.surveys.services import define_survey
from survey_files import indicators_file

from .conftest import PUBLISHED

pytestmark = pytest.mark.django_db
ROWS, CHOICES = copy.deepcopy(demo.SURVEY_ROWS), copy.deepcopy(demo.CHOICES)


def _form(
    folder: Path, monkeypatch: pytest.MonkeyPatch, choices: dict | None = None, rows=None
) -> Path:  # noqa: ANN001
    monkeypatch.setattr(demo, "CHOICES", choices or copy.deepcopy(CHOICES))
    monkeypatch.setattr(demo, "SURVEY_ROWS", rows or copy.deepcopy(ROWS))
    return demo.write_form(folder / "form-v2.xlsx")


def _renamed(list_name: str, old: str, new: str) -> dict:
    choices = copy.deepcopy(CHOICES)
    choices[list_name] = [(new if n == old else n, en, es) for n, en, es in choices[list_name]]
    return choices


def _results(survey: Survey) -> list:
    current = survey.rounds.get(month=PUBLISHED, status="current")
    return round_results(current).rows()


@pytest.mark.parametrize(
    ("list_name", "old", "path"),
    [
        ("intention", "go_chile", "intention"),  # select_one
        ("needs", "food", "needs"),  # select_multiple
        ("sex", "female", "respondent/sex"),  # also the repeat's member_sex
    ],
)
def test_a_renamed_choice_is_refused_and_nothing_changes(
    survey, tmp_path, admin, monkeypatch, list_name, old, path
) -> None:  # noqa: ANN001
    before, events = _results(survey), AuditEvent.objects.count()
    form = _form(tmp_path, monkeypatch, _renamed(list_name, old, f"{old}_v2"))
    with pytest.raises(FormError) as raised:
        define_survey(survey.platform, form, indicators_file(tmp_path), actor=admin)
    message = str(raised.value)
    assert f"answers {old!r} to {path}, a choice it lacks" in message
    assert PUBLISHED in message and "Nothing was changed" in message
    survey.refresh_from_db()
    assert old in {c["name"] for q in survey.form["questions"] for c in q["choices"]}
    assert AuditEvent.objects.count() == events
    assert _results(survey) == before


def test_a_removed_question_or_changed_type_is_refused(
    survey, tmp_path, admin, monkeypatch
) -> None:  # noqa: ANN001
    rows = [r for r in ROWS if r[1:2] != ["needs"]]
    form = _form(tmp_path, monkeypatch, rows=rows)
    with pytest.raises(FormError, match="answers to needs, a question it lacks"):
        define_survey(survey.platform, form, _without_needs(tmp_path), actor=admin)
    rows = [["text", *r[1:]] if r[1:2] == ["group_size"] else r for r in ROWS]
    form = _form(tmp_path, monkeypatch, rows=rows)
    with pytest.raises(FormError, match=r"group_size, whose type it changes \(integer → text\)"):
        define_survey(survey.platform, form, indicators_file(tmp_path), actor=admin)


def _without_needs(folder: Path) -> Path:
    text = demo.INDICATORS
    assert "needs" in text
    blocks = text.split("\n\n")
    return indicators_file(folder, "\n\n".join(b for b in blocks if "needs" not in b))


def test_new_labels_choices_and_questions_are_taken(survey, tmp_path, admin, monkeypatch) -> None:  # noqa: ANN001
    before = _results(survey)
    choices = copy.deepcopy(CHOICES)
    choices["intention"] = [
        (n, "Go on to Chile" if n == "go_chile" else en, es) for n, en, es in choices["intention"]
    ] + [("go_ecuador", "Go back to Ecuador", "Volver a Ecuador")]
    rows = [*ROWS[:-1], ["text", "remarks", "Remarks", "Observaciones"], ROWS[-1]]
    form = _form(tmp_path, monkeypatch, choices, rows)
    define_survey(survey.platform, form, indicators_file(tmp_path), actor=admin)
    survey.refresh_from_db()
    after = _results(survey)
    assert [r for r in before if r not in after] == []  # the stored figures are the same
    assert {r[1] for r in after if r not in before} == {"go_ecuador"}  # counted 0 times
    assert all(r[5] == 0 for r in after if r not in before)
