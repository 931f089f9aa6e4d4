"""Contests, their awards, and the awards in the fields of the 360Giving data standard, in the open-data catalogue
(opendata.py). Only what everyone sees: contests that are not drafts; awards are the funded lines of the published
rankings of contests whose results are published. No application texts, no expert's name or score.

Each download is a fixed number of queries, streamed; the sums and the linked project are subqueries of the one
query of the rows."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Count, Max, Min, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.translation import gettext_lazy as _

from localbridge.contests import selectors as contest_selectors
from localbridge.contests.models import ApplicationStatus, ContestScope, ContestStatus, Result
from localbridge.organizations.models import OrganizationKind
from localbridge.projects.models import Project, Stage

from .opendata_fields import (
    LIVE,
    MONEY,
    Dataset,
    Field,
    Group,
    Links,
    choices_of,
    code_of,
    giving_prefix,
    joined,
    licence,
    local_date,
    money,
    municipality_fields,
    name_of,
    publisher,
    stream,
    with_urls,
)

# --- contests -------------------------------------------------------------------------------------------------


def _public_contests() -> QuerySet[Any]:
    return contest_selectors.contest_visible_to(None)


def _contest_rows(links: Links, limit: int | None) -> Any:
    live = ~Q(applications__status__in=[ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN])
    funded = Result.objects.filter(contest=OuterRef("pk"), funded=True, contest__status=ContestStatus.FINISHED)
    contests = (
        _public_contests()
        .select_related("organizer", "region", "country")
        .defer("rules", "organizer__description", "organizer__search_text")
        .annotate(
            applications_count=Count("applications", filter=live),
            awards_count=Coalesce(Subquery(funded.order_by().values("contest").annotate(n=Count("pk")).values("n")), 0),
            awarded_total=Subquery(
                funded.order_by().values("contest").annotate(s=Sum("amount")).values("s"), output_field=MONEY
            ),
        )
        .order_by("pk")
    )
    return with_urls(stream(contests, limit), lambda c: reverse("contests:detail", args=[c.pk]), links)


def _finished(c: Any) -> bool:
    return c.status == ContestStatus.FINISHED


CONTESTS = Dataset(
    slug="contests",
    title=_("Contests"),
    description=_(
        "Contests of community projects run on the platform: organiser, territory, dates, prize pool and rules of "
        "money, the number of applications, and once the results are published the number and total of awards. "
        "Drafts are not included."
    ),
    group=Group.GRANTS,
    fields=(
        Field("id", "integer", _("The platform's id of the contest"), lambda c: c.pk),
        Field("title", "string", _("Title"), lambda c: c.title),
        Field("summary", "string", _("Short description"), lambda c: c.summary),
        Field(
            "status",
            "string",
            _("Stage of the contest"),
            lambda c: c.status,
            choices=choices_of((s, label) for s, label in ContestStatus.choices if s != ContestStatus.DRAFT),
        ),
        Field(
            "scope",
            "string",
            _("Territory the contest is open to"),
            lambda c: c.scope,
            choices=choices_of(ContestScope.choices),
        ),
        Field(
            "organizer_id", "integer", _("The platform's id of the organising organisation"), lambda c: c.organizer_id
        ),
        Field("organizer_name", "string", _("The organiser's name"), lambda c: c.organizer.name),
        Field("country_code", "string", _("ISO 3166-1 code of the country"), lambda c: code_of(c.country)),
        Field("region_code", "string", _("ISO 3166-2 code of the region"), lambda c: code_of(c.region)),
        Field("currency", "string", _("ISO 4217 code of the currency of the amounts"), lambda c: c.currency),
        Field("prize_pool", "decimal", _("Prize pool"), lambda c: c.prize_pool, unit=_("the contest's currency")),
        Field(
            "max_grant",
            "decimal",
            _("Largest grant per application, if capped"),
            lambda c: c.max_grant,
            unit=_("the contest's currency"),
        ),
        Field(
            "min_cofinancing_percent",
            "decimal",
            _("Smallest co-financing, per cent of the project cost"),
            lambda c: c.min_cofinancing_percent,
            unit="%",
        ),
        Field("applications_open", "date", _("Applications open"), lambda c: c.applications_open),
        Field(
            "applications_close",
            "date",
            _("Applications close (at the end of the day, in the contest's time zone)"),
            lambda c: c.applications_close,
        ),
        Field("results_on", "date", _("Date the results are announced for"), lambda c: c.results_on),
        Field(
            "results_published_at", "datetime", _("When the results were published"), lambda c: c.results_published_at
        ),
        Field(
            "applications",
            "integer",
            _("Applications submitted (drafts and withdrawn ones not counted)"),
            lambda c: c.applications_count,
        ),
        Field(
            "awards",
            "integer",
            _("Funded applications, once the results are published"),
            lambda c: c.awards_count if _finished(c) else None,
        ),
        Field(
            "amount_awarded",
            "decimal",
            _("Total awarded, once the results are published"),
            lambda c: money(c.awarded_total) if _finished(c) else None,
            unit=_("the contest's currency"),
        ),
        Field("url", "string", _("The contest's page on the platform"), lambda c: c.opendata_url),
    ),
    rows=_contest_rows,
    count=lambda: _public_contests().count(),
    source=_("Contests announced on the platform by their organisers."),
    update_rule=LIVE,
    updated=lambda: _public_contests().aggregate(latest=Max("updated_at"))["latest"],
)


# --- awards ---------------------------------------------------------------------------------------------------


def _awards() -> QuerySet[Result]:
    """Funded results of contests whose results are published, each with what both award datasets show: the
    contest and its organiser, the nomination, the applicant, where the project is carried out (its own place,
    else the applicant's), and the project that carries it out, if one was created (its planned and actual dates,
    its summary). One query."""
    projects = Project.objects.filter(application_id=OuterRef("application_id"))
    stages = Stage.objects.filter(project__application_id=OuterRef("application_id")).order_by().values("project")
    return (
        Result.objects.filter(funded=True, contest__in=_public_contests().filter(status=ContestStatus.FINISHED))
        .select_related(
            "contest",
            "contest__organizer",
            "nomination",
            "application",
            "application__organization",
            "application__organization__country",
            "application__organization__municipality",
            "application__organization__municipality__region",
            "application__organization__municipality__country",
            "application__municipality",
            "application__municipality__region",
            "application__municipality__country",
        )
        .defer(
            "application__problem",
            "application__goals",
            "application__expected_results",
            "application__review_comment",
            "contest__rules",
            "contest__organizer__description",
            "contest__organizer__search_text",
            "application__organization__description",
            "application__organization__search_text",
        )
        .annotate(
            project_id=Subquery(projects.values("pk")[:1]),
            project_summary=Subquery(projects.values("summary")[:1]),
            project_started_at=Subquery(projects.values("started_at")[:1]),
            project_completed_at=Subquery(projects.values("completed_at")[:1]),
            planned_start=Subquery(stages.annotate(d=Min("planned_start")).values("d")[:1]),
            planned_end=Subquery(stages.annotate(d=Max("planned_end")).values("d")[:1]),
        )
        .order_by("pk")
    )


def _award_rows(links: Links, limit: int | None) -> Any:
    def page(result: Any) -> str:
        if result.project_id:
            return reverse("projects:detail", args=[result.project_id])
        return reverse("contests:detail", args=[result.contest_id])

    return with_urls(stream(_awards(), limit), page, links)


def place(result: Any) -> Any:
    """Where the awarded project is carried out: its own municipality, else the applicant's."""
    return result.application.municipality or result.application.organization.municipality


