from django.db.models import QuerySet

from .models import Region


def region_list_with_counts() -> QuerySet[Region]:
    return Region.objects.filter(country__code="RU").order_by("name_ru")
