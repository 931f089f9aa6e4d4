import factory

from localbridge.territories.models import Country, Municipality, MunicipalityKind, Region, Settlement


class CountryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Country
        django_get_or_create = ("code",)

    code = "RU"
    code3 = "RUS"
    name_ru = "Россия"
    name_en = "Russia"


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    country = factory.SubFactory(CountryFactory)
    code = "RU-AMU"
    name_ru = "Амурская область"
    name_en = "Amurskaya oblast'"


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality

    country = factory.SubFactory(CountryFactory)
    region = factory.SubFactory(RegionFactory)
    kind = MunicipalityKind.URBAN_OKRUG
    name_ru = factory.Sequence(lambda n: f"Городской округ № {n}")
    name_en = factory.Sequence(lambda n: f"Urban okrug No. {n}")
    timezone = "Asia/Yakutsk"


class SettlementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Settlement

    municipality = factory.SubFactory(MunicipalityFactory)
    name_ru = factory.Sequence(lambda n: f"Посёлок {n}")
