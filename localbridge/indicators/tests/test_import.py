"""Importing files of values: good rows saved, every malformed row refused with its line, column and reason, and
nothing of a bad row saved; CSV in either encoding and separator, XLSX; the command."""

import io
from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from openpyxl import Workbook

from localbridge.accounts.tests.factories import UserFactory
from localbridge.core.audit import audit_history
from localbridge.core.services import error_codes
from localbridge.indicators.importing import parse_number, parse_year
from localbridge.indicators.models import ImportBatch, IndicatorValue, Level
from localbridge.indicators.services import values_import
from localbridge.territories.tests.factories import MunicipalityFactory

from .factories import make_world, put

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator():
    return UserFactory(is_staff=True)


@pytest.fixture
def world(definitions):
    w = make_world()
    w.a1.oktmo = "10701000"
    w.a1.save()
    return w


def csv_bytes(text: str, encoding: str = "utf-8") -> bytes:
    return text.encode(encoding)


def saved():
    return {
        (v.definition.code, v.level, v.territory_id, v.year): v.value
        for v in IndicatorValue.objects.select_related("definition")
    }


def test_good_rows_are_saved_and_each_bad_row_is_reported_with_its_reason(world, operator):
    w = world
    # A second "Свободный" in another region makes the bare name ambiguous.
    MunicipalityFactory(country=w.country, region=w.region_b, name_ru="Свободный")
    text = "\n".join(
        [
            "code,municipality,region,oktmo,year,value,source_note",
            f'satisfaction_local_government,{w.a1.pk},,,2024,"45,5",Опрос 2024',  # 2: by id, comma decimal
            "satisfaction_local_government,Свободный,RU-AMU,,2024,51.2,",  # 3: by name within a region
            "satisfaction_local_government,,,10701000,2023,40,",  # 4: by OKTMO
            "smb_per_10000,,RU-SMO,,2024,312.7,Росстат",  # 5: the region's own value
            "no_such_indicator,Свободный,RU-AMU,,2024,1,",  # 6: unknown code
            "tos_count,Свободный,RU-AMU,,2024,5,",  # 7: computed
            "satisfaction_local_government,Нигдеград,,,2024,5,",  # 8: unknown municipality
            "satisfaction_local_government,Свободный,,,2024,5,",  # 9: ambiguous without the region
            "satisfaction_local_government,Свободный,RU-AMU,,20x4,5,",  # 10: bad year
            "satisfaction_local_government,Свободный,RU-AMU,,2023,много,",  # 11: not a number
            "satisfaction_local_government,Свободный,RU-AMU,,2023,120,",  # 12: over 100 %
            "satisfaction_local_government,Свободный,RU-XXX,,2023,12,",  # 13: unknown region
            "satisfaction_local_government,,,99999999,2023,12,",  # 14: unknown OKTMO
            f"satisfaction_local_government,{w.a1.pk},,,2024,47,",  # 15: the same as line 2
            "satisfaction_local_government,,,,2023,12,",  # 16: no territory
            "tos_count,Нигдеград,,,1800,,",  # 17: several problems at once
        ]
    )
    batch = values_import(actor=operator, data=csv_bytes(text), filename="values.csv")
    assert (batch.rows_total, batch.rows_saved, batch.rows_failed) == (16, 4, 12)
    assert saved() == {
        ("satisfaction_local_government", Level.MUNICIPALITY, w.a1.pk, 2024): Decimal("45.5"),
        ("satisfaction_local_government", Level.MUNICIPALITY, w.a2.pk, 2024): Decimal("51.2"),
        ("satisfaction_local_government", Level.MUNICIPALITY, w.a1.pk, 2023): Decimal("40"),
        ("smb_per_10000", Level.REGION, w.region_b.pk, 2024): Decimal("312.7"),
    }
    reasons = [(e["row"], e["field"], e["code"]) for e in batch.errors]
    assert reasons == [
        (6, "code", "unknown_code"),
        (7, "code", "computed_not_importable"),
        (8, "municipality", "unknown_municipality"),
        (9, "municipality", "ambiguous_municipality"),
        (10, "year", "bad_year"),
        (11, "value", "bad_value"),
        (12, "value", "out_of_range"),
        (13, "region", "unknown_region"),
        (14, "oktmo", "unknown_municipality"),
        (15, "code", "duplicate_row"),
        (16, "municipality", "missing_territory"),
        (17, "code", "computed_not_importable"),
        (17, "municipality", "unknown_municipality"),
        (17, "year", "bad_year"),
        (17, "value", "bad_value"),
    ]
    assert all(e["message"] for e in batch.errors)
    value = IndicatorValue.objects.get(level=Level.MUNICIPALITY, territory_id=w.a1.pk, year=2024)
    assert value.source_note == "Опрос 2024" and value.import_batch == batch and value.entered_by == operator
    assert [entry.action for entry in audit_history(obj=batch)] == ["import"]


