"""What an argument of a narrative figure may name, and how a written value is read.

`reached(area="Protección")`, `reached(area="Protection")` and `reached(area="AREA2")` are the
same figure; `reached(area="AREA9")` is an error, never a 0. Each parameter of a figure has a
`Domain`: its valid values (`Choice`s), each with a code, its names in English and Spanish and
other spellings. `Domain.resolve` reads a written value case- and accent-insensitively
(`kipu.core.text.normalise`): a code wins, then a name or spelling; a value naming nothing, or
naming several choices, raises `ArgumentError` listing what would work. It never guesses.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from kipu.core.text import closest, normalise

LISTED = 100  # valid values listed in full up to this many; beyond, the closest ones


class ArgumentError(ValueError):
    """A figure argument that names nothing, or names several values; says what would work."""


@dataclass(frozen=True)
class Choice:
    """One valid value: `code` is what the figure function receives; `names` maps a language
    ("en", "es") to the value's name in it; `aliases` are other spellings that name it."""

    code: str
    names: Mapping[str, str] = field(default_factory=dict, hash=False, compare=False)
    aliases: tuple[str, ...] = ()

    def label(self, lang: str = "en") -> str:
        """The name in `lang`, else in English, else the code."""
        return self.names.get(lang) or self.names.get("en") or self.code

    def spellings(self) -> list[str]:
        """Every text that names this choice, the code first."""
        return list(dict.fromkeys(s for s in (self.code, *self.names.values(), *self.aliases) if s))

    def shown(self) -> str:
        """ "AREA2 (Protection / Protección)": the code and its distinct names."""
        names = [n for n in dict.fromkeys(self.names.values()) if n and n != self.code]
        return f"{self.code} ({' / '.join(names)})" if names else self.code


class Domain:
    """The valid values of one kind of argument (`noun`: "area or sector", "admin1 unit" …).

    Raises ValueError when two choices share a code: a code must name one value.
    """

    def __init__(self, noun: str, choices: Iterable[Choice]) -> None:
        self.noun = noun
        self.choices = tuple(choices)
        self._codes: dict[str, Choice] = {}
        self._names: dict[str, dict[str, Choice]] = {}
        for choice in self.choices:
            key = normalise(choice.code)
            if key in self._codes:
                raise ValueError(f"{noun}: code {choice.code!r} is given twice")
            self._codes[key] = choice
            for spelling in choice.spellings():
                self._names.setdefault(normalise(spelling), {})[choice.code] = choice

    def __len__(self) -> int:
        return len(self.choices)

    def codes(self) -> list[str]:
        return [c.code for c in self.choices]

    def resolve(self, value: object) -> str:
        """The code `value` names. Raises ArgumentError for a value that is not text, names
        nothing (listing the valid values) or names several choices (listing them)."""
        if not isinstance(value, str):
            raise ArgumentError(
                f"a {self.noun} is written as text in quotes, not {value!r}; {self.valid_values()}"
            )
        key = normalise(value)
        if key in self._codes:
            return self._codes[key].code
        found = list(self._names.get(key, {}).values())
        if len(found) == 1:
            return found[0].code
        if found:
            raise ArgumentError(
                f"{value!r} names {len(found)} values of {self.noun}: "
                f"{'; '.join(c.shown() for c in found)}; write the code of the one you mean"
            )
        raise ArgumentError(f"no {self.noun} {value!r}{self._hint(value)}; {self.valid_values()}")

    def _hint(self, value: str) -> str:
        spellings = {s: c for c in self.choices for s in c.spellings()}
        near = closest(value, spellings)
        return f" (did you mean {spellings[near].shown()}?)" if near else ""

    def valid_values(self, limit: int = LISTED) -> str:
        """ "valid values: AREA1 (…), AREA2 (…)": every value up to `limit`, else the first
        `limit` and how many more."""
        if not self.choices:
            return f"there is no {self.noun} to choose from"
        listed = ", ".join(c.shown() for c in self.choices[:limit])
        more = len(self.choices) - limit
        tail = f", and {more} more (every one is in the editor's figure picker)" if more > 0 else ""
        return f"valid values ({len(self.choices)}): {listed}{tail}"

    def ambiguous(self) -> dict[str, list[str]]:
        """Spellings that name several choices, with their codes (for checks and tests)."""
        return {key: sorted(found) for key, found in self._names.items() if len(found) > 1}


def fixed(noun: str, values: Mapping[str, tuple[str, ...]]) -> Domain:
    """A domain of fixed values: code → (English name, Spanish name, other spellings …)."""
    choices = []
    for code, names in values.items():
        english, spanish, *aliases = (*names, "", "")[: max(len(names), 2)]
        choices.append(Choice(code, {"en": english, "es": spanish}, tuple(aliases)))
    return Domain(noun, choices)
