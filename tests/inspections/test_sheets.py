"""Checklists as XLSX sheets: exported one row an item, imported as a draft (or a family's next version), a bad cell
named by its row and column, and a file that is no sheet refused without a crash."""

import io
import zipfile

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from server.core.db import db
from server.demo import checklists
from server.inspections.models import InspectionTemplate

URL = "/api/v1/inspection-templates"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CONTENT = ("name", "kind", "description", "site_types", "sectors", "owner_sector", "pass_mark", "max_score", "sections")


@pytest.fixture
def demo_templates(app):
    with app.app_context():
        checklists.add()
        db.session.commit()
        return dict(db.session.execute(select(InspectionTemplate.name, InspectionTemplate.id)).all())


def upload(caller, data: bytes, name="检查表.xlsx", **query):
    return caller.post(
        f"{URL}/import",
        query_string=query,
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def sheet(header: dict, columns: list[str], rows: list[list]) -> bytes:
    """A workbook as a bureau might write one: the header block, a blank row, the table."""
    book = Workbook()
    page = book.active
    for label, value in header.items():
        page.append([label, value])
    page.append([])
    page.append(columns)
    for row in rows:
        page.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_every_seeded_checklist_round_trips_through_its_sheet(login_as, demo_templates):
    admin = login_as("admin")
    assert len(demo_templates) == 5
    for name, template_id in demo_templates.items():
        original = admin.get(f"{URL}/{template_id}").json
        exported = admin.get(f"{URL}/{template_id}.xlsx")
        assert exported.status_code == 200 and exported.mimetype == XLSX, name
        assert "attachment" in exported.headers["Content-Disposition"]
        imported = upload(admin, exported.data)
        assert imported.status_code == 201, (name, imported.json)
        copy = imported.json
        assert (copy["state"], copy["number"]) == ("draft", 1) and copy["family_id"] != original["family_id"]
        assert {k: copy[k] for k in CONTENT} == {k: original[k] for k in CONTENT}, name
        assert copy["item_count"] == original["item_count"]


def test_a_sheet_imported_into_a_family_is_its_next_version(login_as, demo_templates):
    department = login_as("department_officer")  # the market bureau
    market = department.get(f"{URL}/{demo_templates['农贸市场安全考核（演示）']}").json
    book = load_workbook(io.BytesIO(department.get(f"{URL}/{market['id']}.xlsx").data))
    page = book.active
    top = next(r for r in range(1, 20) if page.cell(r, 1).value == "大类")
    assert page.cell(top + 1, 3).value == market["sections"][0]["items"][0]["text"]
    page.cell(top + 1, 7).value = 8  # the first item's 分值
    out = io.BytesIO()
    book.save(out)
    second = upload(department, out.getvalue(), family_id=market["family_id"])
    assert second.status_code == 201, second.json
    assert (second.json["family_id"], second.json["number"], second.json["state"]) == (market["family_id"], 2, "draft")
    assert second.json["max_score"] == market["max_score"] + 5
    assert second.json["sections"][0]["items"][0]["key"] == market["sections"][0]["items"][0]["key"]
    again = upload(department, out.getvalue(), family_id=market["family_id"])
    assert again.status_code == 409 and again.json["code"] == "draft_exists"
    assert department.get(f"{URL}/{market['id']}").json["max_score"] == market["max_score"]  # the published one stays


def test_only_a_checklists_managers_export_and_import_it(login_as, demo_templates):
    mall = demo_templates["商场安全考核（演示）"]
    worker, department, admin = login_as("grid_worker"), login_as("department_officer"), login_as("admin")
    assert worker.get(f"{URL}/{mall}.xlsx").status_code == 403
    data = admin.get(f"{URL}/{mall}.xlsx").data
    assert upload(worker, data).status_code == 403
    # the market bureau reads the commerce bureau's published checklist, but may not make it theirs
    assert department.get(f"{URL}/{mall}.xlsx").status_code == 200
    refused = upload(department, data)
    assert refused.status_code == 403 and refused.json["code"] == "template_outside_scope"
    family = admin.get(f"{URL}/{mall}").json["family_id"]
    refused = upload(department, data, family_id=family)
    assert refused.status_code == 403 and refused.json["code"] == "template_outside_scope"


BUREAU_COLUMNS = ["大类", "序号", "检查内容", "检查方法", "检查依据", "答案类型", "分值", "选项（名称:分值;…）"]
BUREAU_COLUMNS += ["单位", "下限", "上限", "否决项", "不合格需", "隐患类别", "隐患等级", "可不适用", "必答"]


def test_a_sheet_written_the_way_a_bureau_writes_one_is_read(login_as):
    rows = [
        ["消防安全", 1, "安全出口畅通", "现场查看", "《消防法》第二十八条", "合格判定", 10, None]
        + [None, None, None, "否决本大类", "照片、说明", "消防安全", "重大隐患", "否", None],
        [None, 2, "灭火器压力", "读压力表", None, "数值", "5", None, "MPa", 1.0, 1.4] + [None] * 6,
        ["安全管理", 3, "消防演练", None, None, "单选", None, "有记录:5；有演练无记录:2:不合格；未演练:0"] + [None] * 9,
        [None, 4] + [None] * 15,  # a row numbered ahead of its item is skipped as blank
        [None, 4, "其他情况", None, None, "文字", None, None] + [None] * 8 + ["否"],
    ]
    data = sheet(
        {"检查表名称": "市场月度检查", "类型": "考核", "适用场所类型": "农贸市场、商场", "合格线（%）": 80},
        BUREAU_COLUMNS,
        rows,
    )
    made = upload(login_as("admin"), data)
    assert made.status_code == 201, made.json
    got = made.json
    assert (got["name"], got["kind"], got["site_types"], got["pass_mark"]) == (
        "市场月度检查",
        "assessment",
        ["market", "mall"],
        80,
    )
    assert [s["title"] for s in got["sections"]] == ["消防安全", "安全管理"]
    exits, pressure = got["sections"][0]["items"]
    assert (exits["critical"], exits["fail_requires"], exits["na_allowed"]) == ("section", ["photo", "note"], False)
    assert exits["hazard"] == {"category": "fire", "level": "major"} and exits["key"]
    assert (pressure["answer_type"], pressure["unit"], pressure["min"], pressure["max"]) == ("number", "MPa", 1, 1.4)
    drills, remarks = got["sections"][1]["items"]
    assert [(o["label"], o["score"], o["fail"]) for o in drills["options"]] == [
        ("有记录", 5, False),
        ("有演练无记录", 2, True),
        ("未演练", 0, True),
    ]
    assert (remarks["answer_type"], remarks["required"]) == ("text", False)
    assert got["max_score"] == 20


def test_each_bad_cell_is_named_by_its_row_and_column(login_as):
    rows = [
        ["消防安全", 1, "安全出口畅通", None, None, "多选", 10, None] + [None] * 9,  # row 5
        [None, 2, "灭火器压力", None, None, "数值", 5] + [None] * 10,  # row 6: no passing range
        [None, 3, "消防演练", None, None, "单选", None, "有记录-5"] + [None] * 9,  # row 7
        [None, 4, "用电", None, None, None, "十分", None] + [None] * 5 + ["地震", None, "也许", None],  # row 8
        [None, 5, None, "现场查看"] + [None] * 13,  # row 9: no text
    ]
    refused = upload(login_as("admin"), sheet({"名称": "表", "类型": "巡查"}, BUREAU_COLUMNS, rows))
    assert refused.status_code == 422 and refused.json["code"] == "sheet_invalid", refused.json
    bad = refused.json["errors"]["rows"]
    assert set(bad) == {"5", "6", "7", "8", "9"}  # the header block's 2 rows, a blank one, the columns', then items
    assert set(bad["5"]) == {"答案类型"} and "多选" in bad["5"]["答案类型"][0]
    assert set(bad["6"]) == {"下限"}
    assert set(bad["7"]) == {"选项"} and "名称:分值" in bad["7"]["选项"][0]
    assert set(bad["8"]) == {"分值", "上报隐患类别", "可不适用"}
    assert set(bad["9"]) == {"检查项"}
    assert refused.json["message"].startswith("检查表有 7 处错误，第一处在第 5 行“答案类型”")


def test_a_header_without_name_or_kind_is_named(login_as):
    rows = [["消防安全", 1, "安全出口畅通"]]
    refused = upload(login_as("admin"), sheet({"类型": "月考"}, ["大类", "序号", "检查项"], rows))
    assert refused.status_code == 422
    bad = refused.json["errors"]["rows"]
    assert "月考" in bad["1"]["类型"][0] and bad["1"]["名称"]


def zipped(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "status", "code"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 100, 422, "not_xlsx"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, 422, "not_xlsx"),  # an old .xls
        (b"", 422, "not_xlsx"),
        (zipped({"hello.txt": b"hi"}), 422, "sheet_unreadable"),
        (zipped({"[Content_Types].xml": b"<not xml"}), 422, "sheet_unreadable"),
        (zipped({"bomb.xml": b"\0" * (40 * 1024 * 1024)}), 422, "sheet_too_large"),  # 40 MB that zips to 40 KB
        (sheet({"名称": "a"}, ["序号", "内容"], [[1, "x"]]), 422, "sheet_invalid"),  # no 大类/检查项 header
    ],
)
def test_a_file_that_is_no_usable_sheet_is_refused_in_the_one_shape(login_as, data, status, code):
    refused = upload(login_as("admin"), data)
    assert (refused.status_code, refused.json["code"]) == (status, code), refused.json
    assert refused.json["message"] and (code == "sheet_invalid" or refused.json["errors"]["json"]["file"])


