"""Indicator definitions and yearly values (computed by the platform, entered by a municipality, imported),
ratings of municipalities, and the open-data catalogue. See docs/indicators.md."""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from localbridge.core.i18n import LocalizedNameMixin
from localbridge.core.models import TimeStampedModel
from localbridge.territories.models import Country, Municipality, Region

MIN_YEAR = 1990
MAX_YEAR = 2100
# A value: up to 16 digits before the point and 4 after (money in roubles, shares with two decimals, counts).
VALUE_DIGITS = 20
VALUE_PLACES = 4


class Unit(models.TextChoices):
    COUNT = "count", _("units")
    PEOPLE = "people", _("people")
    PERCENT = "percent", _("%")
    RUB = "rub", _("roubles")
    RUB_PER_RESIDENT = "rub_per_resident", _("roubles per resident")
    PER_10000 = "per_10000", _("per 10,000 residents")
    SQ_M_PER_RESIDENT = "sq_m_per_resident", _("m² per resident")
    HOURS = "hours", _("hours")
    POINTS = "points", _("points")


class Better(models.TextChoices):
    HIGHER = "higher", _("higher is better")
    LOWER = "lower", _("lower is better")


class Periodicity(models.TextChoices):
    YEARLY = "yearly", _("yearly")


class Source(models.TextChoices):
    COMPUTED = "computed", _("computed by the platform")
    ENTERED = "entered", _("entered by the municipality")
    IMPORTED = "imported", _("imported by an operator")


class Group(models.TextChoices):
    """What an indicator is about: the sections of the catalogue and the dashboards."""

    TOS = "tos", _("ТОС")
    PRACTICES = "practices", _("best practices")
    CONTESTS = "contests", _("contests and grants")
    MONEY = "money", _("money of community projects")
    PROJECTS = "projects", _("projects")
    PARTICIPATION = "participation", _("residents' participation")
    COOPERATION = "cooperation", _("inter-municipal cooperation")
    EVENTS = "events", _("events and resolutions")
    SUPPORT = "support", _("support of ТОС and NGOs")
    EVALUATION = "evaluation", _("evaluation of local government")
    QUALITY_OF_LIFE = "quality_of_life", _("quality of life")


