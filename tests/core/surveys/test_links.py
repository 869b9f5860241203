"""Repeat rows linked to their interview in each export's own way: ODK Central's `KEY` and
`PARENT_KEY` (docs.getodk.org/central-submissions: a repeat table's PARENT_KEY is the KEY of
the main table's row), Kobo's `_index`/`_parent_index` and `_uuid`/`_submission__uuid`."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kipu.core.surveys.form import SurveyForm, load_form
from kipu.core.surveys.validate import SurveyData, validate_file
from survey_files import MAIN_HEADER, form_file, interview, write_csv, write_xlsx

# ODK Central writes groups with "-" and the instance id twice: meta-instanceID and KEY.
ODK_HEADER = [
    "SubmissionDate", "today", "interview-border_point", "respondent-sex", "respondent-age",
    "respondent-nationality", "intention", "destination_department", "needs", "group_size",
    "weight", "meta-instanceID", "KEY",
]  # fmt: skip
ODK_NAMES = dict(zip(ODK_HEADER, [
    "start", "today", "interview/border_point", "respondent/sex", "respondent/age",
    "respondent/nationality", "intention", "destination_department", "needs", "group_size",
    "weight", "_uuid", "_uuid",
], strict=True))  # fmt: skip


@pytest.fixture(scope="module")
def form(tmp_path_factory: pytest.TempPathFactory) -> SurveyForm:
    return load_form(form_file(tmp_path_factory.mktemp("form")))


def _rows(parents: list[int], count: int) -> list[dict[str, object]]:
    """`count` interviews (uuids uuid:1…); those with members travel in a group."""
    return [
        interview(n, _uuid=f"uuid:{n}", group_size=2 if n in parents else 1)
        for n in range(1, count + 1)
    ]


def _odk(folder: Path, parents: list[int], count: int) -> SurveyData:
    main = folder / "odk.csv"
    with main.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(ODK_HEADER)
        for row in _rows(parents, count):
            writer.writerow(["" if row.get(ODK_NAMES[h]) is None else row[ODK_NAMES[h]]
                             for h in ODK_HEADER])  # fmt: skip
    members = folder / "odk-members.csv"
    with members.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["member_sex", "member_age", "PARENT_KEY", "KEY"])
        for number, parent in enumerate(parents, start=1):
            key = f"uuid:{parent}"
            writer.writerow(["male", number, key, f"{key}/members[{number}]"])
    return validate_file(main, _FORM, repeat_files={"members": members})


def _kobo(folder: Path, parents: list[int], count: int, *, by_uuid: bool = False) -> SurveyData:
    """Kobo's XLSX: the repeat sheet names the interview by `_parent_index` and, as Kobo also
    writes, `_submission__uuid`; `by_uuid`: only by the latter (a CSV of the repeat)."""
    rows = _rows(parents, count)
    for row in rows:
        row["_uuid"] = str(row["_uuid"]).removeprefix("uuid:")
    members = [
        ["members/member_sex", "members/member_age", "_index",
         *([] if by_uuid else ["_parent_index"]), "_submission__uuid"]
    ] + [
        ["male", number, number, *([] if by_uuid else [parent]), str(parent)]
        for number, parent in enumerate(parents, start=1)
    ]  # fmt: skip
    if by_uuid:
        main = write_csv(folder / "kobo.csv", rows, header=MAIN_HEADER)
        extra = folder / "members.csv"
        with extra.open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerows(members)
        return validate_file(main, _FORM, repeat_files={"members": extra})
    path = write_xlsx(folder / "kobo.xlsx", rows, extra_sheets={"members": members})  # type: ignore[dict-item]
    return validate_file(path, _FORM)


_FORM: SurveyForm


@pytest.fixture(autouse=True)
def _form(form: SurveyForm) -> None:
    global _FORM
    _FORM = form


def _linked(data: SurveyData) -> list[int]:
    """Each member's interview, by the interview's own row (its `_row` less the header)."""
    rows = dict(zip(data.interviews["_index"], data.interviews["_row"], strict=True))
    return [rows[p] - 1 for p in data.repeats["members"]["_parent"]]


LAYOUTS = {
    "odk-central": _odk,
    "kobo-xlsx": _kobo,
    "kobo-submission-uuid": lambda f, p, c: _kobo(f, p, c, by_uuid=True),
}


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_repeat_rows_reach_their_interview(layout: str, tmp_path: Path) -> None:
    data = LAYOUTS[layout](tmp_path, [2, 3, 3], 4)
    assert data.report.valid, [i.message for i in data.report.issues]
    assert _linked(data) == [2, 3, 3]
    # The repeat's own `relevant` (${group_size} > 1) was checked against the right interview.
    assert "answer-not-relevant" not in {i.code for i in data.report.issues}


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_a_repeat_row_of_no_interview_is_an_orphan(layout: str, tmp_path: Path) -> None:
    data = LAYOUTS[layout](tmp_path, [1, 9], 2)  # interview 9 is not in the export
    orphans = [i for i in data.report.issues if i.code == "orphan-repeat-row"]
    assert [i.row for i in orphans] == [3]
    assert data.repeats["members"].height == 2  # reported, never dropped


def test_a_key_given_twice_is_said_once(tmp_path: Path) -> None:
    rows = _rows([], 2)
    rows[1]["_uuid"] = rows[0]["_uuid"]
    header = [h for h in MAIN_HEADER if h != "_index"]
    shown = ["KEY" if h == "_uuid" else h for h in header]
    data = validate_file(write_csv(tmp_path / "odk.csv", rows, header=header, shown=shown), _FORM)
    assert [i.code for i in data.report.issues] == ["duplicate-submission"]


@settings(max_examples=20, deadline=None)
@given(
    layout=st.sampled_from(sorted(LAYOUTS)),
    count=st.integers(1, 6),
    parents=st.lists(st.integers(1, 6), max_size=8),
)
def test_every_layout_links_any_assignment(
    tmp_path_factory: pytest.TempPathFactory, layout: str, count: int, parents: list[int]
) -> None:
    data = LAYOUTS[layout](tmp_path_factory.mktemp("links"), parents, count)
    codes = [i.code for i in data.report.issues]
    orphans = [p for p in parents if p > count]
    assert codes.count("orphan-repeat-row") == len(orphans)
    if parents:
        assert data.repeats["members"].height == len(parents)
    if not orphans and parents:
        assert _linked(data) == parents


@settings(max_examples=20, deadline=None)
@given(
    count=st.integers(1, 6),
    data=st.data(),
    uuid=st.booleans(),
)
def test_a_sheet_without_index_is_never_linked_by_row_number(
    tmp_path_factory: pytest.TempPathFactory, count: int, data: st.DataObject, uuid: bool
) -> None:
    """A tester's: interviews without `_index` were given their sheet row number as index,
    and each member's `_parent_index` joined to it (the first interview is row 2): members
    were attached to the interview before theirs, with no issue. Now `_parent_index` is an
    error at its cell, unless `_submission__uuid` names the interview."""
    parents = data.draw(st.lists(st.integers(1, count), min_size=1, max_size=6))
    folder = tmp_path_factory.mktemp("noindex")
    rows = _rows(parents, count)
    extra = ["_submission__uuid"] if uuid else []
    members = [["members/member_sex", "members/member_age", "_index", "_parent_index", *extra]]
    members += [["male", n, n, p, *([f"uuid:{p}"] if uuid else [])]
                for n, p in enumerate(parents, start=1)]  # fmt: skip
    header = [h for h in MAIN_HEADER if h != "_index"]
    path = write_xlsx(folder / "kobo.xlsx", rows, header=header, extra_sheets={"members": members})  # type: ignore[dict-item]
    found = validate_file(path, _FORM)
    unlinked = [i for i in found.report.issues if i.code == "parent-key-not-exported"]
    if uuid:
        assert found.report.valid and not unlinked, [i.message for i in found.report.issues]
        assert _linked(found) == parents
    else:
        assert [(i.row, i.column, i.value) for i in unlinked] == [
            (n + 1, "_parent_index", str(p)) for n, p in enumerate(parents, start=1)
        ]
        assert found.repeats["members"]["_parent"].to_list() == [None] * len(parents)
        assert "answer-not-relevant" not in {i.code for i in found.report.issues}
