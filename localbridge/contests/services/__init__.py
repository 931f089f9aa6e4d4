"""Every write of the contests module: the call (contests.py), applications and the technical review
(applications.py), experts and assignment (experts.py), scores (scoring.py) and the ranking (results.py).

Each service is one transaction: it checks the actor's permission (rules.py), validates (ValidationError with a
code, keyed by field), locks what it changes, writes, records an audit row and announces a domain event
(events.py) that subscribers (e-mails) receive after commit. Callers import from this package."""

from .applications import (
    APPLICATION_FIELDS,
    ATTACHMENT_TYPES,
    MAX_ATTACHMENTS,
    application_attach,
    application_create,
    application_detach,
    application_eligibility_errors,
    application_errors,
    application_review,
    application_submit,
    application_update,
    application_withdraw,
)
from .contests import (
    CONTEST_FIELDS,
    contest_apply_template,
    contest_completeness_errors,
    contest_create,
    contest_deadline,
    contest_is_accepting,
    contest_move,
    contest_set_criteria,
    contest_set_nominations,
    contest_set_required_documents,
    contest_update,
)
from .experts import (
    assignment_add,
    assignment_remove,
    assignments_auto,
    conflict_declare,
    conflict_withdraw,
    expert_invite,
    expert_remove,
    expert_respond,
)
from .results import results_compute
from .scoring import assignment_complete, criterion_field, score_record, scores_record

__all__ = [
    "assignment_add",
    "assignment_remove",
    "assignments_auto",
    "conflict_declare",
    "conflict_withdraw",
    "expert_invite",
    "expert_remove",
    "expert_respond",
    "results_compute",
    "assignment_complete",
    "criterion_field",
    "score_record",
    "scores_record",
    "APPLICATION_FIELDS",
    "ATTACHMENT_TYPES",
    "CONTEST_FIELDS",
    "MAX_ATTACHMENTS",
    "application_attach",
    "application_create",
    "application_detach",
    "application_eligibility_errors",
    "application_errors",
    "application_review",
    "application_submit",
    "application_update",
    "application_withdraw",
    "contest_apply_template",
    "contest_completeness_errors",
    "contest_create",
    "contest_deadline",
    "contest_is_accepting",
    "contest_move",
    "contest_set_criteria",
    "contest_set_nominations",
    "contest_set_required_documents",
    "contest_update",
]
