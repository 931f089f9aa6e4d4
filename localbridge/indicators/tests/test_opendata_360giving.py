"""Awards in the 360Giving data standard: the standard's column titles in CSV and XLSX, a 360Giving data package
in JSON, the identifier prefix from the settings, and the values of one known award."""

import json

import pytest

from localbridge.contests.models import ContestStatus

from .opendata_data import add_records, fetch, opendata_world, read_csv, read_xlsx

pytestmark = pytest.mark.django_db

TITLES = [
    "Identifier",
    "Title",
    "Description",
    "Currency",
    "Amount Applied For",
    "Amount Awarded",
    "Award Date",
    "URL",
    "Planned Dates:Start Date",
    "Planned Dates:End Date",
    "Actual Dates:Start Date",
    "Actual Dates:End Date",
    "Recipient Org:Identifier",
    "Recipient Org:Name",
    "Recipient Org:City",
    "Recipient Org:Country",
    "Funding Org:Identifier",
    "Funding Org:Name",
    "Grant Programme:Code",
    "Grant Programme:Title",
    "Grant Programme:URL",
    "Beneficiary Location:Name",
    "Beneficiary Location:Country Code",
    "Beneficiary Location:Latitude",
    "Beneficiary Location:Longitude",
    "From An Open Call?",
    "Last Modified",
    "Data Source",
]


@pytest.fixture
def award(definitions, settings):
    settings.OPENDATA_360GIVING_PREFIX = "360G-test"
    world = opendata_world(definitions)
    _tos, _practice, result, project = add_records(world)[0]
    project.stages.filter(kind="design").update(planned_start="2025-06-01", planned_end="2025-07-15")
    project.stages.filter(kind="completion").update(planned_end="2025-10-31")
    return world, result, project


def test_the_csv_has_the_standards_titles_and_the_awards_values(client, award):
    world, result, project = award
    response, body = fetch(client, "/opendata/awards-360giving.csv")
    assert response.status_code == 200
    rows = read_csv(body)
    assert list(rows[0]) == TITLES
    assert len(rows) == 1  # the award of a contest whose results are not published is left out
    row = rows[0]
    organisation = result.application.organization
    assert row["Identifier"] == f"360G-test-award-{result.pk}"
    assert row["Title"] == result.application.title and row["Description"] == project.summary
    assert (
        row["Currency"] == "RUB" and row["Amount Awarded"] == "150000.00" and row["Amount Applied For"] == "150000.00"
    )
    assert row["Award Date"] == "2025-05-01"
    assert row["Planned Dates:Start Date"] == "2025-06-01" and row["Planned Dates:End Date"] == "2025-10-31"
    assert row["Actual Dates:Start Date"] == "2026-06-10" and row["Actual Dates:End Date"] == ""
    assert row["Recipient Org:Identifier"] == f"360G-test-org-{organisation.pk}"
    assert row["Recipient Org:Name"] == organisation.name
    assert row["Funding Org:Identifier"] == f"360G-test-org-{result.contest.organizer_id}"
    assert row["Funding Org:Name"] == result.contest.organizer.name
    assert row["Grant Programme:Code"] == f"360G-test-contest-{result.contest_id}"
    assert row["Grant Programme:Title"] == result.contest.title
    assert row["Grant Programme:URL"] == f"http://testserver/contests/{result.contest_id}/"
    assert row["URL"] == f"http://testserver/projects/{project.pk}/"
    assert row["Beneficiary Location:Name"] == "Свободный"
    assert row["Beneficiary Location:Country Code"] == world.country.code
    assert row["From An Open Call?"] == "Yes"
    assert row["Data Source"] == "http://testserver/opendata/awards-360giving/"


def test_the_xlsx_has_the_same_titles_and_amounts_as_numbers(client, award):
    _response, body = fetch(client, "/opendata/awards-360giving.xlsx")
    rows = read_xlsx(body)
    assert list(rows[0]) == TITLES and rows[0]["Amount Awarded"] == 150000


def test_the_json_is_a_360giving_data_package(client, award):
    world, result, project = award
    _response, body = fetch(client, "/opendata/awards-360giving.json")
    package = json.loads(body)
    assert package["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert package["publisher"] == {"name": "LocalBridge"}
    assert package["downloadURL"] == "http://testserver/opendata/awards-360giving.json"
    assert package["accessURL"] == "http://testserver/opendata/awards-360giving/"
    assert package["identifier"] == "360G-test-awards" and package["title"] and package["issued"]
    [grant] = package["grants"]
    organisation = result.application.organization
    assert grant["id"] == f"360G-test-award-{result.pk}"
    assert grant["amountAwarded"] == 150000.0 and grant["amountAppliedFor"] == 150000.0 and grant["currency"] == "RUB"
    assert grant["awardDate"] == "2025-05-01"
    assert grant["recipientOrganization"][0]["id"] == f"360G-test-org-{organisation.pk}"
    assert grant["recipientOrganization"][0]["name"] == organisation.name
    assert grant["fundingOrganization"] == [
        {"id": f"360G-test-org-{result.contest.organizer_id}", "name": result.contest.organizer.name}
    ]
    assert grant["grantProgramme"] == [
        {
            "code": f"360G-test-contest-{result.contest_id}",
            "title": result.contest.title,
            "url": f"http://testserver/contests/{result.contest_id}/",
        }
    ]
    assert grant["plannedDates"] == [{"startDate": "2025-06-01", "endDate": "2025-10-31"}]
    assert grant["actualDates"] == [{"startDate": "2026-06-10"}]
    assert grant["beneficiaryLocation"][0]["name"] == "Свободный"
    assert grant["beneficiaryLocation"][0]["countryCode"] == world.country.code
    assert grant["fromOpenCall"] == "Yes" and grant["dataSource"].endswith("/opendata/awards-360giving/")
    # Required by the 360Giving schema.
    for key in ("id", "title", "description", "currency", "amountAwarded", "awardDate"):
        assert grant[key] not in (None, "")


def test_without_a_project_the_description_names_the_contest(client, award):
    _world, result, project = award
    project.expenses.all().delete()
    project.delete()
    _response, body = fetch(client, "/opendata/awards-360giving.csv")
    row = read_csv(body)[0]
    assert row["Description"] == f"{result.application.title}. {result.contest.title}"
    assert row["URL"] == f"http://testserver/contests/{result.contest_id}/"
    assert row["Planned Dates:Start Date"] == ""


def test_a_cancelled_contest_publishes_no_awards(client, award):
    _world, result, _project = award
    result.contest.status = ContestStatus.CANCELLED
    result.contest.save()
    _response, body = fetch(client, "/opendata/awards-360giving.json")
    assert json.loads(body)["grants"] == []
