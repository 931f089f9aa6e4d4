"""The practice bank's writes: creating and editing practices with validation codes, files, every allowed and
refused workflow move, the recommendation, deletion, adoptions, topics, history and the domain events."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from localbridge.accounts.tests.factories import UserFactory
from localbridge.core.audit import audit_history
from localbridge.organizations.models import MembershipRole, OrganizationKind, OrganizationStatus
from localbridge.organizations.tests.factories import OrganizationFactory
from localbridge.organizations.tests.tos_support import PDF_BYTES, PNG_BYTES
from localbridge.practices import services
from localbridge.practices.events import (
    AdoptionChanged,
    AdoptionRecorded,
    AdoptionRemoved,
    PracticeChanged,
    PracticePublished,
    PracticeRemoved,
    TopicChanged,
)
from localbridge.practices.models import (
    PRACTICE_WORKFLOW,
    Adoption,
    FigureKind,
    MoneySource,
    Practice,
    PracticeAttachment,
    PracticeStatus,
    Tag,
    Topic,
)
from localbridge.practices.tests.conftest import NOW
from localbridge.practices.tests.factories import (
    AdoptionFactory,
    PracticeFactory,
    PracticeOrganizationFactory,
    TopicFactory,
    association_moderator,
    member_of,
)
from localbridge.territories.tests.factories import CountryFactory, MunicipalityFactory, RegionFactory

pytestmark = pytest.mark.django_db
S = PracticeStatus


def field_codes(excinfo, field):
    return [error.code for error in excinfo.value.error_dict[field]]


def public_tos(**kwargs):
    return OrganizationFactory(kind=OrganizationKind.TOS, status=OrganizationStatus.ACTIVE, **kwargs)


def chair_and_tos():
    tos = public_tos()
    return member_of(tos, MembershipRole.CHAIR), tos


def moderator():
    return UserFactory(is_staff=True)


def create(actor, **overrides):
    municipality = overrides.pop("municipality") if "municipality" in overrides else MunicipalityFactory()
    values = {
        "title": "Двор, где не стоят лужи",
        "summary": "Жители и администрация вместе отремонтировали двор.",
        "problem": "Лужи по колено.",
        "actions": "Провели собрание, собрали инициативные платежи, вышли на субботник.",
        "results": "Новый асфальт и площадка.",
        "language": "ru",
        "municipality": municipality,
        "topics": ["landscaping"],
        "start_year": 2023,
    }
    values.update(overrides)
    return services.practice_create(actor=actor, now=NOW, **values)


def practice_in(status, **kwargs):
    """A complete practice in `status`, by a chair of an authoring ТОС (returned with the practice)."""
    author, tos = chair_and_tos()
    practice = PracticeFactory(status=status, author=author, **kwargs)
    PracticeOrganizationFactory(practice=practice, organization=tos)
    return practice


# --- the taxonomy the data migration seeds ---------------------------------------------------------------


def test_the_eighteen_curated_topics_are_seeded_in_order():
    topics = list(Topic.objects.filter(code__in=[c for c, *_ in SEEDED]).order_by("position"))
    assert [(t.code, t.name_ru) for t in topics] == [(c, ru) for c, ru in SEEDED]
    assert all(t.name_en and t.is_active for t in topics)


SEEDED = [
    ("landscaping", "Благоустройство"),
    ("culture", "Культура и досуг"),
    ("sport", "Спорт"),
    ("youth", "Молодёжь"),
    ("older_people", "Старшее поколение"),
    ("memory", "Память и патриотическое воспитание"),
    ("safety", "Профилактика правонарушений и безопасность"),
    ("charity", "Благотворительность и социальная поддержка"),
    ("ecology", "Экология"),
    ("housing", "ЖКХ"),
    ("education", "Образование и просвещение"),
    ("health", "Здоровье"),
    ("tourism", "Туризм"),
    ("local_economy", "Местная экономика"),
    ("interethnic", "Межнациональное согласие"),
    ("international", "Международное сотрудничество и побратимство"),
    ("cross_border", "Приграничное сотрудничество"),
    ("volunteering", "Волонтёрство"),
]


# --- create -------------------------------------------------------------------------------------------------


def test_create_makes_a_draft_by_the_actor_with_territory_from_the_municipality():
    user, tos = chair_and_tos()
    municipality = MunicipalityFactory()
    practice = create(user, municipality=municipality, organizations=[tos], tags=["#Двор", "двор ", "Субботник"])
    practice.refresh_from_db()
    assert practice.status == S.DRAFT
    assert practice.author == user
    assert (practice.region, practice.country) == (municipality.region, municipality.country)
    assert practice.year == 2023
    assert [t.code for t in practice.topics.all()] == ["landscaping"]
    assert sorted(practice.tags.values_list("name", flat=True)) == ["двор", "субботник"]
    assert [(link.organization, link.role) for link in practice.organization_links.all()] == [(tos, "author")]
    assert [(e.action, e.to_status, e.actor) for e in audit_history(obj=practice)] == [("create", S.DRAFT, user)]


def test_create_needs_a_signed_in_user():
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        create(AnonymousUser())


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"title": "   "}, "title", "required"),
        ({"title": "Д" * 301}, "title", "max_length"),
        ({"summary": "С" * 1001}, "summary", "max_length"),
        ({"actions": "a" * 50_001}, "actions", "max_length"),
        ({"language": "xx"}, "language", "invalid_choice"),
        ({"start_year": 1800}, "start_year", "min_value"),
        ({"start_year": 2030}, "start_year", "in_future"),
        ({"started_on": datetime.date(2025, 7, 1)}, "started_on", "in_future"),
        ({"start_year": 2023, "end_year": 2021}, "end_year", "period_order"),
        (
            {"started_on": datetime.date(2023, 5, 1), "ended_on": datetime.date(2023, 4, 1)},
            "ended_on",
            "period_order",
        ),
        ({"topics": ["no_such_topic"]}, "topics", "unknown_topic"),
        ({"topics": ["landscaping", "culture", "sport", "youth", "memory", "health"]}, "topics", "too_many_topics"),
        ({"tags": ["т" * 65]}, "tags", "tag_too_long"),
        ({"tags": [f"метка {n}" for n in range(21)]}, "tags", "too_many_tags"),
    ],
)
def test_create_refuses_bad_input_with_a_code_and_saves_nothing(overrides, field, code):
    user = UserFactory()
    before = Practice.objects.count()
    with pytest.raises(ValidationError) as excinfo:
        create(user, **overrides)
    assert code in field_codes(excinfo, field)
    assert Practice.objects.count() == before
    assert not Tag.objects.exists()


def test_dates_and_years_may_come_as_text_from_a_form_or_a_file():
    practice = create(UserFactory(), started_on="2021-03-01", end_year="2022")
    assert (practice.started_on, practice.start_year, practice.end_year) == (datetime.date(2021, 3, 1), 2021, 2022)
    with pytest.raises(ValidationError) as excinfo:
        create(UserFactory(), started_on="31.02.2021")
    assert field_codes(excinfo, "started_on") == ["invalid"]


def test_a_moderator_may_record_a_practice_without_an_author_but_nobody_else_may():
    practice = create(moderator(), author=None)
    assert practice.author is None
    with pytest.raises(PermissionDenied):
        create(UserFactory(), author=None)
    with pytest.raises(PermissionDenied):
        create(UserFactory(), author=UserFactory())


def test_dates_give_the_years_and_the_facet_year():
    practice = create(UserFactory(), started_on=datetime.date(2021, 3, 1), ended_on=datetime.date(2022, 9, 30))
    assert (practice.start_year, practice.end_year, practice.year) == (2021, 2022, 2021)


def test_without_a_start_the_facet_year_is_the_year_of_creation_then_of_publication():
    practice = create(UserFactory(), start_year=None)
    assert practice.year == 2025
    practice.status = S.ON_MODERATION
    practice.save()
    services.practice_publish(
        practice=practice, actor=moderator(), now=datetime.datetime(2026, 1, 10, tzinfo=datetime.UTC)
    )
    assert practice.year == 2026


def test_an_inactive_topic_cannot_be_chosen_but_one_already_chosen_stays():
    user = UserFactory()
    topic = TopicFactory()
    practice = create(user, topics=[topic, "culture"])
    Topic.objects.filter(pk=topic.pk).update(is_active=False)
    services.practice_update(practice=practice, actor=user, topics=[topic, "sport"], now=NOW)
    assert sorted(practice.topics.values_list("code", flat=True)) == sorted([topic.code, "sport"])
    with pytest.raises(ValidationError) as excinfo:
        create(user, topics=[topic])
    assert field_codes(excinfo, "topics") == ["inactive_topic"]


def test_tags_are_shared_rows_in_normal_form():
    user = UserFactory()
    create(user, tags=["Субботник"])
    create(user, tags=["#СУББОТНИК", "ёлка"])
    assert sorted(Tag.objects.values_list("name", flat=True)) == ["елка", "субботник"]


# --- territory ----------------------------------------------------------------------------------------------


def test_a_municipality_outside_the_chosen_region_is_refused():
    other_region = RegionFactory(code="RU-MOS", name_ru="Московская область")
    with pytest.raises(ValidationError) as excinfo:
        create(UserFactory(), municipality=MunicipalityFactory(), region=other_region)
    assert field_codes(excinfo, "municipality") == ["territory_mismatch"]


def test_a_region_outside_the_chosen_country_is_refused():
    belarus = CountryFactory(code="BY", code3="BLR", name_ru="Беларусь", name_en="Belarus")
    with pytest.raises(ValidationError) as excinfo:
        create(UserFactory(), municipality=None, region=RegionFactory(), country=belarus)
    assert field_codes(excinfo, "region") == ["territory_mismatch"]


def test_a_country_alone_is_a_territory():
    belarus = CountryFactory(code="BY", code3="BLR", name_ru="Беларусь", name_en="Belarus")
    practice = Practice.objects.get(pk=create(UserFactory(), municipality=MunicipalityFactory()).pk)
    user = practice.author
    services.practice_update(practice=practice, actor=user, municipality=None, region=None, country=belarus, now=NOW)
    practice.refresh_from_db()
    assert (practice.country, practice.region, practice.municipality) == (belarus, None, None)


# --- organisations ----------------------------------------------------------------------------------------


def test_an_author_organisation_must_be_one_the_actor_belongs_to():
    stranger_tos = public_tos()
    with pytest.raises(ValidationError) as excinfo:
        create(UserFactory(), organizations=[stranger_tos])
    assert field_codes(excinfo, "organizations") == ["not_member"]


def test_a_moderator_may_name_any_author_organisation():
    tos = public_tos()
    practice = create(association_moderator(), organizations=[tos])
    assert list(practice.organizations.all()) == [tos]


def test_a_partner_must_be_visible_in_the_registry():
    draft_tos = OrganizationFactory(kind=OrganizationKind.TOS, status=OrganizationStatus.DRAFT)
    with pytest.raises(ValidationError) as excinfo:
        create(UserFactory(), partner_organizations=[draft_tos])
    assert field_codes(excinfo, "partner_organizations") == ["organization_not_found"]


def test_an_organisation_is_either_author_or_partner():
    user, tos = chair_and_tos()
    with pytest.raises(ValidationError) as excinfo:
        create(user, organizations=[tos], partner_organizations=[tos])
    assert field_codes(excinfo, "partner_organizations") == ["duplicate_organization"]


def test_partners_are_linked_with_their_role():
    user, tos = chair_and_tos()
    sponsor = OrganizationFactory(kind=OrganizationKind.SPONSOR)
    practice = create(user, organizations=[tos], partner_organizations=[sponsor])
    assert [(link.organization, link.role) for link in practice.organization_links.all()] == [
        (tos, "author"),
        (sponsor, "partner"),
    ]


# --- figures -------------------------------------------------------------------------------------------


def test_figures_are_stored_as_structured_numbers():
    figures = [
        {"kind": FigureKind.BENEFICIARIES, "value": 1200, "unit": "чел."},
        {"kind": FigureKind.VOLUNTEERS, "value": "45"},
        {"kind": FigureKind.MONEY, "value": "350 000,50", "currency": "rub", "source": MoneySource.RESIDENTS},
        {"kind": FigureKind.MONEY, "value": 1_000_000, "currency": "RUB", "source": MoneySource.MUNICIPAL_BUDGET},
        {"kind": FigureKind.METRIC, "label": "Светлых фонарей", "value_before": 2, "value": 14, "unit": "шт."},
    ]
    practice = create(UserFactory(), figures=figures)
    stored = list(practice.figures.values_list("kind", "value", "value_before", "currency", "source", "position"))
    assert stored == [
        ("beneficiaries", Decimal("1200"), None, "", "", 1),
        ("volunteers", Decimal("45"), None, "", "", 2),
        ("money", Decimal("350000.50"), None, "RUB", "residents", 3),
        ("money", Decimal("1000000"), None, "RUB", "municipal_budget", 4),
        ("metric", Decimal("14"), Decimal("2"), "", "", 5),
    ]


@pytest.mark.parametrize(
    ("figure", "code"),
    [
        ({"kind": "money", "value": 10, "source": "grant"}, "currency_required"),
        ({"kind": "money", "value": 10, "currency": "XYZ", "source": "grant"}, "invalid_currency"),
        ({"kind": "money", "value": 10, "currency": "RUB"}, "source_required"),
        ({"kind": "money", "value": 10, "currency": "RUB", "source": "lottery"}, "invalid_choice"),
        ({"kind": "metric", "value": 10, "value_before": 5}, "label_required"),
        ({"kind": "metric", "value": 10, "label": "Лавочки"}, "value_before_required"),
        ({"kind": "other", "value": 10}, "label_required"),
        ({"kind": "volunteers", "value": -3}, "negative"),
        ({"kind": "volunteers", "value": "много"}, "invalid"),
        ({"kind": "volunteers", "value": "NaN"}, "invalid"),
        ({"kind": "volunteers"}, "null"),
        ({"kind": "spaceships", "value": 1}, "invalid_choice"),
    ],
)
def test_bad_figures_are_refused_with_a_code(figure, code):
    with pytest.raises(ValidationError) as excinfo:
        create(UserFactory(), figures=[figure])
    assert code in field_codes(excinfo, "figures")


def test_a_metric_may_fall_below_zero_and_non_money_drops_currency():
    practice = create(
        UserFactory(),
        figures=[
            {"kind": "metric", "label": "Баланс", "value_before": -5, "value": -1},
            {"kind": "volunteers", "value": 3, "currency": "RUB", "source": "grant", "value_before": 1},
        ],
    )
    assert list(practice.figures.values_list("value", "currency", "source", "value_before")) == [
        (Decimal("-1"), "", "", Decimal("-5")),
        (Decimal("3"), "", "", None),
    ]


def test_the_database_refuses_money_without_a_currency():
    practice = PracticeFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        practice.figures.create(kind=FigureKind.MONEY, value=5, source=MoneySource.GRANT)


# --- update ----------------------------------------------------------------------------------------------


def test_update_changes_only_the_fields_given_and_replaces_relations():
    user = UserFactory()
    practice = create(user, tags=["двор"], figures=[{"kind": "volunteers", "value": 3}])
    services.practice_update(
        practice=practice, actor=user, summary="Новое резюме", tags=["площадка"], figures=[], now=NOW
    )
    practice.refresh_from_db()
    assert practice.summary == "Новое резюме"
    assert practice.title == "Двор, где не стоят лужи"
    assert list(practice.tags.values_list("name", flat=True)) == ["площадка"]
    assert not practice.figures.exists()
    assert [e.action for e in audit_history(obj=practice)] == ["create", "update"]


def test_a_refused_update_leaves_the_practice_as_it_was(django_capture_on_commit_callbacks, events):
    user = UserFactory()
    practice = create(user, figures=[{"kind": "volunteers", "value": 3}])
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        services.practice_update(
            practice=practice,
            actor=user,
            title="Новое название",
            tags=["новая"],
            figures=[{"kind": "money", "value": 1}],
            now=NOW,
        )
    stored = Practice.objects.get(pk=practice.pk)
    assert stored.title == "Двор, где не стоят лужи"
    assert stored.figures.count() == 1
    assert not stored.tags.exists()
    assert events == []


@pytest.mark.parametrize("status", [S.ON_MODERATION, S.PUBLISHED, S.REJECTED, S.ARCHIVED])
def test_a_practice_is_edited_only_as_a_draft_or_returned(status):
    practice = practice_in(status)
    with pytest.raises(ValidationError) as excinfo:
        services.practice_update(practice=practice, actor=practice.author, title="Другое", now=NOW)
    assert excinfo.value.code == "not_editable"


@pytest.mark.parametrize("status", [S.DRAFT, S.RETURNED])
def test_the_author_edits_a_draft_or_returned_practice(status):
    practice = practice_in(status)
    services.practice_update(practice=practice, actor=practice.author, title="Другое", now=NOW)
    assert Practice.objects.get(pk=practice.pk).title == "Другое"


def test_unknown_fields_are_a_programming_error():
    practice = practice_in(S.DRAFT)
    with pytest.raises(TypeError):
        services.practice_update(practice=practice, actor=practice.author, status="published", now=NOW)


# --- files ---------------------------------------------------------------------------------------------------


def test_a_photo_and_a_document_are_attached_with_their_checked_type():
    practice = practice_in(S.DRAFT)
    photo = services.practice_attach(
        practice=practice, actor=practice.author, upload=SimpleUploadedFile("двор.png", PNG_BYTES), caption=" До "
    )
    document = services.practice_attach(
        practice=practice, actor=practice.author, upload=SimpleUploadedFile("смета.pdf", PDF_BYTES), kind="document"
    )
    assert (photo.kind, photo.content_type, photo.caption, photo.position) == ("photo", "image/png", "До", 1)
    assert (document.kind, document.content_type, document.position) == ("document", "application/pdf", 2)
    assert photo.file.name.startswith(f"practices/{practice.pk}/") and "двор" not in photo.file.name


@pytest.mark.parametrize(
    ("name", "content", "kind", "code"),
    [
        ("вирус.exe", b"MZ\x90\x00" + b"0" * 100, None, "file_type"),
        ("фото.png", PDF_BYTES, None, "file_content"),
        ("смета.pdf", PDF_BYTES, "photo", "file_type"),
        ("пусто.pdf", b"", None, "file_empty"),
    ],
)
def test_bad_files_are_refused_under_the_file_field(name, content, kind, code):
    practice = practice_in(S.DRAFT)
    with pytest.raises(ValidationError) as excinfo:
        services.practice_attach(
            practice=practice, actor=practice.author, upload=SimpleUploadedFile(name, content), kind=kind
        )
    assert field_codes(excinfo, "file") == [code]
    assert not PracticeAttachment.objects.exists()


def test_a_too_large_file_is_refused(settings):
    settings.UPLOAD_MAX_BYTES = 10
    practice = practice_in(S.DRAFT)
    with pytest.raises(ValidationError) as excinfo:
        services.practice_attach(
            practice=practice, actor=practice.author, upload=SimpleUploadedFile("a.pdf", PDF_BYTES)
        )
    assert field_codes(excinfo, "file") == ["file_too_large"]


def test_files_are_attached_only_while_editable_and_only_by_editors():
    practice = practice_in(S.PUBLISHED)
    with pytest.raises(ValidationError):
        services.practice_attach(
            practice=practice, actor=practice.author, upload=SimpleUploadedFile("a.pdf", PDF_BYTES)
        )
    draft = practice_in(S.DRAFT)
    with pytest.raises(PermissionDenied):
        services.practice_attach(practice=draft, actor=UserFactory(), upload=SimpleUploadedFile("a.pdf", PDF_BYTES))


def test_detaching_removes_the_row_and_then_the_file(django_capture_on_commit_callbacks):
    practice = practice_in(S.DRAFT)
    attachment = services.practice_attach(
        practice=practice, actor=practice.author, upload=SimpleUploadedFile("a.pdf", PDF_BYTES)
    )
    storage, name = attachment.file.storage, attachment.file.name
    with django_capture_on_commit_callbacks(execute=True):
        services.practice_detach(attachment=attachment, actor=practice.author, now=NOW)
    assert not PracticeAttachment.objects.exists()
    assert not storage.exists(name)


# --- the workflow: every allowed and every refused move ---------------------------------------------------

EDITOR_MOVES = {"submit", "withdraw", "resubmit"}
COMMENT = "Уточните, сколько жителей участвовало."


def _do(action, practice):
    actor = practice.author if action in EDITOR_MOVES else moderator()
    return services.practice_move(practice=practice, actor=actor, action=action, comment=COMMENT, now=NOW)


ALLOWED_MOVES = sorted(
    (name, source, t.target) for name, t in PRACTICE_WORKFLOW.transitions.items() for source in t.sources
)
REFUSED_MOVES = sorted(
    (name, status)
    for name, t in PRACTICE_WORKFLOW.transitions.items()
    for status in S.values
    if status not in t.sources
)


def test_the_workflow_table_is_the_one_documented():
    assert {(name, source, target) for name, source, target in ALLOWED_MOVES} == {
        ("submit", "draft", "on_moderation"),
        ("withdraw", "on_moderation", "draft"),
        ("resubmit", "returned", "on_moderation"),
        ("publish", "on_moderation", "published"),
        ("return", "on_moderation", "returned"),
        ("reject", "on_moderation", "rejected"),
        ("unpublish", "published", "archived"),
        ("restore", "archived", "published"),
    }


@pytest.mark.parametrize(("action", "source", "target"), ALLOWED_MOVES, ids=[f"{a}-{s}" for a, s, _t in ALLOWED_MOVES])
def test_an_allowed_move_changes_the_status_and_is_recorded(action, source, target):
    practice = practice_in(source)
    _do(action, practice)
    practice.refresh_from_db()
    assert practice.status == target
    entry = list(audit_history(obj=practice))[-1]
    assert (entry.action, entry.from_status, entry.to_status, entry.at) == (action, source, target, NOW)
    if PRACTICE_WORKFLOW.get(action).comment_required:
        assert entry.comment == COMMENT == practice.moderation_comment


@pytest.mark.parametrize(("action", "status"), REFUSED_MOVES, ids=[f"{a}-{s}" for a, s in REFUSED_MOVES])
def test_a_refused_move_changes_nothing(action, status):
    practice = practice_in(status)
    with pytest.raises(ValidationError) as excinfo:
        _do(action, practice)
    assert excinfo.value.code == "invalid_transition"
    practice.refresh_from_db()
    assert practice.status == status
    assert not audit_history(obj=practice).exists()


@pytest.mark.parametrize("action", ["return", "reject", "unpublish"])
def test_remarks_or_a_reason_are_required(action):
    source = PRACTICE_WORKFLOW.get(action).sources[0]
    practice = practice_in(source)
    with pytest.raises(ValidationError) as excinfo:
        services.practice_move(practice=practice, actor=moderator(), action=action, comment="  ", now=NOW)
    assert field_codes(excinfo, "comment") == ["comment_required"]
    assert Practice.objects.get(pk=practice.pk).status == source


def test_an_incomplete_draft_cannot_go_to_moderation():
    user = UserFactory()
    practice = services.practice_create(actor=user, title="Только название", language="ru", now=NOW)
    with pytest.raises(ValidationError) as excinfo:
        services.practice_submit(practice=practice, actor=user, now=NOW)
    errors = {field: [e.code for e in errors] for field, errors in excinfo.value.error_dict.items()}
    assert errors == {
        "summary": ["required"],
        "actions": ["required"],
        "topics": ["required"],
        "country": ["required"],
    }
    assert Practice.objects.get(pk=practice.pk).status == S.DRAFT


def test_the_whole_round_returned_resubmitted_published():
    user = UserFactory()
    practice = create(user)
    later = NOW + datetime.timedelta(days=3)
    services.practice_submit(practice=practice, actor=user, now=NOW)
    assert practice.submitted_at == NOW
    services.practice_return(practice=practice, actor=moderator(), comment=COMMENT, now=NOW)
    services.practice_update(practice=practice, actor=user, results="Участвовали 120 жителей.", now=NOW)
    services.practice_resubmit(practice=practice, actor=user, now=later)
    assert practice.submitted_at == later
    services.practice_publish(practice=practice, actor=moderator(), now=later)
    practice.refresh_from_db()
    assert (practice.status, practice.published_at, practice.moderation_comment) == (S.PUBLISHED, later, "")
    assert [(e.action, e.to_status) for e in audit_history(obj=practice)] == [
        ("create", "draft"),
        ("submit", "on_moderation"),
        ("return", "returned"),
        ("update", ""),
        ("resubmit", "on_moderation"),
        ("publish", "published"),
    ]


def test_unpublishing_ends_the_recommendation_and_restoring_keeps_the_first_publication_date():
    practice = practice_in(S.PUBLISHED, published_at=NOW - datetime.timedelta(days=100))
    first = practice.published_at
    services.practice_recommend(practice=practice, actor=moderator(), note="Образцовая смета", now=NOW)
    services.practice_unpublish(practice=practice, actor=moderator(), comment="Устарели данные", now=NOW)
    practice.refresh_from_db()
    assert (practice.status, practice.is_recommended, practice.recommendation_note) == (S.ARCHIVED, False, "")
    services.practice_restore(practice=practice, actor=moderator(), now=NOW)
    practice.refresh_from_db()
    assert (practice.status, practice.published_at) == (S.PUBLISHED, first)


def test_a_moderator_does_not_publish_their_own_practice():
    curator = association_moderator()
    practice = create(curator)
    services.practice_submit(practice=practice, actor=curator, now=NOW)
    with pytest.raises(PermissionDenied):
        services.practice_publish(practice=practice, actor=curator, now=NOW)
    services.practice_publish(practice=practice, actor=moderator(), now=NOW)


def test_an_unknown_move_is_refused():
    practice = practice_in(S.DRAFT)
    with pytest.raises(ValidationError) as excinfo:
        services.practice_move(practice=practice, actor=practice.author, action="approve", now=NOW)
    assert excinfo.value.code == "unknown_transition"


# --- recommendation -------------------------------------------------------------------------------------


def test_a_moderator_recommends_a_published_practice_with_a_note():
    practice = practice_in(S.PUBLISHED)
    curator = association_moderator()
    services.practice_recommend(practice=practice, actor=curator, note="  Тиражируемо без затрат ", now=NOW)
    practice.refresh_from_db()
    assert (practice.is_recommended, practice.recommendation_note) == (True, "Тиражируемо без затрат")
    assert (practice.recommended_by, practice.recommended_at) == (curator, NOW)
    entry = list(audit_history(obj=practice))[-1]
    assert (entry.action, entry.comment) == ("recommend", "Тиражируемо без затрат")


@pytest.mark.parametrize("status", [S.DRAFT, S.ON_MODERATION, S.RETURNED, S.REJECTED, S.ARCHIVED])
def test_only_a_published_practice_is_recommended(status):
    practice = practice_in(status)
    with pytest.raises(ValidationError) as excinfo:
        services.practice_recommend(practice=practice, actor=moderator(), note="Хорошо", now=NOW)
    assert excinfo.value.code == "not_published"


@pytest.mark.parametrize("service", [services.practice_recommend, services.practice_unrecommend])
def test_recommending_and_withdrawing_need_a_note(service):
    practice = practice_in(S.PUBLISHED)
    services.practice_recommend(practice=practice, actor=moderator(), note="Хорошо", now=NOW)
    with pytest.raises(ValidationError) as excinfo:
        service(practice=practice, actor=moderator(), note=" ", now=NOW)
    assert field_codes(excinfo, "note") == ["note_required"]


def test_withdrawing_a_recommendation():
    practice = practice_in(S.PUBLISHED)
    with pytest.raises(ValidationError) as excinfo:
        services.practice_unrecommend(practice=practice, actor=moderator(), note="Ошибка", now=NOW)
    assert excinfo.value.code == "not_recommended"
    services.practice_recommend(practice=practice, actor=moderator(), note="Хорошо", now=NOW)
    services.practice_unrecommend(practice=practice, actor=moderator(), note="Ошибка", now=NOW)
    practice.refresh_from_db()
    assert (practice.is_recommended, practice.recommended_by, practice.recommended_at) == (False, None, None)


def test_the_database_refuses_a_recommended_draft():
    with pytest.raises(IntegrityError), transaction.atomic():
        PracticeFactory(status=S.DRAFT, is_recommended=True)


# --- delete ---------------------------------------------------------------------------------------------


def test_the_author_deletes_a_draft_with_its_files(django_capture_on_commit_callbacks, events):
    practice = practice_in(S.DRAFT)
    attachment = services.practice_attach(
        practice=practice, actor=practice.author, upload=SimpleUploadedFile("a.pdf", PDF_BYTES)
    )
    storage, name = attachment.file.storage, attachment.file.name
    pk = practice.pk
    with django_capture_on_commit_callbacks(execute=True):
        services.practice_delete(practice=practice, actor=practice.author, now=NOW)
    assert not Practice.objects.filter(pk=pk).exists()
    assert not storage.exists(name)
    assert events[-1] == PracticeRemoved(pk, practice.author.pk)


def test_the_author_cannot_delete_a_practice_once_published_but_a_moderator_can():
    practice = practice_in(S.PUBLISHED)
    with pytest.raises(PermissionDenied):
        services.practice_delete(practice=practice, actor=practice.author, now=NOW)
    services.practice_delete(practice=practice, actor=moderator(), now=NOW)
    assert not Practice.objects.exists()


def test_an_adopted_practice_is_never_deleted():
    adoption = AdoptionFactory()
    with pytest.raises(ValidationError) as excinfo:
        services.practice_delete(practice=adoption.practice, actor=moderator(), now=NOW)
    assert excinfo.value.code == "has_adoptions"


# --- events: every write announces itself after commit -----------------------------------------------------


def test_every_practice_write_emits_its_event(django_capture_on_commit_callbacks, events):
    user = UserFactory()
    mod = moderator()
    with django_capture_on_commit_callbacks(execute=True):
        practice = create(user)
    pk = practice.pk
    steps = [
        lambda: services.practice_update(practice=practice, actor=user, summary="Короче", now=NOW),
        lambda: services.practice_attach(practice=practice, actor=user, upload=SimpleUploadedFile("a.png", PNG_BYTES)),
        lambda: services.practice_detach(attachment=practice.attachments.get(), actor=user, now=NOW),
        lambda: services.practice_submit(practice=practice, actor=user, now=NOW),
        lambda: services.practice_withdraw(practice=practice, actor=user, now=NOW),
        lambda: services.practice_submit(practice=practice, actor=user, now=NOW),
        lambda: services.practice_return(practice=practice, actor=mod, comment=COMMENT, now=NOW),
        lambda: services.practice_resubmit(practice=practice, actor=user, now=NOW),
        lambda: services.practice_publish(practice=practice, actor=mod, now=NOW),
        lambda: services.practice_recommend(practice=practice, actor=mod, note="Хорошо", now=NOW),
        lambda: services.practice_unrecommend(practice=practice, actor=mod, note="Поспешили", now=NOW),
        lambda: services.practice_unpublish(practice=practice, actor=mod, comment="Устарело", now=NOW),
        lambda: services.practice_restore(practice=practice, actor=mod, now=NOW),
        lambda: services.practice_delete(practice=practice, actor=mod, now=NOW),
    ]
    for step in steps:
        with django_capture_on_commit_callbacks(execute=True):
            step()
    assert [(type(e).__name__, e.action if hasattr(e, "action") else "") for e in events] == [
        ("PracticeChanged", "create"),
        ("PracticeChanged", "update"),
        ("PracticeChanged", "attach"),
        ("PracticeChanged", "detach"),
        ("PracticeChanged", "submit"),
        ("PracticeChanged", "withdraw"),
        ("PracticeChanged", "submit"),
        ("PracticeChanged", "return"),
        ("PracticeChanged", "resubmit"),
        ("PracticePublished", "publish"),
        ("PracticeChanged", "recommend"),
        ("PracticeChanged", "unrecommend"),
        ("PracticeChanged", "unpublish"),
        ("PracticePublished", "restore"),
        ("PracticeRemoved", ""),
    ]
    assert {e.practice_id for e in events} == {pk}
    assert events[7] == PracticeChanged(pk, "return", mod.pk, "on_moderation", "returned", COMMENT)


def test_no_event_is_delivered_when_the_transaction_rolls_back(django_capture_on_commit_callbacks, events):
    practice = practice_in(S.ON_MODERATION)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        services.practice_publish(practice=practice, actor=moderator(), now=NOW)
        raise RuntimeError("the caller's transaction fails after the service")
    assert events == []
    assert Practice.objects.get(pk=practice.pk).status == S.ON_MODERATION


# --- adoptions ---------------------------------------------------------------------------------------------


def test_a_member_records_that_their_organisation_adopted_a_practice(django_capture_on_commit_callbacks, events):
    practice = practice_in(S.PUBLISHED, start_year=2022)
    adopter = public_tos()
    user = member_of(adopter)
    with django_capture_on_commit_callbacks(execute=True):
        adoption = services.adoption_record(
            practice=practice,
            organization=adopter,
            actor=user,
            adopted_on=datetime.date(2024, 4, 20),
            adaptation="  Добавили пандус. ",
            result="Двор сдан к 9 мая.",
            now=NOW,
        )
    adoption.refresh_from_db()
    assert (adoption.municipality, adoption.adaptation, adoption.created_by) == (
        adopter.municipality,
        "Добавили пандус.",
        user,
    )
    assert events == [AdoptionRecorded(adoption.pk, practice.pk, adopter.pk, user.pk)]
    assert [e.action for e in audit_history(obj=adoption)] == ["adopt"]


def test_an_adoption_may_name_another_place():
    practice = practice_in(S.PUBLISHED)
    adopter = public_tos()
    elsewhere = MunicipalityFactory()
    adoption = services.adoption_record(
        practice=practice,
        organization=adopter,
        actor=member_of(adopter, MembershipRole.CHAIR),
        adopted_on=datetime.date(2024, 1, 1),
        municipality=elsewhere,
        now=NOW,
    )
    assert adoption.municipality == elsewhere


@pytest.mark.parametrize("status", [S.DRAFT, S.ON_MODERATION, S.RETURNED, S.REJECTED, S.ARCHIVED])
def test_only_a_published_practice_is_adopted(status):
    practice = practice_in(status)
    adopter = public_tos()
    user = member_of(adopter)
    user.is_staff = True  # a platform moderator sees every practice, so is told why
    user.save()
    with pytest.raises(ValidationError) as excinfo:
        services.adoption_record(
            practice=practice, organization=adopter, actor=user, adopted_on=datetime.date(2024, 1, 1), now=NOW
        )
    assert excinfo.value.code == "not_published"


def test_a_practice_the_adopter_cannot_see_does_not_exist_for_them():
    adopter = public_tos()
    with pytest.raises(PermissionDenied):
        services.adoption_record(
            practice=practice_in(S.DRAFT),
            organization=adopter,
            actor=member_of(adopter),
            adopted_on=datetime.date(2024, 1, 1),
            now=NOW,
        )


@pytest.mark.parametrize("role", ["author", "partner"])
def test_an_organisation_does_not_adopt_its_own_practice(role):
    practice = practice_in(S.PUBLISHED)
    own = public_tos()
    PracticeOrganizationFactory(practice=practice, organization=own, role=role)
    with pytest.raises(ValidationError) as excinfo:
        services.adoption_record(
            practice=practice, organization=own, actor=member_of(own), adopted_on=datetime.date(2024, 1, 1), now=NOW
        )
    assert field_codes(excinfo, "organization") == ["own_practice"]


def test_an_organisation_adopts_a_practice_once():
    adoption = AdoptionFactory(organization=public_tos())
    with pytest.raises(ValidationError) as excinfo:
        services.adoption_record(
            practice=adoption.practice,
            organization=adoption.organization,
            actor=member_of(adoption.organization),
            adopted_on=datetime.date(2024, 6, 1),
            now=NOW,
        )
    assert field_codes(excinfo, "organization") == ["already_adopted"]
    with pytest.raises(IntegrityError), transaction.atomic():
        Adoption.objects.create(practice=adoption.practice, organization=adoption.organization, adopted_on=NOW.date())


def test_an_organisation_outside_the_public_registry_cannot_record_an_adoption():
    draft_tos = OrganizationFactory(kind=OrganizationKind.TOS, status=OrganizationStatus.DRAFT)
    with pytest.raises(ValidationError) as excinfo:
        services.adoption_record(
            practice=practice_in(S.PUBLISHED),
            organization=draft_tos,
            actor=member_of(draft_tos, MembershipRole.CHAIR),
            adopted_on=datetime.date(2024, 1, 1),
            now=NOW,
        )
    assert field_codes(excinfo, "organization") == ["organization_not_public"]


@pytest.mark.parametrize(
    ("adopted_on", "code"),
    [
        (None, "required"),
        (datetime.date(2025, 6, 3), "in_future"),
        (datetime.date(2021, 12, 31), "before_practice"),
    ],
)
def test_the_adoption_date_is_checked(adopted_on, code):
    practice = practice_in(S.PUBLISHED, start_year=2022)
    adopter = public_tos()
    with pytest.raises(ValidationError) as excinfo:
        services.adoption_record(
            practice=practice, organization=adopter, actor=member_of(adopter), adopted_on=adopted_on, now=NOW
        )
    assert field_codes(excinfo, "adopted_on") == [code]
    assert not Adoption.objects.exists()


def test_an_adoption_date_that_is_not_a_date_is_refused():
    practice = practice_in(S.PUBLISHED)
    adopter = public_tos()
    with pytest.raises(ValidationError) as excinfo:
        services.adoption_record(
            practice=practice, organization=adopter, actor=member_of(adopter), adopted_on="вчера", now=NOW
        )
    assert field_codes(excinfo, "adopted_on") == ["invalid"]


def test_today_is_counted_in_the_municipality_time_zone():
    # 2 June 2025 10:00 UTC is already 2 June in Yakutsk (+9) — and "tomorrow" there is 3 June.
    practice = practice_in(S.PUBLISHED)
    adopter = public_tos()
    services.adoption_record(
        practice=practice,
        organization=adopter,
        actor=member_of(adopter),
        adopted_on=datetime.date(2025, 6, 2),
        now=datetime.datetime(2025, 6, 1, 20, 0, tzinfo=datetime.UTC),  # 05:00 on 2 June in Yakutsk
    )


def test_an_adoption_is_corrected_and_deleted_by_its_recorder(django_capture_on_commit_callbacks, events):
    practice = practice_in(S.PUBLISHED)
    adopter = public_tos()
    user = member_of(adopter)
    adoption = services.adoption_record(
        practice=practice, organization=adopter, actor=user, adopted_on=datetime.date(2024, 1, 1), now=NOW
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.adoption_update(adoption=adoption, actor=user, result="Работает третий год", now=NOW)
    assert Adoption.objects.get().result == "Работает третий год"
    pk = adoption.pk
    with django_capture_on_commit_callbacks(execute=True):
        services.adoption_delete(adoption=adoption, actor=user, now=NOW)
    assert not Adoption.objects.exists()
    assert events == [
        AdoptionChanged(pk, practice.pk, adopter.pk, user.pk),
        AdoptionRemoved(pk, practice.pk, adopter.pk, user.pk),
    ]


def test_an_outsider_neither_records_nor_deletes_an_adoption():
    practice = practice_in(S.PUBLISHED)
    adopter = public_tos()
    with pytest.raises(PermissionDenied):
        services.adoption_record(
            practice=practice, organization=adopter, actor=UserFactory(), adopted_on=datetime.date(2024, 1, 1), now=NOW
        )
    adoption = AdoptionFactory(practice=practice, organization=adopter)
    with pytest.raises(PermissionDenied):
        services.adoption_delete(adoption=adoption, actor=member_of(adopter), now=NOW)
    services.adoption_delete(adoption=adoption, actor=member_of(adopter, MembershipRole.CHAIR), now=NOW)


# --- topics -----------------------------------------------------------------------------------------------


def test_a_moderator_adds_and_edits_a_topic(django_capture_on_commit_callbacks, events):
    mod = association_moderator()
    with django_capture_on_commit_callbacks(execute=True):
        topic = services.topic_create(actor=mod, code="Urban_Farming", name_ru=" Городское  огородничество ", now=NOW)
    assert (topic.code, topic.name_ru, topic.is_active) == ("urban_farming", "Городское огородничество", True)
    assert topic.position > Topic.objects.exclude(pk=topic.pk).order_by("-position").first().position
    with django_capture_on_commit_callbacks(execute=True):
        services.topic_update(topic=topic, actor=mod, name_en="Urban farming", is_active=False, now=NOW)
    topic.refresh_from_db()
    assert (topic.name_en, topic.is_active) == ("Urban farming", False)
    assert events == [TopicChanged(topic.pk, "create", mod.pk), TopicChanged(topic.pk, "update", mod.pk)]


@pytest.mark.parametrize(
    ("values", "field", "code"),
    [
        ({"code": "landscaping", "name_ru": "Ещё одно"}, "code", "unique"),
        ({"code": "с пробелами", "name_ru": "Тема"}, "code", "invalid"),
        ({"code": "", "name_ru": "Тема"}, "code", "required"),
        ({"code": "new_topic", "name_ru": "  "}, "name_ru", "required"),
    ],
)
def test_a_bad_topic_is_refused(values, field, code):
    with pytest.raises(ValidationError) as excinfo:
        services.topic_create(actor=moderator(), now=NOW, **values)
    assert code in field_codes(excinfo, field)


def test_only_moderators_manage_topics_and_codes_never_change():
    topic = Topic.objects.get(code="sport")
    with pytest.raises(PermissionDenied):
        services.topic_create(actor=UserFactory(), code="x", name_ru="Икс", now=NOW)
    with pytest.raises(PermissionDenied):
        services.topic_update(topic=topic, actor=UserFactory(), name_ru="Физкультура", now=NOW)
    with pytest.raises(TypeError):
        services.topic_update(topic=topic, actor=moderator(), code="fitness", now=NOW)


def test_published_events_carry_the_practice(django_capture_on_commit_callbacks, events):
    practice = practice_in(S.ON_MODERATION)
    mod = moderator()
    with django_capture_on_commit_callbacks(execute=True):
        services.practice_publish(practice=practice, actor=mod, now=NOW)
    assert events == [PracticePublished(practice.pk, mod.pk, "publish", "on_moderation")]
