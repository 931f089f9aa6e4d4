"""Cooperation's demo data: the real associations' agreements the founding resolutions name, demo members of
two associations, a demo programme (roadmap) of the Union of Russian Cities, and demo partnership proposals of
Blagoveshchensk. Called by `load_demo` after the organisations and the twin-city network are loaded.

What is real and where it comes from (../shared/data/resolutions/2017-11-01-volgograd-municipal-diplomacy.txt,
item 2, and ../shared/DOMAIN.md, "Municipal international cooperation"): the Union of Russian Cities has signed
cooperation agreements with six national associations — Kyrgyzstan's state agency for local self-government,
Belarus's council for interaction of local self-government bodies, the Union of Communities of Armenia, the Union
of Municipalities of the Turkic World, the National Association of Mayors of the Republic of Korea and the
Association of Finnish Local and Regional Authorities. They are recorded as signed agreements of kind
"association"; the source gives neither the dates nor the places nor the texts, so those are left empty and the
description says so. Item 2 also asks for a roadmap of the URC project office "International relations": the
programme is recorded with demo actions (marked "(демо)").

What is generated, and marked "(демо)": the members of the International Association "Twin Cities" (the Russian
cities with the most twin links in the imported network) and of the National ТОС Association (the cities of the
demo ТОС, and the Smolensk region's council of municipalities); the actions of the URC programme (one done, one
late, two open); two proposals of Blagoveshchensk to partners the finder suggests (one awaiting an answer, one
accepted, which made a draft agreement), with a demo administration and official of the partner that accepted.

Everything is made through the services (agreements, members, roadmaps, proposals), so it is audited; demo users
are the association official (staff of the three associations) and the partner's official. Idempotent: agreements
and the programme are looked up by title, members by the association, proposals by Blagoveshchensk's demo mark;
a second run adds nothing. Loading sends no e-mail (the demo addresses are not real mailboxes)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from allauth.account.models import EmailAddress
from django.db import transaction
from django.db.models import Q
from django.test.utils import override_settings
from django.utils import timezone

from localbridge.accounts.models import User
from localbridge.organizations.models import Membership, MembershipRole, Organization, OrganizationKind
from localbridge.organizations.services import membership_grant, organization_create
from localbridge.territories.models import Municipality

from . import selectors, services, services_associations, services_proposals, services_roadmaps
from .models import (
    ActionStatus,
    Agreement,
    AgreementKind,
    AssociationMember,
    CooperationArea,
    PartnershipProposal,
    Roadmap,
    TwinLink,
)
from .selectors_associations import ASSOCIATION_KINDS
from .selectors_proposals import suggested_kind

DEMO = "(демо)"
ASSOCIATIONS_EMAIL = "associations@demo.localbridge.local"
PARTNER_EMAIL = "partner@demo.localbridge.local"

URC = "Союз российских городов"
TWIN_CITIES = "Международная ассоциация «Породнённые города»"
TOS_ASSOCIATION = "Общенациональная ассоциация территориального общественного самоуправления"
SMOLENSK_COUNCIL = "Ассоциация «Совет муниципальных образований Смоленской области»"
# The six national associations item 2 of the Volgograd resolution names, by their names in load_demo.
URC_PARTNERS = (
    "Государственное агентство по делам местного самоуправления и межэтнических отношений при Правительстве "
    "Кыргызской Республики",
    "Совет по взаимодействию органов местного самоуправления при Совете Республики Национального собрания "
    "Республики Беларусь",
    "Союз общин Республики Армения",
    "Союз муниципалитетов Тюркского мира",
    "Национальная ассоциация мэров Республики Корея",
    "Ассоциация финских местных и региональных властей",
)
ARMENIA = URC_PARTNERS[2]
SOURCE = (
    "резолюция круглого стола «Дипломатия муниципалитетов: механизмы и формы взаимодействия» "
    "(проектный офис СРГ «Международные отношения», Волгоград, 1 ноября 2017 г.)"
)
AGREEMENT_DESCRIPTION = (
    "Соглашение о сотрудничестве Союза российских городов и {partner} названо среди подписанных Союзом соглашений "
    "в пункте 2 документа: " + SOURCE + ". Дата, место подписания, срок и текст соглашения в источнике не "
    "указаны."
)
PROGRAMME_TITLE = "Дорожная карта проектного офиса Союза российских городов «Международные отношения»"
PROGRAMME_DESCRIPTION = (
    "Пункт 2 документа «" + SOURCE + "» поручает составить дорожную карту проектного офиса между российскими "
    "городами и городами зарубежных стран, входящими в национальные ассоциации, с которыми Союз подписал "
    "соглашения о сотрудничестве. Действия ниже — демонстрационные " + DEMO + "."
)
TWIN_CITIES_MEMBERS = 25
TWIN_CITIES_NOTE = "Членство — демонстрационное " + DEMO + ": город с побратимскими связями в импортированной сети"
TOS_NOTE = "Членство — демонстрационное " + DEMO
PROPOSAL_MESSAGES = (
    "Благовещенск предлагает обмен опытом работы с ТОС и молодёжными инициативами, а также совместные "
    "туристические маршруты. Контакт: отдел внешних связей администрации. " + DEMO,
    "Благовещенск предлагает сотрудничество в культуре и образовании: обмен творческими коллективами и "
    "школьные обмены. " + DEMO,
)


@dataclass
class CooperationDemoSummary:
    agreements_created: int = 0
    agreements_found: int = 0
    members_created: int = 0
    roadmaps_created: int = 0
    proposals_created: int = 0
    users_created: int = 0
    skipped: str = ""

    def line(self) -> str:
        if self.skipped:
            return f"Demo cooperation: {self.skipped}"
        return (
            f"Demo cooperation: {self.agreements_created} association agreements created, {self.agreements_found} "
            f"already there; {self.members_created} association members, {self.roadmaps_created} programmes, "
            f"{self.proposals_created} proposals created; users {ASSOCIATIONS_EMAIL}, {PARTNER_EMAIL}."
        )


def load_cooperation_demo(*, now: datetime | None = None, password: str = "") -> str:
    """Load the cooperation demo (see the module's docstring); return a line to print."""
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        return _load(now or timezone.now(), password).line()


@transaction.atomic
def _load(now: datetime, password: str) -> CooperationDemoSummary:
    summary = CooperationDemoSummary()
    names = (URC, TWIN_CITIES, TOS_ASSOCIATION, SMOLENSK_COUNCIL, *URC_PARTNERS)
    associations = {
        o.name: o for o in Organization.objects.filter(name__in=names, kind__in=ASSOCIATION_KINDS).order_by("-pk")
    }
    if URC not in associations:
        summary.skipped = "the associations are not loaded."
        return summary
    official = _user(ASSOCIATIONS_EMAIL, "Ирина Союзова " + DEMO, password, summary)
    for name in (URC, TWIN_CITIES, TOS_ASSOCIATION):
        if name in associations:
            _role(official, associations[name], "Специалист по международному сотрудничеству " + DEMO)
    _urc_agreements(official, associations, now, summary)
    if TWIN_CITIES in associations:
        _twin_cities_members(official, associations[TWIN_CITIES], now, summary)
    if TOS_ASSOCIATION in associations:
        _tos_members(official, associations[TOS_ASSOCIATION], associations.get(SMOLENSK_COUNCIL), now, summary)
    _urc_programme(official, associations, now, summary)
    _proposals(now, password, summary)
    return summary


def _user(email: str, full_name: str, password: str, summary: CooperationDemoSummary) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=password or None, full_name=full_name)
        summary.users_created += 1
    if not EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists():
        EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return user


