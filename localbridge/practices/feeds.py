"""The Atom feed of newly published practices, for municipal and association sites to embed:
/practices/feed/, optionally narrowed with ?topic=<code> and/or ?region=<ISO 3166-2 code>."""

import re
from datetime import datetime
from typing import Any

from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from .forms import PracticeQuery, practice_browse
from .models import Practice, PracticeOrganizationRole

FEED_SIZE = 50
_TOPIC_RE = re.compile(r"^[-a-zA-Z0-9_]{1,64}$")
_REGION_RE = re.compile(r"^[A-Za-z]{2}-[A-Za-z0-9]{1,3}$")


class PracticeFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> PracticeQuery:
        topic = request.GET.get("topic", "").strip()
        region = request.GET.get("region", "").strip()
        return PracticeQuery(
            topic=topic if _TOPIC_RE.match(topic) else None,
            region=region.upper() if _REGION_RE.match(region) else None,
        )

    def title(self, obj: PracticeQuery) -> str:
        return _("LocalBridge: new practices")

    def subtitle(self, obj: PracticeQuery) -> str:
        return _("Newly published practices of local self-government in the LocalBridge practice bank.")

    def link(self, obj: PracticeQuery) -> str:
        params = obj.params()
        return reverse("practices:list") + (f"?{urlencode(params)}" if params else "")

    def feed_url(self, obj: PracticeQuery) -> str:
        params = obj.params()
        return reverse("practices:feed") + (f"?{urlencode(params)}" if params else "")

    def items(self, obj: PracticeQuery) -> list[Practice]:
        return practice_browse(obj, limit=FEED_SIZE, offset=0, facets=False).items

    def item_title(self, item: Practice) -> str:
        return item.title

    def item_description(self, item: Practice) -> str:
        return escape(item.summary)

    def item_link(self, item: Practice) -> str:
        return reverse("practices:detail", args=[item.pk])

    def item_pubdate(self, item: Practice) -> datetime | None:
        return item.published_at

    def item_updateddate(self, item: Practice) -> datetime | None:
        return item.updated_at

    def item_categories(self, item: Practice) -> list[str]:
        return [topic.name for topic in item.topics.all()]

    def item_author_name(self, item: Practice) -> str | None:
        authors = [
            link.organization.display_name
            for link in item.organization_links.all()
            if link.role == PracticeOrganizationRole.AUTHOR
        ]
        return ", ".join(authors) or None
