"""The practice bank's forms, and the one place the web pages, the API, the exports and the feed search the bank
through (`practice_browse`).

Forms parse and check input; the services (services.py) decide and write, and their errors are put back beside
the fields they are about (`add_service_errors`)."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from importlib import import_module
from typing import Any

from django import forms
from django.db.models import Count, Prefetch, Q, QuerySet, prefetch_related_objects
from django.utils.functional import Promise
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from localbridge.core.files import DOCUMENT_TYPES, IMAGE_TYPES, validate_upload
from localbridge.core.search import search_parse
from localbridge.organizations.models import PUBLIC_STATUSES, Organization, OrganizationKind
from localbridge.territories.models import Country, Municipality, Region

from . import selectors
from .models import (
    PRACTICE_LANGUAGES,
    FigureKind,
    MoneySource,
    Practice,
    PracticeOrganization,
    PracticeOrganizationRole,
    Topic,
)
from .rules import ADOPTER_ROLES, signed_in

# A query longer than this is cut before it is parsed (the search uses only its first words anyway).
QUERY_MAX_CHARS = 1000
# How many values each facet offers (the chosen one is always among them).
FACET_LIMIT = 50
FACETS = ("topic", "country", "region", "municipality", "organization_kind", "year", "language", "recommended")
LANGUAGE_NAMES: dict[str, Any] = dict(PRACTICE_LANGUAGES)


# --- searching the bank ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int


@dataclass
class PracticeQuery:
    """What the list page, the API, the export and the feed filter published practices by. Every facet takes one
    value (codes: topic code, ISO country and region codes, municipality id, organisation kind, year, ISO 639-1
    language; `recommended` True for the recommended ones only)."""

    q: str = ""
    topic: str | None = None
    country: str | None = None
    region: str | None = None
    municipality: int | None = None
    organization_kind: str | None = None
    year: int | None = None
    language: str | None = None
    recommended: bool | None = None

    def filters(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "q"}

    def params(self) -> dict[str, str]:
        """The query as URL parameters (for facet links and exports)."""
        params = {"q": self.q} if self.q else {}
        for name, value in self.filters().items():
            if value is None:
                continue
            params[name] = "1" if value is True else str(value)
        return params


@dataclass
class BrowseResult:
    items: list[Practice]  # each with `.snippet` (HTML, may be empty) and `.adoption_count`
    count: int
    count_exact: bool = True  # False: there are more than `count` results (the search stops counting)
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    facets_exact: bool = True  # False: facets were counted over the first matches only (lower bounds)
    messages: list[str] = field(default_factory=list)
    searched: bool = False  # a searchable query was given: the order is by relevance


def search_module() -> Any:
    """practices.search (the search integration), or None when it is not installed: the pages then fall back to a
    plain filtered list."""
    try:
        return import_module("localbridge.practices.search")
    except ImportError:
        return None


def _label(value: Any) -> str:
    return str(value) if isinstance(value, Promise) else ("" if value is None else str(value))


def _localized(name_ru: str, name_en: str | None) -> str:
    """A name in the active language, Russian as fallback (as LocalizedNameMixin.name)."""
    return name_en if (get_language() or "ru").startswith("en") and name_en else name_ru


def _from_search(raw: Any) -> BrowseResult:
    """practices.search.practice_search's PracticeSearchResult as a BrowseResult."""
    items = []
    for hit in raw.items:
        practice = hit.practice
        practice.snippet = hit.snippet if raw.query.strip() else SafeString("")  # type: ignore[attr-defined]
        items.append(practice)
    facets = {
        name: [FacetValue(_label(v.value), _label(v.label), int(v.count)) for v in values]
        for name, values in (raw.facets or {}).items()
    }
    return BrowseResult(
        items=items,
        count=int(raw.count),
        count_exact=bool(getattr(raw, "count_exact", True)),
        facets=facets,
        facets_exact=bool(getattr(raw, "facets_exact", True)),
        messages=[raw.message] if getattr(raw, "message", "") else [],
    )


