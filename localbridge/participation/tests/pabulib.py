"""The real pabulib corpus (../shared/data/pabulib, or $PABULIB_DIR) for whole-corpus tests.

Each file is parsed once per test session. The data are not part of the repository: cite
Faliszewski et al., "Participatory Budgeting: Data, Tools, and Analysis", IJCAI 2023.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

import pytest

from localbridge.participation.pb.format import Election, load

PABULIB_DIR = Path(
    os.environ.get("PABULIB_DIR", Path(__file__).resolve().parents[3].parent / "shared" / "data" / "pabulib")
)
FILES = sorted(PABULIB_DIR.glob("*.pb"))
EXPECTED_FILES = 112  # the data README says 113; the folder holds 112 .pb files and its README

needs_corpus = pytest.mark.skipif(not FILES, reason=f"pabulib corpus not found at {PABULIB_DIR} (set PABULIB_DIR)")


def file_params() -> list[object]:
    """pytest parameters: one per file, shown by file name."""
    return [pytest.param(path, id=path.stem) for path in FILES]


@cache
def election(path: Path) -> Election:
    """The parsed file (cached for the session)."""
    return load(path)
