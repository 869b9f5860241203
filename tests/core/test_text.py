"""normalise: the ASCII fast path gives exactly what the full Unicode path gives."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from kipu.core.text import compact, normalise

_SEPARATORS = re.compile(r"[\s._\-/,;:()'\"’`]+")


def _full(text: str) -> str:
    """The rule without any shortcut: NFKD, combining marks dropped, casefold, separators."""
    decomposed = unicodedata.normalize("NFKD", text)
    without_accents = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SEPARATORS.sub(" ", without_accents.casefold()).strip()


# Cells as files write them: ASCII names and codes with every separator and control character,
# Spanish and Portuguese accents, compatibility characters (ﬁ, ², full-width), combining marks.
ascii_text = st.text(alphabet=st.characters(max_codepoint=127), max_size=40)
mixed_text = st.text(
    alphabet=st.one_of(
        st.characters(max_codepoint=127),
        st.sampled_from("áéíóúñÁÉÍÓÚÑçãõâêôüÜ’ﬁ²０Ａ\u0301\u00a0\u2009İß"),
    ),
    max_size=40,
)


@given(ascii_text)
def test_ascii_cells_normalise_as_the_full_rule_says(text: str) -> None:
    assert normalise(text) == _full(text)


@given(mixed_text)
def test_any_cell_normalises_as_the_full_rule_says(text: str) -> None:
    assert normalise(text) == _full(text)
    assert compact(text) == _full(text).replace(" ", "")


def test_examples_of_the_docstring() -> None:
    assert normalise("Junín") == normalise("JUNIN") == normalise(" junin. ") == "junin"
    assert normalise(None) == ""
    assert normalise(10101) == "10101"
    assert normalise("San_Martín-de/Porres") == "san martin de porres"
