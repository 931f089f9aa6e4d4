"""The benchmarks `python -m bench` knows, by name. A module adds its own here."""

from types import ModuleType

from bench import contests, practices, registry

BENCHMARKS: dict[str, ModuleType] = {registry.NAME: registry, practices.NAME: practices, contests.NAME: contests}
