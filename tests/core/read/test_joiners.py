"""Zero-width joiners and non-joiners are part of a text between two characters outside
ASCII: a Persian or Urdu word (می‌خواهم), an Indic conjunct, an emoji sequence (👨‍👩‍👧).
A tester's: every one was removed with the other invisible characters, so an organisation's
Persian name and an activity's description were stored changed, with no issue. Beside ASCII,
a space or an end they join nothing and are still removed (a code "PE15" + U+200D is PE15)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent.parent / "validation"))
from fivew_factories import TODAY, make_reference, record, write_csv, write_xlsx  # noqa: E402

from kipu.core.read.raw_frame import clean_text  # noqa: E402
from kipu.core.validation import validate_file  # noqa: E402

JOINERS = "\u200c\u200d"
OTHER_INVISIBLE = "\u200b\u2060\ufeff\u00ad"
# Letters and signs of scripts that use joiners, emoji, accented Latin, ASCII and spaces.
PIECES = ["س", "ا", "ه", "ی", "क", "्", "ष", "👨", "👩", "🏽", "é", "ñ", "a", "Z", "1", " ", "-",
          "۱", "٢", "१"]  # fmt: skip
TEXTS = st.lists(
    st.sampled_from(PIECES + list(JOINERS) + list(OTHER_INVISIBLE) + ["\u00a0"]), max_size=14
).map("".join)


def cleaned(values: list[str | None]) -> list[str | None]:
    return (
        pl.DataFrame({"t": values}, schema={"t": pl.Utf8})
        .select(clean_text(pl.col("t")))["t"]
        .to_list()
    )


def _joins(text: str, at: int) -> bool:
    """Whether the joiner at `at` stands between two characters outside ASCII that are no
    digits (runs of joiners and other invisible characters looked through)."""
    skip = JOINERS + OTHER_INVISIBLE
    before = text[:at].rstrip(skip)
    after = text[at:].lstrip(skip)
    outside = re.compile(r"[^\x00-\x7f\u00a0\d]")  # a digit of any script joins nothing
    return bool(before and after and outside.match(before[-1]) and outside.match(after[0]))


@settings(max_examples=300, deadline=None)
@given(text=TEXTS)
def test_a_joiner_between_two_characters_outside_ascii_is_kept(text: str) -> None:
    (got,) = cleaned([text])
    expected_letters = text.translate({ord(c): None for c in JOINERS + OTHER_INVISIBLE})
    expected_letters = expected_letters.replace("\u00a0", " ").strip()
    # Nothing but joiners changes beside what other invisible characters did before.
    assert (got or "").translate({ord(c): None for c in JOINERS}) == expected_letters
    kept = [m.start() for m in re.finditer(f"[{JOINERS}]", got or "")]
    for at in kept:  # every joiner left joins two characters outside ASCII
        assert _joins(got or "", at), (text, got)
    joining = sum(1 for m in re.finditer(f"[{JOINERS}]", text) if _joins(text, m.start()))
    assert len(kept) == joining, (text, got)  # and every such joiner is left


def test_joiners_beside_ascii_spaces_or_ends_are_removed() -> None:
    # A helper's: Persian and Devanagari digits with a joiner ("۱\u200c۲") are 12.
    assert cleaned(["۱\u200c۲", "१\u200d२", "١\u200c\u200d٢"]) == ["۱۲", "१२", "١٢"]
    assert cleaned(["PE15\u200d", "\u200c15", "Lima\u200d\u200c", "\u200d", "a\u200db"]) == [
        "PE15",
        "15",
        "Lima",
        None,
        "ab",
    ]
    assert cleaned(["سازمان\u200cها", "👨\u200d👩\u200d👧", "ب\u200c c", "x\u00a0\u200dب"]) == [
        "سازمان\u200cها",
        "👨\u200d👩\u200d👧",
        "ب c",
        "x ب",
    ]


def test_a_persian_name_and_an_emoji_sequence_are_stored_as_written(tmp_path: Path) -> None:
    """The whole reading, CSV and XLSX, in a 100,001-row file: the cleaning of a column runs
    only where it holds such a character, past polars' chunk sizes too."""
    persian, family = "می\u200cخواهم", "Familia 👨\u200d👩\u200d👧 atendida"
    rows = [record(activity_description=f"Consultations {n}") for n in range(100_000)]
    rows.append(record(activity_name=persian, activity_description=family))
    for path in (
        write_csv(tmp_path / "joined.csv", rows),
        write_xlsx(tmp_path / "joined.xlsx", rows[-3:]),
    ):
        result = validate_file(path, make_reference(), today=TODAY)
        last = result.rows.tail(1)
        assert last["activity_name"].item() == persian, path
        assert last["activity_description"].item() == family, path
        row = last["row"].item()
        assert not [i.code for i in result.report.issues if i.row == row], path
