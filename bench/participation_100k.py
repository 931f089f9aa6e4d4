"""The participation benchmark at 100,000 proposals in one municipality: the same data, pages and code as
`participation` (bench/participation.py), registered under its own name so that both scales keep their results
(bench/results/<name>-<database>.json) and both appear in docs/benchmarks.md."""

from bench.participation import NOTES, SCALE_UNIT, TITLE, build, reuse, scenarios

NAME = "participation-100k"
DEFAULT_SCALE = 100_000

__all__ = ["DEFAULT_SCALE", "NAME", "NOTES", "SCALE_UNIT", "TITLE", "build", "reuse", "scenarios"]
