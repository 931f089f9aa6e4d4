"""Reads of the practice bank, except full-text search (which lives with the search integration). Who may see
what is decided here in SQL, never by a loop over rows, with the same rule as rules.view_practice:

- published practices are seen by everyone;
- the others by their author, by active members (any role) of the organisations linked to them (authors and
  partners), and by the bank's moderators (Django staff, superusers, and "moderator" members of a national or
  international association), who see everything.
"""

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, F, FloatField, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce
from django.http import Http404

from localbridge.core.audit import audit_history
from localbridge.core.models import AuditEntry
from localbridge.organizations.models import PUBLIC_STATUSES, Membership, Organization

from .models import (
    Adoption,
    FigureKind,
    Practice,
    PracticeFigure,
    PracticeOrganization,
    PracticeStatus,
    Topic,
)
from .rules import EDITOR_ROLES, curator_memberships, signed_in

# What a list row shows, fetched with the practice in one query.
LIST_RELATED = ("country", "region", "municipality")


def _organization_links() -> Prefetch:
    return Prefetch(
        "organization_links",
        queryset=PracticeOrganization.objects.select_related("organization").order_by("role", "position", "pk"),
    )


def practice_visible_to(user: Any) -> QuerySet[Practice]:
    """Every practice `user` may see (anonymous users pass None or an AnonymousUser). Lazy: no query is run
    until the caller evaluates it (the moderator check is a subquery of the same SQL)."""
    practices = Practice.objects.all()
    published = Q(status=PracticeStatus.PUBLISHED)
    if not signed_in(user):
        return practices.filter(published)
    if user.is_staff or user.is_superuser:
        return practices
    member_of = Membership.objects.filter(user=user, is_active=True).values("organization_id")
    linked = PracticeOrganization.objects.filter(organization_id__in=member_of).values("practice_id")
    return practices.filter(published | Q(author=user) | Q(pk__in=linked) | Q(Exists(curator_memberships(user))))


def practice_get(*, pk: int, user: Any) -> Practice:
    """One practice with everything its page shows (territory, author, topics, tags, organisations, figures,
    attachments: six queries), or Http404 when `user` may not see it."""
    practice = (
        practice_visible_to(user)
        .select_related("country", "region", "municipality", "author", "recommended_by")
        .prefetch_related(
            Prefetch("topics", queryset=Topic.objects.order_by("position", "pk")),
            "tags",
            _organization_links(),
            "figures",
            "attachments",
        )
        .filter(pk=pk)
        .first()
    )
    if practice is None:
        raise Http404
    return practice


def practice_list_for_moderation(*, status: str | Iterable[str] = PracticeStatus.ON_MODERATION) -> QuerySet[Practice]:
    """The moderators' queue: practices in `status` (on moderation by default), the longest waiting first, with
    their territory, author, topics and organisations (three queries for any length). The caller checks the
    `practices.moderation_queue` permission."""
    statuses = [status] if isinstance(status, str) else list(status)
    return (
        Practice.objects.filter(status__in=statuses)
        .select_related(*LIST_RELATED, "author")
        .prefetch_related(Prefetch("topics", queryset=Topic.objects.order_by("position", "pk")), _organization_links())
        .order_by(F("submitted_at").asc(nulls_last=True), "pk")
    )


def practice_list_mine(*, user: Any) -> QuerySet[Practice]:
    """Practices `user` may edit or follow as their own: those they wrote and those of organisations where they
    are chair or staff, in any status, the last changed first."""
    if not signed_in(user):
        return Practice.objects.none()
    led = Membership.objects.filter(user=user, is_active=True, role__in=EDITOR_ROLES).values("organization_id")
    linked = PracticeOrganization.objects.filter(organization_id__in=led).values("practice_id")
    return (
        Practice.objects.filter(Q(author=user) | Q(pk__in=linked))
        .select_related(*LIST_RELATED)
        .prefetch_related(Prefetch("topics", queryset=Topic.objects.order_by("position", "pk")))
        .order_by("-updated_at", "-pk")
    )


