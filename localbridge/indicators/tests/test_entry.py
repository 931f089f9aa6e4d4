"""A municipality's staff entering yearly values: validation with codes, replacement with the history kept, and
who may do it (the permission matrix)."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from localbridge.accounts.tests.factories import UserFactory
from localbridge.cooperation.tests.factories import municipal_staff
from localbridge.core.audit import audit_history
from localbridge.core.services import error_codes
from localbridge.indicators.models import IndicatorValue
from localbridge.indicators.services import value_enter, value_remove

from .factories import make_world

pytestmark = pytest.mark.django_db
NOW = datetime(2025, 6, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def world(definitions):
    return make_world()


def enter(actor, definition, municipality, year=2024, value=Decimal("1500000"), note="Отчёт об исполнении бюджета"):
    return value_enter(
        actor=actor,
        definition=definition,
        municipality=municipality,
        year=year,
        value=value,
        source_note=note,
        now=NOW,
    )


def test_staff_enter_a_value_and_entering_it_again_replaces_it_with_the_history_kept(world, definitions):
    staff = municipal_staff(world.a1)
    first = enter(staff, definitions["tos_budget_support"], world.a1)
    assert (first.value, first.year, first.entered_by, first.computed_at) == (Decimal("1500000"), 2024, staff, None)
    second = enter(staff, definitions["tos_budget_support"], world.a1, value=Decimal("1750000.5"), note="Уточнено")
    assert second.pk == first.pk and IndicatorValue.objects.count() == 1
    assert (second.value, second.source_note) == (Decimal("1750000.5"), "Уточнено")
    history = [entry.data for entry in audit_history(obj=second)]
    assert [(h["previous"], h["value"]) for h in history] == [(None, "1500000.0000"), ("1500000.0000", "1750000.5000")]


@pytest.mark.parametrize(
    ("code", "year", "value", "note", "errors"),
    [
        ("tos_count", 2024, Decimal(1), "x", {"not_enterable"}),
        ("satisfaction_local_government", 2024, Decimal(1), "x", {"not_enterable"}),
        ("tos_budget_support", 2026, Decimal(1), "x", {"bad_year"}),
        ("tos_budget_support", 1980, Decimal(1), "x", {"bad_year"}),
        ("tos_budget_support", None, None, "", {"bad_year", "bad_value", "required"}),
        ("tos_budget_support", 2024, Decimal(-5), "x", {"out_of_range"}),
        ("tos_budget_support", 2024, Decimal("1e17"), "x", {"bad_value"}),
        ("tos_budget_support", 2024, Decimal(1), "x" * 501, {"too_long"}),
    ],
)
def test_bad_input_is_refused_with_a_code_and_nothing_saved(world, definitions, code, year, value, note, errors):
    staff = municipal_staff(world.a1)
    with pytest.raises(ValidationError) as refused:
        enter(staff, definitions[code], world.a1, year=year, value=value, note=note)
    assert error_codes(refused.value) == errors
    assert not IndicatorValue.objects.exists()


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("staff_of_this_municipality", True),
        ("platform_staff", True),
        ("staff_of_another_municipality", False),
        ("resident", False),
        ("anonymous", False),
    ],
)
def test_who_may_enter_a_municipalitys_values(world, definitions, who, allowed):
    actor = {
        "staff_of_this_municipality": lambda: municipal_staff(world.a1),
        "platform_staff": lambda: UserFactory(is_staff=True),
        "staff_of_another_municipality": lambda: municipal_staff(world.a2),
        "resident": UserFactory,
        "anonymous": AnonymousUser,
    }[who]()
    assert actor.has_perm("indicators.enter_value", world.a1) is allowed
    if allowed:
        enter(actor, definitions["volunteers"], world.a1, value=Decimal(12))
        assert IndicatorValue.objects.get().value == 12
    else:
        with pytest.raises(PermissionDenied):
            enter(actor, definitions["volunteers"], world.a1, value=Decimal(12))


@pytest.mark.parametrize(
    ("who", "allowed"),
    [("platform_staff", True), ("municipal_staff", False), ("resident", False), ("anonymous", False)],
)
def test_only_platform_staff_import_recompute_and_manage_ratings(world, who, allowed):
    actor = {
        "platform_staff": lambda: UserFactory(is_staff=True),
        "municipal_staff": lambda: municipal_staff(world.a1),
        "resident": UserFactory,
        "anonymous": AnonymousUser,
    }[who]()
    for permission in ("indicators.import_values", "indicators.recompute", "indicators.manage_ratings"):
        assert actor.has_perm(permission) is allowed


def test_staff_remove_an_entered_value_but_not_another_kind(world, definitions):
    staff = municipal_staff(world.a1)
    value = enter(staff, definitions["volunteers"], world.a1, value=Decimal(12))
    with pytest.raises(PermissionDenied):
        value_remove(actor=municipal_staff(world.a2), value=value)
    value_remove(actor=staff, value=value)
    assert not IndicatorValue.objects.exists()
    computed = IndicatorValue.objects.create(
        definition=definitions["tos_count"],
        level="municipality",
        territory_id=world.a1.pk,
        municipality=world.a1,
        year=2024,
        value=3,
        computed_at=NOW,
    )
    with pytest.raises(ValidationError) as refused:
        value_remove(actor=staff, value=computed)
    assert error_codes(refused.value) == {"not_removable"}
