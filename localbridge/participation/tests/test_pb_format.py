"""Reading and writing .pb files: edge cases, and a round trip over the whole pabulib corpus."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from localbridge.participation.pb.format import (
    Ballot,
    Election,
    PbFormatError,
    Project,
    dump,
    dumps,
    load,
    loads,
)

from .pabulib import EXPECTED_FILES, FILES, election, file_params, needs_corpus

SAMPLE = """META
key;value
description;Sample
budget;1000
vote_type;approval
PROJECTS
project_id;cost;votes;name;selected;category
1;600;2;Park;1;green
2;500.0;1;Bench;0;
VOTES
voter_id;vote;age
a;1,2;30
b;1;
"""


def test_parses_sections_into_dataclasses() -> None:
    e = loads(SAMPLE)
    assert e.meta == {"description": "Sample", "budget": "1000", "vote_type": "approval"}
    assert e.budget == Decimal(1000)
    assert e.vote_type == "approval"
    assert e.projects[0] == Project("1", Decimal(600), "Park", 2, None, True, {"category": "green"})
    assert e.projects[1].cost == Decimal("500.0") == 500
    assert e.projects[1].selected_in_file is False
    assert e.ballots == [Ballot("a", ["1", "2"], None, {"age": "30"}), Ballot("b", ["1"], None, {"age": ""})]


def test_tolerates_bom_crlf_blank_lines_and_section_case() -> None:
    text = "\ufeff" + SAMPLE.replace("PROJECTS", "\n\nprojects").replace("\n", "\r\n") + "\r\n\r\n"
    assert loads(text) == loads(SAMPLE)


def test_reads_quoted_fields_with_separators_and_quotes() -> None:
    text = SAMPLE.replace("1;600;2;Park;1;green", '1;600;2;"Park; ""big"" one";1;green')
    assert loads(text).projects[0].name == 'Park; "big" one'


def test_meta_value_with_unquoted_semicolon_is_kept_whole() -> None:
    e = loads(SAMPLE.replace("description;Sample", "comment;#1: a; b"))
    assert e.meta["comment"] == "#1: a; b"


def test_reads_points_and_empty_votes() -> None:
    text = (
        "META\nkey;value\nvote_type;cumulative\nPROJECTS\nproject_id;cost\n1;5\n2;5\n"
        "VOTES\nvoter_id;vote;points\nx;2,1;3,1\ny;;\n"
    )
    e = loads(text)
    assert e.ballots[0] == Ballot("x", ["2", "1"], [3, 1])
    assert e.ballots[1] == Ballot("y", [], [])


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("META\nkey;value\nbudget;1\n", "no_projects"),
        ("budget;1\nPROJECTS\nproject_id;cost\n", "no_section"),
        ("PROJECTS\nproject_id;name\n1;x\n", "missing_column"),
        ("PROJECTS\nproject_id;cost\n1;5\n1;6\n", "duplicate_project"),
        ("PROJECTS\nproject_id;cost\n1;five\n", "number"),
        ("PROJECTS\nproject_id;cost\n1;-5\n", "negative_cost"),
        ("PROJECTS\nproject_id;cost\n1;5;extra\n", "extra_cells"),
        ("PROJECTS\nproject_id;cost\n1;5\nVOTES\nvoter_id;vote;points\nx;1;2,3\n", "points_mismatch"),
        ("PROJECTS\nproject_id;cost\n1;5\nVOTES\nvoter_id;points\n", "missing_column"),
        ("PROJECTS\nproject_id;cost\nPROJECTS\n", "duplicate_section"),
    ],
)
def test_structural_faults_raise_with_a_code(text: str, code: str) -> None:
    with pytest.raises(PbFormatError) as info:
        loads(text)
    assert info.value.code == code


def test_dumps_fills_missing_counts_and_round_trips_a_built_election() -> None:
    e = Election(
        meta={"budget": "100", "vote_type": "cumulative"},
        projects=[Project("7", Decimal("40.50"), "Trees; and shrubs", extra={"category": "green"})],
        ballots=[Ballot("v1", ["7"], [3], {"age": "40"})],
    )
    text = dumps(e)
    assert "num_projects;1\n" in text and "num_votes;1\n" in text
    back = loads(text)
    assert back.projects == e.projects
    assert back.ballots == e.ballots
    assert loads(dumps(e, fill_counts=False)) == e


def test_dump_and_load_files(tmp_path: Path) -> None:
    e = loads(SAMPLE)
    dump(e, tmp_path / "x.pb", fill_counts=False)
    assert load(tmp_path / "x.pb") == e
    assert dumps(e, fill_counts=False).splitlines()[6] == "project_id;cost;votes;name;selected;category"


@needs_corpus
def test_corpus_is_complete() -> None:
    assert len(FILES) == EXPECTED_FILES


@needs_corpus
@pytest.mark.parametrize("path", file_params())
def test_round_trip_on_pabulib_file(path: Path) -> None:
    original = election(path)
    assert original.projects and original.ballots
    assert len(original.ballots) == int(original.meta["num_votes"])
    assert len(original.projects) == int(original.meta["num_projects"])
    assert loads(dumps(original)) == original
