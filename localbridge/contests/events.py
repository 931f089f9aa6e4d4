"""Domain events of the contests module, delivered after the transaction commits (core/events.py). Subscribers
re-read what they need from the database.

- ContestMoved:        a contest changed status (announce, close_applications, start_evaluation, close_evaluation,
                       reopen_evaluation, publish_results, cancel).
- ApplicationSubmitted: an application was frozen and numbered: the applicant gets a confirmation.
- ApplicationReviewed: the technical review decided (admit, admit_with_conditions, not_admit).
- ExpertInvited:       a user was invited as an expert of a contest.
- ResultsPublished:    the contest's results became public.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class ContestMoved:
    contest_id: int
    actor_id: int | None
    action: str
    from_status: str
    to_status: str
    comment: str = ""


@dataclass(frozen=True)
class ApplicationSubmitted:
    application_id: int
    actor_id: int | None


@dataclass(frozen=True)
class ApplicationReviewed:
    application_id: int
    actor_id: int | None
    action: str
    to_status: str


@dataclass(frozen=True)
class ExpertInvited:
    expert_id: int
    actor_id: int | None


@dataclass(frozen=True)
class ResultsPublished:
    contest_id: int
    actor_id: int | None
