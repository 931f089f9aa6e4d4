"""Domain events of partnership proposals (delivered after the transaction commits, see core/events.py)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class ProposalMoved:
    """A partnership proposal was sent, accepted, declined or withdrawn (`action`)."""

    proposal_id: int
    action: str
    actor_id: int | None
