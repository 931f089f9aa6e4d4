"""The registry of project sources (core/sources.py): registering, replacing, ordering, removing, and the two
shapes of a source (with groups, or a flat list)."""

from decimal import Decimal

import pytest

from localbridge.core import sources
from localbridge.core.sources import (
    ProjectCandidate,
    SourceGroup,
    project_source,
    project_sources,
    register_project_source,
    unregister_project_source,
)


@pytest.fixture(autouse=True)
def registry():
    """Each test sees the registry as the apps left it, and leaves it so."""
    saved = dict(sources._sources)
    yield
    sources._sources.clear()
    sources._sources.update(saved)


def _candidates(municipality_id, group_id):
    return [ProjectCandidate(id=f"{municipality_id}-{group_id}", title="Сквер", cost=Decimal("1000.00"))]


def _groups(municipality_id):
    return [SourceGroup(id="7", title=f"Конкурс для {municipality_id}")]


def test_a_registered_source_is_listed_and_found_by_its_key():
    source = register_project_source("sample", "Образец", _candidates, groups=_groups, group_label="Конкурс")
    assert project_source("sample") is source
    assert source in project_sources()
    assert source.has_groups and source.group_label == "Конкурс"


def test_a_source_with_groups_passes_the_municipality_and_the_group():
    source = register_project_source("sample", "Образец", _candidates, groups=_groups)
    assert source.groups_for(5) == [SourceGroup(id="7", title="Конкурс для 5")]
    assert [c.id for c in source.candidates_for(5, "7")] == ["5-7"]


def test_a_source_without_groups_has_one_group_and_gets_an_empty_group_id():
    source = register_project_source("flat", "Плоский список", _candidates)
    assert not source.has_groups
    assert [g.id for g in source.groups_for(5)] == [""]
    assert [c.id for c in source.candidates_for(5)] == ["5-"]


def test_registering_a_key_again_replaces_the_source():
    register_project_source("sample", "Первый", _candidates)
    second = register_project_source("sample", "Второй", _candidates)
    assert project_source("sample") is second
    assert [s.label for s in project_sources() if s.key == "sample"] == ["Второй"]


def test_sources_are_listed_by_order_then_key():
    register_project_source("zz_late", "Поздний", _candidates, order=1)
    register_project_source("aa_early", "Ранний", _candidates, order=1)
    register_project_source("mm_last", "Последний", _candidates, order=10_000)
    keys = [s.key for s in project_sources()]
    assert keys.index("aa_early") < keys.index("zz_late") < keys.index("mm_last")
    assert keys[-1] == "mm_last"


def test_unregistering_removes_the_source_and_an_unknown_key_is_none():
    register_project_source("sample", "Образец", _candidates)
    unregister_project_source("sample")
    unregister_project_source("sample")  # twice is harmless
    assert project_source("sample") is None
    assert "sample" not in [s.key for s in project_sources()]


@pytest.mark.parametrize("key", ["", "Contest", "contest-x", "1contest", "x" * 33])
def test_a_key_must_be_a_short_lowercase_name(key):
    with pytest.raises(ValueError):
        register_project_source(key, "Образец", _candidates)
