"""Domain events the organisations app emits (delivered after the transaction commits, see core/events.py)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class TosDraftCreated:
    organization_id: int
    actor_id: int | None


@dataclass(frozen=True)
class TosMoved:
    """A ТОС registration moved along its workflow (submit, resubmit, start_review, return, register, refuse)."""

    organization_id: int
    action: str
    from_status: str
    to_status: str
    actor_id: int | None
    comment: str = ""


@dataclass(frozen=True)
class TosLegalEntityRecorded:
    organization_id: int
    ogrn: str
    actor_id: int | None
