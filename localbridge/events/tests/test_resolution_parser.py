"""The resolution parser on the five founding resolutions (../shared/data/resolutions/, read from
settings.SHARED_DATA_DIR) and on malformed text.

The expected structure of each founding resolution was counted by hand, reading the file; the counts and the
reasons are in the comments. No database: the parser is pure."""

import io
import json
import zipfile
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings

from localbridge.events.resolution_parser import (
    ResolutionFileError,
    parse_resolution,
    parse_resolution_file,
    read_resolution_file,
)


def founding(stem: str) -> str:
    return (Path(settings.SHARED_DATA_DIR) / "resolutions" / f"{stem}.txt").read_text(encoding="utf-8")


def shape(parsed) -> list[tuple[str | None, int]]:
    return [(section.addressee, len(section.items)) for section in parsed.sections]


# --- the five founding resolutions --------------------------------------------------------------------------------


def test_amur_2016_six_addressees_with_their_numbered_items():
    parsed = parse_resolution(founding("2016-10-26-amur-tos-conference"))
    # Counted by hand: six «Addressee:» headings, each followed by «1.», «2.»… items. The paragraph
    # «По итогам работы … сформулированы предложения в итоговую резолюцию:» is the preamble's lead-in (it is not
    # in the dative), and the ВСМС section's item 3 comes after an empty line (still the same list).
    assert shape(parsed) == [
        ("Правительству Амурской области", 2),  # lines 30–31
        ("Представительным органам муниципальных образований", 2),  # lines 35–36
        ("Органам местного самоуправления муниципальных образований Амурской области", 6),  # lines 40–45
        (
            "Совету Амурского регионального отделения общероссийской общественной организации «Всероссийский Совет "
            "Местного Самоуправления» (ВСМС)",
            3,  # lines 49, 50, 52
        ),
        ("Общественной палате Амурской области", 3),  # lines 56, 58, 60
        ("Институтам гражданского общества Амурской области", 5),  # lines 64–72
    ]
    assert parsed.item_count == 21
    assert parsed.sections[0].items[0] == (
        "Разработать механизмы софинансирования программ грантов в муниципальных районах из средств бюджета "
        "Амурской области;"
    )
    assert parsed.sections[-1].items[-1] == (
        "Распространить положительный опыт Амурской областной общественной организации «Совет молодых ученых и "
        "врачей «МЕДАМУР» в регионе."
    )
    assert parsed.title == "РЕЗОЛЮЦИЯ АМУРСКОЙ ОБЛАСТНОЙ КОНФЕРЕНЦИИ ТОС «НАША СИЛА В ЕДИНСТВЕ»"
    assert parsed.date == date(2016, 10, 26)
    # «Место проведение: Амурская область, город Благовещенск,» continues on the next line.
    assert parsed.place == "Амурская область, город Благовещенск, ул. Ленина, 100"
    assert parsed.warnings == []
    assert "Количество участников конференции: 121 человек" in parsed.preamble


def test_volgograd_2017_no_addressees_four_decisions():
    parsed = parse_resolution(founding("2017-11-01-volgograd-municipal-diplomacy"))
    # Counted by hand: no addressee headings; «…решили:» is followed by four numbered decisions. Item 2 is broken
    # by an empty line before «(Государственное агентство …)» — the list of the associations is part of item 2.
    # Item 3 opens with a dative («Проектному офису …») but is a sentence, not a heading.
    assert shape(parsed) == [(None, 4)]
    items = parsed.sections[0].items
    assert items[0].startswith("В рамках проектного офиса Союза российских городов «Международные отношения»")
    assert items[1].startswith("Составить дорожную карту")
    assert items[1].endswith("Ассоциация финских местных и региональных властей).")
    assert items[2].startswith("Проектному офису Союза российских городов «Международные отношения» продолжить")
    assert items[3] == (
        "Продолжить совместную работу между Международной ассоциацией «Породненные города» и Союзом российских "
        "городов по расширению побратимских и партнерских связей между российскими и зарубежными городами."
    )
    assert parsed.title == (
        "РЕЗОЛЮЦИЯ «Дипломатия муниципалитетов: механизмы и формы взаимодействия» (в рамках проектного офиса СРГ "
        "«Международные отношения»)"
    )
    assert parsed.date == date(2017, 11, 1)  # «01 ноября, 2017», not the decrees' dates of the preamble
    assert parsed.place == "г. Волгоград"  # not the letterhead's «г. Москва»
    assert parsed.warnings == []


