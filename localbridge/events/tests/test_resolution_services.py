"""Services of resolutions: creating one from the corrected split, matching addressees to the registry, and
tracking items (status with its rules, comments, evidence), with their audit trail."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from localbridge.accounts.tests.factories import UserFactory
from localbridge.contests.models import ContestStatus
from localbridge.contests.tests.factories import ContestFactory
from localbridge.core.audit import audit_history
from localbridge.core.services import error_codes
from localbridge.events.models import (
    EvidenceKind,
    ItemComment,
    ItemEvidence,
    ResolutionItem,
    ResolutionItemStatus,
    ResolutionSection,
)
from localbridge.events.selectors.resolutions import organizations_for_addressee
from localbridge.events.services.resolutions import (
    EvidenceInput,
    item_comment_add,
    item_evidence_add,
    item_evidence_remove,
    item_set_status,
    item_update,
    resolution_update,
)
from localbridge.events.tests.events_factories import EventFactory, organizer_of
from localbridge.organizations.models import MembershipRole, OrganizationStatus
from localbridge.practices.tests.factories import PracticeFactory, PublishedPracticeFactory
from localbridge.projects.tests.factories import ProjectFactory

from .resolution_factories import SAMPLE_TEXT, acting_for, government, make_resolution, staff_user

pytestmark = pytest.mark.django_db


def codes(caught) -> set[str]:
    return error_codes(caught.value)


# --- creating from the split --------------------------------------------------------------------------------------


def test_the_split_is_saved_in_order_with_the_source_text_verbatim():
    resolution = make_resolution(adopted_on=date(2026, 3, 15), place="г. Благовещенск")
    sections = list(resolution.sections.order_by("position"))
    assert [(s.position, s.addressee) for s in sections] == [
        (1, "Правительству Амурской области"),
        (2, "Средствам массовой информации"),
    ]
    items = list(ResolutionItem.objects.filter(resolution=resolution).order_by("section__position", "position"))
    assert [(i.section.position, i.position, i.text) for i in items] == [
        (1, 1, "Разработать программу поддержки ТОС;"),
        (1, 2, "Проводить ежегодные обучающие семинары."),
        (2, 1, "Освещать работу ТОС."),
    ]
    assert all(i.status == ResolutionItemStatus.NOT_STARTED for i in items)
    assert resolution.source_text == SAMPLE_TEXT
    assert (resolution.adopted_on, resolution.place) == (date(2026, 3, 15), "г. Благовещенск")
    [entry] = audit_history(obj=resolution)
    assert entry.action == "create" and entry.data["items"] == 3


def test_blank_items_and_sections_without_items_are_left_out():
    resolution = make_resolution(
        sections=[
            {"addressee": "  Правительству   области ", "items": ["  Первое. ", "", "   "]},
            {"addressee": "Никому", "items": ["", " "]},
            {"addressee": None, "items": ["Без адресата."]},
        ]
    )
    assert [(s.addressee, s.items.count()) for s in resolution.sections.order_by("position")] == [
        ("Правительству области", 1),
        ("", 1),
    ]
    assert resolution.items.get(section__position=1).text == "Первое."


def test_a_split_without_items_is_refused_and_nothing_is_saved():
    with pytest.raises(ValidationError) as caught:
        make_resolution(sections=[{"addressee": "Правительству области", "items": ["", "  "]}])
    assert codes(caught) == {"no_items"}
    assert not ResolutionSection.objects.exists()


def test_a_missing_title_and_a_too_long_item_are_reported_together():
    with pytest.raises(ValidationError) as caught:
        make_resolution(title="  ", sections=[{"addressee": None, "items": ["x" * 20_001]}])
    assert codes(caught) == {"required", "item_too_long"}


def test_the_uploaded_file_is_kept_with_the_resolution():
    resolution = make_resolution(source_name="../резолюция.txt", source_data=SAMPLE_TEXT.encode())
    assert resolution.source_name == "резолюция.txt"
    assert resolution.source_file.read() == SAMPLE_TEXT.encode()


def test_a_plain_user_cannot_enter_a_resolution():
    with pytest.raises(PermissionDenied):
        make_resolution(actor=UserFactory())


def test_an_organiser_enters_a_resolution_for_their_event_only():
    event = EventFactory()
    chair = organizer_of(event)
    resolution = make_resolution(actor=chair, event=event)
    assert resolution.event == event and resolution.created_by == chair
    with pytest.raises(PermissionDenied):
        make_resolution(actor=chair, event=EventFactory())
    with pytest.raises(PermissionDenied):
        make_resolution(actor=chair, event=None)


# --- matching addressees ------------------------------------------------------------------------------------------


def test_an_addressee_in_the_dative_is_matched_to_the_registry_name():
    organization = government()
    resolution = make_resolution()
    first, second, media = resolution.items.order_by("section__position", "position")
    assert list(first.addressees.all()) == [organization]
    assert list(second.addressees.all()) == [organization]
    assert not media.addressees.exists()  # «Средствам массовой информации»: free text


def test_matching_ignores_case_and_uses_short_names():
    upper = government("ПРАВИТЕЛЬСТВО АМУРСКОЙ ОБЛАСТИ")
    assert organizations_for_addressee("правительству амурской области") == [upper]
    short = government("Общественная палата Амурской области")
    short.short_name = "ОП Амурской области"
    short.save()
    assert organizations_for_addressee("ОП Амурской области") == [short]


def test_a_bracketed_body_is_matched_on_its_own():
    department = government("Департамент Смоленской области по внутренней политике")
    label = "Органам государственной власти Смоленской области (Департаменту Смоленской области по внутренней политике)"
    assert organizations_for_addressee(label) == [department]


def test_a_heading_naming_a_part_of_an_organisation_matches_the_longest_name():
    branch = government(
        "Амурское региональное отделение общероссийской общественной организации «Всероссийский Совет местного "
        "самоуправления»"
    )
    government("Всероссийский Совет местного самоуправления")
    label = (
        "Совету Амурского регионального отделения общероссийской общественной организации «Всероссийский Совет "
        "Местного Самоуправления» (ВСМС)"
    )
    assert organizations_for_addressee(label) == [branch]


def test_generic_addressees_and_unpublished_organisations_match_nothing():
    government("Администрация города Благовещенска")
    assert organizations_for_addressee("Органам местного самоуправления муниципальных образований") == []
    draft = government("Правительство Смоленской области")
    draft.status = OrganizationStatus.DRAFT
    draft.save()
    assert organizations_for_addressee("Правительству Смоленской области") == []


def test_matching_can_be_turned_off():
    government()
    resolution = make_resolution(match_addressees=False)
    assert not ResolutionItem.addressees.through.objects.filter(resolutionitem__resolution=resolution).exists()


# --- status -------------------------------------------------------------------------------------------------------


def first_item(resolution=None) -> ResolutionItem:
    resolution = resolution or make_resolution()
    return resolution.items.order_by("section__position", "position").first()


def test_setting_a_status_is_audited_with_who_and_from_where():
    item = first_item()
    editor = staff_user()
    item_set_status(item=item, actor=editor, status=ResolutionItemStatus.IN_PROGRESS)
    item.refresh_from_db()
    assert item.status == ResolutionItemStatus.IN_PROGRESS and item.status_changed_at is not None
    [entry] = audit_history(obj=item)
    assert (entry.action, entry.from_status, entry.to_status, entry.actor) == (
        "start",
        "not_started",
        "in_progress",
        editor,
    )


def test_done_needs_evidence_or_a_comment():
    item = first_item()
    with pytest.raises(ValidationError) as caught:
        item_set_status(item=item, actor=staff_user(), status=ResolutionItemStatus.DONE)
    assert codes(caught) == {"evidence_or_comment_required"}
    item.refresh_from_db()
    assert item.status == ResolutionItemStatus.NOT_STARTED


def test_done_with_a_comment_keeps_the_comment_with_the_status():
    item = first_item()
    item_set_status(item=item, actor=staff_user(), status=ResolutionItemStatus.DONE, comment="Программа принята.")
    comment = ItemComment.objects.get(item=item)
    assert (comment.text, comment.status) == ("Программа принята.", ResolutionItemStatus.DONE)
    assert audit_history(obj=item).last().comment == "Программа принята."


def test_done_with_evidence_given_at_the_same_time():
    item = first_item()
    evidence = EvidenceInput(kind=EvidenceKind.URL, url="https://example.org/programme", title="Программа")
    item_set_status(item=item, actor=staff_user(), status=ResolutionItemStatus.DONE, evidence=evidence)
    item.refresh_from_db()
    assert item.status == ResolutionItemStatus.DONE
    assert item.evidence.get().url == "https://example.org/programme"


def test_done_with_evidence_added_before():
    item = first_item()
    editor = staff_user()
    item_evidence_add(item=item, actor=editor, evidence=EvidenceInput(kind="url", url="https://example.org/a"))
    item_set_status(item=item, actor=editor, status=ResolutionItemStatus.DONE)
    assert ResolutionItem.objects.get(pk=item.pk).status == ResolutionItemStatus.DONE


def test_not_accepted_needs_a_comment():
    item = first_item()
    with pytest.raises(ValidationError) as caught:
        item_set_status(item=item, actor=staff_user(), status=ResolutionItemStatus.NOT_ACCEPTED)
    assert codes(caught) == {"comment_required"}
    item_set_status(
        item=item, actor=staff_user(), status=ResolutionItemStatus.NOT_ACCEPTED, comment="Нет средств в бюджете."
    )
    assert ResolutionItem.objects.get(pk=item.pk).status == ResolutionItemStatus.NOT_ACCEPTED


def test_the_same_status_or_an_unknown_one_is_refused():
    item = first_item()
    with pytest.raises(ValidationError) as caught:
        item_set_status(item=item, actor=staff_user(), status=ResolutionItemStatus.NOT_STARTED)
    assert codes(caught) == {"same_status"}
    with pytest.raises(ValidationError) as caught:
        item_set_status(item=item, actor=staff_user(), status="finished")
    assert codes(caught) == {"invalid_status"}


def test_every_status_can_be_reached_from_every_other():
    item = first_item()
    editor = staff_user()
    path = ["in_progress", "done", "not_accepted", "in_progress", "not_started", "done", "in_progress", "not_accepted"]
    path += ["not_started", "not_accepted", "done", "not_started"]
    for status in path:
        item_set_status(item=item, actor=editor, status=status, comment="Причина.")
        assert ResolutionItem.objects.get(pk=item.pk).status == status


def test_a_bad_evidence_with_a_status_change_writes_nothing():
    item = first_item()
    with pytest.raises(ValidationError) as caught:
        item_set_status(
            item=item,
            actor=staff_user(),
            status=ResolutionItemStatus.DONE,
            comment="Готово.",
            evidence=EvidenceInput(kind="url", url="ftp://example.org/x"),
        )
    assert codes(caught) == {"invalid_url"}
    assert not ItemComment.objects.exists() and not ItemEvidence.objects.exists()
    assert ResolutionItem.objects.get(pk=item.pk).status == ResolutionItemStatus.NOT_STARTED


def test_the_addressee_organisation_updates_its_items_only():
    organization = government()
    resolution = make_resolution()
    addressed, _second, media = resolution.items.order_by("section__position", "position")
    staff = acting_for(organization, MembershipRole.STAFF)
    item_set_status(item=addressed, actor=staff, status=ResolutionItemStatus.IN_PROGRESS)
    with pytest.raises(PermissionDenied):
        item_set_status(item=media, actor=staff, status=ResolutionItemStatus.IN_PROGRESS)
    member = acting_for(organization, MembershipRole.MEMBER)
    with pytest.raises(PermissionDenied):
        item_set_status(item=addressed, actor=member, status=ResolutionItemStatus.DONE, comment="Да.")


# --- comments and evidence ----------------------------------------------------------------------------------------


def test_a_comment_is_added_and_audited():
    item = first_item()
    editor = staff_user()
    comment = item_comment_add(item=item, actor=editor, text="  Работа начата.\r\nСрок — май. ")
    assert (comment.text, comment.author, comment.status) == ("Работа начата.\nСрок — май.", editor, "")
    assert audit_history(obj=item).last().action == "comment"
    with pytest.raises(ValidationError) as caught:
        item_comment_add(item=item, actor=editor, text="   ")
    assert codes(caught) == {"required"}


def test_evidence_of_each_kind_links_to_public_objects():
    item = first_item()
    editor = staff_user()
    practice = PublishedPracticeFactory()
    project = ProjectFactory()
    contest = ContestFactory(status=ContestStatus.ANNOUNCED)
    from .library_factories import make_document

    document = make_document(publish=True)
    for kind, target in [("practice", practice), ("project", project), ("contest", contest), ("document", document)]:
        evidence = item_evidence_add(item=item, actor=editor, evidence=EvidenceInput(kind=kind, target_id=target.pk))
        assert evidence.target == target
    assert item.evidence.count() == 4


def test_evidence_pointing_at_something_not_public_or_missing_is_refused():
    item = first_item()
    editor = staff_user()
    draft = PracticeFactory()
    for evidence in [
        EvidenceInput(kind="practice", target_id=draft.pk),
        EvidenceInput(kind="project", target_id=999_999),
        EvidenceInput(kind="practice"),
        EvidenceInput(kind="url", url=""),
        EvidenceInput(kind="url", url="javascript:alert(1)"),
        EvidenceInput(kind="poster"),
    ]:
        with pytest.raises(ValidationError) as caught:
            item_evidence_add(item=item, actor=editor, evidence=evidence)
        assert codes(caught) & {"not_found", "required", "invalid_url", "invalid_kind"}
    assert not item.evidence.exists()


def test_the_database_refuses_evidence_with_two_targets():
    item = first_item()
    with pytest.raises(IntegrityError), transaction.atomic():
        ItemEvidence.objects.create(
            item=item, kind="url", url="https://example.org", practice=PublishedPracticeFactory()
        )


def test_removing_evidence_is_audited():
    item = first_item()
    editor = staff_user()
    evidence = item_evidence_add(item=item, actor=editor, evidence=EvidenceInput(kind="url", url="https://e.org/x"))
    item_evidence_remove(evidence=evidence, actor=editor)
    assert not item.evidence.exists()
    assert [e.action for e in audit_history(obj=item)] == ["evidence_add", "evidence_remove"]


# --- corrections ----------------------------------------------------------------------------------------------------


def test_an_editor_corrects_an_item_and_links_addressees():
    item = first_item(make_resolution(match_addressees=False))
    organization = government()
    item_update(
        item=item, actor=staff_user(), text=" Новый текст. ", due_on=date(2026, 12, 31), addressees=[organization]
    )
    item.refresh_from_db()
    assert (item.text, item.due_on, list(item.addressees.all())) == ("Новый текст.", date(2026, 12, 31), [organization])
    with pytest.raises(ValidationError) as caught:
        item_update(item=item, actor=staff_user(), text="", due_on=None, addressees=[])
    assert codes(caught) == {"required"}


def test_the_addressee_cannot_rewrite_the_item():
    organization = government()
    item = first_item()
    with pytest.raises(PermissionDenied):
        item_update(item=item, actor=acting_for(organization), text="Иначе.", due_on=None, addressees=[])


def test_an_editor_attaches_the_resolution_to_their_event():
    event = EventFactory()
    chair = organizer_of(event)
    resolution = make_resolution(actor=chair, event=event)
    other = EventFactory()
    with pytest.raises(PermissionDenied):  # not their event
        resolution_update(resolution=resolution, actor=chair, title="Т", adopted_on=None, place="", event=other)
    resolution_update(
        resolution=resolution, actor=chair, title="Новое название", adopted_on=date(2026, 6, 20), place="", event=event
    )
    resolution.refresh_from_db()
    assert (resolution.title, resolution.adopted_on) == ("Новое название", date(2026, 6, 20))