def practice_history(*, practice: Practice) -> QuerySet[AuditEntry]:
    """Every recorded move and change of the practice, oldest first, with who made it."""
    return audit_history(obj=practice)


def practice_organizations(*, practice: Practice) -> list[PracticeOrganization]:
    """The practice's organisation links (authors first), from the prefetch when practice_get loaded them."""
    return list(practice.organization_links.all())


def _located(adoptions: QuerySet[Adoption]) -> QuerySet[Adoption]:
    """Adoptions with the point they stand for on a map: the coordinates of the municipality where the practice
    was adopted, else of the adopting organisation's municipality (null when neither is known)."""
    return adoptions.annotate(
        latitude=Coalesce(
            F("municipality__latitude"), F("organization__municipality__latitude"), output_field=FloatField()
        ),
        longitude=Coalesce(
            F("municipality__longitude"), F("organization__municipality__longitude"), output_field=FloatField()
        ),
    )


def adoptions_for_practice(*, practice: Practice) -> QuerySet[Adoption]:
    """Where the practice spread: the adoptions by organisations in the public registry, the latest first, each
    with its organisation, its municipality and `latitude`/`longitude` (one query)."""
    return _located(
        Adoption.objects.filter(practice=practice, organization__status__in=PUBLIC_STATUSES)
        .select_related("organization", "organization__municipality", "municipality", "municipality__region")
        .order_by("-adopted_on", "-pk")
    )


def adoptions_by_organization(*, organization: Organization, user: Any = None) -> QuerySet[Adoption]:
    """What an organisation adopted: its adoptions of practices `user` may see, the latest first, with the
    practice and where it was adopted (one query)."""
    return (
        Adoption.objects.filter(organization=organization, practice__in=practice_visible_to(user).values("pk"))
        .select_related("practice", "practice__region", "practice__municipality", "municipality")
        .order_by("-adopted_on", "-pk")
    )


def adoption_get(*, pk: int, user: Any) -> Adoption:
    """One adoption of a practice `user` may see, or Http404."""
    adoption = (
        Adoption.objects.select_related("practice", "organization", "municipality", "created_by")
        .filter(pk=pk, practice__in=practice_visible_to(user).values("pk"))
        .first()
    )
    if adoption is None:
        raise Http404
    return adoption


def adoption_counts(practice_ids: Iterable[int]) -> dict[int, int]:
    """How many organisations adopted each of these practices (one query), for list rows and ranking."""
    rows = (
        Adoption.objects.filter(practice_id__in=list(practice_ids), organization__status__in=PUBLIC_STATUSES)
        .values("practice_id")
        .annotate(n=Count("pk"))
    )
    return {row["practice_id"]: row["n"] for row in rows}


def topic_list(*, include_inactive: bool = False) -> QuerySet[Topic]:
    """The taxonomy in its order (active topics only, unless asked)."""
    topics = Topic.objects.all()
    if not include_inactive:
        topics = topics.filter(is_active=True)
    return topics.order_by("position", "pk")


def topic_list_with_counts(*, include_inactive: bool = False) -> QuerySet[Topic]:
    """The taxonomy with `practice_count`, the number of published practices under each topic (one query)."""
    return topic_list(include_inactive=include_inactive).annotate(
        practice_count=Count("practices", filter=Q(practices__status=PracticeStatus.PUBLISHED))
    )


def topic_get(*, code: str) -> Topic:
    topic = Topic.objects.filter(code=code).first()
    if topic is None:
        raise Http404
    return topic


def money_by_currency(figures: Iterable[PracticeFigure]) -> dict[str, Decimal]:
    """The money figures of a practice summed per currency (no conversion between currencies)."""
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for figure in figures:
        if figure.kind == FigureKind.MONEY:
            totals[figure.currency] += figure.value
    return dict(totals)