def _role(user: User, organization: Organization, title: str) -> None:
    if not Membership.objects.filter(
        user=user, organization=organization, role=MembershipRole.STAFF, is_active=True
    ).exists():
        membership_grant(actor=None, organization=organization, user=user, role=MembershipRole.STAFF, title=title)


# --- the Union of Russian Cities' agreements ---------------------------------------------------------------------


def agreement_title(partner: Organization) -> str:
    return f"Соглашение о сотрудничестве: {URC} — {partner.name}"[: services_proposals.TITLE_LENGTH]


def _urc_agreements(
    official: User, associations: dict[str, Organization], now: datetime, summary: CooperationDemoSummary
) -> None:
    """A signed agreement of kind "association" between the URC and each of the six, without the dates and places
    the source does not give."""
    urc = associations[URC]
    partners = [associations[name] for name in URC_PARTNERS if name in associations]
    existing = set(
        Agreement.objects.filter(
            kind=AgreementKind.ASSOCIATION, title__in=[agreement_title(p) for p in partners]
        ).values_list("title", flat=True)
    )
    comment = "Подписано, как сказано в документе: " + SOURCE + "; дата и место подписания в нём не указаны."
    for partner in partners:
        title = agreement_title(partner)
        if title in existing:
            summary.agreements_found += 1
            continue
        agreement = services.agreement_create(
            actor=official,
            kind=AgreementKind.ASSOCIATION,
            title=title,
            parties=[services.PartyIn(organization=urc), services.PartyIn(organization=partner)],
            description=AGREEMENT_DESCRIPTION.format(partner=partner.name),
            now=now,
        )
        services.agreement_move(agreement=agreement, action="submit", actor=official, comment=comment, now=now)
        services.agreement_move(agreement=agreement, action="sign", actor=official, comment=comment, now=now)
        # The signing move records a date (today by default); the source states none, so none is kept.
        services.agreement_update(agreement=agreement, actor=official, signed_on=None, now=now)
        summary.agreements_created += 1


