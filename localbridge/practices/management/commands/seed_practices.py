"""`manage.py seed_practices --practices 200000 [--seed 1] [--published-share 0.9]`: generated practices for the
search benchmark, spread over the municipalities of the reference data (load_reference first) and, when there
are generated organisations (seed_registry), linked to them.

Every generated practice is marked is_generated=True. Running the command again replaces the generated practices
(real ones are never touched). The rows are written with bulk_create in batches and then indexed for search in
batches of 500 (practices.search.practice_search_index, the same code path as a reindex): these are fixtures for
measuring, not acts of a user, so they are neither audited nor announced. The texts are assembled from sentences
written like real reports (about 150 words each, Russian with one in ten in English), so the index sees real
word forms and a realistic mix of frequent and rare words.
"""

import random
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from localbridge.core.search import search_clear
from localbridge.organizations.models import Organization
from localbridge.practices.models import Practice, PracticeOrganization, PracticeStatus, Tag, Topic
from localbridge.practices.search import SCOPE, practice_search_index
from localbridge.territories.models import Municipality

BATCH_SIZE = 2000
INDEX_BATCH = 500

STREETS = (
    "Лесной",
    "Садовой",
    "Школьной",
    "Молодёжной",
    "Советской",
    "Набережной",
    "Заречной",
    "Полевой",
    "Луговой",
    "Центральной",
    "Мира",
    "Победы",
    "Гагарина",
    "Ленина",
    "Пушкина",
    "Чехова",
    "Строителей",
    "Рабочей",
    "Вокзальной",
    "Берёзовой",
)

