"""The corpus property: every quirk file, in every format it exists in, is read as the person
meant, or each cell that cannot be carries an issue saying so (tests/quirk_files.py).

Seeds: 8 per kind and format by default; KIPU_QUIRK_SEEDS=200 runs a longer search.
"""

from __future__ import annotations

import os
import random
import sys
from pathlib import Path

import pytest

from quirk_files import FORMATS, GENERATORS, Profile, check_case, write_case

sys.path.insert(0, str(Path(__file__).parents[1] / "validation"))
from fivew_factories import TODAY, make_reference  # noqa: E402

from kipu.core.validation import validate_file  # noqa: E402

PROFILE = Profile(
    country=("Peru", "PER"),
    places=(("Lima", "PE15"), ("Callao", "PE07"), ("Tumbes", "PE24")),
    place_codes=(("7", "PE07"), ("15", "PE15"), ("24", "PE24")),
    organisation=("UNHCR", "ORG001"),
    sector=("Health", "HEA"),
    indicator=("Number of people receiving primary health care", "HE01"),
    hash_indicators=(
        ("# of people reached with health messages", "HE05"),
        ("# de personas alcanzadas con mensajes de salud", "HE05"),
    ),
    year=2024,
)
SEEDS = range(int(os.environ.get("KIPU_QUIRK_SEEDS", "8")))
REFERENCE = make_reference()


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("kind", sorted(GENERATORS))
def test_every_quirk_is_read_as_meant_or_flagged(tmp_path: Path, kind: str, fmt: str) -> None:
    tried = 0
    for seed in SEEDS:
        case = GENERATORS[kind](random.Random(f"{kind}-{seed}"), PROFILE)
        if fmt not in case.formats:
            continue
        tried += 1
        path = write_case(case, tmp_path / f"{kind}-{seed}", fmt)
        result = validate_file(path, REFERENCE, month=case.month, today=TODAY)
        problems = check_case(case, result)
        assert not problems, f"seed {seed}, {path.name}: {problems}"
    if not tried:
        pytest.skip(f"{kind} has no {fmt} form")
