from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from localbridge.accounts.tests.factories import UserFactory
from localbridge.cooperation.models import (
    AgreementKind,
    AgreementParty,
    AgreementStatus,
    MunicipalityInterest,
    TwinLink,
    TwinLinkSource,
)
from localbridge.cooperation.services import (
    PartyIn,
    agreement_create,
    agreement_document_save,
    agreement_move,
    agreement_report_submit,
    agreement_update,
    municipality_interest_save,
)
from localbridge.core.audit import audit_history
from localbridge.core.services import error_codes
from localbridge.organizations.tests.factories import OrganizationFactory
from localbridge.territories.tests.factories import CountryFactory, MunicipalityFactory

from .factories import area, association, draft_agreement, municipal_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def home():
    return MunicipalityFactory(name_ru="Волгоград")


@pytest.fixture
def abroad():
    return MunicipalityFactory(country=CountryFactory(code="GB", code3="GBR", name_ru="Великобритания"), region=None)


@pytest.fixture
def staff(home):
    return municipal_staff(home)


def codes(excinfo) -> set[str]:
    return error_codes(excinfo.value)


def test_agreement_goes_from_draft_to_ended_and_every_move_is_audited(home, abroad, staff):
    agreement = draft_agreement(staff, home, abroad, areas=[area("youth"), area("culture")], starts_on=date(2024, 1, 1))
    assert agreement.status == AgreementStatus.DRAFT
    assert agreement.is_open_ended
    agreement_move(agreement=agreement, action="submit", actor=staff)
    agreement_move(agreement=agreement, action="sign", actor=staff, signed_on=date(2024, 2, 1), signed_place="Ковентри")
    agreement_move(
        agreement=agreement,
        action="register",
        actor=staff,
        registration_number="17-2024",
        registration_authority="Комитет внешних связей",
    )
    agreement_move(agreement=agreement, action="activate", actor=staff)
    assert agreement.status == AgreementStatus.ACTIVE
    agreement_move(
        agreement=agreement, action="end", actor=staff, ended_on=date(2025, 5, 1), end_reason="По решению думы"
    )
    agreement.refresh_from_db()
    assert (agreement.status, agreement.signed_place, agreement.registration_number) == ("ended", "Ковентри", "17-2024")
    assert agreement.ended_on == date(2025, 5, 1)
    history = list(audit_history(obj=agreement))
    assert [e.action for e in history] == ["create", "submit", "sign", "register", "activate", "end"]
    assert history[3].data["registration_number"] == "17-2024"
    assert all(e.actor == staff for e in history)


def test_activating_an_agreement_adds_its_municipalities_to_the_network(home, abroad, staff):
    agreement = draft_agreement(staff, home, abroad)
    for action in ("submit", "sign"):
        agreement_move(agreement=agreement, action=action, actor=staff)
    agreement_move(
        agreement=agreement, action="register", actor=staff, registration_number="1", registration_authority="A"
    )
    agreement_move(agreement=agreement, action="activate", actor=staff)
    link = TwinLink.objects.get()
    assert {link.municipality_a_id, link.municipality_b_id} == {home.pk, abroad.pk}
    assert link.municipality_a_id < link.municipality_b_id
    assert (link.source, link.agreement_id) == (TwinLinkSource.AGREEMENT, agreement.pk)


def test_a_single_party_is_refused(home, staff):
    with pytest.raises(ValidationError) as excinfo:
        draft_agreement(staff, home)
    assert codes(excinfo) == {"too_few_parties"}


def test_a_party_listed_twice_is_refused(home, abroad, staff):
    with pytest.raises(ValidationError) as excinfo:
        draft_agreement(staff, home, abroad, home)
    assert codes(excinfo) == {"party_twice"}


def test_an_end_before_the_start_is_refused(home, abroad, staff):
    with pytest.raises(ValidationError) as excinfo:
        draft_agreement(staff, home, abroad, starts_on=date(2024, 5, 1), ends_on=date(2024, 4, 30))
    assert "ends_before_start" in codes(excinfo)
    assert "ends_on" in excinfo.value.error_dict


def test_ending_before_the_start_and_without_a_reason_is_refused(home, abroad, staff):
    agreement = draft_agreement(staff, home, abroad, starts_on=date(2024, 5, 1))
    agreement_move(agreement=agreement, action="submit", actor=staff)
    agreement_move(agreement=agreement, action="sign", actor=staff)
    with pytest.raises(ValidationError) as excinfo:
        agreement_move(agreement=agreement, action="end", actor=staff, ended_on=date(2024, 1, 1))
    assert codes(excinfo) == {"ends_before_start", "required"}
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.SIGNED


def test_registration_needs_a_number_and_an_authority(home, abroad, staff):
    agreement = draft_agreement(staff, home, abroad)
    agreement_move(agreement=agreement, action="submit", actor=staff)
    agreement_move(agreement=agreement, action="sign", actor=staff)
    with pytest.raises(ValidationError) as excinfo:
        agreement_move(agreement=agreement, action="register", actor=staff, registration_number=" ")
    assert set(excinfo.value.error_dict) == {"registration_number", "registration_authority"}


def test_moves_out_of_order_are_refused(home, abroad, staff):
    agreement = draft_agreement(staff, home, abroad)
    with pytest.raises(ValidationError) as excinfo:
        agreement_move(agreement=agreement, action="activate", actor=staff)
    assert codes(excinfo) == {"invalid_transition"}