# Per topic code: titles, and sentences for the problem, what was done and the results. Written in the voice of
# real reports; {street} and {n} are filled in.
RU: dict[str, dict[str, tuple[str, ...]]] = {
    "landscaping": {
        "title": (
            "Благоустройство двора на улице {street}",
            "Детская площадка своими руками",
            "Двор без луж: ремонт проездов и тротуаров",
            "Сквер на месте пустыря",
            "Освещение дворов и пешеходных дорожек",
        ),
        "problem": (
            "Двор на улице {street} не ремонтировали с восьмидесятых годов, после дождя стояли лужи.",
            "Дети играли на проезжей части, потому что детской площадки во дворе не было.",
            "Пустырь между домами зарастал бурьяном и превращался в свалку.",
        ),
        "actions": (
            "Жители провели собрание, составили смету и собрали инициативные платежи.",
            "ТОС подал заявку на конкурс инициативного бюджетирования и выиграл грант.",
            "На субботниках жители высадили {n} деревьев и кустарников, установили скамейки и урны.",
            "Подрядчик уложил асфальт, а жители благоустроили газоны и клумбы.",
        ),
        "results": (
            "Двор благоустроили за одно лето, площадкой пользуются {n} детей.",
            "Во дворе появились освещение, парковка и детская площадка.",
            "Соседние дворы взяли пример и тоже подали заявки на благоустройство.",
        ),
    },
    "culture": {
        "title": (
            "Праздник двора на улице {street}",
            "Народный театр в сельском доме культуры",
            "Летний кинотеатр под открытым небом",
            "Фестиваль народного творчества",
        ),
        "problem": (
            "Молодёжи и пенсионерам некуда было пойти вечером, клуб пустовал.",
            "Местные творческие коллективы выступали только на официальных концертах.",
        ),
        "actions": (
            "Активисты ТОС договорились с домом культуры и составили афишу на весь год.",
            "Провели праздник двора с концертом, конкурсами и чаепитием.",
            "Волонтёры собрали экран и проектор, фильмы выбирали голосованием.",
        ),
        "results": (
            "На праздники приходит до {n} жителей, появились новые творческие кружки.",
            "Фестиваль стал ежегодным и попал в календарь района.",
        ),
    },
    "sport": {
        "title": (
            "Спортивная площадка у школы",
            "Турнир по мини-футболу между дворами",
            "Лыжня для всех",
            "Зарядка во дворе по субботам",
        ),
        "problem": ("Ближайший стадион был в десяти километрах, подростки проводили время во дворах без дела.",),
        "actions": (
            "ТОС оборудовал спортивную площадку с тренажёрами и турником.",
            "Провели турнир по мини-футболу, в котором участвовали {n} команд.",
            "Тренеры-волонтёры ведут занятия для детей и взрослых.",
        ),
        "results": ("Спортом регулярно занимаются {n} жителей, команда посёлка вышла в финал района.",),
    },
    "youth": {
        "title": ("Молодёжный совет микрорайона", "Школа молодого лидера", "Трудовой отряд подростков"),
        "problem": ("Молодёжь уезжала из посёлка, а оставшимся было нечем заняться летом.",),
        "actions": (
            "Создали молодёжный совет, который сам планирует мероприятия.",
            "Подростки летом работали в трудовом отряде и благоустраивали улицы.",
        ),
        "results": ("В молодёжный совет вошли {n} человек, проведено двенадцать мероприятий.",),
    },
    "older_people": {
        "title": ("Клуб активного долголетия", "Компьютерные курсы для пенсионеров", "Скандинавская ходьба"),
        "problem": ("Пожилые жители чувствовали себя одиноко и редко выходили из дома.",),
        "actions": (
            "Открыли клуб для старшего поколения с занятиями по интересам.",
            "Волонтёры-школьники учили пенсионеров пользоваться госуслугами.",
        ),
        "results": ("Клуб посещают {n} пенсионеров, они сами ведут кружки.",),
    },
    "memory": {
        "title": (
            "Памятник землякам, павшим в Великой Отечественной войне",
            "Аллея памяти героев",
            "Бессмертный полк посёлка",
        ),
        "problem": ("Обелиск погибшим землякам разрушался, имена на плитах стёрлись.",),
        "actions": (
            "Жители собрали средства и восстановили памятник павшим в Великой Отечественной войне.",
            "Школьники с учителями разыскали в архивах имена {n} земляков.",
            "Высадили аллею памяти, у каждого дерева табличка с именем героя.",
        ),
        "results": ("Мемориал открыт девятого мая, у него проходят уроки мужества.",),
    },
    "safety": {
        "title": ("Добровольная народная дружина", "Безопасный двор: видеонаблюдение", "Патруль родителей у школы"),
        "problem": ("В микрорайоне участились кражи, вечером жители боялись выходить на улицу.",),
        "actions": (
            "ТОС вместе с участковым организовал добровольную народную дружину для профилактики правонарушений.",
            "Установили камеры видеонаблюдения во дворах и у подъездов.",
        ),
        "results": ("Число правонарушений в микрорайоне снизилось вдвое, в дружине {n} человек.",),
    },
    "charity": {
        "title": ("Благотворительная ярмарка", "Ярмарка добрых дел", "Пункт помощи семьям"),
        "problem": ("Многодетным и малообеспеченным семьям не хватало одежды и школьных принадлежностей.",),
        "actions": (
            "Провели благотворительную ярмарку выпечки и поделок.",
            "Открыли пункт, где жители оставляют вещи для нуждающихся семей.",
        ),
        "results": ("На ярмарке собрали {n} тысяч рублей, помощь получили сорок семей.",),
    },
    "ecology": {
        "title": ("Раздельный сбор отходов", "Чистый берег реки", "Экологический субботник"),
        "problem": ("Берег реки был завален мусором, контейнеров для раздельного сбора не было.",),
        "actions": (
            "Провели экологический субботник, вывезли {n} мешков мусора.",
            "Установили контейнеры для раздельного сбора пластика и бумаги.",
        ),
        "results": ("Берег чистый уже третий год, жители сортируют отходы.",),
    },
    "housing": {
        "title": ("Совет дома и капитальный ремонт", "Школа грамотного потребителя ЖКХ"),
        "problem": ("Жители не знали, как контролировать управляющую компанию и капитальный ремонт.",),
        "actions": ("Создали советы домов и провели обучение по вопросам ЖКХ.",),
        "results": ("Управляющая компания отремонтировала {n} подъездов по требованию жителей.",),
    },
    "education": {
        "title": ("Библиотека под открытым небом", "Лекторий для жителей", "Краеведческий музей в школе"),
        "problem": ("В посёлке закрылась библиотека, детям негде было читать.",),
        "actions": ("Жители собрали {n} книг и открыли буккроссинг в сквере.",),
        "results": ("Лекции и встречи проходят каждый месяц.",),
    },
    "health": {
        "title": ("Дни здоровья во дворе", "Школа здоровья для мам"),
        "problem": ("До поликлиники далеко, жители редко проходили обследования.",),
        "actions": ("Договорились с больницей о выездной диспансеризации.",),
        "results": ("Обследование прошли {n} жителей.",),
    },
    "tourism": {
        "title": ("Туристический маршрут по селу", "Гостевой дом и экскурсии"),
        "problem": ("Туристы проезжали село мимо, о его истории никто не знал.",),
        "actions": ("Разработали пешеходный маршрут с табличками и экскурсоводами из местных жителей.",),
        "results": ("Маршрут прошли {n} туристов за сезон.",),
    },
    "local_economy": {
        "title": ("Фермерский рынок выходного дня", "Ремесленная мастерская"),
        "problem": ("Местным фермерам негде было продавать продукцию.",),
        "actions": ("ТОС договорился с администрацией и открыл рынок выходного дня.",),
        "results": ("На рынке торгуют {n} фермеров.",),
    },
    "interethnic": {
        "title": ("Праздник народов", "Дом дружбы народов"),
        "problem": ("В посёлке живут люди многих национальностей, но мало общаются.",),
        "actions": ("Провели праздник национальных культур с кухней, песнями и танцами.",),
        "results": ("В празднике участвовали {n} семей разных народов.",),
    },
    "international": {
        "title": (
            "Молодёжный обмен городов-побратимов",
            "Города-побратимы: дни дружбы",
            "Побратимские связи с соседней страной",
        ),
        "problem": ("Молодёжь двух городов почти ничего не знала друг о друге.",),
        "actions": (
            "Города-побратимы обменялись делегациями школьников и студентов.",
            "Провели совместный фестиваль побратимов, приехали {n} гостей.",
        ),
        "results": ("Побратимские связи переросли в постоянные проекты.",),
    },
    "cross_border": {
        "title": ("Приграничная ярмарка", "Совместная ярмарка приграничных районов"),
        "problem": ("Приграничные районы двух стран почти не сотрудничали.",),
        "actions": ("Провели приграничную ярмарку и круглый стол глав поселений.",),
        "results": ("Подписано соглашение о сотрудничестве, на ярмарку пришли {n} человек.",),
    },
    "volunteering": {
        "title": ("Волонтёрский центр микрорайона", "Серебряные волонтёры", "Помощь соседям"),
        "problem": ("Одиноким пожилым людям некому было помочь с покупками и лекарствами.",),
        "actions": ("Волонтёры ТОС помогают соседям: приносят продукты и лекарства.",),
        "results": ("В центре {n} волонтёров, помощь получают сто человек.",),
    },
}
EN: dict[str, tuple[str, ...]] = {
    "title": (
        "Twin towns youth exchange",
        "Community garden on {street} Street",
        "Neighbourhood watch and safe streets",
        "Volunteers for older neighbours",
        "Courtyard playground built by residents",
        "Charity fair for large families",
    ),
    "problem": (
        "Young people had nowhere to meet and the courtyard was neglected.",
        "Older residents lived alone and rarely left their homes.",
    ),
    "actions": (
        "Residents held a meeting, drew up a budget and raised funds together with the municipality.",
        "Volunteers planted {n} trees and built a playground in the courtyard.",
        "The twin towns exchanged delegations of students and youth workers.",
    ),
    "results": (
        "About {n} residents use the new space every week.",
        "The project has been replicated by three neighbouring communities.",
    ),
}
RESOURCES = (
    "Грант, средства местного бюджета и инициативные платежи жителей.",
    "Трудовое участие жителей, помощь администрации с техникой.",
    "Спонсорская помощь местных предпринимателей.",
)
PARTNERS = (
    "Администрация поселения, школа, дом культуры.",
    "Местные предприниматели, совет ветеранов.",
    "Молодёжный центр, отделение полиции.",
)
TAGS = (
    "субботник",
    "инициативное бюджетирование",
    "грант",
    "дети",
    "пенсионеры",
    "двор",
    "сквер",
    "память",
    "ярмарка",
    "волонтёры",
    "спорт",
    "экология",
    "молодёжь",
    "праздник",
    "освещение",
)


