"""Residence: claims, decisions by the municipality's staff and by the ТОС chair, single-use codes (including two
people typing one code at once, on PostgreSQL), wrong codes and the attempts limit."""

import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections

from localbridge.accounts.tests.factories import UserFactory
from localbridge.core.models import AuditEntry
from localbridge.participation import services
from localbridge.participation.models import Residency, ResidencyCode, ResidencyMethod, ResidencyStatus
from localbridge.participation.services.residency import CODE_ALPHABET, code_hash
from localbridge.participation.tests.factories import (
    NOW,
    MunicipalStaffFactory,
    ResidencyFactory,
    tos_with_chair,
)
from localbridge.territories.tests.factories import MunicipalityFactory, SettlementFactory

pytestmark = pytest.mark.django_db


def _codes(exc: ValidationError) -> set[str]:
    if hasattr(exc, "error_dict"):
        return {e.code for errors in exc.error_dict.values() for e in errors}
    return {e.code for e in exc.error_list}


def _field_codes(exc: ValidationError, field: str) -> set[str]:
    return {e.code for e in exc.error_dict.get(field, [])}


# --- claims ----------------------------------------------------------------------------------------------------


def test_a_claim_awaits_confirmation_and_is_audited():
    municipality = MunicipalityFactory()
    settlement = SettlementFactory(municipality=municipality)
    user = UserFactory()
    residency = services.residency_claim(
        actor=user, municipality=municipality, settlement=settlement, address="  ул. Мира,   5 ", now=NOW
    )
    assert residency.status == ResidencyStatus.CLAIMED
    assert residency.settlement == settlement
    assert residency.address == "ул. Мира, 5"
    assert AuditEntry.objects.filter(action="claim", object_id=str(residency.pk)).exists()


def test_a_second_live_claim_in_the_same_municipality_is_refused():
    municipality = MunicipalityFactory()
    user = UserFactory()
    services.residency_claim(actor=user, municipality=municipality)
    with pytest.raises(ValidationError) as exc:
        services.residency_claim(actor=user, municipality=municipality)
    assert _codes(exc.value) == {"already_claimed"}


def test_a_settlement_or_tos_of_another_municipality_is_refused_beside_its_field():
    municipality = MunicipalityFactory()
    other = MunicipalityFactory()
    tos, _chair = tos_with_chair(other)
    with pytest.raises(ValidationError) as exc:
        services.residency_claim(
            actor=UserFactory(), municipality=municipality, settlement=SettlementFactory(municipality=other), tos=tos
        )
    assert _field_codes(exc.value, "settlement") == {"invalid_choice"}
    assert _field_codes(exc.value, "tos") == {"invalid_choice"}
    assert not Residency.objects.exists()


def test_after_a_rejection_the_user_may_claim_again():
    residency = ResidencyFactory(status=ResidencyStatus.REJECTED)
    again = services.residency_claim(actor=residency.user, municipality=residency.municipality)
    assert again.pk != residency.pk


# --- decisions -------------------------------------------------------------------------------------------------


def test_the_municipalitys_staff_confirm_a_claim():
    residency = ResidencyFactory()
    staff = MunicipalStaffFactory(municipality=residency.municipality)
    services.residency_decide(residency=residency, actor=staff, confirm=True, now=NOW)
    residency.refresh_from_db()
    assert residency.status == ResidencyStatus.CONFIRMED
    assert residency.method == ResidencyMethod.STAFF
    assert residency.decided_by == staff
    assert residency.decided_at == NOW
    assert AuditEntry.objects.filter(action="confirm", object_id=str(residency.pk), to_status="confirmed").exists()


def test_a_rejection_needs_a_reason():
    residency = ResidencyFactory()
    staff = MunicipalStaffFactory(municipality=residency.municipality)
    with pytest.raises(ValidationError) as exc:
        services.residency_decide(residency=residency, actor=staff, confirm=False)
    assert _field_codes(exc.value, "comment") == {"comment_required"}
    services.residency_decide(residency=residency, actor=staff, confirm=False, comment="Адрес не в округе")
    residency.refresh_from_db()
    assert residency.status == ResidencyStatus.REJECTED
    assert residency.method == ""