def test_returning_to_draft_needs_a_comment(home, abroad, staff):
    agreement = draft_agreement(staff, home, abroad)
    agreement_move(agreement=agreement, action="submit", actor=staff)
    with pytest.raises(ValidationError) as excinfo:
        agreement_move(agreement=agreement, action="return", actor=staff)
    assert codes(excinfo) == {"comment_required"}
    agreement_move(agreement=agreement, action="return", actor=staff, comment="Нужно уведомление за 45 дней")
    assert agreement.status == AgreementStatus.DRAFT


def test_an_association_may_be_a_party_but_not_another_kind_of_organisation(home, staff):
    union = association(name="Союз российских городов")
    agreement = agreement_create(
        actor=staff,
        kind=AgreementKind.ASSOCIATION,
        title="Соглашение",
        parties=[PartyIn(municipality=home), PartyIn(organization=union)],
    )
    assert agreement.parties.count() == 2
    with pytest.raises(ValidationError) as excinfo:
        agreement_create(
            actor=staff,
            kind=AgreementKind.PARTNERSHIP,
            title="Соглашение",
            parties=[PartyIn(municipality=home), PartyIn(organization=OrganizationFactory())],
        )
    assert codes(excinfo) == {"party_not_association"}


def test_the_database_refuses_a_party_twice_and_a_party_of_both_kinds(home, abroad, staff):
    agreement = draft_agreement(staff, home, abroad)
    with pytest.raises(IntegrityError), transaction.atomic():
        AgreementParty.objects.create(agreement=agreement, municipality=home)
    with pytest.raises(IntegrityError), transaction.atomic():
        AgreementParty.objects.create(
            agreement=agreement, municipality=MunicipalityFactory(), organization=association()
        )


def test_only_a_partys_people_create_and_move_agreements(home, abroad, staff):
    outsider = municipal_staff(MunicipalityFactory())
    with pytest.raises(PermissionDenied):
        draft_agreement(outsider, home, abroad)
    with pytest.raises(PermissionDenied):
        draft_agreement(UserFactory(), home, abroad)
    agreement = draft_agreement(staff, home, abroad)
    with pytest.raises(PermissionDenied):
        agreement_move(agreement=agreement, action="submit", actor=outsider)
    platform = UserFactory(is_staff=True)
    agreement_move(agreement=agreement, action="submit", actor=platform)
    partner_staff = municipal_staff(abroad)
    agreement_move(agreement=agreement, action="sign", actor=partner_staff)
    assert agreement.status == AgreementStatus.SIGNED


def test_parties_change_before_signing_only(home, abroad, staff):
    third = MunicipalityFactory()
    agreement = draft_agreement(staff, home, abroad)
    agreement_update(
        agreement=agreement,
        actor=staff,
        parties=[PartyIn(municipality=m) for m in (home, abroad, third)],
        title="Трёхстороннее соглашение",
    )
    assert agreement.parties.count() == 3
    agreement_move(agreement=agreement, action="submit", actor=staff)
    agreement_move(agreement=agreement, action="sign", actor=staff)
    with pytest.raises(ValidationError) as excinfo:
        agreement_update(
            agreement=agreement, actor=staff, parties=[PartyIn(municipality=home), PartyIn(municipality=abroad)]
        )
    assert codes(excinfo) == {"parties_frozen"}
    with pytest.raises(ValidationError) as excinfo:
        agreement_update(agreement=agreement, actor=staff, ends_on=date(2000, 1, 1), starts_on=date(2001, 1, 1))
    assert codes(excinfo) == {"ends_before_start"}


def test_documents_per_language_and_yearly_reports(home, abroad, staff):
    agreement = draft_agreement(staff, home, abroad)
    agreement_document_save(agreement=agreement, actor=staff, language="ru", text="Текст соглашения")
    agreement_document_save(agreement=agreement, actor=staff, language="en", text="The text")
    agreement_document_save(agreement=agreement, actor=staff, language="ru", text="Новая редакция")
    assert dict(agreement.documents.values_list("language", "text")) == {"ru": "Новая редакция", "en": "The text"}
    with pytest.raises(ValidationError) as excinfo:
        agreement_report_submit(agreement=agreement, actor=staff, year=2024, text="Обмен делегациями")
    assert codes(excinfo) == {"not_in_force"}
    agreement_move(agreement=agreement, action="submit", actor=staff)
    agreement_move(agreement=agreement, action="sign", actor=staff)
    agreement_move(
        agreement=agreement, action="register", actor=staff, registration_number="1", registration_authority="A"
    )
    agreement_report_submit(agreement=agreement, actor=staff, year=2024, text="Обмен делегациями")
    agreement_report_submit(agreement=agreement, actor=staff, year=2024, text="Обмен делегациями и фестиваль")
    assert list(agreement.reports.values_list("year", "text")) == [(2024, "Обмен делегациями и фестиваль")]
    with pytest.raises(ValidationError) as excinfo:
        agreement_report_submit(agreement=agreement, actor=staff, year=2999, text="Будущее")
    assert codes(excinfo) == {"invalid_year"}


def test_a_municipalitys_staff_state_what_it_seeks(home, staff):
    interest = municipality_interest_save(
        municipality=home, actor=staff, areas=[area("youth"), area("tourism")], text="Молодёжные обмены"
    )
    assert set(interest.areas.values_list("code", flat=True)) == {"youth", "tourism"}
    with pytest.raises(PermissionDenied):
        municipality_interest_save(municipality=home, actor=municipal_staff(MunicipalityFactory()), areas=[])
    assert MunicipalityInterest.objects.count() == 1


def test_the_areas_of_cooperation_are_seeded_in_two_languages():
    from localbridge.cooperation.models import CooperationArea

    areas = list(CooperationArea.objects.values_list("code", "name_ru", "name_en"))
    assert len(areas) == 10
    assert ("youth", "Молодёжная политика", "Youth") in areas