def award_date(result: Any) -> Any:
    return local_date(result.contest.results_published_at) or result.contest.results_on


AWARDS = Dataset(
    slug="awards",
    title=_("Contest awards"),
    description=_(
        "Every funded application of a contest whose results are published: the contest, the recipient, where the "
        "project is carried out, the score and place in the ranking, the amount awarded, and the project that "
        "carries it out. Applications of contests whose results are not published are not included."
    ),
    group=Group.GRANTS,
    fields=(
        Field(
            "id",
            "integer",
            _("The platform's id of the award (a funded line of the published ranking)"),
            lambda r: r.pk,
        ),
        Field("contest_id", "integer", _("The platform's id of the contest"), lambda r: r.contest_id),
        Field("contest_title", "string", _("The contest's title"), lambda r: r.contest.title),
        Field(
            "funder_id", "integer", _("The platform's id of the contest's organiser"), lambda r: r.contest.organizer_id
        ),
        Field("funder_name", "string", _("The contest's organiser"), lambda r: r.contest.organizer.name),
        Field(
            "nomination",
            "string",
            _("The nomination, where the contest has them"),
            lambda r: name_of(r.nomination, "name"),
        ),
        Field(
            "application_number", "string", _("The application's number in the contest"), lambda r: r.application.number
        ),
        Field("project_title", "string", _("The project's title"), lambda r: r.application.title),
        Field(
            "recipient_id",
            "integer",
            _("The platform's id of the recipient organisation"),
            lambda r: r.application.organization_id,
        ),
        Field(
            "recipient_name",
            "string",
            _("The recipient organisation's name"),
            lambda r: r.application.organization.name,
        ),
        Field(
            "recipient_kind",
            "string",
            _("Kind of the recipient organisation"),
            lambda r: r.application.organization.kind,
            choices=choices_of(OrganizationKind.choices),
        ),
        *municipality_fields(place),
        Field(
            "region_code",
            "string",
            _("ISO 3166-2 code of the region of the municipality"),
            lambda r: code_of(getattr(place(r), "region", None)),
        ),
        Field("score", "decimal", _("The mean score of the experts"), lambda r: r.score, unit=_("points of 100")),
        Field(
            "rank",
            "integer",
            _("Place in the ranking (of the nomination, where there are nominations)"),
            lambda r: r.rank,
        ),
        Field("amount", "decimal", _("Amount awarded"), lambda r: r.amount, unit=_("the contest's currency")),
        Field("currency", "string", _("ISO 4217 code of the currency"), lambda r: r.contest.currency),
        Field("award_date", "date", _("Date the results were published (else announced)"), award_date),
        Field(
            "project_id",
            "integer",
            _("The platform's id of the project that carries the award out, once created"),
            lambda r: r.project_id,
        ),
        Field("url", "string", _("The project's page on the platform, else the contest's"), lambda r: r.opendata_url),
    ),
    rows=_award_rows,
    count=lambda: Result.objects.filter(
        funded=True, contest__in=_public_contests().filter(status=ContestStatus.FINISHED)
    ).count(),
    source=_("The published results of contests run on the platform."),
    update_rule=LIVE,
    updated=lambda: (
        _public_contests().filter(status=ContestStatus.FINISHED).aggregate(latest=Max("results_published_at"))["latest"]
    ),
)


