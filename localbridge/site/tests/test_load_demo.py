"""load_demo: the bodies of the founding resolutions in their real places, demo users with roles, demo ТОС in
every status made through the registration workflow; twice is once."""

import importlib
import io
import json
import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.management import call_command

from localbridge.accounts.models import User
from localbridge.cooperation.models import TwinLink
from localbridge.core.audit import audit_history
from localbridge.core.models import AuditEntry
from localbridge.indicators.models import ImportBatch, IndicatorValue, RatingMethod
from localbridge.organizations.models import Document, Membership, Organization, OrganizationStatus, TosProfile
from localbridge.organizations.services import ogrn_is_valid
from localbridge.practices.importing import SYSTEM_EMAIL
from localbridge.practices.models import Practice, PracticeFigure, PracticeStatus, Topic
from localbridge.site.management.commands.load_demo import (
    DEMO_PASSWORD,
    DEMO_PRACTICES,
    TOS_DEMOS,
    demo_charter_pdf,
)
from localbridge.territories.models import Municipality

pytestmark = pytest.mark.django_db


def _state() -> tuple[int, ...]:
    return (
        Organization.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
        EmailAddress.objects.count(),
        AuditEntry.objects.count(),
        TosProfile.objects.count(),
        Document.objects.count(),
        Practice.objects.count(),
        PracticeFigure.objects.count(),
        TwinLink.objects.count(),
        Municipality.objects.count(),
        IndicatorValue.objects.count(),
        ImportBatch.objects.count(),
        RatingMethod.objects.count(),
    )


def test_load_demo_creates_the_named_bodies_users_and_roles_once():
    out = io.StringIO()
    call_command("load_demo", stdout=out)  # loads the reference territories first (the database is empty)
    first = _state()
    call_command("load_demo", stdout=io.StringIO())
    assert _state() == first
    assert "already there" in out.getvalue() and DEMO_PASSWORD in out.getvalue()
    # The twin-city network (the small file of cooperation's tests in tests, the real one otherwise), imported once.
    assert (
        TwinLink.objects.filter(municipality_a__name_en="Volgograd").exists()
        or TwinLink.objects.filter(municipality_b__name_en="Volgograd").exists()
    )

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

    administration = Organization.objects.get(name="Администрация города Благовещенска")
    staff = User.objects.get(email="staff@demo.localbridge.local")
    assert staff.check_password(DEMO_PASSWORD)
    assert Membership.objects.filter(user=staff, organization=administration, role="staff", is_active=True).exists()
    assert User.objects.get(email="moderator@demo.localbridge.local").is_staff
    assert EmailAddress.objects.filter(email="chair@demo.localbridge.local", verified=True, primary=True).exists()

    # Indicators: generated values of the Amur Region's real municipalities, imported once through the import
    # service and marked; the computed ones over the demo; a published demo rating that rates them.
    batch = ImportBatch.objects.get(file_name="demo-amur-indicators.csv")
    assert batch.is_generated and batch.rows_failed == 0 and batch.rows_saved == batch.values.count() > 0
    imported = IndicatorValue.objects.filter(import_batch=batch)
    assert set(imported.values_list("is_generated", "municipality__region__code")) == {(True, "RU-AMU")}
    assert (
        imported.values("municipality").distinct().count() == Municipality.objects.filter(region__code="RU-AMU").count()
    )
    assert IndicatorValue.objects.filter(
        definition__code="tos_count", municipality__name_ru="Благовещенск", computed_at__isnull=False
    ).exists()
    rating = RatingMethod.objects.get(code="amur-demo")
    assert rating.is_published and rating.region.code == "RU-AMU" and rating.weights.count() >= 6
    from localbridge.indicators.selectors import rating_compute

    result = rating_compute(method=rating)
    assert result.rated_count == len(result.municipalities) and result.has_generated


def test_if_empty_does_nothing_when_organisations_exist():
    from localbridge.organizations.tests.factories import OrganizationFactory

    OrganizationFactory()
    out = io.StringIO()
    call_command("load_demo", "--if-empty", stdout=out)
    assert Organization.objects.count() == 1
    assert "not loaded" in out.getvalue()


@pytest.fixture
def migration_seeded_rows(transactional_db):
    """The rows data migrations seed (the practice bank's topics, the areas of cooperation, the indicators'
    definitions), again: a transactional test that ran before may have flushed them, and the demo uses them."""
    from django.apps import apps

    for module in (
        "localbridge.practices.migrations.0002_topics",
        "localbridge.cooperation.migrations.0002_seed_areas",
        "localbridge.indicators.migrations.0002_seed_definitions",
    ):
        migration = importlib.import_module(module)
        (getattr(migration, "create_topics", None) or migration.seed)(apps, None)


