"""Fixtures the practice bank's tests share."""

import datetime

import pytest

from localbridge.core import events as core_events
from localbridge.practices import events as practice_events

NOW = datetime.datetime(2025, 6, 2, 10, 0, tzinfo=datetime.UTC)
EVENT_TYPES = [
    practice_events.PracticePublished,
    practice_events.PracticeChanged,
    practice_events.PracticeRemoved,
    practice_events.AdoptionRecorded,
    practice_events.AdoptionChanged,
    practice_events.AdoptionRemoved,
    practice_events.TopicChanged,
]


@pytest.fixture
def now():
    return NOW


@pytest.fixture
def events():
    """The practice bank's domain events delivered during the test, in order. They are delivered on commit,
    which a test's transaction never reaches: wrap the calls in `django_capture_on_commit_callbacks(execute=True)`
    to deliver them."""
    received: list = []
    for event_type in EVENT_TYPES:
        core_events.subscribe(event_type, received.append)
    yield received
    for event_type in EVENT_TYPES:
        core_events._subscribers[event_type].remove(received.append)