def test_staff_of_another_municipality_may_not_decide():
    residency = ResidencyFactory()
    with pytest.raises(PermissionDenied):
        services.residency_decide(residency=residency, actor=MunicipalStaffFactory(), confirm=True)


def test_the_tos_chair_confirms_claims_on_the_tos_territory_only():
    municipality = MunicipalityFactory()
    tos, chair = tos_with_chair(municipality)
    on_territory = ResidencyFactory(municipality=municipality, tos=tos)
    elsewhere = ResidencyFactory(municipality=municipality)
    services.residency_decide(residency=on_territory, actor=chair, confirm=True)
    on_territory.refresh_from_db()
    assert on_territory.method == ResidencyMethod.CHAIR
    with pytest.raises(PermissionDenied):
        services.residency_decide(residency=elsewhere, actor=chair, confirm=True)


def test_a_decided_claim_is_not_decided_again():
    residency = ResidencyFactory(status=ResidencyStatus.CONFIRMED)
    staff = MunicipalStaffFactory(municipality=residency.municipality)
    with pytest.raises(ValidationError) as exc:
        services.residency_decide(residency=residency, actor=staff, confirm=False, comment="нет")
    assert _codes(exc.value) == {"already_decided"}


# --- codes -----------------------------------------------------------------------------------------------------


def test_codes_are_returned_once_and_only_their_hashes_are_kept():
    municipality = MunicipalityFactory()
    staff = MunicipalStaffFactory(municipality=municipality)
    codes = services.codes_generate(municipality=municipality, actor=staff, count=50, batch="ул. Ленина")
    assert len(codes) == len(set(codes)) == 50
    assert all(len(code) == 10 and set(code) <= set(CODE_ALPHABET) for code in codes)
    assert not set("0O1I") & set("".join(codes))
    stored = ResidencyCode.objects.filter(municipality=municipality, batch="ул. Ленина")
    assert stored.count() == 50
    hashes = set(stored.values_list("code_hash", flat=True))
    assert hashes == {code_hash(code) for code in codes}
    assert not any(code in hashes for code in codes)
    assert set(stored.values_list("hint", flat=True)) == {code[-4:] for code in codes}


def test_code_generation_is_bounded_and_needs_a_fresh_batch_name():
    municipality = MunicipalityFactory()
    staff = MunicipalStaffFactory(municipality=municipality)
    with pytest.raises(ValidationError) as exc:
        services.codes_generate(municipality=municipality, actor=staff, count=5001, batch="")
    assert _field_codes(exc.value, "count") == {"out_of_range"}
    assert _field_codes(exc.value, "batch") == {"required"}
    services.codes_generate(municipality=municipality, actor=staff, count=1, batch="A")
    with pytest.raises(ValidationError) as exc:
        services.codes_generate(municipality=municipality, actor=staff, count=1, batch="A")
    assert _field_codes(exc.value, "batch") == {"batch_exists"}


def test_only_the_municipalitys_staff_generate_codes():
    municipality = MunicipalityFactory()
    with pytest.raises(PermissionDenied):
        services.codes_generate(municipality=municipality, actor=UserFactory(), count=1, batch="x")
    with pytest.raises(PermissionDenied):
        services.codes_generate(municipality=municipality, actor=MunicipalStaffFactory(), count=1, batch="x")


def test_a_code_confirms_residence_at_once_and_works_once():
    municipality = MunicipalityFactory()
    [code] = services.codes_generate(
        municipality=municipality, actor=MunicipalStaffFactory(municipality=municipality), count=1, batch="b"
    )
    user = UserFactory()
    typed = f" {code[:5].lower()}-{code[5:]} "
    residency = services.residency_confirm_with_code(actor=user, municipality=municipality, code=typed, now=NOW)
    assert residency.status == ResidencyStatus.CONFIRMED
    assert residency.method == ResidencyMethod.CODE
    spent = ResidencyCode.objects.get()
    assert spent.used_by == user and spent.used_at == NOW
    with pytest.raises(ValidationError) as exc:
        services.residency_confirm_with_code(actor=UserFactory(), municipality=municipality, code=code)
    assert _field_codes(exc.value, "code") == {"code_used"}


