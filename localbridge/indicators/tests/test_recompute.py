"""Recomputation: values written in bulk (upserted), values that no longer hold removed, one year or some codes at
a time, the snapshot's past years kept; the command, the background task and the catalogue's consistency."""

from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from localbridge.core.services import error_codes
from localbridge.indicators import computed
from localbridge.indicators.catalogue import DEFINITIONS
from localbridge.indicators.models import IndicatorValue, Level, Source
from localbridge.indicators.services import recompute_all
from localbridge.indicators.tasks import recompute_indicators
from localbridge.organizations.models import OrganizationStatus
from localbridge.organizations.tests.factories import TosFactory
from localbridge.projects.tests.factories import MilestoneFactory, ProjectFactory

from .factories import TODAY, at, make_world, put

pytestmark = pytest.mark.django_db


def stored(code, level=Level.MUNICIPALITY, territory=None, year=None):
    values = IndicatorValue.objects.filter(definition__code=code, level=level)
    if territory is not None:
        values = values.filter(territory_id=territory.pk)
    if year is not None:
        values = values.filter(year=year)
    return {(v.territory_id, v.year): v.value for v in values}


def test_every_computation_has_a_computed_definition_and_every_computed_definition_a_computation():
    computed_codes = {d["code"] for d in DEFINITIONS if d["source"] == Source.COMPUTED}
    assert computed_codes == set(computed.REGISTRY)


def test_recompute_writes_every_year_of_the_window_then_replaces_and_removes(definitions, settings):
    settings.INDICATORS_FIRST_YEAR = 2023
    w = make_world()
    first = TosFactory(municipality=w.a1, status=OrganizationStatus.ACTIVE, registered_at=at(2024))
    TosFactory(municipality=w.a2, status=OrganizationStatus.ACTIVE, registered_at=at(2025))
    written = recompute_all(today=TODAY)
    assert written["tos_count"] == 2 + 1 + 2 + 2  # a1 2024–25, a2 2025, region 2024–25, country 2024–25
    assert stored("tos_count") == {(w.a1.pk, 2024): Decimal(1), (w.a1.pk, 2025): Decimal(1), (w.a2.pk, 2025): 1}
    value = IndicatorValue.objects.get(definition__code="tos_count", level=Level.COUNTRY, year=2025)
    assert value.value == 2 and value.computed_at is not None and value.entered_by is None

    first.status = OrganizationStatus.CLOSED
    first.save()
    TosFactory(municipality=w.a2, status=OrganizationStatus.ACTIVE, registered_at=at(2025))
    recompute_all(today=TODAY)
    assert stored("tos_count") == {(w.a2.pk, 2025): Decimal(2)}  # a1's values are gone, a2's replaced
    assert stored("tos_count", Level.COUNTRY) == {(w.country.pk, 2025): Decimal(2)}


def test_recompute_of_one_year_and_one_code_leaves_the_rest_alone(definitions, settings):
    settings.INDICATORS_FIRST_YEAR = 2023
    w = make_world()
    TosFactory(municipality=w.a1, status=OrganizationStatus.ACTIVE, registered_at=at(2023))
    recompute_all(today=TODAY)
    IndicatorValue.objects.filter(definition__code="tos_count", level=Level.MUNICIPALITY, year=2023).update(value=99)
    TosFactory(municipality=w.a1, status=OrganizationStatus.ACTIVE, registered_at=at(2024))
    written = recompute_all(year=2025, codes=["tos_count"], today=TODAY)
    assert set(written) == {"tos_count"}
    assert stored("tos_count", territory=w.a1) == {(w.a1.pk, 2023): 99, (w.a1.pk, 2024): 1, (w.a1.pk, 2025): 2}
    assert stored("tos_residents", territory=w.a1, year=2025) == {(w.a1.pk, 2025): 300}  # not recomputed


def test_an_unknown_code_is_refused_and_an_inactive_definition_is_skipped(definitions, settings):
    settings.INDICATORS_FIRST_YEAR = 2025
    with pytest.raises(ValidationError) as refused:
        recompute_all(codes=["tos_count", "no_such_code"], today=TODAY)
    assert error_codes(refused.value) == {"unknown_code"}
    for year in (1989, 2026):
        with pytest.raises(ValidationError) as refused:
            recompute_all(year=year, today=TODAY)
        assert error_codes(refused.value) == {"bad_year"}
    w = make_world()
    TosFactory(municipality=w.a1, status=OrganizationStatus.ACTIVE, registered_at=at(2024))
    definitions["tos_count"].is_active = False
    definitions["tos_count"].save()
    written = recompute_all(today=TODAY)
    assert "tos_count" not in written and not stored("tos_count")
    assert written["tos_residents"] == 3


def test_the_snapshot_replaces_this_years_value_and_keeps_last_years(definitions, settings):
    settings.INDICATORS_FIRST_YEAR = 2024
    w = make_world()
    put(definitions["projects_overdue"], w.a1, 2024, 5, computed_at=at(2024, 12))  # last year's snapshot
    project = ProjectFactory(municipality=w.a2, year=2025, started_at=at(2025, 1))
    MilestoneFactory(project=project, planned_date=date(2025, 5, 1))
    recompute_all(today=TODAY)
    assert stored("projects_overdue") == {(w.a1.pk, 2024): 5, (w.a2.pk, 2025): 1}


def test_the_command_recomputes_and_reports_counts(definitions, settings):
    settings.INDICATORS_FIRST_YEAR = 2024
    w = make_world()
    TosFactory(municipality=w.a1, status=OrganizationStatus.ACTIVE, registered_at=at(2024))
    out = StringIO()
    call_command("recompute_indicators", "--year", "2024", "--code", "tos_count", stdout=out)
    assert out.getvalue().splitlines() == ["tos_count: 3", "values written: 3"]
    with pytest.raises(CommandError, match="nope"):
        call_command("recompute_indicators", "--code", "nope", stdout=StringIO())


def test_the_command_can_queue_the_task_and_the_task_recomputes(definitions, settings):
    settings.INDICATORS_FIRST_YEAR = 2024
    w = make_world()
    TosFactory(municipality=w.a1, status=OrganizationStatus.ACTIVE, registered_at=at(2024))
    out = StringIO()
    call_command("recompute_indicators", "--enqueue", "--year", "2024", stdout=out)  # immediate under tests
    assert "successful" in out.getvalue()
    assert stored("tos_count", year=2024) == {(w.a1.pk, 2024): 1}
    result = recompute_indicators.enqueue(year=2024, codes=["tos_residents"])
    assert result.return_value == {"tos_residents": 3}