def _search(module: Any, q: str, *, limit: int, offset: int, facets: bool, filters: dict[str, Any]) -> BrowseResult:
    """practice_search pages by (page, per_page); a window [offset, offset + limit) that does not start a page is
    cut from the two pages of `limit` that cover it."""
    limit = max(1, min(limit, module.MAX_PER_PAGE))
    first = offset // limit + 1
    result = _from_search(module.practice_search(q=q, page=first, per_page=limit, facets=facets, **filters))
    start = offset % limit
    if start:
        following = _from_search(module.practice_search(q=q, page=first + 1, per_page=limit, facets=False, **filters))
        result.items = (result.items + following.items)[start : start + limit]
    return result


def _filtered(query: PracticeQuery) -> QuerySet[Practice]:
    """Published practices with the facets of `query` applied (the fallback's base set)."""
    practices = selectors.practice_visible_to(None)
    if query.topic:
        practices = practices.filter(pk__in=Topic.objects.filter(code=query.topic).values("practices"))
    if query.country:
        practices = practices.filter(country__code=query.country)
    if query.region:
        practices = practices.filter(region__code=query.region)
    if query.municipality:
        practices = practices.filter(municipality_id=query.municipality)
    if query.organization_kind:
        authored = PracticeOrganization.objects.filter(organization__kind=query.organization_kind).values("practice_id")
        practices = practices.filter(pk__in=authored)
    if query.year:
        practices = practices.filter(year=query.year)
    if query.language:
        practices = practices.filter(language=query.language)
    if query.recommended:
        practices = practices.filter(is_recommended=True)
    if query.q:
        words = [w.strip("\"'«»()[]{}*.,;:!?") for w in query.q.split()][:12]
        for word in words:
            if word:
                practices = practices.filter(Q(title__icontains=word) | Q(summary__icontains=word))
    return practices


def _fallback_facets(practices: QuerySet[Practice]) -> dict[str, list[FacetValue]]:
    """Facet counts over `practices` (one aggregate query per facet, whatever the number of practices)."""
    base = practices.order_by()
    ids = base.values("pk")
    facets: dict[str, list[FacetValue]] = {}
    topics = Topic.objects.filter(practices__in=ids).annotate(n=Count("practices")).order_by("-n", "position", "pk")
    facets["topic"] = [FacetValue(t.code, t.name, t.n) for t in topics[:FACET_LIMIT]]  # type: ignore[attr-defined]
    countries = dict(base.exclude(country=None).values_list("country_id").annotate(n=Count("pk")))
    facets["country"] = sorted(
        (FacetValue(c.code, c.name, countries[c.pk]) for c in Country.objects.filter(pk__in=list(countries))),
        key=lambda v: (-v.count, v.label),
    )[:FACET_LIMIT]
    regions = dict(base.exclude(region=None).values_list("region_id").annotate(n=Count("pk")))
    facets["region"] = sorted(
        (FacetValue(r.code, r.name, regions[r.pk]) for r in Region.objects.filter(pk__in=list(regions))),
        key=lambda v: (-v.count, v.label),
    )[:FACET_LIMIT]
    rows = (
        base.exclude(municipality=None)
        .values("municipality_id", "municipality__name_ru", "municipality__name_en")
        .annotate(n=Count("pk"))
        .order_by("-n", "municipality__name_ru")[:FACET_LIMIT]
    )
    facets["municipality"] = [
        FacetValue(
            str(row["municipality_id"]),
            _localized(row["municipality__name_ru"], row["municipality__name_en"]),
            row["n"],
        )
        for row in rows
    ]
    kinds = (
        PracticeOrganization.objects.filter(practice_id__in=ids)
        .values("organization__kind")
        .annotate(n=Count("practice_id", distinct=True))
        .order_by("-n", "organization__kind")
    )
    kind_labels = dict(OrganizationKind.choices)
    facets["organization_kind"] = [
        FacetValue(row["organization__kind"], _label(kind_labels.get(row["organization__kind"])), row["n"])
        for row in kinds
    ]
    years = base.exclude(year=None).values("year").annotate(n=Count("pk")).order_by("-year")[:FACET_LIMIT]
    facets["year"] = [FacetValue(str(row["year"]), str(row["year"]), row["n"]) for row in years]
    languages = base.values("language").annotate(n=Count("pk")).order_by("-n", "language")
    facets["language"] = [
        FacetValue(row["language"], _label(LANGUAGE_NAMES.get(row["language"], row["language"])), row["n"])
        for row in languages
    ]
    recommended = base.filter(is_recommended=True).count()
    facets["recommended"] = [FacetValue("1", gettext("Recommended"), recommended)] if recommended else []
    return facets