# --- members -------------------------------------------------------------------------------------------------------


def _add_members(
    official: User,
    association: Organization,
    municipalities: list[Municipality],
    note: str,
    now: datetime,
    summary: CooperationDemoSummary,
    organizations: tuple[Organization, ...] = (),
) -> None:
    present = set(
        AssociationMember.objects.filter(association=association).values_list("municipality_id", "organization_id")
    )
    for municipality in municipalities:
        if (municipality.pk, None) not in present:
            services_associations.association_member_add(
                actor=official, association=association, municipality=municipality, note=note, now=now
            )
            summary.members_created += 1
    for organization in organizations:
        if (None, organization.pk) not in present:
            services_associations.association_member_add(
                actor=official, association=association, organization=organization, note=note, now=now
            )
            summary.members_created += 1


def _twin_cities_members(
    official: User, association: Organization, now: datetime, summary: CooperationDemoSummary
) -> None:
    """The Russian municipalities with the most twin links in the imported network (ties by name)."""
    if AssociationMember.objects.filter(association=association).exists():
        return
    links = TwinLink.objects.filter(
        Q(municipality_a__country__code="RU") | Q(municipality_b__country__code="RU")
    ).values_list("municipality_a_id", "municipality_b_id")
    counts: Counter[int] = Counter()
    for a, b in links:
        counts[a] += 1
        counts[b] += 1
    russian = Municipality.objects.filter(pk__in=list(counts), country__code="RU")
    ranked = sorted(russian, key=lambda m: (-counts[m.pk], m.name_ru, m.pk))[:TWIN_CITIES_MEMBERS]
    _add_members(official, association, ranked, TWIN_CITIES_NOTE, now, summary)


def _tos_members(
    official: User,
    association: Organization,
    council: Organization | None,
    now: datetime,
    summary: CooperationDemoSummary,
) -> None:
    """The municipalities of the demo ТОС, and the Smolensk region's council of municipalities."""
    if AssociationMember.objects.filter(association=association).exists():
        return
    ids = (
        Organization.objects.filter(kind=OrganizationKind.TOS, is_generated=True, municipality__isnull=False)
        .values_list("municipality_id", flat=True)
        .distinct()
    )
    municipalities = list(Municipality.objects.filter(pk__in=list(ids)).order_by("name_ru", "pk"))
    _add_members(
        official, association, municipalities, TOS_NOTE, now, summary, organizations=(council,) if council else ()
    )


# --- the URC programme (roadmap) ----------------------------------------------------------------------------------


