"""The benchmarks `python -m bench` knows, by name. A module adds its own here."""

from types import ModuleType

from bench import (
    ballots_http,
    contests,
    cooperation,
    indicators,
    participation,
    participation_100k,
    practices,
    registry,
)

BENCHMARKS: dict[str, ModuleType] = {
    module.NAME: module
    for module in (
        registry,
        practices,
        contests,
        participation,
        participation_100k,
        ballots_http,
        cooperation,
        indicators,
    )
}
