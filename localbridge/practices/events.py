"""Domain events the practice bank emits, delivered after the transaction commits (core/events.py).

The search integration keeps the index in step with them: every write that changes what a practice says, who
may find it (its status) or how it is filtered (topics, tags, territory, organisations, recommendation) emits
one of the Practice* events; subscribers re-read the practice from the database rather than trust the event's
fields.

- PracticePublished: the practice became public (publish, or restore after unpublishing): index it as public.
- PracticeChanged:   anything else about a practice changed, including moves that make it non-public
                     (unpublish) and edits of drafts: re-index it (public only if it is published).
- PracticeRemoved:   the practice was deleted: drop it from the index.
- AdoptionRecorded / AdoptionChanged / AdoptionRemoved: the "we adopted this" chain changed.
- TopicChanged:      a topic was created or renamed, (de)activated or moved in the list.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class PracticePublished:
    practice_id: int
    actor_id: int | None
    action: str = "publish"  # publish | restore
    from_status: str = ""


@dataclass(frozen=True)
class PracticeChanged:
    """`action` names the service: create, update, attach, detach, submit, withdraw, resubmit, return, reject,
    unpublish, recommend, unrecommend. Workflow moves carry their from/to statuses and the comment."""

    practice_id: int
    action: str
    actor_id: int | None
    from_status: str = ""
    to_status: str = ""
    comment: str = ""


@dataclass(frozen=True)
class PracticeRemoved:
    practice_id: int
    actor_id: int | None


@dataclass(frozen=True)
class AdoptionRecorded:
    adoption_id: int
    practice_id: int
    organization_id: int
    actor_id: int | None


@dataclass(frozen=True)
class AdoptionChanged:
    adoption_id: int
    practice_id: int
    organization_id: int
    actor_id: int | None


@dataclass(frozen=True)
class AdoptionRemoved:
    adoption_id: int
    practice_id: int
    organization_id: int
    actor_id: int | None


@dataclass(frozen=True)
class TopicChanged:
    topic_id: int
    action: str  # create | update
    actor_id: int | None