def _fallback(query: PracticeQuery, *, limit: int, offset: int, facets: bool) -> BrowseResult:
    practices = _filtered(query)
    page_ids = list(practices.order_by("-published_at", "-pk").values_list("pk", flat=True)[offset : offset + limit])
    result = BrowseResult(
        items=practices_by_ids(page_ids),
        count=practices.count(),
        facets=_fallback_facets(practices) if facets else {},
    )
    for practice in result.items:
        practice.snippet = SafeString("")  # type: ignore[attr-defined]
    return result


def query_messages(q: str) -> tuple[str, list[str]]:
    """The query the search will run (empty when nothing in it is searchable) and what to tell the user."""
    q = (q or "").strip()
    if not q:
        return "", []
    parsed = search_parse(q[:QUERY_MAX_CHARS])
    if parsed.is_empty:
        return "", [
            gettext(
                "There are no words to search for in your query, so all practices are shown. Type a word or two "
                "from a practice, for example “двор” or “побратимы”."
            )
        ]
    messages = []
    if parsed.truncated or len(q) > QUERY_MAX_CHARS:
        messages.append(gettext("Your query is very long: only its first words were searched for."))
    return q[:QUERY_MAX_CHARS], messages


def practice_browse(
    query: PracticeQuery, *, user: Any = None, limit: int = 20, offset: int = 0, facets: bool = True
) -> BrowseResult:
    """Published practices matching `query`, for the list page, the API, the exports and the feed alike: by
    relevance with highlighted snippets when `query.q` has words to search for, else the latest published first;
    with facet counts over the matches and messages about the query. Never raises on what the user typed; a query
    with nothing searchable in it (punctuation, operators) is set aside with a message.

    The search is practices.search.practice_search (the search integration); without it, a plain filtered list
    (substring match on title and summary) with facet counts. `user` is passed on (the bank's search shows the
    same published practices to everyone). At most 100 items a call."""
    q, messages = query_messages(query.q)
    query = PracticeQuery(**{**query.filters(), "q": q})
    limit = max(1, min(int(limit), 100))
    offset = max(0, int(offset))
    module = search_module()
    if module is not None:
        result = _search(module, q, limit=limit, offset=offset, facets=facets, filters=query.filters())
        prefetch_related_objects(result.items, "organization_links__organization")
    else:
        result = _fallback(query, limit=limit, offset=offset, facets=facets)
        if q and not result.count:
            result.messages.append(gettext("Nothing found. Try other words or fewer filters."))
    result.messages = messages + [m for m in result.messages if m not in messages]
    result.searched = bool(q)
    for name in FACETS:
        result.facets.setdefault(name, [])
    counts = selectors.adoption_counts([p.pk for p in result.items]) if result.items else {}
    for practice in result.items:
        practice.adoption_count = counts.get(practice.pk, 0)  # type: ignore[attr-defined]
    return result


def practices_by_ids(ids: Sequence[int]) -> list[Practice]:
    """The practices with these ids, in this order, with what a list row shows (three queries)."""
    if not ids:
        return []
    rows = (
        Practice.objects.filter(pk__in=list(ids))
        .select_related(*selectors.LIST_RELATED)
        .prefetch_related(
            Prefetch("topics", queryset=Topic.objects.order_by("position", "pk")), "organization_links__organization"
        )
    )
    by_id = {p.pk: p for p in rows}
    return [by_id[pk] for pk in ids if pk in by_id]


def _int(value: Any) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


