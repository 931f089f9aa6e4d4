"""load_demo: the bodies of the founding resolutions in their real places, demo users with roles; twice is once."""

import io

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command

from localbridge.accounts.models import User
from localbridge.core.models import AuditEntry
from localbridge.organizations.models import Membership, Organization
from localbridge.site.management.commands.load_demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def _state() -> tuple[int, ...]:
    return (
        Organization.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
        EmailAddress.objects.count(),
        AuditEntry.objects.count(),
    )


def test_load_demo_creates_the_named_bodies_users_and_roles_once():
    out = io.StringIO()
    call_command("load_demo", stdout=out)  # loads the reference territories first (the database is empty)
    first = _state()
    call_command("load_demo", stdout=io.StringIO())
    assert _state() == first
    assert "already there" in out.getvalue() and DEMO_PASSWORD in out.getvalue()

    urc = Organization.objects.get(name="Союз российских городов")
    assert (urc.kind, urc.country.code, urc.region.code, urc.website) == (
        "association_national",
        "RU",
        "RU-MOW",
        "https://www.urc.ru",
    )
    assert (
        Organization.objects.get(name_en="Association of Finnish Local and Regional Authorities").country.code == "FI"
    )
    assert Organization.objects.get(short_name="UCLG").kind == "association_international"
    orientir = Organization.objects.get(short_name="«Ориентир»")
    assert (orientir.municipality.name_ru, orientir.municipality.oktmo, orientir.is_generated) == (
        "Благовещенск",
        "10701000",
        False,
    )
    assert Organization.objects.get(name="Администрация города Тюмени").is_generated
    assert not Organization.objects.filter(kind="tos").exists()

    administration = Organization.objects.get(name="Администрация города Благовещенска")
    staff = User.objects.get(email="staff@demo.localbridge.local")
    assert staff.check_password(DEMO_PASSWORD)
    assert Membership.objects.filter(user=staff, organization=administration, role="staff", is_active=True).exists()
    assert User.objects.get(email="moderator@demo.localbridge.local").is_staff
    assert EmailAddress.objects.filter(email="chair@demo.localbridge.local", verified=True, primary=True).exists()


def test_if_empty_does_nothing_when_organisations_exist():
    from localbridge.organizations.tests.factories import OrganizationFactory

    OrganizationFactory()
    out = io.StringIO()
    call_command("load_demo", "--if-empty", stdout=out)
    assert Organization.objects.count() == 1
    assert "not loaded" in out.getvalue()
