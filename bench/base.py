"""What a benchmark is: data built at a scale, then scenarios (pages) measured through Django's test client."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class Scenario:
    """One page measured: `path(i)` gives the URL of the i-th request (so a scenario can walk many objects).
    With `call`, the scenario measures `call(i)` in process instead of a request (a selector, say), and `path(i)`
    only describes it in the report."""

    key: str
    label: str
    path: Callable[[int], str]
    user: Any = None  # a user to sign in as; None for anonymous requests
    notes: str = ""
    call: Callable[[int], Any] | None = None


@dataclass
class Built:
    """What `build` made: figures for the report, and anything the scenarios need."""

    facts: dict[str, Any] = field(default_factory=dict)
    context: dict[str, Any] = field(default_factory=dict)


class Benchmark(Protocol):
    NAME: str
    TITLE: str
    DEFAULT_SCALE: int
    SCALE_UNIT: str

    def build(self, *, scale: int, seed: int) -> Built: ...

    def scenarios(self, built: Built) -> list[Scenario]: ...