class Command(BaseCommand):
    help = "Generate practices (marked is_generated) for the search benchmark and index them."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--practices", type=int, default=200_000, help="How many (default 200,000).")
        parser.add_argument("--seed", type=int, default=1, help="Random seed: the same seed gives the same data.")
        parser.add_argument("--published-share", type=float, default=0.9, help="Share published (default 0.9).")

    def handle(self, *args: Any, **options: Any) -> None:
        count = int(options["practices"])
        if count < 0:
            raise CommandError("--practices must not be negative.")
        rng = random.Random(options["seed"])
        municipalities = list(
            Municipality.objects.filter(region__isnull=False).values_list("pk", "region_id", "country_id")
        )
        if not municipalities:
            raise CommandError("No municipalities: run load_reference first.")
        organizations: list[tuple[int, int | None, int | None]] = list(
            Organization.objects.filter(is_generated=True).values_list("pk", "municipality_id", "region_id")
        )
        places = {pk: (pk, region, country) for pk, region, country in municipalities}
        topics = {t.code: t.pk for t in Topic.objects.filter(code__in=RU)}
        tags = [Tag.objects.get_or_create(name=name)[0].pk for name in TAGS]
        removed = self._remove_generated()
        started = time.perf_counter()
        ids = self._generate(
            count,
            rng=rng,
            municipalities=municipalities,
            places=places,
            organizations=organizations,
            topics=topics,
            tags=tags,
            published_share=float(options["published_share"]),
        )
        seeded_s = time.perf_counter() - started
        started = time.perf_counter()
        indexed = 0
        for start in range(0, len(ids), INDEX_BATCH):
            with transaction.atomic():
                indexed += practice_search_index(ids[start : start + INDEX_BATCH])
        index_s = time.perf_counter() - started
        self.stdout.write(
            f"Removed {removed} generated practices; wrote {len(ids)} in {seeded_s:.1f} s; indexed {indexed} in "
            f"{index_s:.1f} s ({indexed / index_s if index_s else 0:.0f} per second)."
        )
        self.seeded_s, self.index_s, self.indexed = seeded_s, index_s, indexed

    def _remove_generated(self) -> int:
        generated = Practice.objects.filter(is_generated=True)
        removed = generated.count()
        if removed:
            with transaction.atomic():
                search_clear(scope=SCOPE)
                for model in (Practice.topics.through, Practice.tags.through, PracticeOrganization):
                    model.objects.filter(practice__is_generated=True)._raw_delete(model.objects.db)
                generated._raw_delete(generated.db)
            # Real practices went out of the index with the scope: put them back.
            practice_search_index(Practice.objects.values_list("pk", flat=True))
        return removed

    def _generate(
        self,
        count: int,
        *,
        rng: random.Random,
        municipalities: list[tuple[int, int, int]],
        places: dict[int, tuple[int, int, int]],
        organizations: list[tuple[int, int | None, int | None]],
        topics: dict[str, int],
        tags: list[int],
        published_share: float,
    ) -> list[int]:
        codes = sorted(topics)
        ids: list[int] = []
        base = datetime(2015, 1, 1, tzinfo=UTC)
        for start in range(0, count, BATCH_SIZE):
            size = min(BATCH_SIZE, count - start)
            practices: list[Practice] = []
            chosen: list[tuple[list[str], list[int], list[tuple[int, str]]]] = []
            for _ in range(size):
                topic_codes = rng.sample(codes, rng.choice((1, 1, 2, 2, 3)))
                links: list[tuple[int, str]] = []
                place = rng.choice(municipalities)
                if organizations and rng.random() < 0.7:
                    organization, municipality_id, _region = rng.choice(organizations)
                    links.append((organization, "author"))
                    if municipality_id in places:
                        place = places[municipality_id]
                    if rng.random() < 0.2:
                        partner = rng.choice(organizations)[0]
                        if partner != organization:
                            links.append((partner, "partner"))
                practice = self._one(rng, topic_codes, place, base, published_share)
                practices.append(practice)
                chosen.append((topic_codes, rng.sample(tags, rng.choice((0, 1, 2, 3))), links))
            with transaction.atomic():
                Practice.objects.bulk_create(practices, batch_size=BATCH_SIZE)
                if practices[0].pk is None:  # databases that do not return ids (none of ours, but be safe)
                    raise CommandError("bulk_create did not return ids")
                Practice.topics.through.objects.bulk_create(
                    [
                        Practice.topics.through(practice_id=p.pk, topic_id=topics[code])
                        for p, (codes_, _t, _l) in zip(practices, chosen, strict=True)
                        for code in codes_
                    ],
                    batch_size=BATCH_SIZE,
                )
                Practice.tags.through.objects.bulk_create(
                    [
                        Practice.tags.through(practice_id=p.pk, tag_id=tag)
                        for p, (_c, tags_, _l) in zip(practices, chosen, strict=True)
                        for tag in tags_
                    ],
                    batch_size=BATCH_SIZE,
                )
                PracticeOrganization.objects.bulk_create(
                    [
                        PracticeOrganization(practice_id=p.pk, organization_id=org, role=role, position=i)
                        for p, (_c, _t, links_) in zip(practices, chosen, strict=True)
                        for i, (org, role) in enumerate(links_)
                    ],
                    batch_size=BATCH_SIZE,
                )
            ids.extend(p.pk for p in practices)
        return ids

    @staticmethod
    def _one(
        rng: random.Random,
        topic_codes: list[str],
        place: tuple[int, int, int],
        base: datetime,
        published_share: float,
    ) -> Practice:
        english = rng.random() < 0.1
        fill = {"street": rng.choice(STREETS), "n": rng.randint(3, 400)}

        def pick(kind: str, k: int) -> str:
            pool = list(EN[kind]) if english else [s for code in topic_codes for s in RU[code][kind]]
            return " ".join(s.format(**fill) for s in rng.sample(pool, min(k, len(pool))))

        title = pick("title", 1)
        problem, actions, results = pick("problem", 2), pick("actions", 3), pick("results", 2)
        summary = f"{actions.split('.')[0]}. {results.split('.')[0]}."
        published = rng.random() < published_share
        moment = base + timedelta(minutes=rng.randint(0, 60 * 24 * 365 * 10))
        start_year = moment.year - rng.choice((0, 0, 1))
        recommended = published and rng.random() < 0.03
        return Practice(
            title=title[:300],
            summary=summary[:1000],
            problem=problem,
            actions=actions,
            results=results,
            resources="" if english else rng.choice(RESOURCES),
            partners="" if english else rng.choice(PARTNERS),
            start_year=start_year,
            year=start_year,
            language="en" if english else "ru",
            municipality_id=place[0],
            region_id=place[1],
            country_id=place[2],
            status=PracticeStatus.PUBLISHED if published else PracticeStatus.DRAFT,
            published_at=moment if published else None,
            created_at=moment,
            updated_at=moment,
            is_recommended=recommended,
            recommendation_note="Проверенная практика (сгенерировано)." if recommended else "",
            is_generated=True,
        )
