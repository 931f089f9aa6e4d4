"""The registries in the open-data catalogue (opendata.py): ТОС, practices, projects and cooperation agreements
(contests and awards are in opendata_grants.py). Only what the platform shows to everyone is here, read through
each module's own public selector: ТОС in a public status, published practices, every project (projects are
public), concluded agreements. No personal data: no e-mail, phone or postal address of an organisation (a ТОС's
contacts are often a resident's own), no names of people (elected body members, signatories), no application
texts.

Each download is a fixed number of queries, streamed: the main rows ordered by primary key, and each many-valued
column (a practice's topics, an agreement's parties) read by a second query in the same order and merged."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db.models import Count, Max, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from localbridge.cooperation import selectors as cooperation_selectors
from localbridge.cooperation.models import Agreement, AgreementKind, AgreementParty, AgreementStatus
from localbridge.organizations import selectors as organization_selectors
from localbridge.organizations.models import (
    PUBLIC_STATUSES,
    OrganizationKind,
    OrganizationStatus,
    TosTerritoryKind,
)
from localbridge.practices import selectors as practice_selectors
from localbridge.practices.models import PRACTICE_LANGUAGES, Adoption, Practice, PracticeOrganization
from localbridge.projects import selectors as project_selectors
from localbridge.projects.models import Expense, FundingSource, Origin, ProjectStage

from .opendata_fields import (
    GENERATED,
    LIVE,
    MONEY,
    Dataset,
    Field,
    Group,
    Links,
    choices_of,
    code_of,
    joined,
    local_date,
    money,
    municipality_fields,
    name_of,
    stream,
    with_related,
    with_urls,
)

# --- ТОС ------------------------------------------------------------------------------------------------------


def _tos_rows(links: Links, limit: int | None) -> Any:
    organizations = (
        organization_selectors.organization_visible_to(None)
        .filter(kind=OrganizationKind.TOS)
        .select_related("tos", "country", "region", "municipality", "settlement")
        .defer("search_text", "description", "tos__boundary")
        .order_by("pk")
    )
    return with_urls(stream(organizations, limit), lambda o: reverse("organizations:detail", args=[o.pk]), links)


def _tos(o: Any) -> Any:
    return getattr(o, "tos", None)


TOS = Dataset(
    slug="tos",
    title=_("Registry of ТОС"),
    description=_(
        "Territorial public self-government bodies (ТОС) registered by local administrations: territory, "
        "residents, dates of founding and registration, legal status. ТОС whose registration is pending, returned "
        "or refused are not included."
    ),
    group=Group.REGISTRIES,
    fields=(
        Field("id", "integer", _("The platform's id of the ТОС"), lambda o: o.pk),
        Field(
            "registry_number",
            "string",
            _("The number in the municipal registry of ТОС"),
            lambda o: o.registry_number or "",
        ),
        Field("name", "string", _("The ТОС's full name"), lambda o: o.name),
        Field("short_name", "string", _("Short name"), lambda o: o.short_name),
        Field("name_en", "string", _("Name in English, where given"), lambda o: o.name_en),
        Field(
            "status",
            "string",
            _("Status in the registry"),
            lambda o: o.status,
            choices=choices_of((s, label) for s, label in OrganizationStatus.choices if s in PUBLIC_STATUSES),
        ),
        Field("country_code", "string", _("ISO 3166-1 code of the country"), lambda o: code_of(o.country)),
        Field("region_code", "string", _("ISO 3166-2 code of the region"), lambda o: code_of(o.region)),
        Field("region_name", "string", _("The region's name in Russian"), lambda o: name_of(o.region)),
        *municipality_fields(lambda o: o.municipality),
        Field(
            "settlement_name",
            "string",
            _("The settlement (town or village), where given"),
            lambda o: name_of(o.settlement),
        ),
        Field(
            "territory_name",
            "string",
            _("The ТОС's territory as registered"),
            lambda o: getattr(_tos(o), "territory_name", ""),
        ),
        Field(
            "territory_kind",
            "string",
            _("Type of the territory"),
            lambda o: getattr(_tos(o), "territory_kind", ""),
            choices=choices_of(TosTerritoryKind.choices),
        ),
        Field(
            "territory_boundaries",
            "string",
            _("The territory's boundaries in words"),
            lambda o: getattr(_tos(o), "territory_description", ""),
        ),
        Field(
            "residents",
            "integer",
            _("Residents aged 16 or more living on the territory"),
            lambda o: getattr(_tos(o), "residents_count", None),
            unit=_("people"),
        ),
        Field(
            "founded_on",
            "date",
            _("Date of the founding meeting or conference"),
            lambda o: getattr(_tos(o), "founding_date", None) or o.founded_on,
        ),
        Field(
            "registered_on",
            "date",
            _("Date the administration registered the charter"),
            lambda o: local_date(o.registered_at),
        ),
        Field(
            "is_legal_entity",
            "boolean",
            _("Whether the ТОС is state-registered as a non-profit organisation"),
            lambda o: o.is_legal_entity,
        ),
        Field(
            "ogrn", "string", _("OGRN (state registration number) of a ТОС that is a legal entity"), lambda o: o.ogrn
        ),
        Field(
            "legal_registered_on",
            "date",
            _("Date of state registration as a legal entity"),
            lambda o: o.legal_registered_on,
        ),
        Field("website", "string", _("The ТОС's website"), lambda o: o.website),
        Field("url", "string", _("The ТОС's page on the platform"), lambda o: o.opendata_url),
        Field("is_generated", "boolean", GENERATED, lambda o: o.is_generated),
    ),
    rows=_tos_rows,
    count=lambda: organization_selectors.organization_visible_to(None).filter(kind=OrganizationKind.TOS).count(),
    source=_("The platform's registry of ТОС: registrations decided by local administrations on the platform."),
    update_rule=LIVE,
    updated=lambda: (
        organization_selectors.organization_visible_to(None)
        .filter(kind=OrganizationKind.TOS)
        .aggregate(latest=Max("updated_at"))["latest"]
    ),
    notes=(_("Contact e-mails, phones, postal addresses and the names of elected members are not published."),),
)


# --- practices ------------------------------------------------------------------------------------------------


def _public_practices() -> QuerySet[Practice]:
    return practice_selectors.practice_visible_to(None)


def _practice_rows(links: Links, limit: int | None) -> Any:
    published = _public_practices()
    adoptions = (
        Adoption.objects.filter(practice=OuterRef("pk"), organization__status__in=PUBLIC_STATUSES)
        .order_by()
        .values("practice")
        .annotate(n=Count("pk"))
        .values("n")
    )
    practices = (
        published.select_related("country", "region", "municipality")
        .only(
            "pk",
            "title",
            "summary",
            "language",
            "start_year",
            "end_year",
            "year",
            "published_at",
            "is_recommended",
            "is_generated",
            "country__code",
            "region__code",
            "region__name_ru",
            "municipality__oktmo",
            "municipality__name_ru",
        )
        .annotate(adoption_count=Coalesce(Subquery(adoptions), 0))
        .order_by("pk")
    )
    topics = (
        Practice.topics.through.objects.filter(practice__in=published.values("pk"))
        .order_by("practice_id", "topic__position", "topic_id")
        .values_list("practice_id", "topic__code")
    )
    organizations = (
        PracticeOrganization.objects.filter(practice__in=published.values("pk"))
        .order_by("practice_id", "role", "position", "pk")
        .values_list("practice_id", "organization__name")
    )
    rows = with_related(
        practices,
        limit,
        {"topic_codes": (topics, "practice_id"), "organization_names": (organizations, "practice_id")},
    )
    return with_urls(rows, lambda p: reverse("practices:detail", args=[p.pk]), links)


PRACTICES = Dataset(
    slug="practices",
    title=_("Best practices"),
    description=_(
        "The published practices of the best-practice bank: what was done where, by which organisations, on which "
        "topics, and how many organisations adopted it. Drafts and practices under moderation are not included."
    ),
    group=Group.REGISTRIES,
    fields=(
        Field("id", "integer", _("The platform's id of the practice"), lambda p: p.pk),
        Field("title", "string", _("Title"), lambda p: p.title),
        Field("summary", "string", _("Short summary"), lambda p: p.summary),
        Field(
            "language",
            "string",
            _("Language the practice is written in (ISO 639-1)"),
            lambda p: p.language,
            choices=choices_of(PRACTICE_LANGUAGES),
        ),
        Field(
            "topics",
            "string",
            _("Topic codes of the bank's taxonomy, separated by “; ”"),
            lambda p: joined(p.topic_codes),
        ),
        Field(
            "organizations",
            "string",
            _("Organisations behind the practice (authors first, then partners), separated by “; ”"),
            lambda p: joined(p.organization_names),
        ),
        Field("country_code", "string", _("ISO 3166-1 code of the country"), lambda p: code_of(p.country)),
        Field("region_code", "string", _("ISO 3166-2 code of the region"), lambda p: code_of(p.region)),
        Field("region_name", "string", _("The region's name in Russian"), lambda p: name_of(p.region)),
        *municipality_fields(lambda p: p.municipality),
        Field("start_year", "integer", _("Year the practice started"), lambda p: p.start_year),
        Field("end_year", "integer", _("Year the practice ended, if it did"), lambda p: p.end_year),
        Field("published_at", "datetime", _("When the practice was published"), lambda p: p.published_at),
        Field("is_recommended", "boolean", _("Recommended by the bank's curators"), lambda p: p.is_recommended),
        Field(
            "adoptions", "integer", _("Organisations that recorded adopting the practice"), lambda p: p.adoption_count
        ),
        Field("url", "string", _("The practice's page on the platform"), lambda p: p.opendata_url),
        Field("is_generated", "boolean", GENERATED, lambda p: p.is_generated),
    ),
    rows=_practice_rows,
    count=lambda: _public_practices().count(),
    source=_("The platform's best-practice bank, practices published after moderation."),
    update_rule=LIVE,
    updated=lambda: _public_practices().aggregate(latest=Max("updated_at"))["latest"],
)

# --- projects -------------------------------------------------------------------------------------------------


def _planned_value(attr: str) -> Callable[[Any], Decimal]:
    return lambda project: money(getattr(project, attr))


def _planned(source: str) -> Any:
    return Sum("budget_lines__planned", filter=Q(budget_lines__source=source))


def _project_rows(links: Links, limit: int | None) -> Any:
    spent = (
        Expense.objects.filter(project=OuterRef("pk"), currency=OuterRef("currency"))
        .order_by()
        .values("project")
        .annotate(s=Sum("amount"))
        .values("s")
    )
    projects = (
        project_selectors.project_visible_to(None)
        .select_related("municipality", "municipality__region", "settlement", "owner", "funder")
        .only(
            "pk",
            "title",
            "summary",
            "stage",
            "origin",
            "year",
            "currency",
            "address",
            "latitude",
            "longitude",
            "beneficiaries_count",
            "started_at",
            "completed_at",
            "application_id",
            "municipality__oktmo",
            "municipality__name_ru",
            "municipality__region__code",
            "settlement__name_ru",
            "owner__name",
            "owner__kind",
            "funder__name",
        )
        .annotate(
            planned_total=Sum("budget_lines__planned"),
            **{f"planned_{source}": _planned(source) for source in FundingSource.values},
            spent_total=Subquery(spent, output_field=MONEY),
        )
        .order_by("pk")
    )
    return with_urls(stream(projects, limit), lambda p: reverse("projects:detail", args=[p.pk]), links)


PROJECTS = Dataset(
    slug="projects",
    title=_("Projects"),
    description=_(
        "Community projects under public control: where, by whom, at which stage, where they came from (a contest "
        "award, an initiative proposal, a participatory-budget vote), the money planned by source and spent."
    ),
    group=Group.REGISTRIES,
    fields=(
        Field("id", "integer", _("The platform's id of the project"), lambda p: p.pk),
        Field("title", "string", _("Title"), lambda p: p.title),
        Field("summary", "string", _("Short description"), lambda p: p.summary),
        Field(
            "stage", "string", _("Stage of the project"), lambda p: p.stage, choices=choices_of(ProjectStage.choices)
        ),
        Field(
            "origin", "string", _("Where the project came from"), lambda p: p.origin, choices=choices_of(Origin.choices)
        ),
        Field("year", "integer", _("Year of the project"), lambda p: p.year),
        *municipality_fields(lambda p: p.municipality),
        Field(
            "region_code",
            "string",
            _("ISO 3166-2 code of the region of the municipality"),
            lambda p: code_of(p.municipality.region),
        ),
        Field(
            "settlement_name",
            "string",
            _("The settlement (town or village), where given"),
            lambda p: name_of(p.settlement),
        ),
        Field("address", "string", _("Address of the object"), lambda p: p.address),
        Field("latitude", "decimal", _("Latitude of the object"), lambda p: p.latitude),
        Field("longitude", "decimal", _("Longitude of the object"), lambda p: p.longitude),
        Field(
            "owner_id",
            "integer",
            _("The platform's id of the organisation carrying the project out"),
            lambda p: p.owner_id,
        ),
        Field("owner_name", "string", _("The organisation carrying the project out"), lambda p: p.owner.name),
        Field(
            "owner_kind",
            "string",
            _("Kind of that organisation"),
            lambda p: p.owner.kind,
            choices=choices_of(OrganizationKind.choices),
        ),
        Field(
            "funder_id",
            "integer",
            _("The platform's id of the funder (a contest's organiser or the administration)"),
            lambda p: p.funder_id,
        ),
        Field("funder_name", "string", _("The funder's name"), lambda p: name_of(p.funder, "name")),
        Field(
            "award_application_id",
            "integer",
            _("The platform's id of the contest application the project carries out, if any"),
            lambda p: p.application_id,
        ),
        Field(
            "beneficiaries", "integer", _("Number of beneficiaries"), lambda p: p.beneficiaries_count, unit=_("people")
        ),
        Field("currency", "string", _("ISO 4217 code of the currency of the amounts"), lambda p: p.currency),
        Field(
            "planned_total",
            "decimal",
            _("Money planned, all sources"),
            lambda p: money(p.planned_total),
            unit=_("the project's currency"),
        ),
        *(
            Field(
                f"planned_{source}",
                "decimal",
                format_lazy(_("Money planned from the source: {source}"), source=label),
                _planned_value(f"planned_{source}"),
                unit=_("the project's currency"),
            )
            for source, label in FundingSource.choices
        ),
        Field(
            "spent_total",
            "decimal",
            _("Money spent, as recorded with documents"),
            lambda p: money(p.spent_total),
            unit=_("the project's currency"),
        ),
        Field("started_at", "datetime", _("When the project started"), lambda p: p.started_at),
        Field("completed_at", "datetime", _("When the project was completed"), lambda p: p.completed_at),
        Field("url", "string", _("The project's page on the platform"), lambda p: p.opendata_url),
    ),
    rows=_project_rows,
    count=lambda: project_selectors.project_visible_to(None).count(),
    source=_("Projects carried out under public control on the platform, with their budget plans and spending."),
    update_rule=LIVE,
    updated=lambda: project_selectors.project_visible_to(None).aggregate(latest=Max("updated_at"))["latest"],
)


# --- agreements -----------------------------------------------------------------------------------------------


def _public_agreements() -> QuerySet[Agreement]:
    return cooperation_selectors.agreement_visible_to(None).prefetch_related(None)


def _agreement_rows(links: Links, limit: int | None) -> Any:
    public = _public_agreements()
    agreements = public.defer("description", "end_reason").order_by("pk")
    parties = (
        AgreementParty.objects.filter(agreement__in=public.values("pk"))
        .order_by("agreement_id", "position", "pk")
        .values_list(
            "agreement_id",
            "municipality__name_ru",
            "organization__name",
            "municipality__oktmo",
            "municipality__country__code",
            "organization__country__code",
        )
    )
    areas = (
        Agreement.areas.through.objects.filter(agreement__in=public.values("pk"))
        .order_by("agreement_id", "cooperationarea__position", "cooperationarea_id")
        .values_list("agreement_id", "cooperationarea__code")
    )
    rows = with_related(
        agreements,
        limit,
        {
            "party_rows": (parties, "agreement_id"),
            "area_codes": (areas, "agreement_id"),
        },
    )
    return with_urls(rows, lambda a: reverse("cooperation:agreement", args=[a.pk]), links)


def _party_names(a: Any) -> str:
    return joined(municipality or organization for municipality, organization, *_rest in a.party_rows)


def _party_countries(a: Any) -> str:
    return joined(sorted({m_country or o_country for *_head, m_country, o_country in a.party_rows} - {None, ""}))


AGREEMENTS = Dataset(
    slug="agreements",
    title=_("Cooperation agreements"),
    description=_(
        "Twinning, partnership and cooperation agreements between municipalities and associations that are signed, "
        "registered, in force or ended: parties, areas of cooperation, dates and registration. Drafts and "
        "agreements awaiting approval are not included."
    ),
    group=Group.REGISTRIES,
    fields=(
        Field("id", "integer", _("The platform's id of the agreement"), lambda a: a.pk),
        Field(
            "kind", "string", _("Kind of the agreement"), lambda a: a.kind, choices=choices_of(AgreementKind.choices)
        ),
        Field("title", "string", _("Title"), lambda a: a.title),
        Field(
            "status",
            "string",
            _("Status"),
            lambda a: a.status,
            choices=choices_of(
                (s, label) for s, label in AgreementStatus.choices if s not in ("draft", "awaiting_approval")
            ),
        ),
        Field("parties", "string", _("The parties (municipalities and associations), separated by “; ”"), _party_names),
        Field(
            "party_oktmo",
            "string",
            _("OKTMO codes of the party municipalities that have one, separated by “; ”"),
            lambda a: joined(row[2] for row in a.party_rows),
        ),
        Field(
            "party_countries",
            "string",
            _("ISO 3166-1 codes of the parties' countries, separated by “; ”"),
            _party_countries,
        ),
        Field(
            "areas", "string", _("Codes of the areas of cooperation, separated by “; ”"), lambda a: joined(a.area_codes)
        ),
        Field("signed_on", "date", _("Signing date"), lambda a: a.signed_on),
        Field("signed_place", "string", _("Place of signing"), lambda a: a.signed_place),
        Field("starts_on", "date", _("In force from"), lambda a: a.starts_on),
        Field("ends_on", "date", _("In force until (empty: open-ended)"), lambda a: a.ends_on),
        Field("registration_number", "string", _("Registration number"), lambda a: a.registration_number),
        Field("registration_authority", "string", _("Registering authority"), lambda a: a.registration_authority),
        Field("registered_on", "date", _("Registration date"), lambda a: a.registered_on),
        Field("ended_on", "date", _("Date the agreement ended"), lambda a: a.ended_on),
        Field("url", "string", _("The agreement's page on the platform"), lambda a: a.opendata_url),
    ),
    rows=_agreement_rows,
    count=lambda: _public_agreements().count(),
    source=_("Agreements registered on the platform by the parties and the associations."),
    update_rule=LIVE,
    updated=lambda: _public_agreements().aggregate(latest=Max("updated_at"))["latest"],
    notes=(_("The names of the signatories are not published."),),
)


REGISTRIES: tuple[Dataset, ...] = (TOS, PRACTICES, PROJECTS, AGREEMENTS)
