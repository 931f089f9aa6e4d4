"""What resident participation announces (core.events): emitted by the services once their transaction commits,
for notifications and anything else that subscribes. Each event carries ids, never rows."""

from dataclasses import dataclass

# --- residence -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResidencyClaimed:
    residency_id: int
    actor_id: int | None


@dataclass(frozen=True)
class ResidencyDecided:
    residency_id: int
    actor_id: int | None
    status: str
    method: str


@dataclass(frozen=True)
class CodesGenerated:
    municipality_id: int
    actor_id: int | None
    batch: str
    count: int


# --- initiative proposals --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProposalMoved:
    proposal_id: int
    actor_id: int | None
    action: str
    from_status: str
    to_status: str


@dataclass(frozen=True)
class ProposalSupported:
    proposal_id: int
    user_id: int


@dataclass(frozen=True)
class ProposalCommented:
    proposal_id: int
    comment_id: int
    actor_id: int | None


# --- surveys ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SurveyOpened:
    survey_id: int


@dataclass(frozen=True)
class SurveyClosed:
    survey_id: int


@dataclass(frozen=True)
class SurveyResponded:
    survey_id: int


# --- hearings and meetings -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HearingAnnounced:
    hearing_id: int


@dataclass(frozen=True)
class HearingHeld:
    hearing_id: int


@dataclass(frozen=True)
class HearingCancelled:
    hearing_id: int
