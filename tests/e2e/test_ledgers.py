"""The ledgers (台账) as their users download them: the supervisor exports the district's hazard ledger at a desk
and the file holds the database's hazards row for row; a station officer's, on a phone, holds their street's only."""

import csv
import io
import sqlite3
import uuid
from datetime import datetime, timedelta

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.e2e import live

pytestmark = pytest.mark.e2e

LEVELS = {"general": "一般隐患", "major": "重大隐患"}


def hazards_in_database(database, where: str = "1 = 1", *args) -> dict:
    """id → (street, level, received on Shanghai's clock) of the hazards the clause selects."""
    with sqlite3.connect(database) as connection:
        found = connection.execute(
            "SELECT h.id, a.name, h.level, h.received_at FROM hazards h JOIN areas a ON a.id = h.street_id "
            f"WHERE {where}",
            args,
        ).fetchall()
    return {
        uuid.UUID(id_): (street, LEVELS[level], datetime.fromisoformat(received) + timedelta(hours=8))
        for id_, street, level, received in found
    }


def export(page, fmt: str):
    """From home, open 导出台账, choose the hazard ledger in `fmt`, export: the downloaded file's path."""
    page.get_by_test_id("ledgers-link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("导出台账")
    page.get_by_label("格式").select_option(fmt)
    with page.expect_download(timeout=60_000) as download:
        page.get_by_test_id("ledger-export").click()
    expect(page.get_by_role("status")).to_have_text("已下载。")
    assert download.value.suggested_filename.startswith("隐患台账") and download.value.suggested_filename.endswith(fmt)
    return download.value.path()


def test_the_supervisors_hazard_ledger_holds_the_database_row_for_row(screen_as, live_database):
    page = screen_as("demo-supervisor", live.DESK)
    with open(export(page, "xlsx"), "rb") as file:  # kept under a name of the browser's, without the suffix
        sheet = load_workbook(io.BytesIO(file.read()), read_only=True).active
    header, *rows = sheet.values
    column = {name: index for index, name in enumerate(header)}
    expected = hazards_in_database(live_database)
    assert len(rows) == len(expected) > 1000, "one row a hazard, every one of the district's"
    for row in rows:
        street, level, received = expected.pop(uuid.UUID(row[column["隐患编号"]]))
        assert (row[column["街道"]], row[column["等级"]]) == (street, level)
        assert abs(row[column["上报时间"]] - received) < timedelta(seconds=1)  # a date cell on Shanghai's clock
    assert expected == {}


def test_a_station_officers_ledger_holds_their_street_only(screen_as, live_database):
    page = screen_as("demo-station", live.PHONE_360)
    with open(export(page, "csv"), encoding="utf-8-sig", newline="") as file:
        header, *rows = list(csv.reader(file))
    column = {name: index for index, name in enumerate(header)}
    street = hazards_in_database(live_database, "a.name = ?", "民族街道")
    assert len(rows) == len(street) > 0
    assert {row[column["街道"]] for row in rows} == {"民族街道"}
    assert {uuid.UUID(row[column["隐患编号"]]) for row in rows} == set(street)
