"""The scope registry, the search_reindex service and its management command."""

import io

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from localbridge.core.search import (
    register_scope,
    search_index,
    search_query,
    search_reindex,
    unregister_scope,
)
from localbridge.core.search.models import SearchDocument

pytestmark = pytest.mark.django_db


def reindex_groups():
    for group in Group.objects.filter(name__startswith="Совет"):
        search_index(obj=group, scope="groups", language="ru", title=group.name)


@pytest.fixture
def groups_scope():
    register_scope("groups", reindex_groups)
    yield "groups"
    unregister_scope("groups")


def test_reindex_rebuilds_a_scope_from_its_app(groups_scope):
    kept = Group.objects.create(name="Совет ветеранов")
    gone = Group.objects.create(name="Совет молодёжи")
    reindex_groups()
    gone.delete()  # deleted without telling the index: a stale row the rebuild drops
    search_index(obj=kept, scope="groups", language="ru", title="устаревшее название")
    assert search_reindex(scope="groups") == {"groups": 1}
    assert [h.object_id for h in search_query("совет", scope="groups")[0]] == [kept.pk]
    assert SearchDocument.objects.filter(scope="groups").count() == 1


def test_reindex_leaves_other_scopes_alone(groups_scope):
    other = Group.objects.create(name="Ярмарка")
    search_index(obj=other, scope="other", language="ru", title="Ярмарка")
    search_reindex(scope="groups")
    hits, _total = search_query("ярмарка", scope="other")
    assert [h.object_id for h in hits] == [other.pk]


def test_unknown_scope_is_refused(groups_scope):
    with pytest.raises(ValidationError) as error:
        search_reindex(scope="nothing")
    assert error.value.code == "unknown_scope"


def test_command_reindexes_every_scope_or_one(groups_scope):
    Group.objects.create(name="Совет ветеранов")
    out = io.StringIO()
    call_command("search_reindex", stdout=out)
    assert "groups: 1 documents indexed" in out.getvalue()
    out = io.StringIO()
    call_command("search_reindex", "--scope", "groups", stdout=out)
    assert "groups: 1 documents indexed" in out.getvalue()


def test_command_names_the_registered_scopes_when_the_scope_is_unknown(groups_scope):
    with pytest.raises(CommandError, match="Registered: .*groups"):
        call_command("search_reindex", "--scope", "nothing")