def test_smolensk_2020_numbered_addressees_with_bracketed_items():
    parsed = parse_resolution(founding("2020-09-08-smolensk-tos-congress"))
    # Counted by hand: the addressees are numbered «1.»–«5.» and their items «1)», «2)»…; the first heading
    # continues on the next line «(Департаменту …):»; the media get one unnumbered recommendation. The preamble's
    # «Участники Съезда …:» with «Выразили…», «Положительно оценили…», «Отметили…» are findings, not items. The
    # closing «Направить настоящую резолюцию …» is not a recommendation to an addressee: not an item, a warning.
    assert shape(parsed) == [
        (
            "Органам государственной власти Смоленской области (Департаменту Смоленской области по внутренней "
            "политике)",
            6,  # lines 20–25
        ),
        ("Органам местного самоуправления муниципальных образований Смоленской области", 8),  # lines 28–35
        ("Руководителям органов территориального общественного самоуправления Смоленской области", 5),  # 38–42
        ("Средствам массовой информации", 1),  # line 48
        ("Ассоциации «Совет муниципальных образований Смоленской области»", 4),  # lines 51–54
    ]
    assert parsed.item_count == 24
    assert parsed.sections[0].items[0] == (
        "продолжить работу по созданию на территории Смоленской области условий для развития территориального "
        "общественного самоуправления;"
    )
    assert parsed.sections[3].items == [
        "принимать активное участие в популяризации опыта работы территориального общественного самоуправления "
        "среди жителей Смоленской области."
    ]
    assert parsed.sections[-1].items[-1].startswith("содействовать развитию и распространению")
    assert [w.code for w in parsed.warnings] == ["not_an_item"]
    assert parsed.other_text[0].startswith("Направить настоящую резолюцию")
    assert parsed.title == "РЕЗОЛЮЦИЯ — III Съезд территориального общественного самоуправления Смоленской области"
    assert parsed.date == date(2020, 9, 8)
    assert parsed.place == "г. Смоленск"  # from «в городе Смоленске» in the preamble


def test_moscow_2020_dash_numbered_tasks_without_addressee():
    parsed = parse_resolution(founding("2020-12-16-moscow-local-communities-conference"))
    # Counted by hand: five tasks numbered «- 1.»…«- 5.» (one with a leading space) after «Задачи, которые мы
    # ставим сегодня перед сообществом:» (not in the dative: a lead-in). The closing «Мы намерены расширять …» is a
    # declaration, not a task: a warning.
    assert shape(parsed) == [(None, 5)]
    items = parsed.sections[0].items
    assert items[0] == "Популяризация и распространение опыта реализации гуманитарных социальных проектов."
    assert items[1] == "Развитие гуманитарного международного сотрудничества."
    assert items[-1] == (
        "Реализация гуманитарных социальных проектов в рамках работы Конгресса местных и региональных властей "
        "Совета Европы."
    )
    assert [w.code for w in parsed.warnings] == ["not_an_item"]
    assert parsed.other_text[0].startswith("Мы намерены расширять сообщество")
    assert parsed.title == "РЕЗОЛЮЦИЯ I Международной конференция «МЕСТНЫЕ СООБЩЕСТВА: ДИАЛОГ, СОГЛАСИЕ, ДОВЕРИЕ»"
    assert parsed.date == date(2020, 12, 16)
    assert parsed.place == "г. Москва"