class IndicatorDefinition(LocalizedNameMixin, TimeStampedModel):
    """What is measured, in which unit, which way is better, where the numbers come from and how they are made."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    group = models.CharField(_("group"), max_length=24, choices=Group.choices)
    unit = models.CharField(_("unit"), max_length=24, choices=Unit.choices, default=Unit.COUNT)
    decimals = models.PositiveSmallIntegerField(
        _("decimal places shown"), default=0, validators=[MaxValueValidator(VALUE_PLACES)]
    )
    better = models.CharField(_("better"), max_length=8, choices=Better.choices, default=Better.HIGHER)
    periodicity = models.CharField(
        _("periodicity"), max_length=16, choices=Periodicity.choices, default=Periodicity.YEARLY
    )
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    methodology_ru = models.TextField(_("methodology (Russian)"), blank=True)
    methodology_en = models.TextField(_("methodology (English)"), blank=True)
    # The platform stores only non-zero values of such an indicator (counts and sums it computes): a territory
    # without a value for a year has zero. For the others a missing value is unknown.
    zero_when_absent = models.BooleanField(_("a missing value means zero"), default=False)
    value_min = models.DecimalField(
        _("smallest allowed value"),
        max_digits=VALUE_DIGITS,
        decimal_places=VALUE_PLACES,
        null=True,
        blank=True,
    )
    value_max = models.DecimalField(
        _("largest allowed value"),
        max_digits=VALUE_DIGITS,
        decimal_places=VALUE_PLACES,
        null=True,
        blank=True,
    )
    position = models.PositiveIntegerField(_("display order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["position", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(value_min__isnull=True) | Q(value_max__isnull=True) | Q(value_max__gte=F("value_min")),
                name="indicators_definition_range_order",
            ),
        ]

    @property
    def methodology(self) -> str:
        if (get_language() or "ru").startswith("en") and self.methodology_en:
            return self.methodology_en
        return self.methodology_ru

    @property
    def is_computed(self) -> bool:
        return self.source == Source.COMPUTED

    @property
    def lower_is_better(self) -> bool:
        return self.better == Better.LOWER


class Level(models.TextChoices):
    MUNICIPALITY = "municipality", _("municipality")
    REGION = "region", _("region")
    COUNTRY = "country", _("country")


class ImportBatch(models.Model):
    """One import of a file of values by an operator: what was read, what was saved, and each refused row."""

    file_name = models.CharField(_("file"), max_length=255)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("imported by"),
    )
    created_at = models.DateTimeField(_("imported on"), default=timezone.now)
    rows_total = models.PositiveIntegerField(_("rows read"), default=0)
    rows_saved = models.PositiveIntegerField(_("rows saved"), default=0)
    rows_failed = models.PositiveIntegerField(_("rows refused"), default=0)
    # [{"row": 3, "field": "year", "code": "bad_year", "message": "..."}], in the language of the import.
    errors = models.JSONField(_("refused rows"), default=list, blank=True)
    is_generated = models.BooleanField(_("generated values"), default=False)

    class Meta:
        verbose_name = _("import of indicator values")
        verbose_name_plural = _("imports of indicator values")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.created_at:%Y-%m-%d %H:%M})"


class IndicatorValue(models.Model):
    """One number: an indicator's value for a territory (a municipality, a region or a country) in a year.

    The territory is `level` + `territory_id`, which makes the one unique key (definition, level, territory,
    year) that bulk upserts use on both databases; the matching foreign key (exactly one of municipality,
    region, country, equal to territory_id) keeps the reference sound and lets lists join the names."""

    # Indexes: a recomputation writes hundreds of thousands of rows, and each index costs every insert; so the
    # foreign keys have no index of their own where another serves (the unique key leads with the definition, the
    # territory index holds the municipality's id as territory_id) or partial ones over the few rows that use them.
    definition = models.ForeignKey(
        IndicatorDefinition,
        on_delete=models.PROTECT,
        related_name="values",
        verbose_name=_("indicator"),
        db_index=False,
    )
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    territory_id = models.PositiveBigIntegerField(_("territory id"))
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("municipality"),
        db_index=False,
    )
    region = models.ForeignKey(
        Region,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("region"),
        db_index=False,
    )
    country = models.ForeignKey(
        Country,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("country"),
        db_index=False,
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(MIN_YEAR), MaxValueValidator(MAX_YEAR)]
    )
    value = models.DecimalField(_("value"), max_digits=VALUE_DIGITS, decimal_places=VALUE_PLACES)
    source_note = models.CharField(_("source of the figure"), max_length=500, blank=True)
    # Computed values: when the platform computed them. Entered and imported values: who and when.
    computed_at = models.DateTimeField(_("computed"), null=True, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
        db_index=False,
    )
    entered_at = models.DateTimeField(_("entered"), null=True, blank=True)
    import_batch = models.ForeignKey(
        ImportBatch,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="values",
        verbose_name=_("import"),
        db_index=False,
    )
    is_generated = models.BooleanField(
        _("generated"), default=False, help_text=_("An invented figure for demonstration, not a real statistic")
    )

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        ordering = ["definition", "level", "territory_id", "year"]
        constraints = [
            # Also the map's index: every municipality's value of one indicator in one year.
            models.UniqueConstraint(
                fields=["definition", "level", "year", "territory_id"], name="indicators_value_once"
            ),
            models.CheckConstraint(
                condition=Q(
                    level="municipality",
                    municipality__isnull=False,
                    region__isnull=True,
                    country__isnull=True,
                    territory_id=F("municipality"),
                )
                | Q(
                    level="region",
                    municipality__isnull=True,
                    region__isnull=False,
                    country__isnull=True,
                    territory_id=F("region"),
                )
                | Q(
                    level="country",
                    municipality__isnull=True,
                    region__isnull=True,
                    country__isnull=False,
                    territory_id=F("country"),
                ),
                name="indicators_value_one_territory",
            ),
            models.CheckConstraint(
                condition=Q(year__gte=MIN_YEAR, year__lte=MAX_YEAR), name="indicators_value_year_range"
            ),
        ]
        indexes = [
            # The dashboard: every indicator of one territory over the years (and a municipality's deletion).
            models.Index(fields=["level", "territory_id", "year"], name="indicators_value_territory"),
            models.Index(fields=["region"], condition=Q(region__isnull=False), name="indicators_value_region"),
            models.Index(fields=["country"], condition=Q(country__isnull=False), name="indicators_value_country"),
            models.Index(
                fields=["entered_by"], condition=Q(entered_by__isnull=False), name="indicators_value_entered_by"
            ),
            models.Index(
                fields=["import_batch"], condition=Q(import_batch__isnull=False), name="indicators_value_import"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.definition_id} {self.level}:{self.territory_id} {self.year} = {self.value}"

    @staticmethod
    def territory_fields(level: str, territory_id: int) -> dict[str, Any]:
        """The keyword arguments that place a value on a territory (level, territory_id and its foreign key)."""
        return {
            "level": level,
            "territory_id": territory_id,
            "municipality_id": territory_id if level == Level.MUNICIPALITY else None,
            "region_id": territory_id if level == Level.REGION else None,
            "country_id": territory_id if level == Level.COUNTRY else None,
        }

    @property
    def territory(self) -> Any:
        return self.municipality or self.region or self.country

    @property
    def is_computed(self) -> bool:
        return self.computed_at is not None


# --- ratings ---------------------------------------------------------------------------------------------------


class Normalisation(models.TextChoices):
    MINMAX = "minmax", _("min-max: the share of the way from the worst value to the best")
    RANK = "rank", _("rank: the place among the municipalities, ties sharing their average place")


class RatingScope(models.TextChoices):
    REGION = "region", _("the municipalities of a region")
    COUNTRY = "country", _("the municipalities of a country")


class MissingRule(models.TextChoices):
    """What a missing value does to a municipality's composite score (ratings.py applies it)."""

    EXCLUDE_OVER_HALF = (
        "exclude_over_half",
        _(
            "a missing value scores as the worst (0); a municipality missing more than half of the total weight is "
            "not rated"
        ),
    )
    WORST = "worst", _("a missing value scores as the worst (0); every municipality is rated")


