"""The rows of an organisations file that repeat an organisation (its registry id, or its
name): merged, or given to one of them, by the rules of `kipu.core.loaders.organisations`;
and refused where they contradict each other's membership dates."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING

from kipu.core.loaders import Columns, Loaded, LoadError, period_problem
from kipu.core.reference import registry_key
from kipu.core.text import normalise

if TYPE_CHECKING:  # the loader imports this module
    from kipu.core.loaders.organisations import OrganisationRecord


class Registry:
    """The records loaded so far, by registry id and by name, and the rules of module
    docstring for rows that repeat an id or a name."""

    def __init__(
        self, columns: Columns, result: Loaded[OrganisationRecord], known: Mapping[str, set[str]]
    ) -> None:
        self.columns, self.result, self.known = columns, result, known
        self.by_id: dict[str, OrganisationRecord] = {}
        self.by_name: dict[str, OrganisationRecord] = {}

    def warn(self, row: OrganisationRecord, column: str, message: str) -> None:
        source = self.columns.table.source
        self.result.warnings.append(LoadError(source, row.row, self.columns.label(column), message))

    def _differences(self, first: OrganisationRecord, row: OrganisationRecord) -> None:
        """A repeated organisation whose acronym or type differs: the first row's is kept
        (another acronym becomes an alias, so 5W rows naming it still find it), said."""
        for column, name in (("acronym", "acronym"), ("type", "org_type")):
            mine, theirs = getattr(first, name), getattr(row, name)
            if mine and theirs and normalise(mine) != normalise(theirs):
                kept = "; it is kept as another name" if name == "acronym" else ""
                self.warn(
                    row,
                    column,
                    f"{theirs!r}, where row {first.row} of the same organisation has "
                    f"{mine!r}: {mine!r} is loaded{kept}",
                )
                if name == "acronym":
                    first.aliases = list(dict.fromkeys([*first.aliases, theirs]))

    def refuse(self, row: OrganisationRecord, column: str, message: str) -> None:
        source = self.columns.table.source
        self.result.errors.append(LoadError(source, row.row, self.columns.label(column), message))

    def _dates(self, first: OrganisationRecord, row: OrganisationRecord) -> None:
        """Refuse, at `row`, a membership date other than the one `first` (the same
        organisation's row) gives: one of the two was kept without a word, and which one is
        meant cannot be told; and a membership the two rows together end before it starts."""
        for column in ("member_since", "member_until"):
            mine, theirs = getattr(first, column), getattr(row, column)
            if mine and theirs and mine != theirs:
                message = (
                    f"{column} {theirs.isoformat()}, where row {first.row} of the same "
                    f"organisation has {mine.isoformat()}: give the organisation one {column}"
                )
                self.refuse(row, column, message)
        if row.member_since is None and not first.member_until:  # row's end, first's start
            self._period(row, first.member_since, row.member_until, f" (row {first.row})")
        if row.member_until is None and not first.member_since:  # first's end, row's start
            self._period(row, row.member_since, first.member_until, "", f" (row {first.row})")

    def _period(
        self, row: OrganisationRecord, since: date | None, until: date | None, *rows: str
    ) -> None:
        """Refuse at `row` a membership ending before it starts, which the web's membership
        form refuses (`period_problem`); `rows`: where each date is from, when not `row`."""
        if since and until and (problem := period_problem(since, until)):
            said, until_said = (*rows, "", "")[:2]
            message = (
                f"member_until {until.isoformat()}{until_said} is before member_since "
                f"{since.isoformat()}{said}: {problem}"
            )
            self.refuse(row, "member_until", message)

    def add(self, row: OrganisationRecord) -> None:
        self._period(row, row.member_since, row.member_until)
        key = registry_key(row.external_id)
        holder = self.by_id.get(key) if row.external_id else None
        if holder is not None and normalise(holder.name) == normalise(row.name):
            self._differences(holder, row)
            if len(row.external_id) > len(holder.external_id):  # 00410 beside 410: the zeros
                holder.external_id = row.external_id
            self._dates(holder, row)
            _merge(holder, row)  # the same organisation listed again (once per country)
            return
        if holder is not None:
            self._share(holder, row)
        elif row.external_id:
            self.by_id[key] = row
        first = self.by_name.get(normalise(row.name))
        if first is None:
            self.by_name[normalise(row.name)] = row
            self.result.records.append(row)
        elif first.external_id and row.external_id:
            self.warn(
                row,
                "name",
                f"same name as row {first.row} ({first.external_id}) but registry id "
                f"{row.external_id}: loaded as another organisation",
            )
            self.result.records.append(row)
        else:
            self.warn(row, "name", f"repeats row {first.row} ({first.name!r}): merged into it")
            self._dates(first, row)
            _merge(first, row)
            if first.external_id and registry_key(first.external_id) not in self.by_id:
                self.by_id[registry_key(first.external_id)] = first

    def _share(self, holder: OrganisationRecord, row: OrganisationRecord) -> None:
        """`row` repeats the registry id of `holder`, another organisation: one keeps it."""
        code = row.external_id
        names = self.known.get(code, set())
        keeper, other = holder, row
        if names and _names(row) & names and not _names(holder) & names:
            keeper, other = row, holder  # Kipu knows the id as the organisation of `row`
        other.external_id, other.shared_id = "", code
        keeper.external_id = code
        self.by_id[code] = keeper
        reason = "Kipu knows the id by its name" if keeper is row else "the first row keeps it"
        self.warn(
            row,
            "id",
            f"registry id {code} is on row {holder.row} ({holder.name!r}) and row {row.row} "
            f"({row.name!r}): row {keeper.row} keeps it ({reason}); row {other.row} is loaded "
            "without a registry id and matched by name",
        )


def _names(row: OrganisationRecord) -> set[str]:
    found = (row.name, row.name_es, row.name_pt, row.acronym, *row.aliases)
    return {normalise(name) for name in found if name}


def _merge(first: OrganisationRecord, row: OrganisationRecord) -> None:
    """Complete `first` with what `row` adds: empty fields, names kept as aliases, countries,
    sub-working groups."""
    for name in ("name_es", "name_pt", "acronym", "org_type", "external_id"):
        if not getattr(first, name):
            setattr(first, name, getattr(row, name))
    first.member_since = first.member_since or row.member_since
    first.member_until = first.member_until or row.member_until
    # A date one row could not read is the other's; one neither gives and one could not read
    # stays as stored.
    first.unread = frozenset(f for f in first.unread | row.unread if getattr(first, f) is None)
    extra = [row.name] if normalise(row.name) != normalise(first.name) else []
    first.aliases = list(dict.fromkeys([*first.aliases, *extra, *row.aliases]))
    first.countries = list(dict.fromkeys([*first.countries, *row.countries]))
    first.sub_working_groups = list(
        dict.fromkeys([*first.sub_working_groups, *row.sub_working_groups])
    )
