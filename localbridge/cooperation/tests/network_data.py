"""A small twin-city network over three regions and four countries, shared by the network tests.

    RU-VGG: Волгоград — Кёльн (DE), Ковентри (GB), Волжский (RU-VGG), Благовещенск (RU-AMU)
    RU-AMU: Благовещенск — Дижон (FR);  Тында (no link)
    RU, no region: Безрегионный — Ковентри (GB)
    abroad: Кёльн — Бонн (DE)

Concluded agreements: Волгоград–Кёльн (youth, culture) and Благовещенск–Дижон (youth); a draft Волгоград–Ковентри
(sport) that the public does not see."""

from dataclasses import dataclass
from typing import Any

from localbridge.cooperation.models import Agreement, TwinLink, TwinLinkSource
from localbridge.cooperation.services import agreement_move
from localbridge.territories.models import Country, Municipality, Region
from localbridge.territories.tests.factories import CountryFactory, MunicipalityFactory, RegionFactory

from .factories import area, draft_agreement, municipal_staff


def link(a: Municipality, b: Municipality, source: str = TwinLinkSource.HEKMAN) -> TwinLink:
    first, second = sorted((a.pk, b.pk))
    return TwinLink.objects.create(municipality_a_id=first, municipality_b_id=second, source=source)


def signed(actor: Any, *municipalities: Municipality, **kwargs: Any) -> Agreement:
    agreement = draft_agreement(actor, *municipalities, **kwargs)
    agreement_move(agreement=agreement, action="submit", actor=actor)
    agreement_move(agreement=agreement, action="sign", actor=actor, signed_place="Волгоград")
    return agreement


@dataclass
class World:
    russia: Country
    germany: Country
    britain: Country
    france: Country
    vgg: Region
    amu: Region
    volgograd: Municipality
    volzhsky: Municipality
    blagoveshchensk: Municipality
    tynda: Municipality
    no_region: Municipality
    cologne: Municipality
    bonn: Municipality
    coventry: Municipality
    dijon: Municipality
    staff: Any  # staff of Волгоград
    concluded: Agreement
    concluded_amu: Agreement
    draft: Agreement


def make_world() -> World:
    russia = CountryFactory()
    germany = CountryFactory(code="DE", code3="DEU", name_ru="Германия", name_en="Germany")
    britain = CountryFactory(code="GB", code3="GBR", name_ru="Великобритания", name_en="United Kingdom")
    france = CountryFactory(code="FR", code3="FRA", name_ru="Франция", name_en="France")
    vgg = RegionFactory(code="RU-VGG", name_ru="Волгоградская область", name_en="Volgograd Oblast")
    amu = RegionFactory(code="RU-AMU", name_ru="Амурская область", name_en="Amur Oblast")

    def town(name: str, country: Country, region: Region | None, lat: float, lon: float, population: int) -> Any:
        return MunicipalityFactory(
            name_ru=name, country=country, region=region, latitude=lat, longitude=lon, population=population
        )

    volgograd = town("Волгоград", russia, vgg, 48.7, 44.5, 1_000_000)
    volzhsky = town("Волжский", russia, vgg, 48.8, 44.7, 320_000)
    blagoveshchensk = town("Благовещенск", russia, amu, 50.3, 127.5, 240_000)
    tynda = town("Тында", russia, amu, 55.2, 124.7, 30_000)
    no_region = town("Безрегионный", russia, None, 60.0, 60.0, 50_000)
    cologne = town("Кёльн", germany, None, 50.9, 6.9, 1_000_000)
    bonn = town("Бонн", germany, None, 50.7, 7.1, 300_000)
    coventry = town("Ковентри", britain, None, 52.4, -1.5, 300_000)
    dijon = town("Дижон", france, None, 47.3, 5.0, 150_000)
    for a, b in (
        (volgograd, cologne),
        (volgograd, coventry),
        (volgograd, volzhsky),
        (volgograd, blagoveshchensk),
        (blagoveshchensk, dijon),
        (no_region, coventry),
        (cologne, bonn),
    ):
        link(a, b)
    staff = municipal_staff(volgograd)
    amur_staff = municipal_staff(blagoveshchensk)
    concluded = signed(staff, volgograd, cologne, areas=[area("youth"), area("culture")], title="Волгоград — Кёльн")
    concluded_amu = signed(amur_staff, blagoveshchensk, dijon, areas=[area("youth")], title="Благовещенск — Дижон")
    draft = draft_agreement(staff, volgograd, coventry, areas=[area("sport")], title="Черновик")
    return World(
        russia=russia,
        germany=germany,
        britain=britain,
        france=france,
        vgg=vgg,
        amu=amu,
        volgograd=volgograd,
        volzhsky=volzhsky,
        blagoveshchensk=blagoveshchensk,
        tynda=tynda,
        no_region=no_region,
        cologne=cologne,
        bonn=bonn,
        coventry=coventry,
        dijon=dijon,
        staff=staff,
        concluded=concluded,
        concluded_amu=concluded_amu,
        draft=draft,
    )
