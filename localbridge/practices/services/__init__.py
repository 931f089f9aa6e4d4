"""Every write to the practice bank: practices (create, edit, attach files, the moderation workflow, the
recommendation, deletion), adoptions ("we adopted this") and the topic taxonomy.

Each service is one transaction: it locks the row it changes, checks the actor's permission (rules.py),
validates (ValidationError with a code, keyed by field), writes, records an audit row (who, when, from, to,
comment) and announces a domain event (events.py) that subscribers, the search index first, receive once the
transaction commits. Nothing is half-saved: every check runs before the first write.

The workflow (models.PRACTICE_WORKFLOW): draft → on_moderation → published | returned | rejected; returned →
on_moderation (resubmit); on_moderation → draft (withdraw); published → archived (unpublish, with a reason) →
published (restore).

Split by subject: practices.py (create, edit, files, delete), moderation.py (the workflow and the
recommendation), adoptions.py, topics.py, common.py (helpers). Callers import from this package.
"""

from .adoptions import (
    ADOPTION_FIELDS,
    adoption_delete,
    adoption_record,
    adoption_update,
)
from .moderation import (
    PRACTICE_MOVES,
    practice_move,
    practice_publish,
    practice_recommend,
    practice_reject,
    practice_restore,
    practice_resubmit,
    practice_return,
    practice_submit,
    practice_unpublish,
    practice_unrecommend,
    practice_withdraw,
)
from .practices import (
    ACTOR,
    FIGURE_FIELDS,
    MAX_ATTACHMENTS,
    MAX_FIGURES,
    MAX_TAGS,
    MAX_TOPICS,
    PRACTICE_FIELDS,
    PRACTICE_RELATIONS,
    practice_attach,
    practice_completeness_errors,
    practice_create,
    practice_delete,
    practice_detach,
    practice_update,
    topics_clean,
)
from .topics import (
    TOPIC_FIELDS,
    topic_create,
    topic_update,
)

__all__ = [
    "ACTOR",
    "ADOPTION_FIELDS",
    "FIGURE_FIELDS",
    "MAX_ATTACHMENTS",
    "MAX_FIGURES",
    "MAX_TAGS",
    "MAX_TOPICS",
    "PRACTICE_FIELDS",
    "PRACTICE_MOVES",
    "PRACTICE_RELATIONS",
    "TOPIC_FIELDS",
    "adoption_delete",
    "adoption_record",
    "adoption_update",
    "practice_attach",
    "practice_completeness_errors",
    "practice_create",
    "practice_delete",
    "practice_detach",
    "practice_move",
    "practice_publish",
    "practice_recommend",
    "practice_reject",
    "practice_restore",
    "practice_resubmit",
    "practice_return",
    "practice_submit",
    "practice_unpublish",
    "practice_unrecommend",
    "practice_update",
    "practice_withdraw",
    "topic_create",
    "topic_update",
    "topics_clean",
]
