"""Helpers of the resolutions' tests: a small resolution made through the service, the people around it."""

from __future__ import annotations

from typing import Any

from localbridge.accounts.tests.factories import UserFactory
from localbridge.events.models import Resolution
from localbridge.events.services.resolutions import resolution_create_from_split
from localbridge.organizations.models import MembershipRole
from localbridge.organizations.tests.factories import MembershipFactory, OrganizationFactory

SAMPLE_TEXT = """РЕЗОЛЮЦИЯ
семинара председателей ТОС

15 марта 2026 года

г. Благовещенск

Участники семинара обсудили развитие ТОС.

Правительству Амурской области:
1. Разработать программу поддержки ТОС;
2. Проводить ежегодные обучающие семинары.

Средствам массовой информации:
1. Освещать работу ТОС.
"""

SAMPLE_SECTIONS = [
    {
        "addressee": "Правительству Амурской области",
        "items": ["Разработать программу поддержки ТОС;", "Проводить ежегодные обучающие семинары."],
    },
    {"addressee": "Средствам массовой информации", "items": ["Освещать работу ТОС."]},
]


def staff_user(**kwargs: Any):
    return UserFactory(is_staff=True, **kwargs)


def acting_for(organization, role: str = MembershipRole.CHAIR):
    user = UserFactory()
    MembershipFactory(user=user, organization=organization, role=role)
    return user


def government(name: str = "Правительство Амурской области"):
    return OrganizationFactory(name=name, search_text=name.casefold().replace("ё", "е"))


def make_resolution(
    *, actor=None, event=None, sections=None, title: str = "Резолюция семинара", **kwargs
) -> Resolution:
    return resolution_create_from_split(
        actor=actor or staff_user(),
        title=title,
        sections=sections if sections is not None else SAMPLE_SECTIONS,
        event=event,
        source_text=kwargs.pop("source_text", SAMPLE_TEXT),
        **kwargs,
    )