# --- awards in the 360Giving data standard ----------------------------------------------------------------------


def _org_id(pk: int | None) -> str:
    return f"{giving_prefix()}-org-{pk}" if pk else ""


def _amount(value: Decimal | None) -> float | None:
    # 360Giving's JSON schema wants numbers; amounts have at most 14 digits, which a float keeps exactly.
    return float(value) if value is not None else None


def _giving_description(r: Any) -> str:
    """The project's public summary; else the contest and nomination (an application's own texts are not public)."""
    if r.project_summary:
        return r.project_summary
    return joined([r.application.title, r.contest.title, name_of(r.nomination, "name")]).replace("; ", ". ")


def _coordinate(value: Any) -> str:
    return "" if value is None else str(value)


GIVING_FIELDS: tuple[Field, ...] = (
    Field(
        "Identifier",
        "string",
        _("The grant's identifier: the 360Giving prefix, “-award-” and the platform's id of the award"),
        lambda r: f"{giving_prefix()}-award-{r.pk}",
    ),
    Field("Title", "string", _("The project's title"), lambda r: r.application.title),
    Field(
        "Description",
        "string",
        _(
            "The project's summary once a project carries the award out, else the project's, the contest's and "
            "the nomination's titles"
        ),
        _giving_description,
    ),
    Field("Currency", "string", _("ISO 4217 code of the currency"), lambda r: r.contest.currency),
    Field(
        "Amount Applied For",
        "decimal",
        _("The grant requested in the application"),
        lambda r: r.application.grant_requested,
    ),
    Field("Amount Awarded", "decimal", _("Amount awarded"), lambda r: r.amount),
    Field("Award Date", "date", _("Date the results were published (else announced)"), award_date),
    Field("URL", "string", _("The project's page on the platform, else the contest's"), lambda r: r.opendata_url),
    Field(
        "Planned Dates:Start Date",
        "date",
        _("Earliest planned start of the project's stages"),
        lambda r: r.planned_start,
    ),
    Field("Planned Dates:End Date", "date", _("Latest planned end of the project's stages"), lambda r: r.planned_end),
    Field("Actual Dates:Start Date", "date", _("When the project started"), lambda r: local_date(r.project_started_at)),
    Field(
        "Actual Dates:End Date",
        "date",
        _("When the project was completed"),
        lambda r: local_date(r.project_completed_at),
    ),
    Field(
        "Recipient Org:Identifier",
        "string",
        _("The recipient's identifier: the 360Giving prefix, “-org-” and the platform's id of the organisation"),
        lambda r: _org_id(r.application.organization_id),
    ),
    Field(
        "Recipient Org:Name",
        "string",
        _("The recipient organisation's name"),
        lambda r: r.application.organization.name,
    ),
    Field(
        "Recipient Org:City",
        "string",
        _("The recipient's municipality"),
        lambda r: name_of(r.application.organization.municipality),
    ),
    Field(
        "Recipient Org:Country",
        "string",
        _("The recipient's country"),
        lambda r: name_of(r.application.organization.country),
    ),
    Field(
        "Funding Org:Identifier",
        "string",
        _("The funder's identifier: the 360Giving prefix, “-org-” and the platform's id of the contest's organiser"),
        lambda r: _org_id(r.contest.organizer_id),
    ),
    Field("Funding Org:Name", "string", _("The contest's organiser"), lambda r: r.contest.organizer.name),
    Field(
        "Grant Programme:Code",
        "string",
        _("The contest's code: the 360Giving prefix, “-contest-” and the platform's id of the contest"),
        lambda r: f"{giving_prefix()}-contest-{r.contest_id}",
    ),
    Field("Grant Programme:Title", "string", _("The contest's title"), lambda r: r.contest.title),
    Field("Grant Programme:URL", "string", _("The contest's page on the platform"), lambda r: r.opendata_contest_url),
    Field(
        "Beneficiary Location:Name",
        "string",
        _("The municipality where the project is carried out"),
        lambda r: name_of(place(r)),
    ),
    Field(
        "Beneficiary Location:Country Code",
        "string",
        _("ISO 3166-1 code of its country"),
        lambda r: code_of(getattr(place(r), "country", None)),
    ),
    Field(
        "Beneficiary Location:Latitude",
        "string",
        _("The municipality's latitude"),
        lambda r: _coordinate(getattr(place(r), "latitude", None)),
    ),
    Field(
        "Beneficiary Location:Longitude",
        "string",
        _("The municipality's longitude"),
        lambda r: _coordinate(getattr(place(r), "longitude", None)),
    ),
    Field(
        "From An Open Call?",
        "string",
        _("Always “Yes”: the platform's contests are open calls for applications"),
        lambda r: "Yes",
    ),
    Field("Last Modified", "datetime", _("When the results were published"), lambda r: r.contest.results_published_at),
    Field("Data Source", "string", _("The data dictionary of this dataset"), lambda r: r.opendata_source),
)