class RatingMethod(LocalizedNameMixin, TimeStampedModel):
    """A composite rating of municipalities: chosen indicators with weights, one normalisation, one year and a
    territory; the rules for missing values and ties are stated with it (docs/indicators.md)."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    description_ru = models.TextField(_("description (Russian)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    normalisation = models.CharField(
        _("normalisation"), max_length=8, choices=Normalisation.choices, default=Normalisation.MINMAX
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(MIN_YEAR), MaxValueValidator(MAX_YEAR)]
    )
    scope = models.CharField(_("territory"), max_length=8, choices=RatingScope.choices, default=RatingScope.REGION)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("region")
    )
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("country")
    )
    missing_rule = models.CharField(
        _("missing values"), max_length=24, choices=MissingRule.choices, default=MissingRule.EXCLUDE_OVER_HALF
    )
    is_published = models.BooleanField(_("published"), default=False)

    class Meta:
        verbose_name = _("rating of municipalities")
        verbose_name_plural = _("ratings of municipalities")
        ordering = ["-year", "name_ru"]
        constraints = [
            models.CheckConstraint(
                condition=Q(scope="region", region__isnull=False, country__isnull=True)
                | Q(scope="country", region__isnull=True, country__isnull=False),
                name="indicators_rating_scope_territory",
            ),
        ]

    @property
    def description(self) -> str:
        if (get_language() or "ru").startswith("en") and self.description_en:
            return self.description_en
        return self.description_ru


class RatingWeight(models.Model):
    """One indicator of a rating and its weight (weights are relative: they are divided by their sum)."""

    method = models.ForeignKey(RatingMethod, on_delete=models.CASCADE, related_name="weights")
    definition = models.ForeignKey(
        IndicatorDefinition, on_delete=models.PROTECT, related_name="+", verbose_name=_("indicator")
    )
    weight = models.DecimalField(
        _("weight"), max_digits=8, decimal_places=3, default=Decimal("1"), validators=[MinValueValidator(0)]
    )
    position = models.PositiveSmallIntegerField(_("display order"), default=0)

    class Meta:
        verbose_name = _("indicator of a rating")
        verbose_name_plural = _("indicators of ratings")
        ordering = ["method", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["method", "definition"], name="indicators_rating_indicator_once"),
            models.CheckConstraint(condition=Q(weight__gt=0), name="indicators_rating_weight_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.definition_id} × {self.weight}"