def _urc_programme(
    official: User, associations: dict[str, Organization], now: datetime, summary: CooperationDemoSummary
) -> None:
    urc = associations[URC]
    if Roadmap.objects.filter(association=urc, title=PROGRAMME_TITLE).exists():
        return
    today = timezone.localdate(now)
    office = "Проектный офис «Международные отношения» " + DEMO
    roadmap = services_roadmaps.roadmap_create(
        actor=official,
        association=urc,
        title=PROGRAMME_TITLE,
        description=PROGRAMME_DESCRIPTION,
        starts_on=today - timedelta(days=120),
        ends_on=today + timedelta(days=240),
        now=now,
    )
    SideIn = services_roadmaps.SideIn
    urc_side = SideIn(organization=urc, person=office)
    areas = {a.code: a for a in CooperationArea.objects.all()}
    collected = services_roadmaps.action_add(
        roadmap=roadmap,
        actor=official,
        title="Собрать сведения о побратимских связях российских городов с городами стран ассоциаций-партнёров " + DEMO,
        starts_on=today - timedelta(days=120),
        due_on=today - timedelta(days=60),
        responsibles=[urc_side],
        area=areas.get("management"),
        now=now,
    )
    services_roadmaps.action_set_status(
        action=collected,
        actor=official,
        status=ActionStatus.DONE,
        completed_on=today - timedelta(days=65),
        outcome="Сведения собраны и разосланы городам — членам Союза " + DEMO + ".",
        now=now,
    )
    late_sides = [urc_side]
    if ARMENIA in associations:
        late_sides.append(SideIn(organization=associations[ARMENIA]))
    services_roadmaps.action_add(
        roadmap=roadmap,
        actor=official,
        title="Провести видеоконференцию с Союзом общин Республики Армения об обмене муниципальным опытом " + DEMO,
        starts_on=today - timedelta(days=40),
        due_on=today - timedelta(days=10),  # planned and past due: late
        responsibles=late_sides,
        area=areas.get("management"),
        now=now,
    )
    contacts = services_roadmaps.action_add(
        roadmap=roadmap,
        actor=official,
        title="Установить контакты с национальными ассоциациями местных властей других стран " + DEMO,
        starts_on=today - timedelta(days=30),
        due_on=today + timedelta(days=90),
        responsibles=[urc_side],
        now=now,
    )
    services_roadmaps.action_set_status(action=contacts, actor=official, status=ActionStatus.IN_PROGRESS, now=now)
    twin_sides = [urc_side]
    if TWIN_CITIES in associations:
        twin_sides.append(SideIn(organization=associations[TWIN_CITIES]))
    services_roadmaps.action_add(
        roadmap=roadmap,
        actor=official,
        title="Подготовить с Международной ассоциацией «Породнённые города» перечень городов для новых "
        "побратимских связей " + DEMO,
        due_on=today + timedelta(days=150),
        responsibles=twin_sides,
        area=areas.get("humanitarian"),
        now=now,
    )
    summary.roadmaps_created += 1


# --- proposals of Blagoveshchensk ---------------------------------------------------------------------------------


def _proposals(now: datetime, password: str, summary: CooperationDemoSummary) -> None:
    """One proposal awaiting an answer and one accepted, to the first partners the finder suggests."""
    city = Municipality.objects.filter(region__code="RU-AMU", name_ru="Благовещенск").order_by("pk").first()
    if city is None or PartnershipProposal.objects.filter(from_municipality=city, message__endswith=DEMO).exists():
        return
    staff = (
        Membership.objects.filter(
            is_active=True,
            role=MembershipRole.STAFF,
            organization__kind=OrganizationKind.ADMINISTRATION,
            organization__municipality=city,
        )
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if staff is None:
        return
    suggestions = selectors.partner_suggestions(municipality_id=city.pk, limit=2)
    if len(suggestions) < 2:
        return
    waiting, accepting = (Municipality.objects.select_related("country").get(pk=s.id) for s in suggestions)
    areas = {a.code: a for a in CooperationArea.objects.all()}
    services_proposals.proposal_send(
        actor=staff.user,
        from_municipality=city,
        to_municipality=waiting,
        kind=suggested_kind(city, waiting),
        areas=[areas[c] for c in ("youth", "tourism", "management") if c in areas],
        message=PROPOSAL_MESSAGES[0],
        now=now - timedelta(days=3),
    )
    proposal = services_proposals.proposal_send(
        actor=staff.user,
        from_municipality=city,
        to_municipality=accepting,
        kind=suggested_kind(city, accepting),
        areas=[areas[c] for c in ("culture", "education") if c in areas],
        message=PROPOSAL_MESSAGES[1],
        now=now - timedelta(days=10),
    )
    partner = _user(PARTNER_EMAIL, "Ли Мин " + DEMO, password, summary)
    administration = Organization.objects.filter(
        kind=OrganizationKind.ADMINISTRATION, municipality=accepting, is_generated=True
    ).first() or organization_create(
        actor=None,
        kind=OrganizationKind.ADMINISTRATION,
        name=f"Администрация: {accepting.name_ru} {DEMO}",
        name_en=f"Administration: {accepting.name_en or accepting.name_ru} (demo)",
        municipality=accepting,
        is_generated=True,
    )
    _role(partner, administration, "Отдел внешних связей " + DEMO)
    services_proposals.proposal_accept(
        proposal=proposal, actor=partner, answer="Благодарим за предложение, согласны " + DEMO + ".", now=now
    )
    summary.proposals_created += 2
