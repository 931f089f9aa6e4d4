"""The demo corpus (practices/fixtures/demo_practices.json, 64 generated practices, loaded by `load_demo`) searched
on the database in use. The expected results are written once, so running the suite on SQLite and on PostgreSQL
checks that both backends find and rank the real demo bank alike, not only a hand-made corpus.

"Alike" means: the same number of matches, the same best match, and the same five at the top. Below the first,
bm25 (SQLite) and ts_rank_cd (PostgreSQL) may swap neighbours whose scores are close (measured on this corpus: 4
of the 14 queries swap two neighbours, three of them the 3rd and 4th), so the rest of the top five is compared as
a set. EXPECTED lists them in SQLite's order."""

import io

import pytest
from django.core.management import call_command

from localbridge.practices.search import connect, practice_search

pytestmark = pytest.mark.django_db

COURTYARD = "Благоустроили двор всем домом: инициативные платежи и субботники"
WINTER_YARD = "Зимний двор в полярную ночь: горка, каток и фонари"
PLAYGROUND = "Детская площадка на инициативные платежи: дети нарисовали, взрослые построили"
LIGHT_YARD = "Светлый двор: освещение и видеонаблюдение, которые выбрали жители"
HOCKEY = "Дворовая хоккейная коробка: залили каток и собрали команду"
KOREAN = "Уроки корейского и русского: побратимы по обе стороны Японского моря"
EXCHANGE = "Молодёжный обмен городов-побратимов: неделя в гостях у сверстников"
ORCHESTRA = "A sister-city youth orchestra: rehearsing across the sea"
KYAKHTA = "Кяхта и Алтанбулаг: общий чайный праздник на старом торговом пути"
SEBEZH = "Граница без барьеров: совместные праздники Себежа и белорусских соседей"
CRAFTS = "Ремесленная ярмарка в Чебоксарах: вышивка, керамика и местный мёд"
ORSK = "Торговый мост Орск — Казахстан: приграничная ярмарка соседей"
FARMERS = "Ярмарка выходного дня: фермеры пригорода у дверей горожан"
AMUR = "Два берега Амура: совместные ярмарки и фестивали приграничных городов"
CHARITY = "Благотворительная ярмарка «Добрые руки»: всё в помощь семьям с детьми"
OBELISK = "Имена на обелиске: рыбинские школьники восстановили списки павших"
MEMORIAL = "Вернули имена: мемориал землякам, павшим в Великой Отечественной войне"
PATROL = "Народная дружина ТОС и «родительский патруль» у школ"
SCHOOL = "Школа активиста ТОС: как научить соседей писать проекты"
WORKOUT = "Воркаут-площадка, которую построили выпускники"
SILVER = "Клуб «Серебряный возраст»: встречи, походы и компьютерные курсы для пенсионеров"
SNOW = "Snow patrol: students clear paths for elderly neighbours in Novosibirsk"
VILLAGE_HALL = "Reviving a village hall through residents' self-government in Belarus"
HEALTHY_YARD = "Здоровый двор: зарядка по утрам и измерение давления"
VETERANS = "Клуб ветеранов труда: огород, хор и шефство над школой"
FOREST = "Лес вместо гари: тольяттинцы восстанавливают сосновый бор"
SORTING = "Раздельный сбор во дворе: от одного контейнера к экопункту"
OB_SHORE = "Чистый берег Обского моря: субботники и экотропа"
HEATING = "Heat metering and insulation cut a block's heating bills by a fifth"
GARDEN = "A community garden on a former wasteland in Kaliningrad"
WALKING = "Walking for health along the Ob: a Surgut clinic and TOS together"
ACTIVISTS = "A TOS activists' school: teaching neighbours to write winning projects"

# query → (number of matches, the top five in order)
EXPECTED = {
    "благоустройство дворов": (5, [COURTYARD, WINTER_YARD, PLAYGROUND, LIGHT_YARD, HOCKEY]),
    "побратимы": (6, [KOREAN, EXCHANGE, ORCHESTRA, KYAKHTA, SEBEZH]),
    "молодёжный обмен": (2, [EXCHANGE, KOREAN]),
    "ярмарка": (7, [CRAFTS, ORSK, FARMERS, AMUR, CHARITY]),
    "память павших": (2, [OBELISK, MEMORIAL]),
    "мемориал": (2, [MEMORIAL, EXCHANGE]),
    "патруль": (1, [PATROL]),
    "софинансирование жителей": (2, [SCHOOL, LIGHT_YARD]),
    "спортивная площадка": (1, [WORKOUT]),
    "старшее поколение": (11, [SILVER, SNOW, VILLAGE_HALL, HEALTHY_YARD, VETERANS]),
    "экология": (8, [FOREST, SORTING, OB_SHORE, HEATING, GARDEN]),
    "youth orchestra": (1, [ORCHESTRA]),
    "sister cities": (1, [ORCHESTRA]),
    "volunteers": (15, [SNOW, VILLAGE_HALL, GARDEN, WALKING, ACTIVISTS]),
}


def test_the_demo_bank_gives_the_same_top_results_on_both_databases(django_capture_on_commit_callbacks):
    connect()
    with django_capture_on_commit_callbacks(execute=True):  # the index follows the import's events on commit
        call_command("load_demo", stdout=io.StringIO())
    differences = []
    for q, (count, top) in EXPECTED.items():
        result = practice_search(q=q, facets=False, per_page=5)
        found = [hit.practice.title for hit in result.items]
        if result.count != count or found[:1] != top[:1] or set(found) != set(top):
            differences.append(f"{q!r}: {result.count} {found}")
    assert not differences, "\n".join(differences)
