"""The catalogue of indicator definitions the platform starts with: the ones it computes from its own data, the
ones municipalities enter, and federal evaluation and quality-of-life indicators an operator imports.

Plain data, read by the data migrations (`seed_definitions` with the historical model) and by tests, which seed
again after a transactional test has flushed the tables. Seeding creates the definitions that are missing and
leaves existing ones as operators have edited them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

COMPUTED, ENTERED, IMPORTED = "computed", "entered", "imported"
HIGHER, LOWER = "higher", "lower"

_TOS_STOCK_RU = (
    "Учитываются ТОС в статусе «зарегистрирован» или «действует» с года регистрации (если дата регистрации "
    "неизвестна — с года учреждения, иначе с года внесения в реестр платформы) по текущий год; закрытые ТОС не "
    "учитываются ни в одном году, так как дата закрытия не хранится."
)
_TOS_STOCK_EN = (
    "Counts ТОС that are registered or active, from the year of registration (if unknown, of founding, else of "
    "entry in the platform's registry) to the current year; closed ТОС are counted in no year, since the closing "
    "date is not recorded."
)
_ROLLUP_RU = (
    "Муниципальное образование включает входящие в него (внутригородские территории); регион и страна — сумма "
    "своих муниципальных образований и записей, относящихся к региону или стране без муниципального образования."
)
_ROLLUP_EN = (
    "A municipality includes those that are part of it (intra-city territories); a region and a country are the "
    "sum of their municipalities and of the rows that belong to the region or country without a municipality."
)
_MONEY_RU = (
    "Сумма по строкам бюджетного плана проектов (кроме отменённых) в рублях, по году проекта и муниципальному "
    "образованию проекта. Суммы в других валютах не пересчитываются и не учитываются."
)
_MONEY_EN = (
    "The sum of the budget plan lines of projects (except cancelled ones) in roubles, by the project's year and "
    "municipality. Amounts in other currencies are neither converted nor counted."
)


def _d(
    code: str,
    group: str,
    name_ru: str,
    name_en: str,
    methodology_ru: str,
    methodology_en: str,
    *,
    source: str = COMPUTED,
    unit: str = "count",
    decimals: int = 0,
    better: str = HIGHER,
    value_min: str | None = None,
    value_max: str | None = None,
) -> dict[str, Any]:
    return {
        "code": code,
        "group": group,
        "name_ru": name_ru,
        "name_en": name_en,
        "methodology_ru": methodology_ru,
        "methodology_en": methodology_en,
        "source": source,
        "unit": unit,
        "decimals": decimals,
        "better": better,
        # Counts and sums the platform computes are stored only where they are not zero; shares are stored
        # wherever their denominator is known, so a missing share is unknown.
        "zero_when_absent": source == COMPUTED and unit != "percent",
        "value_min": Decimal(value_min) if value_min is not None else None,
        "value_max": Decimal(value_max) if value_max is not None else None,
        "periodicity": "yearly",
        "is_active": True,
    }


DEFINITIONS: list[dict[str, Any]] = [
    # --- ТОС ---
    _d(
        "tos_count",
        "tos",
        "Число ТОС",
        "Number of ТОС",
        f"{_TOS_STOCK_RU} {_ROLLUP_RU}",
        f"{_TOS_STOCK_EN} {_ROLLUP_EN}",
    ),
    _d(
        "tos_legal_entities",
        "tos",
        "Число ТОС — юридических лиц",
        "ТОС that are legal entities",
        "ТОС из показателя «Число ТОС», зарегистрированные как юридические лица, с года государственной "
        f"регистрации (но не раньше, чем учитывается сам ТОС). {_ROLLUP_RU}",
        "ТОС of “Number of ТОС” registered as legal entities, from the year of state registration (but not before "
        f"the ТОС itself counts). {_ROLLUP_EN}",
    ),
    _d(
        "tos_legal_entities_share",
        "tos",
        "Доля ТОС — юридических лиц",
        "Share of ТОС that are legal entities",
        "Число ТОС — юридических лиц / число ТОС × 100, на каждом уровне из его собственных сумм (не среднее по "
        "муниципальным образованиям). Нет значения — нет ТОС.",
        "ТОС that are legal entities / number of ТОС × 100, at each level from its own totals (not an average of "
        "the municipalities). No value: no ТОС.",
        unit="percent",
        decimals=1,
    ),
    _d(
        "tos_residents",
        "tos",
        "Жители на территориях ТОС",
        "Residents living on ТОС territories",
        "Сумма числа жителей (16 лет и старше), указанного в регистрационных данных ТОС из показателя «Число "
        f"ТОС». {_ROLLUP_RU}",
        "The sum of the residents (aged 16 and over) stated in the registration of the ТОС of “Number of ТОС”. "
        f"{_ROLLUP_EN}",
        unit="people",
    ),
    _d(
        "tos_residents_share",
        "tos",
        "Доля населения, проживающего на территориях ТОС",
        "Share of the population living on ТОС territories",
        "Жители на территориях ТОС / численность населения × 100. Численность — справочная (Росстат на 1 января "
        "2020 г.), одна для всех лет; для региона и страны — сумма по муниципальным образованиям, не входящим в "
        "другие. Муниципальные образования с неизвестной численностью не входят ни в числитель, ни в знаменатель; "
        "для них значения нет.",
        "Residents living on ТОС territories / population × 100. The population is the reference figure (Rosstat, "
        "1 January 2020), the same for every year; for a region or a country, the sum over its municipalities "
        "that are not part of another. Municipalities whose population is unknown are in neither part and have "
        "no value.",
        unit="percent",
        decimals=2,
    ),
    # --- practices ---
    _d(
        "practices_published",
        "practices",
        "Опубликовано практик",
        "Practices published",
        "Практики в статусе «опубликована», по году публикации и муниципальному образованию практики (иначе "
        f"региону или стране). {_ROLLUP_RU}",
        "Practices that are published, by the year of publication and the practice's municipality (else region "
        f"or country). {_ROLLUP_EN}",
    ),
    _d(
        "practices_adopted",
        "practices",
        "Внедрено практик (тиражирование)",
        "Practices adopted (replicated)",
        "Отметки «мы внедрили» по году внедрения и муниципальному образованию, где практика внедрена (иначе "
        "муниципальному образованию, региону или стране внедрившей организации).",
        "“We adopted this” records by the year of adoption and the municipality where it was adopted (else the "
        "adopting organisation's municipality, region or country).",
    ),
    # --- contests ---
    _d(
        "contests_held",
        "contests",
        "Проведено конкурсов",
        "Contests held",
        "Объявленные конкурсы (кроме черновиков и отменённых) по году начала приёма заявок и месту организатора: "
        "муниципальный конкурс — в муниципальном образовании организатора, региональный — в регионе.",
        "Contests announced (except drafts and cancelled ones) by the year applications open and the organiser's "
        "place: a municipal contest in the organiser's municipality, a regional one in the region.",
    ),
    _d(
        "contest_applications",
        "contests",
        "Подано заявок на конкурсы",
        "Contest applications submitted",
        "Поданные заявки (кроме черновиков и отозванных) по году подачи и муниципальному образованию, где "
        "реализуется проект (иначе месту заявителя).",
        "Applications submitted (except drafts and withdrawn ones) by the year of submission and the municipality "
        "where the project is carried out (else the applicant's place).",
    ),
    _d(
        "contest_awards",
        "contests",
        "Победителей конкурсов (грантов)",
        "Contest awards (grants)",
        "Заявки, получившие финансирование, в конкурсах с опубликованными итогами, по году публикации итогов и "
        "месту проекта.",
        "Applications funded in contests whose results are published, by the year of the results and the "
        "project's place.",
    ),
    _d(
        "contest_awards_amount",
        "contests",
        "Сумма грантов по итогам конкурсов",
        "Amount awarded in contests",
        "Сумма присуждённых грантов (в рублях) тех же заявок, что в показателе «Победителей конкурсов».",
        "The amounts awarded (in roubles) to the applications of “Contest awards”.",
        unit="rub",
        decimals=2,
    ),
    # --- money ---
    _d(
        "money_budget",
        "money",
        "Бюджетные средства в проектах",
        "Budget money in projects",
        f"Источники «муниципальный бюджет» и «региональный бюджет». {_MONEY_RU}",
        f"Sources “municipal budget” and “regional budget”. {_MONEY_EN}",
        unit="rub",
        decimals=2,
    ),
    _d(
        "money_grants",
        "money",
        "Гранты в проектах",
        "Grants in projects",
        f"Источник «грант». {_MONEY_RU}",
        f"Source “grant”. {_MONEY_EN}",
        unit="rub",
        decimals=2,
    ),
    _d(
        "money_residents",
        "money",
        "Средства жителей в проектах",
        "Residents' money in projects",
        f"Источник «жители: инициативные платежи, самообложение». {_MONEY_RU}",
        f"Source “residents: initiative payments, self-taxation”. {_MONEY_EN}",
        unit="rub",
        decimals=2,
    ),
    _d(
        "money_sponsors",
        "money",
        "Средства спонсоров в проектах",
        "Sponsors' money in projects",
        f"Источник «спонсоры». {_MONEY_RU}",
        f"Source “sponsors”. {_MONEY_EN}",
        unit="rub",
        decimals=2,
    ),
    _d(
        "money_volunteer_labour",
        "money",
        "Труд добровольцев в проектах (в деньгах)",
        "Volunteer labour in projects, valued",
        f"Источник «труд добровольцев в денежной оценке». {_MONEY_RU}",
        f"Source “volunteer labour, valued in money”. {_MONEY_EN}",
        unit="rub",
        decimals=2,
    ),
    _d(
        "money_total",
        "money",
        "Всего средств в проектах",
        "Total money in projects",
        f"Все источники. {_MONEY_RU}",
        f"All sources. {_MONEY_EN}",
        unit="rub",
        decimals=2,
    ),
    _d(
        "money_community_share",
        "money",
        "Доля средств жителей, спонсоров и добровольцев",
        "Share of residents', sponsors' and volunteers' money",
        "(Средства жителей + спонсоров + труд добровольцев) / все средства в проектах × 100, на каждом уровне из "
        "его собственных сумм.",
        "(Residents' + sponsors' money + volunteer labour) / total money in projects × 100, at each level from its "
        "own totals.",
        unit="percent",
        decimals=1,
    ),
    # --- projects ---
    _d(
        "projects_started",
        "projects",
        "Начато проектов",
        "Projects started",
        "Проекты по году начала и муниципальному образованию проекта (включая позже отменённые).",
        "Projects by the year they started and their municipality (including those cancelled later).",
    ),
    _d(
        "projects_completed",
        "projects",
        "Завершено проектов",
        "Projects completed",
        "Проекты в стадии «завершён» по году завершения.",
        "Projects at the stage “completed”, by the year of completion.",
    ),
    _d(
        "projects_overdue",
        "projects",
        "Проекты с просроченными этапами",
        "Projects with overdue milestones",
        "Незавершённые и неотменённые проекты, у которых есть этап работ с плановой датой раньше сегодняшней, "
        "не выполненный (нет фактической даты, выполнен меньше чем на 100 %). Снимок на день расчёта, "
        "записывается только за текущий год.",
        "Projects neither completed nor cancelled with a milestone whose planned date is before today and which "
        "is not done (no actual date, less than 100 % done). A snapshot on the day of computation, written for "
        "the current year only.",
        better=LOWER,
    ),
    _d(
        "projects_people_reached",
        "projects",
        "Охват жителей проектами",
        "People reached by projects",
        "Сумма «охвачено людей» принятых отчётов по проектам, по году принятия отчёта.",
        "The sum of “people reached” in the accepted reports of projects, by the year the report was accepted.",
        unit="people",
    ),
    _d(
        "projects_volunteer_hours",
        "projects",
        "Часы добровольцев в проектах",
        "Volunteer hours in projects",
        "Сумма часов добровольцев принятых отчётов по проектам, по году принятия отчёта.",
        "The sum of volunteer hours in the accepted reports of projects, by the year the report was accepted.",
        unit="hours",
    ),
    # --- participation ---
    _d(
        "proposals_published",
        "participation",
        "Инициативных предложений внесено",
        "Initiative proposals published",
        "Опубликованные инициативные предложения (в любом статусе, кроме черновика) по году публикации.",
        "Initiative proposals published (in any status but draft), by the year of publication.",
    ),
    _d(
        "proposals_decided",
        "participation",
        "Инициативных предложений рассмотрено",
        "Initiative proposals decided",
        "Предложения, по которым администрация приняла решение (принято, отклонено, направлено на конкурсный "
        "отбор), по году решения.",
        "Proposals the administration decided on (accepted, rejected, sent to competitive selection), by the year "
        "of the decision.",
    ),
    _d(
        "proposals_accepted",
        "participation",
        "Инициативных предложений принято",
        "Initiative proposals accepted",
        "Предложения в статусе «принято» по году решения.",
        "Proposals accepted, by the year of the decision.",
    ),
    _d(
        "proposals_rejected",
        "participation",
        "Инициативных предложений отклонено",
        "Initiative proposals rejected",
        "Предложения в статусе «отклонено» по году решения.",
        "Proposals rejected, by the year of the decision.",
        better=LOWER,
    ),
    _d(
        "proposals_accepted_share",
        "participation",
        "Доля принятых инициативных предложений",
        "Share of initiative proposals accepted",
        "Принято / рассмотрено × 100 за год, на каждом уровне из его собственных сумм.",
        "Accepted / decided × 100 in the year, at each level from its own totals.",
        unit="percent",
        decimals=1,
    ),
    # --- cooperation ---
    _d(
        "partnerships_active",
        "cooperation",
        "Действующих соглашений о партнёрстве",
        "Partnership agreements in force",
        "Соглашения в статусе «действует» (и прекращённые — за годы действия), с года вступления в силу (иначе "
        "регистрации, подписания, внесения) до года прекращения или окончания срока. Соглашение считается в "
        "каждом муниципальном образовании-стороне и один раз в регионе и стране, даже если сторон там несколько.",
        "Agreements in force (and ended ones, for the years they were), from the year they took effect (else were "
        "registered, signed, entered) to the year they ended or expire. An agreement counts in each party "
        "municipality and once in a region or country, however many of its parties are there.",
    ),
    _d(
        "roadmap_actions_done",
        "cooperation",
        "Выполнено действий дорожных карт",
        "Roadmap actions done",
        "Действия дорожных карт в статусе «выполнено» по году выполнения (иначе плановой дате), у каждой "
        "ответственной стороны; в регионе и стране каждое действие считается один раз.",
        "Roadmap actions done, by the year done (else due), for each responsible side; an action counts once in "
        "a region or country.",
    ),
    # --- events and resolutions ---
    _d(
        "events_held",
        "events",
        "Проведено мероприятий",
        "Events held",
        "Опубликованные и не отменённые мероприятия (семинары, конференции, круглые столы…), которые уже начались, "
        "по году начала и месту проведения (муниципальное образование, иначе регион, иначе страна организаторов).",
        "Published events (seminars, conferences, round tables…) not cancelled that have started, by the year they "
        "started and where they are held (the municipality, else the region, else the organisers' country).",
    ),
    _d(
        "event_participants",
        "events",
        "Участников мероприятий",
        "Event participants",
        "Регистрации участников (с местом, без листа ожидания и отменённых) на мероприятия из показателя "
        "«Проведено мероприятий», по году и месту мероприятия.",
        "Participants' registrations (with a seat: neither waiting nor cancelled) for the events of “Events held”, "
        "by the event's year and place.",
        unit="people",
    ),
    _d(
        "resolution_items_done",
        "events",
        "Выполнено пунктов резолюций",
        "Resolution items done",
        "Пункты резолюций в статусе «выполнено» по году, когда им присвоен этот статус, у каждой организации-"
        "адресата (по её месту); пункт без адресата из реестра — по месту мероприятия, принявшего резолюцию. В "
        "регионе и стране каждый пункт считается один раз.",
        "Resolution items done, by the year they were marked done, for each addressee organisation (where it is); "
        "an item addressed to no organisation of the registry, where the event that adopted the resolution was "
        "held. An item counts once in a region or country.",
    ),
    # --- support of ТОС and NGOs: entered by the municipality ---
    _d(
        "tos_budget_support",
        "support",
        "Бюджетная поддержка ТОС",
        "Budget support of ТОС",
        "Средства местного бюджета, направленные за год на поддержку ТОС (субсидии, гранты, оплата работ по "
        "проектам ТОС). Вносит администрация муниципального образования с указанием источника (решение о "
        "бюджете, отчёт об исполнении).",
        "Money of the local budget given in the year to support ТОС (subsidies, grants, payment for ТОС projects' "
        "works). Entered by the municipality's administration with its source (the budget decision, the report "
        "on its execution).",
        source=ENTERED,
        unit="rub",
        decimals=2,
        value_min="0",
    ),
    _d(
        "ngo_budget_support",
        "support",
        "Бюджетная поддержка социально ориентированных НКО",
        "Budget support of socially oriented NGOs",
        "Средства местного бюджета, направленные за год на поддержку социально ориентированных НКО. Вносит "
        "администрация муниципального образования.",
        "Money of the local budget given in the year to socially oriented NGOs. Entered by the municipality's "
        "administration.",
        source=ENTERED,
        unit="rub",
        decimals=2,
        value_min="0",
    ),
    _d(
        "volunteers",
        "support",
        "Число добровольцев",
        "Volunteers",
        "Число жителей, участвовавших за год в добровольческой работе в проектах ТОС и НКО, по данным "
        "администрации муниципального образования.",
        "Residents who volunteered in ТОС and NGO projects in the year, as the municipality's administration reports.",
        source=ENTERED,
        unit="people",
        value_min="0",
    ),
    # --- evaluation of local government (the federal list) and quality of life: imported ---
    _d(
        "smb_per_10000",
        "evaluation",
        "Число субъектов малого и среднего предпринимательства на 10 тыс. человек населения",
        "Small and medium businesses per 10,000 residents",
        "Показатель оценки эффективности деятельности органов местного самоуправления (Указ Президента РФ "
        "от 28.04.2008 № 607), по данным доклада главы муниципального образования.",
        "An indicator of the federal evaluation of local government (Presidential Decree No. 607 of 28 April "
        "2008), as the head of the municipality reports it.",
        source=IMPORTED,
        unit="per_10000",
        decimals=1,
        value_min="0",
    ),
    _d(
        "investment_per_resident",
        "evaluation",
        "Инвестиции в основной капитал (без бюджетных средств) на 1 жителя",
        "Investment in fixed capital (without budget funds) per resident",
        "Показатель оценки эффективности деятельности органов местного самоуправления (Указ № 607), в рублях.",
        "An indicator of the federal evaluation of local government (Decree No. 607), in roubles.",
        source=IMPORTED,
        unit="rub_per_resident",
        decimals=2,
        value_min="0",
    ),
    _d(
        "roads_substandard_share",
        "evaluation",
        "Доля дорог местного значения, не отвечающих нормативным требованиям",
        "Share of local roads not meeting the standards",
        "Доля протяжённости автомобильных дорог общего пользования местного значения, не отвечающих нормативным "
        "требованиям, в общей протяжённости, % (Указ № 607). Чем меньше, тем лучше.",
        "The share of the length of public local roads that do not meet the standards, % (Decree No. 607). Lower "
        "is better.",
        source=IMPORTED,
        unit="percent",
        decimals=1,
        better=LOWER,
        value_min="0",
        value_max="100",
    ),
    _d(
        "satisfaction_local_government",
        "evaluation",
        "Удовлетворённость населения деятельностью органов местного самоуправления",
        "Residents' satisfaction with local government",
        "Процент от числа опрошенных (Указ № 607; опрос населения).",
        "Per cent of those surveyed (Decree No. 607; a survey of residents).",
        source=IMPORTED,
        unit="percent",
        decimals=1,
        value_min="0",
        value_max="100",
    ),
    _d(
        "housing_per_resident",
        "quality_of_life",
        "Общая площадь жилых помещений на одного жителя",
        "Living space per resident",
        "Общая площадь жилых помещений, приходящаяся в среднем на одного жителя, м² (Указ № 607).",
        "Total living space per resident on average, m² (Decree No. 607).",
        source=IMPORTED,
        unit="sq_m_per_resident",
        decimals=1,
        value_min="0",
    ),
    _d(
        "sport_share",
        "quality_of_life",
        "Доля населения, систематически занимающегося физкультурой и спортом",
        "Share of the population who regularly do sport",
        "Процент населения, систематически занимающегося физической культурой и спортом.",
        "Per cent of the population who regularly do physical exercise and sport.",
        source=IMPORTED,
        unit="percent",
        decimals=1,
        value_min="0",
        value_max="100",
    ),
    _d(
        "average_salary",
        "quality_of_life",
        "Среднемесячная начисленная заработная плата",
        "Average monthly wage",
        "Среднемесячная номинальная начисленная заработная плата работников, рублей (Указ № 607).",
        "Average monthly nominal wage of employees, roubles (Decree No. 607).",
        source=IMPORTED,
        unit="rub",
        decimals=0,
        value_min="0",
    ),
]

for _position, _definition in enumerate(DEFINITIONS, start=1):
    _definition["position"] = _position * 10


def seed_definitions(model: Any, codes: set[str] | None = None) -> int:
    """Create the catalogue's definitions that are missing (only `codes` if given), with the fields `model` has
    (a migration's historical model may have fewer); existing definitions are left as they are. Returns how many
    were created."""
    fields = {f.name for f in model._meta.get_fields()}
    existing = set(model.objects.values_list("code", flat=True))
    new = [
        model(**{k: v for k, v in definition.items() if k in fields})
        for definition in DEFINITIONS
        if definition["code"] not in existing and (codes is None or definition["code"] in codes)
    ]
    model.objects.bulk_create(new)
    return len(new)
