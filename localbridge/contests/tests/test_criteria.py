"""The ready-made sets of evaluation criteria (contests/criteria.py)."""

from decimal import Decimal

import pytest
from django.utils import translation

from localbridge.contests.criteria import CRITERIA_TEMPLATES, template_choices


def test_the_three_sets_are_offered():
    assert {"pgf10", "tos_landscaping", "initiative_budgeting"} <= set(CRITERIA_TEMPLATES)
    assert [key for key, _label in template_choices()] == list(CRITERIA_TEMPLATES)


def test_the_presidential_grants_fund_set_has_its_ten_criteria_scored_0_to_10():
    template = CRITERIA_TEMPLATES["pgf10"]
    with translation.override("en"):
        criteria = template.as_list()
    assert len(criteria) == 10
    assert all((c["scale_min"], c["scale_max"]) == (0, 10) for c in criteria)
    assert criteria[0]["name"] == "Relevance and social significance"
    assert criteria[-1]["name"] == "Information openness"
    assert "президентских грантов" in template.source


def test_the_initiative_budgeting_set_gives_100_points_in_the_domain_proportions():
    criteria = CRITERIA_TEMPLATES["initiative_budgeting"].as_list()
    points = [c["weight"] * c["scale_max"] for c in criteria]
    assert points == [Decimal(20), Decimal(10), Decimal(20), Decimal(10), Decimal(10), Decimal(30)]
    assert sum(points) == 100


@pytest.mark.parametrize("key", sorted(CRITERIA_TEMPLATES))
def test_every_set_is_valid_for_the_model(key):
    criteria = CRITERIA_TEMPLATES[key].as_list()
    names = [c["name"] for c in criteria]
    assert len(set(names)) == len(names)
    for c in criteria:
        assert c["name"] and len(c["name"]) <= 300
        assert 0 <= c["scale_min"] < c["scale_max"]
        assert c["weight"] > 0