def test_an_import_replaces_the_value_of_the_same_year_and_marks_generated_values(world, operator, definitions):
    w = world
    put(definitions["satisfaction_local_government"], w.a1, 2024, 30)
    text = f"code;municipality;year;value\nsatisfaction_local_government;{w.a1.pk};2024;44\n"
    batch = values_import(actor=operator, data=csv_bytes(text, "cp1251"), filename="x.csv", is_generated=True)
    assert batch.rows_saved == 1 and batch.is_generated
    value = IndicatorValue.objects.get()
    assert value.value == 44 and value.is_generated


def test_russian_headers_in_windows_1251_with_semicolons(world, operator):
    w = world
    text = "Код;Муниципальное образование;Регион;Год;Значение;Источник\n"
    text += "satisfaction_local_government;Благовещенск;RU-AMU;2024;1 234,5;доклад главы\n"
    text = text.replace("1 234,5", "55,25")
    batch = values_import(actor=operator, data=csv_bytes(text, "cp1251"), filename="values.csv")
    assert batch.rows_saved == 1 and batch.errors == []
    assert IndicatorValue.objects.get().value == Decimal("55.25")
    assert IndicatorValue.objects.get().territory_id == w.a1.pk


def test_an_xlsx_file_is_read_with_number_cells(world, operator):
    w = world
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["code", "municipality", "year", "value", "source_note"])
    sheet.append(["smb_per_10000", w.a2.pk, 2024, 310.5, "Росстат"])
    sheet.append(["smb_per_10000", "Свободный", 2023.0, "300", None])
    sheet.append(["smb_per_10000", "Свободный", "год", 1, None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    batch = values_import(actor=operator, data=buffer.getvalue(), filename="values.xlsx")
    assert (batch.rows_saved, batch.rows_failed) == (2, 1)
    assert saved() == {
        ("smb_per_10000", Level.MUNICIPALITY, w.a2.pk, 2024): Decimal("310.5"),
        ("smb_per_10000", Level.MUNICIPALITY, w.a2.pk, 2023): Decimal("300"),
    }


@pytest.mark.parametrize(
    ("data", "filename", "code"),
    [
        (b"", "empty.csv", "empty_file"),
        (b"code,year\nx,2024\n", "few.csv", "missing_columns"),
        (b"PK\x03\x04 not really a spreadsheet", "broken.xlsx", "bad_file"),
        (b"\xff\xfe\x00\x00" + bytes(range(128, 256)), "binary.csv", "bad_encoding"),
    ],
)
def test_a_file_that_cannot_be_read_saves_nothing(world, operator, data, filename, code):
    with pytest.raises(ValidationError) as refused:
        values_import(actor=operator, data=data, filename=filename)
    assert error_codes(refused.value) == {code}
    assert not IndicatorValue.objects.exists() and not ImportBatch.objects.exists()


def test_only_platform_staff_import(world):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        values_import(actor=UserFactory(), data=b"code,municipality,year,value\n", filename="x.csv")


def test_the_command_imports_and_lists_the_refused_rows(world, tmp_path):
    w = world
    path = tmp_path / "values.csv"
    path.write_text(
        f"code,municipality,year,value\nsatisfaction_local_government,{w.a1.pk},2024,50\ntos_count,{w.a1.pk},2024,1\n",
        encoding="utf-8",
    )
    out, err = StringIO(), StringIO()
    with pytest.raises(SystemExit) as exit_status:
        call_command("import_indicators", str(path), "--generated", stdout=out, stderr=err)
    assert exit_status.value.code == 1
    assert "rows read: 2, saved: 1, refused: 1" in out.getvalue()
    assert "line 3, code:" in err.getvalue() and "[computed_not_importable]" in err.getvalue()
    assert IndicatorValue.objects.get().is_generated


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("12", Decimal("12")),
        ("-3,5", Decimal("-3.5")),
        ("1 234 567,89", Decimal("1234567.89")),
        ("1\u00a0234.5", Decimal("1234.5")),
        (".5", Decimal("0.5")),
        ("1,234.5", None),
        ("1e5", None),
        ("NaN", None),
        ("", None),
    ],
)
def test_numbers_are_read_the_russian_and_the_english_way(text, number):
    assert parse_number(text) == number


def test_years_are_four_digits():
    assert parse_year("2024") == 2024 and parse_year("2024.0") == 2024
    assert parse_year("24") is None and parse_year("20x4") is None