def test_a_damaged_workbook_and_an_oversized_upload_are_refused(app, login_as, demo_templates, monkeypatch):
    admin = login_as("admin")
    data = admin.get(f"{URL}/{demo_templates['加油站安全考核（演示）']}.xlsx").data
    damaged = bytearray(data)
    middle = len(damaged) // 2
    damaged[middle : middle + 200] = b"\x00" * 200  # the central directory survives, a part's bytes do not
    refused = upload(admin, bytes(damaged))
    assert refused.status_code == 422 and refused.json["code"] in ("not_xlsx", "sheet_unreadable")
    monkeypatch.setitem(app.config, "TEMPLATE_SHEET_MAX_BYTES", 10_000)
    too_big = upload(admin, data + b"\0" * 10_000)
    assert too_big.status_code == 413 and too_big.json["code"] == "payload_too_large"
    missing = admin.post(f"{URL}/import", data={}, content_type="multipart/form-data")
    assert missing.status_code == 422 and missing.json["errors"]["files"]["file"]


def test_the_import_path_is_post_only_and_not_taken_for_a_malformed_id(login_as):
    admin = login_as("admin")
    wrong = admin.get(f"{URL}/import")
    assert wrong.status_code == 405 and "POST" in wrong.headers["Allow"]
    assert admin.get(f"{URL}/not-an-id").json["code"] == "malformed_id"
    assert admin.get(f"{URL}/not-an-id.xlsx").json["code"] == "malformed_id"


def test_a_name_no_file_may_bear_is_exported_under_a_safe_one(login_as):
    admin = login_as("admin")
    made = admin.post(URL, json={"kind": "patrol", "name": '巡查/夜间\r\n"表"', "sections": []}).json
    exported = admin.get(f"{URL}/{made['id']}.xlsx")
    assert exported.status_code == 200
    assert "%E5%B7%A1%E6%9F%A5_%E5%A4%9C%E9%97%B4___%E8%A1%A8_" in exported.headers["Content-Disposition"]
