"""The Django admin pages for the registry and the read-only audit trail."""

import pytest
from django.urls import reverse

from localbridge.accounts.tests.factories import UserFactory
from localbridge.core.audit import audit_record
from localbridge.core.models import AuditEntry
from localbridge.organizations.tests.factories import MembershipFactory, TosFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize(
    "name",
    [
        "admin:organizations_organization_changelist",
        "admin:organizations_membership_changelist",
        "admin:organizations_document_changelist",
        "admin:core_auditentry_changelist",
    ],
)
def test_admin_lists_render(admin_client, name):
    tos = TosFactory()
    MembershipFactory(organization=tos)
    audit_record(obj=tos, action="create")
    assert admin_client.get(reverse(name)).status_code == 200
    assert admin_client.get(reverse(name), {"q": "ТОС"}).status_code == 200


def test_the_organisation_form_has_the_tos_and_body_inlines(admin_client):
    tos = TosFactory()
    body = admin_client.get(reverse("admin:organizations_organization_change", args=[tos.pk])).content.decode()
    assert 'id="tos-group"' in body
    assert 'id="body_members-group"' in body


def test_the_audit_trail_cannot_be_added_changed_or_deleted(admin_client):
    entry = audit_record(obj=TosFactory(), action="create")
    assert admin_client.get(reverse("admin:core_auditentry_add")).status_code == 403
    assert (
        admin_client.post(reverse("admin:core_auditentry_change", args=[entry.pk]), {"action": "x"}).status_code == 403
    )
    assert (
        admin_client.post(reverse("admin:core_auditentry_delete", args=[entry.pk]), {"post": "yes"}).status_code == 403
    )
    assert AuditEntry.objects.get(pk=entry.pk).action == "create"
    assert admin_client.get(reverse("admin:core_auditentry_change", args=[entry.pk])).status_code == 200
