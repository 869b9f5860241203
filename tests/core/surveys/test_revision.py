"""`unread_answers`: what of the stored answers a new form could not read as the old one did,
over generated forms (choices renamed, removed, added; questions removed or retyped)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kipu.core.surveys.form import Choice, Question, SurveyForm
from kipu.core.surveys.revision import unread_answers

NAMES = ["a", "b", "c", "d"]


def _form(choices: list[str], types: dict[str, str] | None = None, drop: str = "") -> SurveyForm:
    types = {"one": "select_one", "many": "select_multiple", "age": "integer", **(types or {})}
    questions = tuple(
        Question(name=name, path=name, type=kind, choices=tuple(map(Choice, choices)))
        for name, kind in types.items()
        if name != drop
    )
    return SurveyForm(form_id="f", title="f", questions=questions)


@given(
    kept=st.sets(st.sampled_from(NAMES)),
    stored=st.lists(
        st.tuples(
            st.sampled_from(["2019-01", "2019-02"]),
            st.sampled_from(NAMES),
            st.lists(st.sampled_from(NAMES), max_size=3),
        ),
        max_size=20,
    ),
)
def test_a_stored_choice_the_new_form_lacks_is_named_with_its_count(
    kept: set[str], stored: list[tuple[str, str, list[str]]]
) -> None:
    answers = [(month, {"one": one, "many": many, "age": 30}) for month, one, many in stored]
    found = unread_answers(_form(NAMES), _form(sorted(kept) + ["new"]), answers)
    expected: dict[tuple[str, str], int] = {}
    for _, one, many in stored:
        for path, values in (("one", [one]), ("many", many)):
            for value in values:
                if value not in kept:
                    expected[(path, value)] = expected.get((path, value), 0) + 1
    assert {(u.path, u.value): u.count for u in found} == expected
    assert all(u.reason == "choice" for u in found)


def test_a_removed_or_retyped_question_with_answers_is_named() -> None:
    stored = [("2019-01", {"one": "a", "many": None, "age": 30})]
    [gone] = unread_answers(_form(NAMES), _form(NAMES, drop="one"), stored)
    assert (gone.path, gone.reason, gone.count, gone.months) == ("one", "question", 1, ("2019-01",))
    [retyped] = unread_answers(_form(NAMES), _form(NAMES, {"age": "text"}), stored)
    assert (retyped.path, retyped.reason, retyped.value) == ("age", "type", "integer → text")
    assert unread_answers(_form(NAMES), _form(NAMES, {"age": "decimal"}), stored) == []
    # A question nobody answered may go.
    assert unread_answers(_form(NAMES), _form(NAMES, drop="many"), stored) == []


def test_a_question_moved_into_or_out_of_a_repeat_is_named() -> None:
    """A repeat made a group kept `members/member_sex`'s path: its stored rows are in the
    repeat, which the new form reads no longer (458 members became 0)."""
    inner = Question(name="sex", path="members/sex", type="integer", repeat="members")
    outer = Question(name="sex", path="members/sex", type="integer")
    old = SurveyForm(form_id="f", title="f", questions=(inner,), repeats=("members",))
    new = SurveyForm(form_id="f", title="f", questions=(outer,))
    [moved] = unread_answers(old, new, [("2019-11", {"members/sex": 1})])
    assert (moved.reason, moved.value) == ("repeat", "members → —")
    assert "which it moves (members → — repeat)" in moved.text()
    [back] = unread_answers(new, old, [("2019-11", {"members/sex": 1})])
    assert back.reason == "repeat"
