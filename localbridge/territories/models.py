"""Country > region > municipality > settlement. Reference data is loaded by `load_reference`."""

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from localbridge.core.i18n import LocalizedNameMixin
from localbridge.core.text import normalize_for_search


class Country(LocalizedNameMixin):
    code = models.CharField(_("ISO 3166-1 code"), max_length=2, unique=True)
    code3 = models.CharField(_("ISO alpha-3 code"), max_length=3, blank=True)

    class Meta:
        verbose_name = _("country")
        verbose_name_plural = _("countries")
        ordering = ["name_ru"]


class FederalDistrict(models.TextChoices):
    """Russia's eight federal districts (федеральные округа), as ru_cities_epogrebnyak lists them."""

    CENTRAL = "central", _("Central Federal District")
    NORTHWESTERN = "northwestern", _("Northwestern Federal District")
    SOUTHERN = "southern", _("Southern Federal District")
    NORTH_CAUCASIAN = "north_caucasian", _("North Caucasian Federal District")
    VOLGA = "volga", _("Volga Federal District")
    URAL = "ural", _("Ural Federal District")
    SIBERIAN = "siberian", _("Siberian Federal District")
    FAR_EASTERN = "far_eastern", _("Far Eastern Federal District")


class Region(LocalizedNameMixin):
    """A first-level subdivision; for Russia, a federal subject with its ISO 3166-2:RU code."""

    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="regions", verbose_name=_("country"))
    code = models.CharField(_("ISO 3166-2 code"), max_length=10, unique=True)
    federal_district = models.CharField(
        _("federal district"), max_length=100, blank=True, choices=FederalDistrict.choices
    )

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["name_ru"]


class MunicipalityKind(models.TextChoices):
    URBAN_OKRUG = "urban_okrug", _("urban okrug (городской округ)")
    MUNICIPAL_DISTRICT = "municipal_district", _("municipal district (муниципальный район)")
    MUNICIPAL_OKRUG = "municipal_okrug", _("municipal okrug (муниципальный округ)")
    URBAN_SETTLEMENT = "urban_settlement", _("urban settlement (городское поселение)")
    RURAL_SETTLEMENT = "rural_settlement", _("rural settlement (сельское поселение)")
    INTRACITY = "intracity", _("intra-city territory (внутригородская территория)")
    # Moscow and St Petersburg are federal subjects, not municipal formations; the platform keeps each as a
    # municipality of this kind too, so that their organisations have a municipality and their intra-city
    # territories (kind "intracity") a parent.
    FEDERAL_CITY = "federal_city", _("city of federal significance (город федерального значения)")
    FOREIGN = "foreign", _("municipality abroad")


class Municipality(LocalizedNameMixin):
    """A municipal formation (муниципальное образование), or a local authority's area abroad."""

    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="municipalities")
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="municipalities",
        verbose_name=_("region"),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("part of"),
    )
    kind = models.CharField(_("kind"), max_length=32, choices=MunicipalityKind.choices)
    oktmo = models.CharField(_("OKTMO code"), max_length=11, blank=True)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    timezone = models.CharField(_("time zone"), max_length=64, default="Europe/Moscow")
    geonameid = models.PositiveIntegerField(null=True, blank=True)
    # name_ru and name_en normalised (core.text.normalize_for_search): substring search that folds Cyrillic
    # case alike on SQLite, whose LIKE folds only ASCII, and PostgreSQL.
    search_name = models.CharField(max_length=520, blank=True, default="", editable=False)

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name_ru"]
        constraints = [
            models.UniqueConstraint(
                fields=["oktmo"], condition=~models.Q(oktmo=""), name="territories_municipality_oktmo_unique"
            ),
        ]
        indexes = [models.Index(fields=["region", "name_ru"])]

    @staticmethod
    def search_name_for(name_ru: str, name_en: str) -> str:
        return normalize_for_search(f"{name_ru} {name_en}")

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_name = self.search_name_for(self.name_ru, self.name_en)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and ({"name_ru", "name_en"} & set(update_fields)):
            kwargs["update_fields"] = {*update_fields, "search_name"}
        super().save(*args, **kwargs)


class SettlementKind(models.TextChoices):
    CITY = "city", _("city")
    TOWN = "town", _("urban-type settlement")
    VILLAGE = "village", _("village")
    OTHER = "other", _("other locality")


class Settlement(LocalizedNameMixin):
    """A locality (населённый пункт) within a municipality."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="settlements", verbose_name=_("municipality")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=SettlementKind.choices, default=SettlementKind.CITY)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    foundation_year = models.SmallIntegerField(_("founded"), null=True, blank=True)
    geonameid = models.PositiveIntegerField(null=True, blank=True, unique=True)
    oktmo = models.CharField(_("OKTMO code"), max_length=11, blank=True)
    # The locality's identifier in the Federal Information Address System (ФИАС/ГАР): the key reference data
    # is loaded by, and the bridge to addresses.
    fias_id = models.UUIDField(_("FIAS id"), null=True, blank=True, unique=True)

    class Meta:
        verbose_name = _("settlement")
        verbose_name_plural = _("settlements")
        ordering = ["name_ru"]
