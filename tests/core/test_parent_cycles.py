"""`parent_cycles` finds the sectors of a stored plan that are each other's parent (an edit
let two be: the situation report then showed neither area), each cycle once."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kipu.core.reference import parent_cycles

CODES = ["A", "B", "C", "D", "E", "F"]


@given(st.dictionaries(st.sampled_from(CODES), st.sampled_from(CODES)))
def test_every_cycle_and_only_cycles_are_found(parents: dict[str, str]) -> None:
    cycles = parent_cycles(parents)
    on_cycle = [code for cycle in cycles for code in cycle]
    assert len(on_cycle) == len(set(on_cycle))  # each once
    for code in CODES:
        # A code is on a cycle when following its parents comes back to it.
        seen, step = [], parents.get(code)
        while step is not None and step not in seen and step != code:
            seen.append(step)
            step = parents.get(step)
        assert (step == code) == (code in on_cycle), (code, parents, cycles)


def test_two_sectors_each_others_parent() -> None:
    assert parent_cycles({"AREA1": "AREA2", "AREA2": "AREA1", "SUB": "AREA1"}) == [
        ["AREA1", "AREA2"]
    ]
    assert parent_cycles({"SUB": "AREA1"}) == []
