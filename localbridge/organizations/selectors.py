from django.db.models import Count, Q

from .models import PUBLIC_STATUSES, Organization, OrganizationKind


def registry_stats() -> dict[str, int]:
    return Organization.objects.filter(status__in=PUBLIC_STATUSES).aggregate(
        organizations=Count("pk"),
        tos=Count("pk", filter=Q(kind=OrganizationKind.TOS)),
        tos_legal=Count("pk", filter=Q(kind=OrganizationKind.TOS, is_legal_entity=True)),
    )
