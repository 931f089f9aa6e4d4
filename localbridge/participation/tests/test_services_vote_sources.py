"""Projects of a draft vote taken from another module's source (services/vote_sources.py, core/sources.py). The
source here is a stand-in registered by the test (participation may not import the contests; the real contest
source is tested end to end in site/tests/test_contest_to_vote.py)."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from localbridge.accounts.tests.factories import UserFactory
from localbridge.core import sources
from localbridge.core.audit import audit_history
from localbridge.core.services import error_codes
from localbridge.core.sources import ProjectCandidate, SourceGroup, register_project_source
from localbridge.participation.models import VoteProject, VoteStatus
from localbridge.participation.services.vote_sources import (
    source_offer,
    vote_projects_from_source,
)
from localbridge.participation.services.votes import vote_update
from localbridge.territories.tests.factories import MunicipalityFactory

from .factories import NOW, VoteFactory, VoteProjectFactory, vote_resident, vote_staff

pytestmark = pytest.mark.django_db

KEY = "sample"


def _candidate(n, **fields):
    fields.setdefault("cost", Decimal(f"{n}0000.00"))
    return ProjectCandidate(
        id=str(n),
        title=f"Проект конкурса {n}",
        summary=f"Описание {n}.",
        url=f"/contests/1/results/#a{n}",
        organisation=f"ТОС «Улица {n}»",
        awarded=n == 1,
        **fields,
    )


@pytest.fixture
def offered():
    """A source offering, to each municipality in `offered`, group "g1" with the given candidates."""
    saved = dict(sources._sources)
    by_municipality = {}

    def groups(municipality_id):
        return [SourceGroup(id="g1", title="Конкурс 2026")] if municipality_id in by_municipality else []

    def candidates(municipality_id, group_id):
        return list(by_municipality.get(municipality_id, [])) if group_id == "g1" else []

    register_project_source(KEY, "Образец", candidates, groups=groups, group_label="Конкурс")
    yield by_municipality
    sources._sources.clear()
    sources._sources.update(saved)


def _draft(**fields):
    return VoteFactory(status=VoteStatus.DRAFT, **fields)


def _add(vote, actor, ids, group="g1", **kwargs):
    return vote_projects_from_source(vote=vote, actor=actor, source_key=KEY, group_id=group, ids=ids, now=NOW, **kwargs)


def _codes(exc_info):
    return error_codes(exc_info.value)


def test_staff_add_ticked_candidates_as_projects_with_their_source(offered):
    vote = _draft()
    VoteProjectFactory(vote=vote, code="1", title="Сквер", position=1)
    offered[vote.municipality_id] = [_candidate(1), _candidate(2), _candidate(3)]
    staff = vote_staff(vote.municipality)

    done = _add(vote, staff, ["3", "1"])

    assert done.skipped == []
    projects = list(vote.projects.order_by("position"))
    assert [p.title for p in projects] == ["Сквер", "Проект конкурса 1", "Проект конкурса 3"]  # the source's order
    first = projects[1]
    assert first.cost == Decimal("10000.00") and first.position == 2 and first.code == "sample-1"
    assert (first.source_kind, first.source_id, first.source_url) == (KEY, "1", "/contests/1/results/#a1")
    assert "ТОС «Улица 1»" in first.description and "Описание 1." in first.description
    entry = audit_history(obj=vote).get(action="vote_projects_from_source")
    assert entry.data == {"source": KEY, "group": "g1", "added": ["1", "3"], "skipped": []}


def test_a_candidate_already_in_the_vote_is_skipped_and_named(offered):
    vote = _draft()
    offered[vote.municipality_id] = [_candidate(1), _candidate(2)]
    staff = vote_staff(vote.municipality)
    _add(vote, staff, ["1"])

    done = _add(vote, staff, ["1", "2"])

    assert [p.source_id for p in done.added] == ["2"]
    assert [c.id for c in done.skipped] == ["1"]
    assert VoteProject.objects.filter(vote=vote, source_id="1").count() == 1


def test_adding_only_candidates_already_in_the_vote_is_refused(offered):
    vote = _draft()
    offered[vote.municipality_id] = [_candidate(1)]
    staff = vote_staff(vote.municipality)
    _add(vote, staff, ["1"])
    with pytest.raises(ValidationError) as exc:
        _add(vote, staff, ["1", "1"])
    assert _codes(exc) == {"already_added"}
    assert vote.projects.count() == 1


def test_the_database_refuses_a_second_copy_of_a_source_project():
    vote = _draft()
    VoteProjectFactory(vote=vote, code="a", source_kind=KEY, source_id="1")
    with pytest.raises(IntegrityError), transaction.atomic():
        VoteProjectFactory(vote=vote, code="b", source_kind=KEY, source_id="1")
    VoteProjectFactory(vote=vote, code="c")  # typed-in projects have no source and may be many
    VoteProjectFactory(vote=vote, code="d")


@pytest.mark.parametrize("status", [VoteStatus.OPEN, VoteStatus.CLOSED, VoteStatus.PUBLISHED])
def test_only_a_draft_vote_takes_projects(offered, status):
    vote = VoteFactory(status=status)
    offered[vote.municipality_id] = [_candidate(1)]
    with pytest.raises(ValidationError) as exc:
        _add(vote, vote_staff(vote.municipality), ["1"])
    assert _codes(exc) == {"not_draft"}
    assert not vote.projects.exists()


def test_only_the_votes_managers_add_projects(offered):
    vote = _draft()
    offered[vote.municipality_id] = [_candidate(1)]
    for outsider in (vote_resident(vote.municipality), vote_staff(MunicipalityFactory()), UserFactory()):
        with pytest.raises(PermissionDenied):
            _add(vote, outsider, ["1"])
    _add(vote, UserFactory(is_staff=True), ["1"])  # platform staff may
    assert vote.projects.count() == 1


def test_only_what_the_source_offers_the_votes_municipality_may_be_added(offered):
    vote = _draft()
    other = MunicipalityFactory()
    offered[vote.municipality_id] = [_candidate(1)]
    offered[other.pk] = [_candidate(2)]
    staff = vote_staff(vote.municipality)
    with pytest.raises(ValidationError) as exc:
        _add(vote, staff, ["1", "2"])
    assert _codes(exc) == {"not_offered"}
    with pytest.raises(ValidationError) as exc:
        _add(vote, staff, ["1"], group="g2")
    assert _codes(exc) == {"not_offered"}
    with pytest.raises(ValidationError) as exc:
        _add(vote, staff, [])
    assert _codes(exc) == {"nothing_chosen"}
    assert not vote.projects.exists()


def test_a_candidate_in_another_currency_is_refused(offered):
    vote = _draft(currency="RUB")
    offered[vote.municipality_id] = [_candidate(1), _candidate(2, currency="EUR")]
    with pytest.raises(ValidationError) as exc:
        _add(vote, vote_staff(vote.municipality), ["1", "2"])
    assert _codes(exc) == {"wrong_currency"}
    assert not vote.projects.exists()


def test_a_candidate_without_a_cost_is_refused(offered):
    vote = _draft()
    offered[vote.municipality_id] = [_candidate(1, cost=Decimal("0.00"))]
    with pytest.raises(ValidationError) as exc:
        _add(vote, vote_staff(vote.municipality), ["1"])
    assert _codes(exc) == {"project_cost"}


def test_an_unknown_source_is_refused():
    vote = _draft()
    with pytest.raises(ValidationError) as exc:
        vote_projects_from_source(vote=vote, actor=vote_staff(vote.municipality), source_key="nothing", ids=["1"])
    assert _codes(exc) == {"unknown_source"}


def test_the_offer_marks_what_is_already_in_the_vote(offered):
    vote = _draft()
    offered[vote.municipality_id] = [_candidate(1), _candidate(2)]
    _add(vote, vote_staff(vote.municipality), ["2"])
    source = sources.project_source(KEY)
    assert source is not None
    bare = source_offer(vote=vote, source=source)
    assert [g.id for g in bare.groups] == ["g1"] and bare.group is None and bare.candidates == []
    offer = source_offer(vote=vote, source=source, group_id="g1")
    assert offer.group is not None and [c.id for c in offer.candidates] == ["1", "2"]
    assert offer.present == frozenset({"2"})
    assert source_offer(vote=vote, source=source, group_id="nope").group is None


def test_retyping_the_project_list_keeps_where_each_project_came_from(offered):
    vote = _draft()
    offered[vote.municipality_id] = [_candidate(1), _candidate(2)]
    staff = vote_staff(vote.municipality)
    _add(vote, staff, ["1", "2"])
    # The vote's form sends the list back as "title; cost" lines, one cost changed and one project typed in.
    lines = [
        {"title": "Проект конкурса 1", "cost": Decimal("15000")},
        {"title": "Новая скамейка", "cost": Decimal("5000")},
        {"title": "Проект  конкурса 2", "cost": Decimal("20000")},
    ]
    vote_update(vote=vote, actor=staff, projects=lines, now=NOW)
    first, typed, second = vote.projects.order_by("position")
    assert (first.source_id, first.code, first.cost) == ("1", "sample-1", Decimal("15000.00"))
    assert "Описание 1." in first.description
    assert (typed.source_kind, typed.code) == ("", "2")
    assert (second.source_id, second.code) == ("2", "sample-2")
    with pytest.raises(ValidationError) as exc:
        _add(vote, staff, ["1", "2"])
    assert _codes(exc) == {"already_added"}
