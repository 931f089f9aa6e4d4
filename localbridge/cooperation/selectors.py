"""Reads of cooperation: agreements, the network, and partner suggestions (with the finder's index)."""

from __future__ import annotations

import threading
from typing import Any

from django.db.models import Count, F, Max, Q, QuerySet
from django.utils.translation import get_language

from localbridge.organizations.models import Organization
from localbridge.territories import selectors as territory_selectors
from localbridge.territories.models import Country, Municipality

from . import finder
from .models import (
    CONCLUDED_STATUSES,
    Agreement,
    AgreementParty,
    CooperationArea,
    MunicipalityInterest,
    TwinLink,
)
from .rules import ACTING_ROLES


def agreement_list() -> QuerySet[Agreement]:
    return Agreement.objects.prefetch_related(
        "parties__municipality__country", "parties__organization", "areas"
    ).order_by("-created_at", "-pk")


def agreement_visible_to(user: Any) -> QuerySet[Agreement]:
    """Concluded agreements, and for a signed-in user also those to which they act for a party (the SQL twin of
    the "cooperation.view_agreement" rule)."""
    agreements = agreement_list()
    if user is not None and getattr(user, "is_authenticated", False) and (user.is_staff or user.is_superuser):
        return agreements
    visible = Q(status__in=CONCLUDED_STATUSES)
    if user is not None and getattr(user, "is_authenticated", False):
        visible |= Q(
            parties__municipality__organizations__memberships__user=user,
            parties__municipality__organizations__memberships__is_active=True,
            parties__municipality__organizations__memberships__role="staff",
            parties__municipality__organizations__kind="administration",
        ) | Q(
            parties__organization__memberships__user=user,
            parties__organization__memberships__is_active=True,
            parties__organization__memberships__role__in=ACTING_ROLES,
        )
    return agreements.filter(pk__in=Agreement.objects.filter(visible).values("pk"))


def agreement_get(*, id: int) -> Agreement:
    return agreement_list().prefetch_related("documents", "reports").get(pk=id)


def cooperation_areas() -> QuerySet[CooperationArea]:
    return CooperationArea.objects.all()


def partner_ids(*, municipality_id: int) -> set[int]:
    links = TwinLink.objects.filter(Q(municipality_a_id=municipality_id) | Q(municipality_b_id=municipality_id))
    return {b if a == municipality_id else a for a, b in links.values_list("municipality_a_id", "municipality_b_id")}


def network_exists() -> bool:
    """Whether the twin-city network has any link (load_demo imports the real one only into an empty network)."""
    return TwinLink.objects.exists()


# --- the partner finder's index -----------------------------------------------------------------------------

_lock = threading.Lock()
_cached: dict[str, tuple[tuple[Any, ...], finder.Index]] = {}


def finder_invalidate() -> None:
    """Drop the index of this process (services call it after a change to the network or the interests)."""
    with _lock:
        _cached.clear()


def _fingerprint() -> tuple[Any, ...]:
    """A cheap summary that changes whenever a municipality or a link is added or removed, or an interest is
    edited, so that other processes (which `finder_invalidate` does not reach) rebuild their index too."""
    municipalities = Municipality.objects.aggregate(n=Count("pk"), last=Max("pk"))
    links = TwinLink.objects.aggregate(n=Count("pk"), last=Max("pk"))
    interests = MunicipalityInterest.objects.aggregate(n=Count("pk"), last=Max("updated_at"))
    return (*municipalities.values(), *links.values(), *interests.values())


def _build(language: str) -> finder.Index:
    english = language.startswith("en")
    countries = {
        code: (name_en or name_ru) if english else name_ru
        for code, name_ru, name_en in Country.objects.values_list("code", "name_ru", "name_en")
    }
    rows = Municipality.objects.order_by("pk").values_list(
        "pk", "name_ru", "name_en", "country__code", "kind", "population", "latitude", "longitude"
    )
    interests: dict[int, set[str]] = {}
    for municipality_id, code in MunicipalityInterest.objects.filter(areas__isnull=False).values_list(
        "municipality_id", "areas__code"
    ):
        interests.setdefault(municipality_id, set()).add(code)
    areas = {
        code: (name_en or name_ru) if english else name_ru
        for code, name_ru, name_en in CooperationArea.objects.values_list("code", "name_ru", "name_en")
    }
    return finder.Index.build(
        (
            (pk, ((name_en or name_ru) if english else name_ru), name_en, country, kind, population, lat, lon)
            for pk, name_ru, name_en, country, kind, population, lat, lon in rows.iterator(chunk_size=5000)
        ),
        TwinLink.objects.values_list("municipality_a_id", "municipality_b_id").iterator(chunk_size=10000),
        interests={pk: frozenset(codes) for pk, codes in interests.items()},
        area_names=areas,
        country_names=countries,
    )


