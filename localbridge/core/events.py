"""Domain events: services announce what happened after their transaction commits; subscribers react
(notifications, index updates, recomputations). No business logic hangs off model signals."""

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.db import transaction

_subscribers: dict[type, list[Callable[[Any], None]]] = defaultdict(list)


def subscribe(event_type: type, handler: Callable[[Any], None]) -> None:
    if handler not in _subscribers[event_type]:
        _subscribers[event_type].append(handler)


def emit(event: Any) -> None:
    """Deliver `event` to its subscribers once the current transaction commits (at once outside one)."""

    def deliver() -> None:
        for handler in list(_subscribers[type(event)]):
            handler(event)

    transaction.on_commit(deliver)
