"""What the contests offer to other modules' participatory-budget votes (core/sources.py): a municipality's staff,
preparing a vote, may take projects from a contest whose results are published: the applications ranked in it
that are carried out in the municipality, the funded first. Registered by ContestsConfig.ready().

A candidate's cost is the grant awarded (for a funded application) or else the grant requested (or the project's
whole cost when no grant was asked for); its link is the contest's public results page (an application's own page
is for its applicant, experts and organisers only)."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse
from django.utils.formats import number_format
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from localbridge.core.sources import ProjectCandidate, SourceGroup, register_project_source

from . import selectors
from .models import Result

SOURCE_KEY = "contest"
SUMMARY_CHARS = 600


def _money(value: Decimal, currency: str) -> str:
    return f"{number_format(value, decimal_pos=2, use_l10n=True, force_grouping=True)} {currency}"


def _paragraph(text: str) -> str:
    """The first paragraph of a text, on one line."""
    first = str(text or "").replace("\r\n", "\n").strip().split("\n\n", 1)[0]
    return " ".join(first.split())


def candidate_cost(result: Result) -> Decimal:
    """What the project would cost a vote: the grant awarded, or the grant requested, or the project's cost."""
    application = result.application
    if result.funded and result.amount > 0:
        return result.amount
    return application.grant_requested if application.grant_requested > 0 else application.total_cost


def contest_groups(municipality_id: int) -> list[SourceGroup]:
    """The finished contests that ranked applications carried out in the municipality (one query)."""
    groups = []
    for contest in selectors.finished_contests_in(municipality_id):
        groups.append(
            SourceGroup(
                id=str(contest.pk),
                title=contest.title,
                note=_("%(ranked)s ranked here, %(funded)s funded")
                % {"ranked": contest.ranked, "funded": contest.funded},  # type: ignore[attr-defined]
                url=reverse("contests:results", args=[contest.pk]),
            )
        )
    return groups


def contest_candidates(municipality_id: int, group_id: str) -> list[ProjectCandidate]:
    """The applications of the finished contest `group_id` carried out in the municipality, the funded first
    (one query); empty for an unknown or unfinished contest."""
    try:
        contest_id = int(group_id)
    except (TypeError, ValueError):
        return []
    candidates = []
    for result in selectors.municipality_results(contest_id=contest_id, municipality_id=municipality_id):
        application = result.application
        currency = result.contest.currency
        summary = " ".join(part for part in (_paragraph(application.problem), _paragraph(application.goals)) if part)
        if result.funded:
            note = _("Rank %(rank)s; awarded %(amount)s") % {
                "rank": result.rank,
                "amount": _money(result.amount, currency),
            }
        else:
            note = _("Rank %(rank)s; not funded, requested %(amount)s") % {
                "rank": result.rank,
                "amount": _money(application.grant_requested, currency),
            }
        candidates.append(
            ProjectCandidate(
                id=str(application.pk),
                title=application.title,
                cost=candidate_cost(result),
                currency=currency,
                summary=Truncator(summary).chars(SUMMARY_CHARS),
                url=reverse("contests:results", args=[contest_id]),
                organisation=application.organization.name,
                awarded=result.funded,
                note=note,
            )
        )
    return candidates


def register() -> None:
    register_project_source(
        SOURCE_KEY,
        gettext_lazy("From a contest"),
        contest_candidates,
        groups=contest_groups,
        group_label=gettext_lazy("Contest"),
        order=50,
    )
