"""A vote's projects taken from other modules (core/sources.py): a contest registers a source of projects (its
published results); the staff of a draft vote choose a group (a contest) and tick its projects, which become the
vote's projects with their cost, title, description and where they came from (VoteProject.source_kind, source_id,
source_url). Participation never imports the module that offers the projects: it reads plain dataclasses.

A project is taken from a source once per vote: one already in the vote is skipped (and named), a choice made
only of such projects is refused; a unique constraint (vote, source_kind, source_id) backs the check, and the
vote's row is locked while projects are added, so two staff adding the same project at once queue."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from localbridge.core.audit import audit_record
from localbridge.core.services import field_error
from localbridge.core.services import lock_row as _lock
from localbridge.core.services import require_perm as _require
from localbridge.core.sources import ProjectCandidate, ProjectSource, SourceGroup, project_source

from ..models import Vote, VoteProject, VoteStatus
from .votes import _project_rows

CODE_CHARS = 64  # VoteProject.code


@dataclass(frozen=True)
class SourceOffer:
    """What the staff page of a source shows for a vote: the groups, the chosen group (None until one is chosen)
    with its candidates, and the ids of the candidates already in the vote."""

    source: ProjectSource
    groups: list[SourceGroup]
    group: SourceGroup | None = None
    candidates: list[ProjectCandidate] = field(default_factory=list)
    present: frozenset[str] = frozenset()


@dataclass(frozen=True)
class SourceAdded:
    """What adding from a source did: the new projects, and the chosen candidates already in the vote."""

    added: list[VoteProject]
    skipped: list[ProjectCandidate]


def get_source(key: str) -> ProjectSource:
    source = project_source(key)
    if source is None:
        raise ValidationError(_("There is no such source of projects."), code="unknown_source")
    return source


def present_ids(vote: Vote, source_key: str, ids: Iterable[str] | None = None) -> frozenset[str]:
    """The ids of the source's projects already in the vote (one query)."""
    rows = VoteProject.objects.filter(vote=vote, source_kind=source_key)
    if ids is not None:
        rows = rows.filter(source_id__in=list(ids))
    return frozenset(rows.values_list("source_id", flat=True))


def source_offer(*, vote: Vote, source: ProjectSource, group_id: str = "") -> SourceOffer:
    """The groups the source offers the vote's municipality and, when `group_id` is one of them, its candidates
    with the ids already in the vote (three queries for a contest). A source without groups has one group, ""."""
    groups = source.groups_for(vote.municipality_id)
    if source.groups is None:
        group_id = ""
    group = next((g for g in groups if g.id == str(group_id or "")), None)
    if group is None:
        return SourceOffer(source=source, groups=groups)
    candidates = source.candidates_for(vote.municipality_id, group.id)
    return SourceOffer(
        source=source,
        groups=groups,
        group=group,
        candidates=candidates,
        present=present_ids(vote, source.key) if candidates else frozenset(),
    )


def candidate_code(source_key: str, candidate_id: str) -> str:
    """The project's code in the vote (and in an exported .pb file): "contest-17"."""
    return f"{source_key}-{candidate_id}"[:CODE_CHARS]


def candidate_description(candidate: ProjectCandidate) -> str:
    parts = []
    if candidate.organisation:
        parts.append(_("Applicant: %(organisation)s.") % {"organisation": candidate.organisation})
    if candidate.summary:
        parts.append(candidate.summary)
    return " ".join(parts)


@transaction.atomic
def vote_projects_from_source(
    *,
    vote: Vote,
    actor: Any,
    source_key: str,
    group_id: str = "",
    ids: Iterable[Any],
    now: datetime | None = None,
) -> SourceAdded:
    """Add the chosen candidates of a source's group (e.g. applications of a finished contest) to a draft vote, in
    the order the source lists them, after its projects. The candidates are read again from the source: only what
    it offers the vote's municipality may be added, in the vote's currency. Candidates already in the vote are
    skipped; when every chosen one is, nothing is added and the choice is refused (code "already_added")."""
    now = now or timezone.now()
    _lock(vote)
    _require(actor, "participation.manage_process", vote)
    if vote.status != VoteStatus.DRAFT:
        raise ValidationError(_("Only a draft vote can be changed."), code="not_draft")
    source = get_source(source_key)
    wanted = list(dict.fromkeys(str(i).strip() for i in ids if str(i).strip()))
    if not wanted:
        raise field_error("items", _("Tick the projects to add."), "nothing_chosen")
    group = "" if source.groups is None else str(group_id or "")
    offered = source.candidates_for(vote.municipality_id, group)
    by_id = {c.id: c for c in offered}
    unknown = [i for i in wanted if i not in by_id]
    if unknown:
        raise field_error(
            "items",
            _("These projects are not offered for this vote: %(ids)s.") % {"ids": ", ".join(unknown)},
            "not_offered",
        )
    other_currency = [by_id[i].title for i in wanted if by_id[i].currency != vote.currency]
    if other_currency:
        raise field_error(
            "items",
            _("These projects are costed in another currency than the vote (%(currency)s): %(titles)s.")
            % {"currency": vote.currency, "titles": "; ".join(other_currency)},
            "wrong_currency",
        )
    present = present_ids(vote, source.key, wanted)
    chosen = set(wanted)
    fresh = [c for c in offered if c.id in chosen and c.id not in present]
    skipped = [c for c in offered if c.id in chosen and c.id in present]
    if not fresh:
        raise field_error(
            "items",
            _("Already in the vote: %(titles)s.") % {"titles": "; ".join(c.title for c in skipped)},
            "already_added",
        )
    specs = [
        {
            "code": candidate_code(source.key, c.id),
            "title": c.title,
            "description": candidate_description(c),
            "cost": c.cost,
            "source_kind": source.key,
            "source_id": c.id,
            "source_url": c.url,
        }
        for c in fresh
    ]
    start = VoteProject.objects.filter(vote=vote).count()
    rows = VoteProject.objects.bulk_create(_project_rows(vote, specs, start=start))
    audit_record(
        obj=vote,
        action="vote_projects_from_source",
        actor=actor,
        data={
            "source": source.key,
            "group": group,
            "added": [c.id for c in fresh],
            "skipped": [c.id for c in skipped],
        },
        now=now,
    )
    return SourceAdded(added=rows, skipped=skipped)
