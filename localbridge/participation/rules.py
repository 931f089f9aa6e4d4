"""Who may see and do what in resident participation, as django-rules predicates; the matrix is in
docs/participation.md and tests/test_rules.py.

- Anyone reads published proposals, votes, surveys and hearings.
- Signed-in users claim residence, propose and comment; supports, ballots, survey answers and hearing
  registrations and proposals also need eligibility (eligibility.py), checked by the services on every cast.
- Municipal staff (an active staff membership in the municipality's administration) confirm residence, generate
  codes, answer proposals, run votes, surveys and hearings of their municipality and enter paper ballots. The
  chair of a ТОС confirms residence claims for its territory. Nobody decides their own claim. Platform staff may
  do all of it.
"""

from typing import Any

import rules

from localbridge.core.rules import is_platform_staff, is_signed_in, signed_in
from localbridge.organizations.rules import is_chair, user_is_municipal_staff


def _municipality_id(obj: Any) -> int | None:
    """The municipality of a process, a residency, or a municipality itself."""
    if obj is None:
        return None
    if hasattr(obj, "municipality_id"):
        return obj.municipality_id
    return getattr(obj, "pk", None)


@rules.predicate
def is_municipal_staff_of(user: Any, obj: Any) -> bool:
    """Staff of the municipality of `obj` (a process, a residency, or the municipality)."""
    return user_is_municipal_staff(user, _municipality_id(obj))


@rules.predicate
def chairs_the_residency_tos(user: Any, residency: Any) -> bool:
    return residency is not None and residency.tos_id is not None and is_chair(user, residency.tos)


@rules.predicate
def is_own_claim(user: Any, residency: Any) -> bool:
    return residency is not None and signed_in(user) and residency.user_id == user.pk


@rules.predicate
def is_proposal_author(user: Any, proposal: Any) -> bool:
    return proposal is not None and signed_in(user) and proposal.author_id == user.pk


@rules.predicate
def is_published_proposal(user: Any, proposal: Any) -> bool:
    return proposal is not None and proposal.status != "draft"


@rules.predicate
def is_public_process(user: Any, process: Any) -> bool:
    return process is not None and process.status != "draft"


manages = is_municipal_staff_of | is_platform_staff

rules.add_perm("participation.claim_residency", is_signed_in)
# Object: the residency. Nobody decides their own claim (a chair or an official confirms another's residence).
rules.add_perm("participation.decide_residency", (manages | chairs_the_residency_tos) & ~is_own_claim)
rules.add_perm("participation.issue_codes", manages)  # object: the municipality
rules.add_perm("participation.propose", is_signed_in)
rules.add_perm("participation.view_proposal", is_published_proposal | is_proposal_author | manages)
rules.add_perm("participation.change_proposal", is_proposal_author)
rules.add_perm("participation.comment", is_signed_in)
rules.add_perm("participation.support", is_signed_in)  # eligibility is the service's check
rules.add_perm("participation.answer_proposal", manages)
rules.add_perm("participation.view_process", is_public_process | manages)  # votes, surveys, hearings
rules.add_perm("participation.manage_process", manages)  # object: a vote, survey or hearing (or municipality)
rules.add_perm("participation.cast_ballot", is_signed_in)  # eligibility is the service's check
rules.add_perm("participation.enter_paper_ballot", manages)
rules.add_perm("participation.answer_survey", is_signed_in)
rules.add_perm("participation.register_hearing", is_signed_in)
