"""Every write of the projects module: projects and their stages (projects.py), the work under way — milestones,
the budget plan, spending, documents (work.py) — reports (reports.py) and public control (control.py).

Each service is one transaction: it checks the actor's permission (rules.py), validates (ValidationError with a
code, keyed by field, nothing written when anything is wrong), locks the project's row, writes, records an audit
row on the project and announces ProjectChanged after commit. Callers import from this package."""

from .common import ProjectChanged, check_image
from .control import inspection_answer, inspection_create, inspection_resolve, rating_set
from .projects import (
    PROJECT_FIELDS,
    STAGE_FIELDS,
    project_advance,
    project_advance_errors,
    project_cancel,
    project_create,
    project_from_award,
    project_from_proposal,
    project_from_vote_project,
    project_update,
    stage_update,
)
from .reports import (
    REPORT_FIELDS,
    report_accept,
    report_create,
    report_photo_add,
    report_photo_remove,
    report_return,
    report_submit,
    report_update,
)
from .work import (
    MILESTONE_FIELDS,
    budget_line_add,
    budget_line_remove,
    budget_line_update,
    document_add,
    document_remove,
    expense_record,
    expense_remove,
    milestone_add,
    milestone_complete,
    milestone_remove,
    milestone_update,
)

__all__ = [
    "MILESTONE_FIELDS",
    "PROJECT_FIELDS",
    "REPORT_FIELDS",
    "STAGE_FIELDS",
    "ProjectChanged",
    "budget_line_add",
    "budget_line_remove",
    "budget_line_update",
    "check_image",
    "document_add",
    "document_remove",
    "expense_record",
    "expense_remove",
    "inspection_answer",
    "inspection_create",
    "inspection_resolve",
    "milestone_add",
    "milestone_complete",
    "milestone_remove",
    "milestone_update",
    "project_advance",
    "project_advance_errors",
    "project_cancel",
    "project_create",
    "project_from_award",
    "project_from_proposal",
    "project_from_vote_project",
    "project_update",
    "rating_set",
    "report_accept",
    "report_create",
    "report_photo_add",
    "report_photo_remove",
    "report_return",
    "report_submit",
    "report_update",
    "stage_update",
]