class PracticeFilterForm(forms.Form):
    """The list page's search box and facets, read from the query string. A facet value the bank does not know is
    reported beside the field and ignored."""

    q = forms.CharField(label=_("Search the practices"), required=False, strip=True)
    topic = forms.SlugField(required=False)
    country = forms.RegexField(regex=r"^[A-Za-z]{2}$", required=False)
    region = forms.RegexField(regex=r"^[A-Za-z]{2}-[A-Za-z0-9]{1,3}$", required=False)
    municipality = forms.IntegerField(required=False, min_value=1)
    organization_kind = forms.ChoiceField(required=False, choices=[("", ""), *OrganizationKind.choices])
    year = forms.IntegerField(required=False, min_value=1900, max_value=2100)
    language = forms.ChoiceField(required=False, choices=[("", ""), *PRACTICE_LANGUAGES])
    recommended = forms.BooleanField(required=False)

    def query(self) -> PracticeQuery:
        """The valid part of the filter (the query text is never invalid: it is cut when too long)."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        raw_q = str(self.data.get("q") or "")
        return PracticeQuery(
            q=raw_q.strip()[:QUERY_MAX_CHARS],
            topic=cleaned.get("topic") or None,
            country=(cleaned.get("country") or "").upper() or None,
            region=(cleaned.get("region") or "").upper() or None,
            municipality=cleaned.get("municipality"),
            organization_kind=cleaned.get("organization_kind") or None,
            year=cleaned.get("year"),
            language=cleaned.get("language") or None,
            recommended=True if cleaned.get("recommended") else None,
        )


# --- writing a practice -----------------------------------------------------------------------------------------


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class OrganizationChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Organization) -> str:
        return obj.display_name


class TopicChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Topic) -> str:
        return obj.name


_SECTIONS: list[tuple[Any, list[str]]] = [
    (_("The practice"), ["title", "summary", "language"]),
    (_("The story"), ["problem", "actions", "results", "resources", "partners"]),
    (_("When"), ["started_on", "ended_on", "start_year", "end_year"]),
    (_("Where"), ["country", "region", "municipality"]),
    (_("Who did it"), ["organizations"]),
    (_("Topics and tags"), ["topics", "tags"]),
    (_("Photos and documents"), ["attachments"]),
]
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PracticeForm(forms.Form):
    """A practice's text, period, territory, organisations, topics, tags and new files. The municipality list
    follows the chosen region: with JavaScript, htmx swaps it in on change; without, the "Show the
    municipalities" button reloads the form."""

    title = forms.CharField(label=_("Title"), max_length=300)
    summary = forms.CharField(
        label=_("Short summary"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Two or three sentences: what was done, where, with what result."),
    )
    language = forms.ChoiceField(label=_("Language of the text"), choices=PRACTICE_LANGUAGES, initial="ru")
    problem = forms.CharField(
        label=_("The problem"), required=False, widget=forms.Textarea(attrs={"rows": 5}), help_text=_("Markdown")
    )
    actions = forms.CharField(
        label=_("What was done"), required=False, widget=forms.Textarea(attrs={"rows": 8}), help_text=_("Markdown")
    )
    results = forms.CharField(
        label=_("Results"), required=False, widget=forms.Textarea(attrs={"rows": 5}), help_text=_("Markdown")
    )
    resources = forms.CharField(
        label=_("Resources needed"), required=False, widget=forms.Textarea(attrs={"rows": 4}), help_text=_("Markdown")
    )
    partners = forms.CharField(
        label=_("Partners"), required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text=_("Markdown")
    )
    started_on = forms.DateField(label=_("Started on"), required=False, widget=DATE_INPUT)
    ended_on = forms.DateField(label=_("Ended on"), required=False, widget=DATE_INPUT)
    start_year = forms.IntegerField(
        label=_("Start year"), required=False, help_text=_("When the exact date is not known")
    )
    end_year = forms.IntegerField(label=_("End year"), required=False)
    country = forms.ModelChoiceField(
        label=_("Country"), queryset=Country.objects.none(), required=False, empty_label=_("— choose the country —")
    )
    region = forms.ModelChoiceField(
        label=_("Region"),
        queryset=Region.objects.none(),
        required=False,
        empty_label=_("— choose the region —"),
    )
    municipality = forms.ModelChoiceField(
        label=_("Municipality"),
        queryset=Municipality.objects.none(),
        required=False,
        empty_label=_("— choose the municipality —"),
    )
    organizations = OrganizationChoiceField(
        label=_("Organisations that did it"),
        queryset=Organization.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Organisations you belong to"),
    )
    topics = TopicChoiceField(
        label=_("Topics"),
        queryset=Topic.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("One to five"),
    )
    tags = forms.CharField(
        label=_("Tags"), required=False, max_length=2000, help_text=_("Separated by commas, e.g. двор, субботник")
    )
    attachments = MultipleFileField(
        label=_("Add photos and documents"),
        required=False,
        help_text=_("Photos: JPG, PNG or WEBP; documents: PDF, DOC, DOCX or ODT"),
    )

    def __init__(
        self, *args: Any, user: Any, practice: Practice | None = None, htmx_url: str = "", **kwargs: Any
    ) -> None:
        self.user = user
        self.practice = practice
        if practice is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_for(practice)
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = Country.objects.order_by("name_ru")  # type: ignore[attr-defined]
        self.fields["region"].queryset = Region.objects.order_by("country__code", "name_ru")  # type: ignore[attr-defined]
        region_id = _int(self._value("region"))
        municipality_id = _int(self._value("municipality"))
        if region_id is None and municipality_id is not None:
            region_id = Municipality.objects.filter(pk=municipality_id).values_list("region_id", flat=True).first()
            self.initial["region"] = region_id
        municipalities = Municipality.objects.filter(region_id=region_id) if region_id is not None else None
        if municipalities is None and municipality_id is not None:
            municipalities = Municipality.objects.filter(pk=municipality_id)
        if municipalities is not None:
            self.fields["municipality"].queryset = municipalities.order_by("name_ru")  # type: ignore[attr-defined]
        linked = (
            PracticeOrganization.objects.filter(practice=practice, role=PracticeOrganizationRole.AUTHOR).values(
                "organization_id"
            )
            if practice is not None
            else PracticeOrganization.objects.none().values("organization_id")
        )
        own = Organization.objects.filter(
            memberships__user=user if signed_in(user) else None,
            memberships__is_active=True,
            memberships__role__in=ADOPTER_ROLES,
        ).values("pk")
        self.fields["organizations"].queryset = Organization.objects.filter(  # type: ignore[attr-defined]
            Q(pk__in=own) | Q(pk__in=linked)
        ).order_by("name")
        current_topics = practice.topics.values("pk") if practice is not None else Topic.objects.none().values("pk")
        self.fields["topics"].queryset = Topic.objects.filter(  # type: ignore[attr-defined]
            Q(is_active=True) | Q(pk__in=current_topics)
        ).order_by("position", "pk")
        if htmx_url:
            self.fields["region"].widget.attrs.update(
                {
                    "hx-get": htmx_url,
                    "hx-trigger": "change",
                    "hx-include": "#id_region",
                    "hx-target": "#practice-place",
                    "hx-swap": "outerHTML",
                    "hx-vals": '{"partial": "place"}',
                }
            )

    def _value(self, name: str) -> Any:
        if self.is_bound:
            return self.data.get(name)
        value = self.initial.get(name)
        return getattr(value, "pk", value)

    @staticmethod
    def initial_for(practice: Practice) -> dict[str, Any]:
        initial: dict[str, Any] = {
            name: getattr(practice, name)
            for name in (
                "title",
                "summary",
                "language",
                "problem",
                "actions",
                "results",
                "resources",
                "partners",
                "started_on",
                "ended_on",
                "start_year",
                "end_year",
            )
        }
        initial["country"] = practice.country_id
        initial["region"] = practice.region_id
        initial["municipality"] = practice.municipality_id
        initial["organizations"] = [
            link.organization_id
            for link in practice.organization_links.all()
            if link.role == PracticeOrganizationRole.AUTHOR
        ]
        initial["topics"] = [topic.pk for topic in practice.topics.all()]
        initial["tags"] = ", ".join(tag.name for tag in practice.tags.all())
        return initial

    def clean_attachments(self) -> list[Any]:
        uploads = self.cleaned_data.get("attachments") or []
        for upload in uploads:
            validate_upload(upload, {**IMAGE_TYPES, **DOCUMENT_TYPES})
        return uploads

    def sections(self) -> list[tuple[Any, list[forms.BoundField]]]:
        return [(title, [self[name] for name in names]) for title, names in _SECTIONS]

    def service_kwargs(self) -> dict[str, Any]:
        """The cleaned data as the keyword arguments of practice_create / practice_update."""
        data = self.cleaned_data
        kwargs = {
            name: data.get(name)
            for name in (
                "summary",
                "language",
                "problem",
                "actions",
                "results",
                "resources",
                "partners",
                "started_on",
                "ended_on",
                "start_year",
                "end_year",
                "country",
                "region",
                "municipality",
            )
        }
        kwargs["title"] = data.get("title", "")
        kwargs["organizations"] = list(data.get("organizations") or [])
        kwargs["topics"] = list(data.get("topics") or [])
        kwargs["tags"] = [t for t in (data.get("tags") or "").split(",") if t.strip()]
        return kwargs


class FigureForm(forms.Form):
    """One result in numbers. An empty row is skipped."""

    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("— kind —")), *FigureKind.choices], required=False)
    label = forms.CharField(label=_("What is counted"), max_length=200, required=False)
    value_before = forms.DecimalField(label=_("Before"), max_digits=18, decimal_places=2, required=False)
    value = forms.DecimalField(label=_("Value"), max_digits=18, decimal_places=2, required=False)
    unit = forms.CharField(label=_("Unit"), max_length=40, required=False)
    currency = forms.CharField(label=_("Currency"), max_length=3, required=False, help_text=_("e.g. RUB"))
    source = forms.ChoiceField(
        label=_("Source of money"), choices=[("", _("— not money —")), *MoneySource.choices], required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        filled = any(data.get(name) not in (None, "") for name in self.fields if name != "DELETE")
        if filled and not data.get("DELETE"):
            if not data.get("kind"):
                self.add_error("kind", _("Choose what the figure counts."))
            if data.get("value") is None:
                self.add_error("value", _("Give the value."))
        return data

    def figure(self) -> dict[str, Any] | None:
        data = getattr(self, "cleaned_data", {})
        if not data or data.get("DELETE") or not data.get("kind"):
            return None
        return {
            "kind": data["kind"],
            "label": data.get("label") or "",
            "value": data.get("value"),
            "value_before": data.get("value_before"),
            "unit": data.get("unit") or "",
            "currency": (data.get("currency") or "").upper(),
            "source": data.get("source") or "",
        }


FigureFormSet = forms.formset_factory(FigureForm, extra=3, can_delete=True, max_num=50, validate_max=True)


def figure_initial(practice: Practice | None) -> list[dict[str, Any]]:
    if practice is None:
        return []
    return [
        {
            "kind": f.kind,
            "label": f.label,
            "value_before": f.value_before,
            "value": f.value,
            "unit": f.unit,
            "currency": f.currency,
            "source": f.source,
        }
        for f in practice.figures.all()
    ]


def formset_figures(formset: Any) -> list[dict[str, Any]]:
    return [figure for form in formset.forms if (figure := form.figure()) is not None]


# --- moderation and adoption ------------------------------------------------------------------------------------


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class RecommendForm(forms.Form):
    note = forms.CharField(
        label=_("Why it is recommended"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


def adopting_organizations(user: Any, practice: Practice) -> QuerySet[Organization]:
    """The organisations in the public registry `user` may record an adoption for: those where they hold an active
    chair, staff or member role, that are not behind the practice and have not recorded adopting it already."""
    if not signed_in(user):
        return Organization.objects.none()
    own = Organization.objects.filter(
        memberships__user=user, memberships__is_active=True, memberships__role__in=ADOPTER_ROLES
    ).values("pk")
    return (
        Organization.objects.filter(pk__in=own, status__in=PUBLIC_STATUSES)
        .exclude(pk__in=PracticeOrganization.objects.filter(practice=practice).values("organization_id"))
        .exclude(pk__in=practice.adoptions.values("organization_id"))
        .order_by("name")
    )


class OrganizationSelect(forms.ModelChoiceField):
    def label_from_instance(self, obj: Organization) -> str:
        return obj.display_name


class AdoptionForm(forms.Form):
    """ "We adopted this": which organisation, when, with what adaptation and result. Where: the organisation's
    own municipality (the API takes another)."""

    organization = OrganizationSelect(
        label=_("Our organisation"), queryset=Organization.objects.none(), empty_label=None
    )
    adopted_on = forms.DateField(label=_("Adopted on"), widget=DATE_INPUT)
    adaptation = forms.CharField(
        label=_("What we changed"), required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text=_("Markdown")
    )
    result = forms.CharField(
        label=_("What came of it"), required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text=_("Markdown")
    )

    def __init__(self, *args: Any, organizations: Iterable[Organization] | QuerySet[Organization], **kwargs: Any):
        super().__init__(*args, **kwargs)
        field: Any = self.fields["organization"]
        field.queryset = organizations