def test_tyumen_2022_twelve_points_with_their_sub_lists():
    parsed = parse_resolution(founding("2022-10-20-tyumen-forum-local-authorities"))
    # Counted by hand: twelve numbered points «1.»…«12.», no addressees. Points 6 and 8 end with «чтобы:» and
    # carry dash lists (8 and 6 lines); after points 10 and 11 an unnumbered lead-in («В этой связи считаем
    # целесообразным:», «Для этого полагаем необходимым:») opens a dash list (4 and 5 lines): each sub-list stays
    # inside its point. Point 2 and the last dash of point 8 are broken by an empty line mid-sentence.
    assert shape(parsed) == [(None, 12)]
    items = parsed.sections[0].items
    assert items[0].startswith("Участники форума осознают огромное значение органов местной власти")
    assert "Они способны лишать всех, кто осуществляет противозаконную деятельность" in items[1]
    assert items[5].startswith("В контексте вышеизложенного участники форума будут стремиться к тому, чтобы:\n- ")
    assert items[5].count("\n- ") == 8
    assert items[7].count("\n- ") == 6
    assert items[7].endswith("эффективному и доступному перемещению всех людей, обеспечивая охрану городской среды.")
    assert "\nВ этой связи считаем целесообразным:\n- Начать" in items[9]
    assert items[9].count("\n- ") == 4
    assert "\nДля этого полагаем необходимым:\n- Активизировать" in items[10]
    assert items[10].count("\n- ") == 5
    assert items[11].startswith("Участники форума считают необходимым обратиться в компетентные органы управления ШОС")
    assert parsed.warnings == []
    assert parsed.title == "РЕЗОЛЮЦИЯ Международного форума местных властей «Города настоящего и будущего»"
    assert parsed.date == date(2022, 10, 20)
    assert parsed.place == "г. Тюмень"  # written «г.Тюмень»


def test_to_json_has_exactly_the_interface_keys():
    data = parse_resolution(founding("2020-09-08-smolensk-tos-congress")).to_json()
    assert list(data) == ["title", "date", "place", "sections"]
    assert data["date"] == "2020-09-08"
    assert all(list(section) == ["addressee", "items"] for section in data["sections"])
    assert all(isinstance(item, str) for section in data["sections"] for item in section["items"])
    json.dumps(data, ensure_ascii=False)  # serialisable as it is


def test_without_addressees_the_section_addressee_is_null():
    data = parse_resolution(founding("2022-10-20-tyumen-forum-local-authorities")).to_json()
    assert [section["addressee"] for section in data["sections"]] == [None]


# --- malformed text -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   ", "\n\n \r\n"])
def test_empty_text_gives_no_sections_and_a_warning(text):
    parsed = parse_resolution(text)
    assert parsed.sections == []
    assert [w.code for w in parsed.warnings] == ["empty"]
    assert parsed.to_json() == {"title": None, "date": None, "place": None, "sections": []}


def test_text_without_structure_is_one_item_with_a_warning_and_nothing_lost():
    text = "Участники встречи обсудили вопросы благоустройства дворов.\nРешили продолжить работу в следующем году."
    parsed = parse_resolution(text)
    assert shape(parsed) == [(None, 1)]
    assert parsed.sections[0].items[0] == text
    assert [w.code for w in parsed.warnings] == ["no_structure"]


def test_only_headings_keep_the_whole_text_as_one_item():
    text = "Правительству области:\n\nОрганам местного самоуправления:\n"
    parsed = parse_resolution(text)
    assert shape(parsed) == [(None, 1)]
    assert "Правительству области:" in parsed.sections[0].items[0]
    assert "Органам местного самоуправления:" in parsed.sections[0].items[0]
    assert [w.code for w in parsed.warnings] == ["no_structure"]


def test_a_heading_without_items_among_others_is_kept_with_a_warning():
    parsed = parse_resolution("Правительству области:\n1. Утвердить программу.\n\nСредствам массовой информации:\n")
    assert shape(parsed) == [("Правительству области", 1), ("Средствам массовой информации", 0)]
    assert [w.code for w in parsed.warnings] == ["empty_section"]


def test_mixed_numbering_gives_one_item_per_marker():
    text = "Правительству области:\n1. Первое;\n2) Второе;\n- Третье;\nб) Четвёртое.\n• Пятое.\n"
    parsed = parse_resolution(text)
    assert shape(parsed) == [("Правительству области", 5)]
    assert parsed.sections[0].items == ["Первое;", "Второе;", "Третье;", "Четвёртое.", "Пятое."]


def test_windows_line_endings_parse_like_unix_ones():
    unix = founding("2016-10-26-amur-tos-conference")
    parsed = parse_resolution(unix.replace("\n", "\r\n"))
    assert parsed.to_json() == parse_resolution(unix).to_json()
    assert not any("\r" in item for section in parsed.sections for item in section.items)


