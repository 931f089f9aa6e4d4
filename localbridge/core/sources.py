"""Project sources: how a module on a higher or the same floor offers ready-made projects to a participatory-budget
vote without the two importing each other. A contest (contests, floor 4) offers its ranked applications to a vote
(participation, floor 4): contests registers a source in its AppConfig.ready(), and the vote's staff page lists
whatever `project_sources()` returns.

    register_project_source("contest", _("From a contest"), candidates_fn, groups=groups_fn, group_label=_("Contest"))
    for source in project_sources():
        groups = source.groups_for(municipality_id)                # [SourceGroup, ...]  e.g. the contests
        items = source.candidates_for(municipality_id, group_id)   # [ProjectCandidate, ...]

A source has either groups (the staff choose one, then tick its projects: a contest, then its applications) or a
flat list (no `groups`: the candidate function gets an empty group id). The functions take plain values and
return plain dataclasses, so the module that adds the projects never touches the source's models. They should
run a constant number of queries: the staff page asserts its own query count. A candidate's `id` must stay the
same for the same project (the vote stores it to refuse adding the project twice)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,31}$")  # stored in a vote project's source kind (32 characters)


@dataclass(frozen=True)
class SourceGroup:
    """A set of candidates to choose from, such as a contest: its id (a string), title and a short note."""

    id: str
    title: str
    note: str = ""
    url: str = ""


@dataclass(frozen=True)
class ProjectCandidate:
    """A project a source offers: `id` is unique within the source (at most 64 characters); `cost` is what the
    project would cost the vote's budget, in `currency`; `url` is a public page about it ("" when there is none);
    `note` says where it stands in its source (e.g. "awarded 150 000")."""

    id: str
    title: str
    cost: Decimal
    currency: str = "RUB"
    summary: str = ""
    url: str = ""
    organisation: str = ""
    awarded: bool = False
    note: str = ""


GroupsFn = Callable[[int], list[SourceGroup]]
CandidatesFn = Callable[[int, str], list[ProjectCandidate]]


@dataclass(frozen=True)
class ProjectSource:
    key: str
    label: Any  # a lazy translation: "From a contest"
    candidates: CandidatesFn
    groups: GroupsFn | None = None
    group_label: Any = ""  # what a group is called: "Contest"
    order: int = 100

    @property
    def has_groups(self) -> bool:
        return self.groups is not None

    def groups_for(self, municipality_id: int) -> list[SourceGroup]:
        """The groups to choose from for the municipality (one group with an empty id when the source has none)."""
        if self.groups is None:
            return [SourceGroup(id="", title=str(self.label))]
        return list(self.groups(municipality_id))

    def candidates_for(self, municipality_id: int, group_id: str = "") -> list[ProjectCandidate]:
        return list(self.candidates(municipality_id, str(group_id or "")))


_sources: dict[str, ProjectSource] = {}


def register_project_source(
    key: str,
    label: Any,
    candidates: CandidatesFn,
    *,
    groups: GroupsFn | None = None,
    group_label: Any = "",
    order: int = 100,
) -> ProjectSource:
    """Register (or replace) the source `key`: a short lowercase name such as "contest", stored with every project
    taken from it."""
    if not KEY_PATTERN.match(key):
        raise ValueError(f"a project source key is lowercase letters, digits and _ (at most 32): {key!r}")
    source = ProjectSource(
        key=key, label=label, candidates=candidates, groups=groups, group_label=group_label, order=order
    )
    _sources[key] = source
    return source


def unregister_project_source(key: str) -> None:
    _sources.pop(key, None)


def project_sources() -> list[ProjectSource]:
    """Every registered source, in their order."""
    return sorted(_sources.values(), key=lambda s: (s.order, s.key))


def project_source(key: str) -> ProjectSource | None:
    return _sources.get(key)
