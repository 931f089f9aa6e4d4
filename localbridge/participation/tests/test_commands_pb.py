"""import_pb → pb_results → export_pb through the database on small real elections of the pabulib corpus: the
tally of an imported election reproduces the file's `votes` column, and the export reads back as the same
election."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from localbridge.participation.models import Ballot, BallotChoice, Vote, VoteStatus
from localbridge.participation.pb.format import load
from localbridge.participation.pb.rules import outcome
from localbridge.territories.tests.factories import MunicipalityFactory

from .pabulib import FILES, PABULIB_DIR, needs_corpus

pytestmark = [pytest.mark.django_db, needs_corpus]

SMALL = [
    "Netherlands_Amsterdam_643",  # choose-1
    "France_Toulouse_2022_17_-_Mirail-Universite_Reynerie_Bellefontaine",  # approval
    "Poland_Gdansk_2020_Rudniki",  # cumulative
    "Switzerland_Zurich_S5R",  # ordinal
    "Netherlands_Assen_2024",  # approval, MES + add1 recorded as selected
]


def _path(stem):
    return PABULIB_DIR / f"{stem}.pb"


def _run(*args):
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def municipality():
    return MunicipalityFactory(name_ru="Ассен", name_en="Assen")


def _import(stem, municipality):
    return int(_run("import_pb", str(_path(stem)), "--municipality", municipality.name_en).strip())


@pytest.mark.parametrize("stem", [s for s in SMALL if _path(s).exists()])
def test_imported_election_reproduces_the_files_vote_counts(stem, municipality):
    election = load(_path(stem))
    vote_id = _import(stem, municipality)
    vote = Vote.objects.get(pk=vote_id)
    assert vote.status == VoteStatus.CLOSED
    assert vote.ballots_count == len(election.ballots) == Ballot.objects.filter(vote=vote).count()
    data = json.loads(_run("pb_results", str(vote_id), "--rule", "greedy", "--json"))
    assert data["rule"] == "greedy"
    assert str(data["budget"]) == str(election.budget.normalize()) or data["budget"] == int(election.budget)
    assert [p["project_id"] for p in data["projects"]] == [p.id for p in election.projects]
    for row in data["projects"]:
        assert row["votes"] == election.project(row["project_id"]).votes_in_file


@pytest.mark.parametrize("rule", ["greedy", "mes"])
def test_pb_results_agrees_with_the_pure_rules_on_the_file(rule, municipality):
    stem = "France_Toulouse_2022_17_-_Mirail-Universite_Reynerie_Bellefontaine"
    election = load(_path(stem))
    vote_id = _import(stem, municipality)
    data = json.loads(_run("pb_results", str(vote_id), "--rule", rule, "--json"))
    expected = {o.project_id: o.funded for o in outcome(election, rule)}
    assert {p["project_id"]: p["funded"] for p in data["projects"]} == expected
    spent = sum(float(p["cost"]) for p in data["projects"] if p["funded"])
    assert spent <= float(election.budget)


@pytest.mark.parametrize("stem", [s for s in SMALL if _path(s).exists()])
def test_export_gives_back_the_imported_election(stem, municipality, tmp_path):
    vote_id = _import(stem, municipality)
    out = tmp_path / "out.pb"
    _run("export_pb", str(vote_id), str(out))
    assert load(out) == load(_path(stem))


def test_mes_on_assen_funds_what_plain_mes_funds(municipality):
    stem = "Netherlands_Assen_2024"
    if not _path(stem).exists():
        pytest.skip("Assen not in the corpus")
    election = load(_path(stem))
    vote_id = _import(stem, municipality)
    data = json.loads(_run("pb_results", str(vote_id), "--rule", "mes", "--json"))
    assert {p["project_id"] for p in data["projects"] if p["funded"]} == {
        o.project_id for o in outcome(election, "mes") if o.funded
    }


def test_import_without_a_municipality_name_falls_back(municipality):
    vote_id = int(_run("import_pb", str(_path("Netherlands_Amsterdam_643"))).strip())
    assert Vote.objects.get(pk=vote_id).municipality == municipality


def test_import_refuses_an_unknown_municipality_and_a_broken_file(municipality, tmp_path):
    with pytest.raises(CommandError, match="no municipality"):
        _run("import_pb", str(_path("Netherlands_Amsterdam_643")), "--municipality", "Atlantis")
    broken = tmp_path / "broken.pb"
    broken.write_text("META\nkey;value\nbudget;10\n", encoding="utf-8")
    with pytest.raises(CommandError, match="no_projects"):
        _run("import_pb", str(broken), "--municipality", municipality.name_en)
    assert not Vote.objects.exists()


def test_pb_results_of_an_unknown_vote_is_an_error():
    with pytest.raises(CommandError, match="no vote"):
        _run("pb_results", "999999", "--json")


def test_the_largest_file_imports_whole(municipality):
    """Bulk inserts in batches: the largest file of the corpus goes in and its counts hold. (Its speed is measured
    by the benchmarks, never asserted here.)"""
    largest = max(FILES, key=lambda p: p.stat().st_size)
    election = load(largest)
    vote_id = int(_run("import_pb", str(largest), "--municipality", municipality.name_en).strip())
    assert Ballot.objects.filter(vote_id=vote_id).count() == len(election.ballots)
    data = json.loads(_run("pb_results", str(vote_id), "--rule", "greedy", "--json"))
    files_votes = {p.id: p.votes_in_file for p in election.projects}
    assert {p["project_id"]: p["votes"] for p in data["projects"]} == files_votes
    assert BallotChoice.objects.filter(ballot__vote_id=vote_id).exists()