def partner_index() -> finder.Index:
    """The finder's index for the active language: built once per process, rebuilt when the data changed."""
    language = (get_language() or "ru")[:2]
    fingerprint = _fingerprint()
    with _lock:
        cached = _cached.get(language)
        if cached is not None and cached[0] == fingerprint:
            return cached[1]
    index = _build(language)
    with _lock:
        _cached[language] = (fingerprint, index)
    return index


def partner_suggestions(
    *,
    municipality_id: int,
    limit: int = 10,
    filters: finder.Filters | None = None,
    border_km: float = finder.BORDER_KM,
) -> list[finder.Suggestion]:
    return finder.suggest(partner_index(), municipality_id, limit=limit, filters=filters, border_km=border_km)


def municipality_find(*, name: str, country: str) -> list[Municipality]:
    """Municipalities called exactly `name` (Russian or English, case-insensitive) in the country given by its
    ISO alpha-2 code or by the twin-city file's English country name."""
    from .importing import country_code

    code = country.upper() if len(country) == 2 else country_code(country)
    if code is None:
        return []
    wanted = name.strip().casefold()
    candidates = Municipality.objects.filter(country__code=code).filter(
        Q(name_ru__iexact=name.strip()) | Q(name_en__iexact=name.strip()) | Q(search_name__contains=wanted)
    )
    return [m for m in candidates.select_related("country") if wanted in (m.name_ru.casefold(), m.name_en.casefold())]


# --- the pages' reads ------------------------------------------------------------------------------------------


def agreement_filter(
    agreements: QuerySet[Agreement], *, kind: str = "", status: str = "", country: str = "", area: str = ""
) -> QuerySet[Agreement]:
    """Narrow a list of agreements by kind, status, a party's country (alpha-2) and an area of cooperation."""
    if kind:
        agreements = agreements.filter(kind=kind)
    if status:
        agreements = agreements.filter(status=status)
    if country:
        parties = AgreementParty.objects.filter(
            Q(municipality__country__code=country) | Q(organization__country__code=country)
        )
        agreements = agreements.filter(pk__in=parties.values("agreement_id"))
    if area:
        agreements = agreements.filter(pk__in=Agreement.objects.filter(areas__code=area).values("pk"))
    return agreements


def country_choices() -> list[tuple[str, str]]:
    return [(c.code, c.name) for c in Country.objects.order_by("name_ru")]


def associations() -> QuerySet[Organization]:
    return Organization.objects.filter(kind__startswith="association").order_by("name")


def municipality_get(*, id: int) -> Municipality:
    return Municipality.objects.select_related("country", "region").get(pk=id)


def municipality_partners(*, municipality_id: int) -> list[tuple[Municipality, TwinLink]]:
    """The municipality's partners in the network with the link (its source), by country and name."""
    links = list(
        TwinLink.objects.filter(
            Q(municipality_a_id=municipality_id) | Q(municipality_b_id=municipality_id)
        ).select_related("municipality_a__country", "municipality_b__country")
    )
    partners = [
        (link.municipality_b if link.municipality_a_id == municipality_id else link.municipality_a, link)
        for link in links
    ]
    return sorted(partners, key=lambda pair: (pair[0].country.name, pair[0].name))


def municipality_search(*, query: str, limit: int = 20) -> list[Municipality]:
    """Municipalities of any country whose Russian or English name contains `query`, the most populous first."""
    query = query.strip()
    if not query:
        return []
    found = territory_selectors.municipality_list(q=query).order_by(F("population").desc(nulls_last=True), "pk")
    return list(found[:limit])