def test_a_code_confirms_the_users_open_claim():
    municipality = MunicipalityFactory()
    claim = ResidencyFactory(municipality=municipality)
    [code] = services.codes_generate(
        municipality=municipality, actor=MunicipalStaffFactory(municipality=municipality), count=1, batch="b"
    )
    residency = services.residency_confirm_with_code(actor=claim.user, municipality=municipality, code=code)
    assert residency.pk == claim.pk
    assert Residency.objects.get().status == ResidencyStatus.CONFIRMED


def test_a_wrong_code_or_a_code_of_another_municipality_is_refused_clearly():
    municipality = MunicipalityFactory()
    other = MunicipalityFactory()
    [code] = services.codes_generate(
        municipality=other, actor=MunicipalStaffFactory(municipality=other), count=1, batch="b"
    )
    user = UserFactory()
    for wrong in ("ABCDE-FGHJK", code, "short"):
        with pytest.raises(ValidationError) as exc:
            services.residency_confirm_with_code(actor=user, municipality=municipality, code=wrong)
        assert _field_codes(exc.value, "code") == {"wrong_code"}
    assert not Residency.objects.exists()
    assert ResidencyCode.objects.get().used_by is None


def test_an_already_confirmed_resident_does_not_spend_a_code():
    municipality = MunicipalityFactory()
    residency = ResidencyFactory(municipality=municipality, status=ResidencyStatus.CONFIRMED)
    [code] = services.codes_generate(
        municipality=municipality, actor=MunicipalStaffFactory(municipality=municipality), count=1, batch="b"
    )
    with pytest.raises(ValidationError) as exc:
        services.residency_confirm_with_code(actor=residency.user, municipality=municipality, code=code)
    assert _codes(exc.value) == {"already_resident"}
    assert ResidencyCode.objects.get().used_by is None


def test_the_eleventh_attempt_in_an_hour_is_refused_even_with_a_good_code():
    municipality = MunicipalityFactory()
    [code] = services.codes_generate(
        municipality=municipality, actor=MunicipalStaffFactory(municipality=municipality), count=1, batch="b"
    )
    user = UserFactory()
    for _attempt in range(services.CODE_ATTEMPTS):
        with pytest.raises(ValidationError):
            services.residency_confirm_with_code(actor=user, municipality=municipality, code="ABCDE-FGHJK")
    with pytest.raises(ValidationError) as exc:
        services.residency_confirm_with_code(actor=user, municipality=municipality, code=code)
    assert _field_codes(exc.value, "code") == {"too_many_attempts"}
    assert ResidencyCode.objects.get().used_by is None
    # Another user is not limited by this one's attempts.
    services.residency_confirm_with_code(actor=UserFactory(), municipality=municipality, code=code)


@pytest.mark.django_db(transaction=True)
def test_two_people_typing_one_code_at_once_cannot_both_use_it():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite locks the whole database for a write, so the race this test provokes cannot happen there")
    municipality = MunicipalityFactory()
    [code] = services.codes_generate(
        municipality=municipality, actor=MunicipalStaffFactory(municipality=municipality), count=1, batch="b"
    )
    users = [UserFactory() for _ in range(6)]
    barrier = threading.Barrier(len(users))
    outcomes: list[str] = []
    lock = threading.Lock()

    def attempt(user):
        try:
            barrier.wait()
            services.residency_confirm_with_code(actor=user, municipality=municipality, code=code)
            result = "ok"
        except ValidationError as exc:
            result = ",".join(sorted(_codes(exc)))
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=attempt, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["code_used"] * 5 + ["ok"]
    assert Residency.objects.filter(status=ResidencyStatus.CONFIRMED).count() == 1
    assert ResidencyCode.objects.get().used_by_id == Residency.objects.get().user_id
