"""Factories of the contests module. Helpers may add factories in their own marked blocks below."""

from datetime import date
from decimal import Decimal

import factory

from localbridge.accounts.tests.factories import UserFactory
from localbridge.contests.models import (
    Application,
    ApplicationStatus,
    Assignment,
    BudgetLine,
    Conflict,
    Contest,
    ContestScope,
    ContestStatus,
    Criterion,
    Expert,
    ExpertStatus,
    Nomination,
    RequiredDocument,
    Score,
)
from localbridge.organizations.models import MembershipRole, OrganizationKind
from localbridge.organizations.tests.factories import AdministrationFactory, MembershipFactory, OrganizationFactory
from localbridge.territories.tests.factories import RegionFactory


class ContestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contest
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Конкурс проектов ТОС № {n}")
    summary = "Гранты на благоустройство дворов."
    rules = "Заявки принимаются от ТОС и НКО."
    organizer = factory.SubFactory(AdministrationFactory)
    status = ContestStatus.DRAFT
    eligible_kinds = factory.LazyFunction(lambda: [OrganizationKind.TOS, OrganizationKind.NGO])
    scope = ContestScope.REGIONAL
    region = factory.SubFactory(RegionFactory)
    time_zone = "Asia/Yakutsk"
    applications_open = date(2026, 3, 1)
    applications_close = date(2026, 3, 21)
    review_until = date(2026, 3, 31)
    evaluation_until = date(2026, 4, 20)
    results_on = date(2026, 4, 30)
    prize_pool = Decimal("1000000.00")
    max_grant = Decimal("300000.00")
    min_cofinancing_percent = Decimal("10.00")
    experts_per_application = 2


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    contest = factory.SubFactory(ContestFactory)
    name = factory.Sequence(lambda n: f"Критерий {n}")
    scale_min = 0
    scale_max = 10
    weight = Decimal("1.000")
    position = factory.Sequence(lambda n: n)


class NominationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Nomination

    contest = factory.SubFactory(ContestFactory)
    name = factory.Sequence(lambda n: f"Номинация {n}")
    position = factory.Sequence(lambda n: n)


class RequiredDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RequiredDocument

    contest = factory.SubFactory(ContestFactory)
    name = "Протокол собрания ТОС"


class ApplicantFactory(OrganizationFactory):
    kind = OrganizationKind.NGO
    name = factory.Sequence(lambda n: f"НКО «Двор {n}»")


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    contest = factory.SubFactory(ContestFactory)
    organization = factory.SubFactory(ApplicantFactory)
    status = ApplicationStatus.DRAFT
    title = factory.Sequence(lambda n: f"Двор мечты № {n}")
    title_key = factory.LazyAttribute(lambda o: " ".join(o.title.casefold().replace("ё", "е").split()))
    problem = "Двор без освещения и площадки."
    goals = "Сделать двор удобным для всех."


class BudgetLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BudgetLine

    application = factory.SubFactory(ApplicationFactory)
    item = "Скамейка"
    unit = "шт."
    quantity = Decimal("10")
    unit_cost = Decimal("10000.00")
    total = Decimal("100000.00")
    grant = Decimal("80000.00")
    residents = Decimal("20000.00")


class ExpertFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Expert

    contest = factory.SubFactory(ContestFactory)
    user = factory.SubFactory(UserFactory)
    status = ExpertStatus.ACCEPTED


class ConflictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Conflict

    expert = factory.SubFactory(ExpertFactory)
    organization = factory.SubFactory(ApplicantFactory)


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    application = factory.SubFactory(ApplicationFactory)
    expert = factory.SubFactory(ExpertFactory, contest=factory.SelfAttribute("..application.contest"))


class ScoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Score

    assignment = factory.SubFactory(AssignmentFactory)
    criterion = factory.SubFactory(CriterionFactory, contest=factory.SelfAttribute("..assignment.application.contest"))
    value = Decimal("7")


def chair_of(organization, **kwargs):
    """A user who is the active chair of `organization`."""
    return MembershipFactory(organization=organization, role=MembershipRole.CHAIR, **kwargs).user


def staff_of(organization, **kwargs):
    """A user who is active staff of `organization`."""
    return MembershipFactory(organization=organization, role=MembershipRole.STAFF, **kwargs).user


# --- helper C (read side: pages, API, exports) ---------------------------------------------------------------


class ResultFactory(factory.django.DjangoModelFactory):
    """A ranked application; the application is submitted and admitted, in the result's contest."""

    class Meta:
        model = "contests.Result"

    contest = factory.SubFactory(ContestFactory, status=ContestStatus.FINISHED)
    application = factory.SubFactory(
        ApplicationFactory,
        contest=factory.SelfAttribute("..contest"),
        status=ApplicationStatus.ADMITTED,
        number=factory.Sequence(lambda n: f"К-{n:04d}"),
        total_cost=Decimal("200000.00"),
        grant_requested=Decimal("150000.00"),
    )
    score = Decimal("75.50")
    experts = 2
    rank = factory.Sequence(lambda n: n + 1)
    amount = Decimal("150000.00")
    funded = True


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "contests.Activity"

    application = factory.SubFactory(ApplicationFactory)
    name = "Закупка и установка скамеек"
    starts_on = date(2026, 6, 1)
    ends_on = date(2026, 7, 1)