def _giving_rows(links: Links, limit: int | None) -> Any:
    source = links.url(reverse("opendata:dataset", args=["awards-360giving"]))
    for result in _award_rows(links, limit):
        result.opendata_source = source
        result.opendata_contest_url = links.url(reverse("contests:detail", args=[result.contest_id]))
        yield result


def _events(start: Any, end: Any) -> list[dict[str, str]]:
    dates = {k: v.isoformat() for k, v in (("startDate", start), ("endDate", end)) if v}
    return [dates] if dates else []


def giving_object(r: Any) -> dict[str, Any]:
    """One grant in the 360Giving JSON schema's shape (nested organisations, dates and locations)."""
    location = place(r)
    recipient = r.application.organization
    grant: dict[str, Any] = {
        "id": f"{giving_prefix()}-award-{r.pk}",
        "title": r.application.title,
        "description": _giving_description(r),
        "currency": r.contest.currency,
        "amountAppliedFor": _amount(r.application.grant_requested),
        "amountAwarded": _amount(r.amount),
        "awardDate": award_date(r),
        "url": r.opendata_url,
        "plannedDates": _events(r.planned_start, r.planned_end),
        "actualDates": _events(local_date(r.project_started_at), local_date(r.project_completed_at)),
        "recipientOrganization": [
            {
                "id": _org_id(recipient.pk),
                "name": recipient.name,
                **({"addressLocality": recipient.municipality.name_ru} if recipient.municipality else {}),
                "addressCountry": name_of(recipient.country),
                **({"url": recipient.website} if recipient.website else {}),
            }
        ],
        "fundingOrganization": [{"id": _org_id(r.contest.organizer_id), "name": r.contest.organizer.name}],
        "grantProgramme": [
            {
                "code": f"{giving_prefix()}-contest-{r.contest_id}",
                "title": r.contest.title,
                "url": r.opendata_contest_url,
            }
        ],
        "beneficiaryLocation": [
            {
                "name": location.name_ru,
                "countryCode": location.country.code,
                **({"latitude": str(location.latitude)} if location.latitude is not None else {}),
                **({"longitude": str(location.longitude)} if location.longitude is not None else {}),
            }
        ]
        if location is not None
        else [],
        "fromOpenCall": "Yes",
        "dateModified": r.contest.results_published_at,
        "dataSource": r.opendata_source,
    }
    return {key: value for key, value in grant.items() if value not in (None, [], "")}