@pytest.mark.django_db(transaction=True)  # real commits: the workflow's e-mails would go out on commit
def test_load_demo_makes_invented_tos_in_every_status_through_the_workflow(migration_seeded_rows):
    call_command("load_demo", stdout=io.StringIO())
    assert mail.outbox == []  # the demo addresses are not mailboxes: loading the demo notifies nobody
    first = _state()
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert _state() == first
    assert f"Demo ТОС: 0 created, {len(TOS_DEMOS)} already there." in out.getvalue()

    chair = User.objects.get(email="chair@demo.localbridge.local")
    staff = User.objects.get(email="staff@demo.localbridge.local")
    all_tos = Organization.objects.filter(kind="tos").select_related("municipality", "tos__charter")
    assert sorted(t.name for t in all_tos) == sorted(spec.name for spec in TOS_DEMOS)
    assert {t.status for t in all_tos} == {
        OrganizationStatus.DRAFT,
        OrganizationStatus.SUBMITTED,
        OrganizationStatus.UNDER_REVIEW,
        OrganizationStatus.RETURNED,
        OrganizationStatus.REGISTERED,
        OrganizationStatus.REFUSED,
    }
    assert all(t.is_generated and t.name.endswith("(демо)") for t in all_tos)
    assert {t.municipality.name_ru for t in all_tos} >= {"Благовещенск", "Свободный", "Смоленск", "Тюмень", "Волгоград"}

    for tos in all_tos:
        moves = [e for e in audit_history(obj=tos) if e.action not in ("membership_grant", "bodies", "charter")]
        assert moves[0].action == "create" and moves[0].actor == chair
        applicant_moves = ("create", "update", "submit", "resubmit", "legal_entity")
        assert all(e.actor == (chair if e.action in applicant_moves else staff) for e in moves), tos.name
        assert [e.at for e in moves] == sorted(e.at for e in moves)
        assert tos.memberships.get(role="chair").user == chair
        if tos.status == "draft":
            assert tos.tos.charter is None
        else:
            assert tos.tos.charter.content_type == "application/pdf"
            assert tos.tos.charter.file.read().startswith(b"%PDF-1.4")
        assert bool(tos.registry_number) == (tos.status == "registered")
        assert bool(tos.tos.review_due_on) == (tos.status != "draft")

    legal = [t for t in all_tos if t.is_legal_entity]
    assert len(legal) == 1 and legal[0].status == "registered" and ogrn_is_valid(legal[0].ogrn)
    assert legal[0].registry_number.startswith("10701000-")  # Благовещенск's OKTMO
    assert legal[0].tos.boundary["type"] == "Polygon"
    resubmitted = Organization.objects.get(name="ТОС «Микрорайон Заречный» (демо)")
    assert [e.action for e in audit_history(obj=resubmitted) if e.to_status] == [
        "create",
        "submit",
        "start_review",
        "return",
        "resubmit",
        "start_review",
        "register",
    ]
    returned = Organization.objects.get(status="returned")
    assert "границы" in [e for e in audit_history(obj=returned) if e.action == "return"][0].comment
    # the demo reviewer reviews in every city with demo ТОС
    for tos in all_tos:
        assert staff.has_perm("organizations.start_review_tos", tos)


def test_the_demo_charter_is_a_well_formed_pdf():
    pdf = demo_charter_pdf("Charter (demo) of a TOS")
    assert pdf.startswith(b"%PDF-1.4\n") and pdf.rstrip().endswith(b"%%EOF")
    startxref = int(re.search(rb"startxref\n(\d+)\n", pdf).group(1))
    assert pdf[startxref:].startswith(b"xref\n0 6\n")
    offsets = [int(o) for o in re.findall(rb"(\d{10}) 00000 n", pdf)]
    assert [pdf[o:].split(b"\n", 1)[0] for o in offsets] == [f"{n} 0 obj".encode() for n in range(1, 6)]
    length = int(re.search(rb"/Length (\d+)", pdf).group(1))
    stream = pdf.split(b"stream\n", 1)[1].split(b"\nendstream", 1)[0]
    assert len(stream) == length and b"(Charter [demo] of a TOS)" in stream


def test_load_demo_publishes_the_generated_demo_practices_once():
    call_command("load_demo", stdout=io.StringIO())
    first = _state()
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert _state() == first
    assert "Demo practices: 0 created, " in out.getvalue()

    practices = Practice.objects.all()
    corpus = json.loads(DEMO_PRACTICES.read_text(encoding="utf-8"))
    assert practices.count() == len(corpus) >= 60  # every record found its places and organisations
    assert practices.filter(municipality__isnull=False).count() == sum(1 for r in corpus if r.get("municipality"))
    assert set(practices.values_list("status", "is_generated")) == {(PracticeStatus.PUBLISHED, True)}
    assert set(practices.values_list("language", flat=True)) == {"ru", "en"}
    assert set(Topic.objects.filter(practices__isnull=False).values_list("code", flat=True)) == set(
        Topic.objects.values_list("code", flat=True)
    )
    assert practices.exclude(region=None).values("region").distinct().count() >= 30
    # published one after another, the first of the file the newest
    assert len(set(practices.values_list("published_at", flat=True))) == practices.count()
    landscaping = Practice.objects.get(title__startswith="Благоустроили двор всем домом")
    assert landscaping == practices.first()
    assert landscaping.organizations.get().name == "ТОС «Улица Ленина, 1–15» (демо)"
    assert landscaping.figures.filter(kind="money", source="residents").exists()
    publish = [e for e in audit_history(obj=landscaping) if e.action == "publish"]
    assert [e.actor.email for e in publish] == [SYSTEM_EMAIL]
