"""Every write of the participation module. Residence and its confirmation (residency.py) and initiative
proposals with supports and comments (proposals.py) are here; votes (votes.py), surveys and hearings are added
by their modules and re-exported below.

Each service is one transaction: it checks the actor's permission (rules.py), validates (ValidationError with a
code, keyed by field), locks what it changes, writes, records an audit row and announces a domain event that
subscribers receive after commit. Callers import from this package."""

from .proposals import (
    ANSWERS,
    PROPOSAL_FIELDS,
    comment_hide,
    municipality_zone,
    proposal_answer,
    proposal_answer_due,
    proposal_comment,
    proposal_create,
    proposal_is_overdue,
    proposal_publish,
    proposal_publish_errors,
    proposal_set_terms,
    proposal_support,
    proposal_update,
    proposal_withdraw,
)
from .residency import (
    CODE_ATTEMPTS,
    CODES_PER_CALL,
    code_format,
    codes_generate,
    residency_claim,
    residency_confirm_with_code,
    residency_decide,
)

__all__ = [
    "ANSWERS",
    "CODE_ATTEMPTS",
    "CODES_PER_CALL",
    "PROPOSAL_FIELDS",
    "code_format",
    "codes_generate",
    "comment_hide",
    "municipality_zone",
    "proposal_answer",
    "proposal_answer_due",
    "proposal_comment",
    "proposal_create",
    "proposal_is_overdue",
    "proposal_publish",
    "proposal_publish_errors",
    "proposal_set_terms",
    "proposal_support",
    "proposal_update",
    "proposal_withdraw",
    "residency_claim",
    "residency_confirm_with_code",
    "residency_decide",
]