def giving_package(dataset: Dataset, links: Links) -> dict[str, Any]:
    """The top of a 360Giving data package: title, description, publisher, licence, addresses."""
    return {
        "title": force_str(dataset.title),
        "description": force_str(dataset.description),
        "identifier": f"{giving_prefix()}-awards",
        "issued": timezone.now(),
        "publisher": {"name": publisher()},
        "license": licence().url,
        "accessURL": links.url(reverse("opendata:dataset", args=[dataset.slug])),
        "downloadURL": links.url(reverse("opendata:download", args=[dataset.slug, "json"])),
    }


AWARDS_360GIVING = Dataset(
    slug="awards-360giving",
    title=_("Contest awards in the 360Giving data standard"),
    description=_(
        "The same awards in the fields of the 360Giving data standard for grants, so that tools built for it "
        "read them: CSV and XLSX with the standard's column titles, JSON as a 360Giving data package "
        '({"grants": [...]}).'
    ),
    group=Group.GRANTS,
    fields=GIVING_FIELDS,
    rows=_giving_rows,
    count=AWARDS.count,
    source=_("The published results of contests run on the platform."),
    update_rule=LIVE,
    updated=AWARDS.updated,
    json_key="grants",
    json_package=giving_package,
    json_object=giving_object,
    notes=(
        _(
            "Identifiers start with the prefix set in OPENDATA_360GIVING_PREFIX; the default is a placeholder until "
            "the publisher registers its own prefix with 360Giving."
        ),
        _(
            "Not in the standard's fields: the score and place in the ranking, the nomination, the application's "
            "number and the recipient's OGRN (the standard's company number is the UK register's). They are in the "
            "“Contest awards” dataset."
        ),
    ),
)


GRANTS: tuple[Dataset, ...] = (CONTESTS, AWARDS, AWARDS_360GIVING)