def test_multi_line_items_and_a_recommend_heading():
    text = (
        "РЕЗОЛЮЦИЯ семинара председателей ТОС\r\n\r\nДата: 12.03.2021\r\n\r\n"
        "Рекомендовать органам местного самоуправления:\r\n"
        "1. Провести обучение\r\nактивистов ТОС;\r\n2. Издать сборник.\r\n\r\n"
        "Средствам массовой информации\r\n- освещать работу ТОС.\r\n"
    )
    parsed = parse_resolution(text)
    assert parsed.title == "РЕЗОЛЮЦИЯ семинара председателей ТОС"
    assert parsed.date == date(2021, 3, 12)
    assert shape(parsed) == [("Органам местного самоуправления", 2), ("Средствам массовой информации", 1)]
    assert parsed.sections[0].items[0] == "Провести обучение активистов ТОС;"


def test_a_numbered_sentence_opening_with_a_dative_is_an_item_not_a_heading():
    parsed = parse_resolution("Решили:\n1. Администрации города разработать программу.\n2. Провести конкурс.")
    assert shape(parsed) == [(None, 2)]


def test_a_preamble_line_ending_with_a_colon_is_not_an_addressee():
    parsed = parse_resolution("Участники отметили:\nВажность ТОС.\n\nПравительству области:\n1. Помочь ТОС.")
    assert shape(parsed) == [("Правительству области", 1)]
    assert "Участники отметили:" in parsed.preamble


def test_an_english_resolution():
    parsed = parse_resolution("RESOLUTION of the forum\n\nTo the Government of the Region:\n1. Do this.\n2. Do that.")
    assert parsed.title == "RESOLUTION of the forum"
    assert shape(parsed) == [("To the Government of the Region", 2)]


# --- files ----------------------------------------------------------------------------------------------------------


def test_a_docx_built_with_python_docx_keeps_word_list_numbering():
    import docx

    document = docx.Document()
    document.add_paragraph("РЕЗОЛЮЦИЯ")
    document.add_paragraph("семинара председателей ТОС")
    document.add_paragraph("15 марта 2023 года")
    document.add_paragraph("Правительству области:")
    document.add_paragraph("Утвердить программу поддержки ТОС;", style="List Number")
    document.add_paragraph("Выделить средства.", style="List Number")
    document.add_paragraph("Средствам массовой информации:")
    document.add_paragraph("освещать работу ТОС.", style="List Bullet")
    buffer = io.BytesIO()
    document.save(buffer)

    text, parsed = parse_resolution_file("резолюция.docx", buffer.getvalue())
    assert "1. Утвердить программу поддержки ТОС;" in text
    assert parsed.to_json() == {
        "title": "РЕЗОЛЮЦИЯ семинара председателей ТОС",
        "date": "2023-03-15",
        "place": None,
        "sections": [
            {
                "addressee": "Правительству области",
                "items": ["Утвердить программу поддержки ТОС;", "Выделить средства."],
            },
            {"addressee": "Средствам массовой информации", "items": ["освещать работу ТОС."]},
        ],
    }


def test_a_docx_built_by_hand_with_zipfile():
    body = "".join(
        f'<w:p><w:r><w:t xml:space="preserve">{line}</w:t></w:r></w:p>'
        for line in [
            "РЕЗОЛЮЦИЯ",
            "Органам местного самоуправления:",
            "1. Создать центр поддержки ТОС.",
            "2. Провести конкурс.",
        ]
    )
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body>{body}</w:body></w:document>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'officeDocument" Target="word/document.xml"/></Relationships>',
        )
        archive.writestr("word/document.xml", document)
    _, parsed = parse_resolution_file("r.docx", buffer.getvalue())
    assert shape(parsed) == [("Органам местного самоуправления", 2)]


def test_a_broken_docx_is_a_clear_error():
    with pytest.raises(ResolutionFileError) as caught:
        read_resolution_file("r.docx", b"PK\x03\x04 not really a zip")
    assert caught.value.code == "unreadable"


@pytest.mark.parametrize("name", ["r.pdf", "r.doc", "r.odt", "r", "r.exe"])
def test_unsupported_files_are_refused_with_a_code(name):
    with pytest.raises(ResolutionFileError) as caught:
        read_resolution_file(name, b"data")
    assert caught.value.code == "unsupported_file"


def test_an_empty_file_is_refused():
    with pytest.raises(ResolutionFileError) as caught:
        read_resolution_file("r.txt", b"")
    assert caught.value.code == "empty_file"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1251"])
def test_text_files_in_the_usual_encodings(encoding):
    text = "РЕЗОЛЮЦИЯ\n\nПравительству области:\n1. Поддержать ТОС."
    assert read_resolution_file("r.TXT", text.encode(encoding)).replace("\r\n", "\n") == text
