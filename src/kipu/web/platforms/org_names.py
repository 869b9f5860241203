"""Which stored organisation an organisations-file row names, by any name Kipu knows it by.

A 5W file names an organisation by any of its labels: its English, Spanish or Portuguese name,
acronym, shared aliases, and the platform's own aliases (`queries.member_organisations`). A
registry row that matched by the English name alone created a second "CARE" when it gave CARE's
Spanish name, "CARE Perú", and every 5W row writing "CARE" then named two organisations. So a
row is matched by the same labels a 5W file is, and says how when it is not the English name;
a row whose name is one organisation's and whose registry id or acronym another's is refused
(either would be a guess); and a load that gives an organisation a label another member of the
platform already has is said, naming both (5W rows writing it will name neither).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from kipu.core.loaders.organisations import OrganisationRecord
from kipu.core.text import normalise
from kipu.web.platforms.models import Membership, Organisation

# The labels of an organisation, by kind, as a remark names them; names before the acronym,
# which organisations share more often (CARE Perú's and CARE Ecuador's "CARE").
NAMES = ("name_en", "name_es", "name_pt", "alias", "platform alias")
KINDS = {
    "name_en": "the English name",
    "name_es": "the Spanish name",
    "name_pt": "the Portuguese name",
    "alias": "another name",
    "platform alias": "this platform's own name",
    "acronym": "the acronym",
}
# "Name (ACRONYM)", "Name [ACRONYM]".
_BRACKETED = re.compile(r"\s*(.+?)\s*[(\[]\s*([^()\[\]]+?)\s*[)\]]\s*")


@dataclass(frozen=True)
class Match:
    """A row's organisation (None: a new one), how the row named it when not by registry id
    or English name (a remark), or why the row is refused (then nothing is loaded from it)."""

    organisation: Organisation | None = None
    how: str = ""
    refused: str = ""


def shown(organisation: Organisation) -> str:
    """The organisation as a remark names it: English name (registry id, else Kipu's key)."""
    return f"{organisation.name_en} ({organisation.key})"


class OrganisationNames:
    """Every stored organisation's labels, normalised, by kind; kept up to date by the load
    (`index` after each row), so a file's later row naming an earlier one's organisation finds
    it. `members`: the loading platform's memberships, whose aliases are labels on it only."""

    def __init__(self, known: Iterable[Organisation], members: dict[int, Membership]) -> None:
        self.members = members
        self.by_label: dict[str, dict[int, tuple[Organisation, str]]] = {}
        self.held: dict[int, set[str]] = {}
        for organisation in known:
            self.index(organisation)

    def texts(self, organisation: Organisation) -> list[tuple[str, str]]:
        """(kind, label as stored) of every label of `organisation` on this platform."""
        membership = self.members.get(organisation.pk)
        return [
            ("name_en", organisation.name_en),
            ("name_es", organisation.name_es),
            ("name_pt", organisation.name_pt),
            ("acronym", organisation.acronym),
            *(("alias", a) for a in organisation.aliases or []),
            *(("platform alias", a) for a in (membership.aliases if membership else [])),
        ]

    def labels(self, organisation: Organisation) -> set[tuple[str, str]]:
        """(normalised label, kind) of every label of `organisation` on this platform."""
        return {(normalise(t), kind) for kind, t in self.texts(organisation) if normalise(t)}

    def index(self, organisation: Organisation) -> None:
        for key in self.held.pop(organisation.pk, set()):
            self.by_label.get(key, {}).pop(organisation.pk, None)
        held = self.held.setdefault(organisation.pk, set())
        # The first kind in NAMES order wins where one label is several of an organisation's.
        for key, kind in sorted(self.labels(organisation), key=lambda x: _rank(x[1])):
            entry = self.by_label.setdefault(key, {})
            if organisation.pk not in entry:
                entry[organisation.pk] = (organisation, kind)
            held.add(key)

    def named(self, text: str, kinds: Iterable[str]) -> list[tuple[Organisation, str]]:
        """The organisations holding `text` as a label of one of `kinds`, oldest first."""
        wanted = set(kinds)
        found = self.by_label.get(normalise(text), {}).values()
        return sorted((x for x in found if x[1] in wanted), key=lambda x: x[0].pk)

    def by_name(self, record: OrganisationRecord) -> Match:
        """The organisation a row without a known registry id names (module docstring)."""
        for kinds in (("name_en",), NAMES[1:], ("acronym",)):
            found = self.named(record.name, kinds)
            if not found:
                continue
            found = _narrowed(found, record.acronym, self.members)
            if len(found) > 1:
                return Match(refused=_several(record.name, [o for o, _ in found]))
            organisation, kind = found[0]
            if clash := self._acronym_clash(organisation, record):
                return Match(refused=clash)
            how = "" if kind == "name_en" else _how(record.name, kind, organisation)
            return Match(organisation, how)
        return self._name_and_acronym(record)

    def _name_and_acronym(self, record: OrganisationRecord) -> Match:
        """A row naming an organisation as "Acción contra el Hambre (ACH)": the one of that
        name (any of its names) and that acronym."""
        written = _BRACKETED.fullmatch(record.name)
        if written is None:
            return Match()
        name, acronym = written.groups()
        found = [
            o for o, _ in self.named(name, NAMES) if normalise(o.acronym) == normalise(acronym)
        ]
        if len(found) > 1:
            return Match(refused=_several(record.name, found))
        if not found:
            return Match()
        how = f"{record.name!r} is the name and acronym of {shown(found[0])}: loaded as it"
        return Match(found[0], how)

    def _acronym_clash(self, organisation: Organisation, record: OrganisationRecord) -> str:
        """Why a row naming `organisation` but giving another's acronym is refused, or ""."""
        mine, given = normalise(organisation.acronym), normalise(record.acronym)
        if not mine or not given or mine == given:
            return ""
        others = [o for o, _ in self.named(record.acronym, (*NAMES, "acronym"))]
        others = [o for o in others if o.pk != organisation.pk]
        if not others:
            return ""  # a new acronym for it, as any other field a row changes
        return (
            f"the name {record.name!r} is {shown(organisation)}'s, acronym "
            f"{organisation.acronym!r}, but the acronym {record.acronym!r} is "
            f"{_listed(others)}'s: row not loaded; correct the name or the acronym, or give the "
            "registry id"
        )

    def id_clash(self, organisation: Organisation, record: OrganisationRecord) -> str:
        """Why a row giving `organisation`'s registry id but another's name is refused, or ""
        (a name no organisation has is a rename, which the load reports)."""
        if any(o.pk == organisation.pk for o, _ in self.named(record.name, NAMES)):
            return ""
        others = [o for o, _ in self.named(record.name, NAMES)]
        if not others:
            return ""
        return (
            f"registry id {record.external_id} is {shown(organisation)}'s, but the name "
            f"{record.name!r} is {_listed(others)}'s: row not loaded; correct the id or the name"
        )

    def clashes(self, organisation: Organisation, before: set[tuple[str, str]]) -> list[str]:
        """Remarks for each label the load gave `organisation` that another member of the
        platform has: 5W rows writing it name neither (`before`: its labels before the row)."""
        found = []
        seen = {key for key, _ in before}
        for kind, text in self.texts(organisation):
            key = normalise(text)
            if not key or key in seen:
                continue
            seen.add(key)
            others = [
                o
                for pk, (o, _) in self.by_label.get(key, {}).items()
                if pk != organisation.pk and pk in self.members
            ]
            if others:
                found.append(
                    f"{text!r}, {KINDS[kind]} of {shown(organisation)}, is also a name of "
                    f"{_listed(others)}: 5W rows writing it will name neither (give each its "
                    "own name, or write the registry id in the 5W files)"
                )
        return found


def _rank(kind: str) -> int:
    return NAMES.index(kind) if kind in NAMES else len(NAMES)


def _narrowed(
    found: list[tuple[Organisation, str]], acronym: str, members: dict[int, Membership]
) -> list[tuple[Organisation, str]]:
    """Of several organisations a name names, those whose acronym the row gives, then the
    platform's members: what tells them apart, if anything does."""
    if len(found) > 1 and acronym:
        same = [x for x in found if normalise(x[0].acronym) == normalise(acronym)]
        found = same or found
    if len(found) > 1:
        found = [x for x in found if x[0].pk in members] or found
    return found


def _how(text: str, kind: str, organisation: Organisation) -> str:
    return (
        f"{text!r} is {KINDS[kind]} of {shown(organisation)}: loaded as it (its English name kept)"
    )


def _several(text: str, organisations: list[Organisation]) -> str:
    return (
        f"{text!r} names several organisations ({_listed(organisations)}): row not loaded; give "
        "the registry id of the one you mean"
    )


def _listed(organisations: list[Organisation]) -> str:
    return ", ".join(shown(o) for o in organisations)
