"""Checklists as XLSX sheets (检查表的 Excel 表格), one row an item, the way the bureaus write them (docs/inspections.md
"XLSX sheets"): `workbook` writes a template version, `read` turns a sheet into the body a new draft is made from.

Pure functions of their arguments (the hazard categories are passed in): no database, no request but the language
of the messages. A sheet that cannot be used is refused as a whole, each bad cell named by its row and column.
"""

import io
import math
import re
import zipfile

from marshmallow import ValidationError
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from server.core.i18n import tr
from server.enterprises.models import SECTORS
from server.hazards.models import LEVELS
from server.inspections.models import KINDS, TEMPLATE_STATES
from server.inspections.refusals import Refused
from server.inspections.schemas import ItemSchema, TemplateCreateSchema
from server.inspections.scoring import ANSWER_TYPES, CRITICAL, FAIL_REQUIRES, SCORED
from server.sites.models import SITE_TYPES

MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET_TITLE = "检查表"
MAX_ITEMS = 1000  # item rows in one sheet (the 68-item assessment is far below)
MAX_ROWS = 5000  # rows read at all, blank ones included
MAX_UNZIPPED = 30 * 1024 * 1024  # a workbook's parts, unzipped: a small file that unzips to gigabytes is refused
MAX_PARTS = 500
MAX_ERRORS = 100  # errors reported for one sheet (the first ones)

# The header block, above the table: (label, field); a label in column A, its value in column B.
HEADER = (
    ("名称", "name"),
    ("类型", "kind"),
    ("适用场所类型", "site_types"),
    ("适用行业", "sectors"),
    ("主管行业", "owner_sector"),
    ("合格线（%）", "pass_mark"),
    ("说明", "description"),
)
VERSION_LABEL = "版本"  # written on export, ignored on import
# The table's columns, in the order written; read by header, in any order (others are ignored).
COLUMNS = (
    "大类",
    "序号",
    "检查项",
    "检查方法",
    "依据",
    "答案类型",
    "分值",
    "选项（名称:分值;…）",
    "单位",
    "下限",
    "上限",
    "否决项",
    "不合格需",
    "上报隐患类别",
    "隐患等级",
    "可不适用",
    "必答",
    "编号",
    "大类编号",
    "选项编号",
)
REQUIRED_COLUMNS = ("大类", "检查项")
# a header as bureaus also write it → the column it is
COLUMN_ALIASES = {
    "检查内容": "检查项",
    "检查项目": "检查项",
    "检查依据": "依据",
    "标准分": "分值",
    "隐患类别": "上报隐患类别",
}
HEADER_ALIASES = {"检查表名称": "名称", "合格线": "合格线（%）", "主管部门": "主管行业"}
# the item's fields → the column that holds them (for the schema's errors)
FIELD_COLUMNS = {
    "key": "编号",
    "text": "检查项",
    "method": "检查方法",
    "basis": "依据",
    "answer_type": "答案类型",
    "max_score": "分值",
    "options": "选项",
    "unit": "单位",
    "min": "下限",
    "max": "上限",
    "critical": "否决项",
    "fail_requires": "不合格需",
    "hazard": "上报隐患类别",
    "na_allowed": "可不适用",
    "required": "必答",
    "_schema": "检查项",
}

ANSWER_WORDS = {"pass_fail_na": "合格判定", "choice": "单选", "number": "数值", "text": "文字", "photo": "拍照"}
CRITICAL_WORDS = {"section": "否决本大类", "whole": "否决整表"}
YES, NO = "是", "否"
FAIL_WORD, PASS_WORD = "不合格", "合格"
LIST_SPLIT = re.compile(r"[、，,;；\n]+")
OPTION_SPLIT = re.compile(r"[;；\n]+")
OPTION = re.compile(r"(?P<label>.+)[:：]\s*(?P<score>[0-9]+(?:\.[0-9]+)?)\s*(?:[:：]\s*(?P<flag>不合格|合格))?")


def _words(table: dict, *extra: dict) -> dict[str, str]:
    """A vocabulary's codes and Chinese labels (and any extra words) → its codes."""
    words = {}
    for code, labels in table.items():
        words[code] = code
        words[labels[0] if isinstance(labels, tuple) else labels] = code
    for more in extra:
        words.update({word: code for code, word in more.items()})
    return words


ANSWER_TYPE_OF = _words(ANSWER_TYPES, ANSWER_WORDS)
CRITICAL_OF = _words(CRITICAL, CRITICAL_WORDS, {"section": "本大类", "whole": "整表"})
CRITICAL_OF["否决整张检查表"] = "whole"
FAIL_REQUIRES_OF = _words(FAIL_REQUIRES, {"photo": "拍照"}, {"note": "备注"})
LEVEL_OF = _words(LEVELS, {"general": "一般"}, {"major": "重大"})
KIND_OF = _words(KINDS)
SITE_TYPE_OF = _words(SITE_TYPES)
SECTOR_OF = _words(SECTORS)
FLAG_OF = {YES: True, NO: False, "Y": True, "N": False, "y": True, "n": False, "1": True, "0": False}


# ---- export ---------------------------------------------------------------------------------------------


def workbook(template: dict, categories: dict[str, str]) -> bytes:
    """A template version as an XLSX workbook: the header block, then one row an item (categories: code → name)."""
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET_TITLE
    bold = Font(bold=True)
    head = [
        template["name"],
        KINDS[template["kind"]][0],
        "、".join(SITE_TYPES[t][0] for t in template["site_types"]),
        "、".join(SECTORS[s][0] for s in template["sectors"]),
        SECTORS[template["owner_sector"]][0] if template.get("owner_sector") else None,
        _number(template.get("pass_mark")),
        template.get("description") or None,
    ]
    for row, ((label, _field), value) in enumerate(zip(HEADER, head, strict=True), start=1):
        sheet.cell(row, 1, label).font = bold
        sheet.cell(row, 2, value)
    state = TEMPLATE_STATES[template["state"]][0]
    sheet.cell(len(HEADER) + 1, 1, VERSION_LABEL).font = bold
    sheet.cell(len(HEADER) + 1, 2, f"第 {template['number']} 版（{state}），导入时不读此行")
    top = len(HEADER) + 3
    fill = PatternFill("solid", fgColor="DDEBF7")
    for column, title in enumerate(COLUMNS, start=1):
        cell = sheet.cell(top, column, title)
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    number = 0
    for section in template["sections"]:
        for item in section["items"]:
            number += 1
            sheet.append(_row(section, item, number, categories))
    _validations(sheet, top, categories)
    for column, width in enumerate((14, 16, 40, 30, 30, 10, 6, 36), start=1):  # B holds the header's values too
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = sheet.cell(top + 1, 4)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def file_name(name: str) -> str:
    """A checklist's name as a file's: no control characters (a header cannot hold them), slashes or quotes."""
    return re.sub(r'[\x00-\x1f\x7f/\\:*?"<>|]', "_", name)[:100]


def _row(section: dict, item: dict, number: int, categories: dict[str, str]) -> list:
    kind = item["answer_type"]
    options = item.get("options") or []
    hazard = item.get("hazard")
    return [
        section["title"],
        number,
        item["text"],
        item.get("method") or None,
        item.get("basis") or None,
        ANSWER_WORDS[kind],
        _number(item.get("max_score")) if kind in SCORED else None,
        "；".join(_option(o) for o in options) or None,
        item.get("unit"),
        _number(item.get("min")),
        _number(item.get("max")),
        CRITICAL_WORDS[item["critical"]] if item.get("critical") else None,
        "、".join(FAIL_REQUIRES[f][0] for f in item.get("fail_requires") or []) or None,
        categories.get(hazard["category"], hazard["category"]) if hazard else None,
        LEVELS[hazard["level"]][0] if hazard else None,
        YES if item.get("na_allowed", True) else NO,
        YES if item.get("required", True) else NO,
        item["key"],
        section["key"],
        ";".join(o["key"] for o in options) or None,
    ]


def _option(option: dict) -> str:
    text = f"{option['label']}:{_number(option['score'])}"
    if option["fail"] != (option["score"] == 0):  # said only where it is not the default (fails at 0 points)
        text += f":{FAIL_WORD if option['fail'] else PASS_WORD}"
    return text


def _number(value):
    if value is None:
        return None
    return int(value) if float(value).is_integer() else float(value)


def _validations(sheet, top: int, categories: dict[str, str]):
    """Drop-down lists on the columns that take a fixed set of words (Excel's data validation)."""
    lists = {
        "答案类型": ANSWER_WORDS.values(),
        "否决项": CRITICAL_WORDS.values(),
        "上报隐患类别": categories.values(),
        "隐患等级": (labels[0] for labels in LEVELS.values()),
        "可不适用": (YES, NO),
        "必答": (YES, NO),
    }
    for title, words in lists.items():
        letter = get_column_letter(COLUMNS.index(title) + 1)
        choices = ",".join(words)
        if len(choices) > 250:  # Excel's limit on a list written in the rule
            continue
        rule = DataValidation(type="list", formula1=f'"{choices}"', allow_blank=True)
        rule.add(f"{letter}{top + 1}:{letter}{top + MAX_ITEMS}")
        sheet.add_data_validation(rule)


# ---- import ---------------------------------------------------------------------------------------------


class _Bad(Exception):
    def __init__(self, zh, en):
        super().__init__(zh)
        self.zh, self.en = zh, en


def read(data: bytes, categories: dict[str, str]) -> dict:
    """The body of a new template version from an XLSX sheet (categories: the codes in use → their names), or a
    Refused, 422: `not_xlsx`, `sheet_unreadable` or `sheet_too_large` (unzipped) with `errors.json.file`, or
    `sheet_invalid` with `errors.rows.<row>.<column>` for each bad cell (the body's media type is right: a
    multipart form; what it carries is not a usable sheet)."""
    rows = _rows(data)
    return _Reader(rows, categories).body()


def _rows(data: bytes) -> list[tuple]:
    if data[:4] == b"\xd0\xcf\x11\xe0":
        raise _file(
            422, "not_xlsx", "这是旧版 .xls 文件：请在 Excel 中另存为 .xlsx", "This is an old .xls: save as .xlsx"
        )
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise _file(422, "not_xlsx", "不是 Excel 工作簿（.xlsx）文件", "Not an Excel workbook (.xlsx)")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise _unreadable() from None
    if len(parts) > MAX_PARTS or sum(part.file_size for part in parts) > MAX_UNZIPPED:
        raise _file(422, "sheet_too_large", "工作簿解压后过大", "The workbook is too large once unzipped")
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 (a zip that is no workbook fails in openpyxl in many ways: each is this answer)
        raise _unreadable() from None
    try:
        sheets = book.worksheets
        if not sheets:
            raise _file(422, "sheet_unreadable", "工作簿中没有工作表", "The workbook has no worksheet")
        sheet = next((s for s in sheets if s.title == SHEET_TITLE), sheets[0])
        rows = []
        for row in sheet.iter_rows(max_col=len(COLUMNS) + 10, values_only=True):
            rows.append(row)
            if len(rows) > MAX_ROWS:
                raise _file(
                    422,
                    "sheet_too_large",
                    f"工作表超过 {MAX_ROWS} 行：请删去多余的行",
                    f"The sheet has more than {MAX_ROWS} rows: delete the extra ones",
                )
        return rows
    except Refused:
        raise
    except Exception:  # noqa: BLE001 (damaged XML inside the workbook surfaces while reading its rows)
        raise _unreadable() from None
    finally:
        book.close()


def _file(status, code, zh, en) -> Refused:
    return Refused(status, code, "file", zh, en)


def _unreadable() -> Refused:
    return _file(422, "sheet_unreadable", "无法读取该工作簿：文件已损坏或不是 .xlsx", "The workbook cannot be read")


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _float(value) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise _Bad("应为数字", "must be a number")
    try:
        number = float(value)
    except ValueError:
        raise _Bad(f"“{value}”不是数字", f"“{value}” is not a number") from None
    if not math.isfinite(number):
        raise _Bad("应为数字", "must be a number")
    return number


def _flag(value, default: bool) -> bool:
    if value is None or _text(value) == "":
        return default
    if isinstance(value, bool):
        return value
    word = _text(value)
    if word not in FLAG_OF:
        raise _Bad(f"应为“是”或“否”，不是“{word}”", f"must be 是 or 否, not “{word}”")
    return FLAG_OF[word]


def _word(value, words: dict[str, str], shown) -> str | None:
    word = _text(value)
    if not word:
        return None
    if word not in words:
        raise _Bad(f"不认识“{word}”：应为{'、'.join(shown)}之一", f"“{word}” is not one of: {', '.join(shown)}")
    return words[word]


def _list(value, words: dict[str, str], shown) -> list[str]:
    found = []
    for word in LIST_SPLIT.split(_text(value)):
        if word.strip():
            code = _word(word, words, shown)
            if code not in found:
                found.append(code)
    return found


def _column_key(title) -> str:
    name = re.split(r"[（(]", _text(title), maxsplit=1)[0].strip()
    return COLUMN_ALIASES.get(name, name)


class _Reader:
    def __init__(self, rows: list[tuple], categories: dict[str, str]):
        self.rows, self.errors, self.failures = rows, {}, 0
        self.categories = {**{code: code for code in categories}, **{name: code for code, name in categories.items()}}
        self.category_names = list(categories.values())

    def fail(self, row: int, column: str, zh: str, en: str):
        self.failures += 1
        if sum(len(cells) for cells in self.errors.values()) < MAX_ERRORS:
            self.errors.setdefault(str(row), {}).setdefault(column, []).append(tr(zh, en))

    def body(self) -> dict:
        top = next(
            (n for n, row in enumerate(self.rows) if {_column_key(cell) for cell in row} >= set(REQUIRED_COLUMNS)),
            None,
        )
        if top is None:
            raise _file(
                422,
                "sheet_invalid",
                "找不到表头行（须有“大类”和“检查项”两列）",
                "No header row (it needs the columns 大类 and 检查项)",
            )
        columns = {}
        for index, title in enumerate(self.rows[top]):
            key = _column_key(title)
            if key and key not in columns:
                columns[key] = index
        body = self.header(self.rows[:top])
        body["sections"] = self.sections(columns, top)
        if not self.errors:
            body = self.check(body)
        if self.errors:
            first_row, cells = next(iter(self.errors.items()))
            first_column, messages = next(iter(cells.items()))
            count = sum(len(m) for c in self.errors.values() for m in c.values())
            raise Refused(
                422,
                "sheet_invalid",
                None,
                f"检查表有 {count} 处错误，第一处在第 {first_row} 行“{first_column}”：{messages[0]}",
                f"The sheet has {count} error(s); the first, row {first_row}, “{first_column}”: {messages[0]}",
                errors={"rows": self.errors},
            )
        return body

    def header(self, rows: list[tuple]) -> dict:
        labels = {label: field for label, field in HEADER}
        where, bad = {}, set()
        body = {"site_types": [], "sectors": [], "description": ""}
        for n, row in enumerate(rows, start=1):
            label = _text(row[0] if row else None).rstrip(":：")
            label = HEADER_ALIASES.get(label, label)
            if label not in labels:
                continue
            field, value = labels[label], row[1] if len(row) > 1 else None
            where[field] = (n, label)
            try:
                body[field] = self.header_value(field, value)
            except _Bad as wrong:
                bad.add(field)
                self.fail(n, label, wrong.zh, wrong.en)
        for field, label in (("name", "名称"), ("kind", "类型")):
            if not body.get(field) and field not in bad:
                row = where.get(field, (1, label))[0]
                self.fail(row, label, f"请填写“{label}”（A 列写“{label}”，B 列写它的值）", f"Give the {label}")
        self.where = where
        return {k: v for k, v in body.items() if v is not None or k in ("owner_sector", "pass_mark")}

    def header_value(self, field: str, value):
        if field == "kind":
            return _word(value, KIND_OF, [labels[0] for labels in KINDS.values()])
        if field == "site_types":
            return _list(value, SITE_TYPE_OF, [labels[0] for labels in SITE_TYPES.values()])
        if field == "sectors":
            return _list(value, SECTOR_OF, [labels[0] for labels in SECTORS.values()])
        if field == "owner_sector":
            return _word(value, SECTOR_OF, [labels[0] for labels in SECTORS.values()])
        if field == "pass_mark":
            return _float(value)
        return _text(value)

    def sections(self, columns: dict[str, int], top: int) -> list[dict]:
        sections, items_seen, keys = [], 0, {}
        numbering = columns.get("序号")
        for n, row in enumerate(self.rows[top + 1 :], start=top + 2):
            if all(_text(cell) == "" for index, cell in enumerate(row) if index != numbering):
                continue  # blank, or numbered ahead of its item
            items_seen += 1
            if items_seen > MAX_ITEMS:
                self.fail(n, "检查项", f"检查项超过 {MAX_ITEMS} 行", f"More than {MAX_ITEMS} items")
                break

            def cell(title, row=row):
                index = columns.get(title)
                return row[index] if index is not None and index < len(row) else None

            title, section_key = _text(cell("大类")), _text(cell("大类编号"))
            current = sections[-1] if sections else None
            if current is None and not title:
                self.fail(n, "大类", "第一个检查项须写明所属大类", "The first item needs its 大类")
                continue
            if (
                current is None
                or (title and title != current["title"])
                or (section_key and section_key != current.get("key"))
            ):
                current = {"title": title or current["title"], "items": []}
                if section_key:
                    current["key"] = section_key
                sections.append(current)
            item = self.item(n, cell)
            if item is None:
                continue
            if item.get("key"):
                if item["key"] in keys:
                    self.fail(n, "编号", f"编号“{item['key']}”与第 {keys[item['key']]} 行重复", "The key repeats")
                keys.setdefault(item["key"], n)
            current["items"].append(item)
        if not sections and not self.errors:
            self.fail(top + 2, "检查项", "表中没有检查项", "The sheet has no items")
        section_keys = [s["key"] for s in sections if s.get("key")]
        if len(set(section_keys)) != len(section_keys):
            self.fail(top + 1, "大类编号", "大类编号重复（同一大类的行须相邻）", "Section keys repeat")
        return sections

    def item(self, n: int, cell) -> dict | None:
        """One row's item, checked as the API checks one (ItemSchema); its errors are the row's."""
        before = self.failures
        item = {}

        def take(column, parse):
            try:
                return parse(cell(column))
            except _Bad as bad:
                self.fail(n, column, bad.zh, bad.en)
                return None

        answer_words = list(ANSWER_WORDS.values())
        kind = take("答案类型", lambda v: _word(v, ANSWER_TYPE_OF, answer_words)) or "pass_fail_na"
        item.update(
            text=_text(cell("检查项")),
            method=_text(cell("检查方法")),
            basis=_text(cell("依据")),
            answer_type=kind,
            na_allowed=take("可不适用", lambda v: _flag(v, True)),
            required=take("必答", lambda v: _flag(v, True)),
            critical=take("否决项", lambda v: _word(v, CRITICAL_OF, list(CRITICAL_WORDS.values()))),
            fail_requires=take("不合格需", lambda v: _list(v, FAIL_REQUIRES_OF, ["照片", "说明"])) or [],
        )
        if not item["text"]:
            self.fail(n, "检查项", "检查项不能为空", "The item's text is empty")
        key = _text(cell("编号"))
        if key:
            item["key"] = key
        score = take("分值", _float)
        if kind == "choice":
            options = take("选项", lambda v: self.options(v, _text(cell("选项编号"))))
            if options:
                item["options"] = options
                best = max(o["score"] for o in options)
                if score is not None and score != best:
                    self.fail(
                        n,
                        "分值",
                        f"单选项的分值是最高选项的分值（{_number(best)}）",
                        "A choice is worth its best option",
                    )
                score = best
        elif _text(cell("选项")):
            self.fail(n, "选项", "只有“单选”项有选项", "Only a choice has options")
        item["max_score"] = score or 0
        unit = _text(cell("单位"))
        if unit:
            item["unit"] = unit
        for column, field in (("下限", "min"), ("上限", "max")):
            bound = take(column, _float)
            if bound is not None:
                item[field] = bound
        item["hazard"] = self.hazard(n, cell)
        if self.failures > before:
            return None
        try:
            ItemSchema().load(item)
        except ValidationError as invalid:
            for field, messages in invalid.normalized_messages().items():
                for message in _flat(messages):
                    self.fail(n, FIELD_COLUMNS.get(field, "检查项"), message, message)
            return None
        return item

    def options(self, value, keys_text: str) -> list[dict]:
        entries = [e.strip() for e in OPTION_SPLIT.split(_text(value)) if e.strip()]
        if not entries:
            raise _Bad("单选项须写明选项，如“合格:10；不合格:0”", "A choice needs options, e.g. 合格:10；不合格:0")
        keys = [k.strip() for k in LIST_SPLIT.split(keys_text) if k.strip()] if keys_text else []
        if keys and len(keys) != len(entries):
            raise _Bad(
                f"选项编号有 {len(keys)} 个，选项有 {len(entries)} 个", "Option keys and options differ in number"
            )
        options = []
        for index, entry in enumerate(entries):
            match = OPTION.fullmatch(entry)
            if match is None:
                raise _Bad(
                    f"选项“{entry}”应写成“名称:分值”（或“名称:分值:不合格”）",
                    f"The option “{entry}” must read label:score (or label:score:不合格)",
                )
            score = float(match["score"])
            fail = score == 0 if match["flag"] is None else match["flag"] == FAIL_WORD
            label = match["label"].strip()
            options.append(
                {"key": keys[index] if keys else f"o{index + 1}", "label": label, "score": score, "fail": fail}
            )
        return options

    def hazard(self, n: int, cell) -> dict | None:
        category, level = _text(cell("上报隐患类别")), _text(cell("隐患等级"))
        if not category:
            if level:
                self.fail(n, "隐患等级", "写了隐患等级，却没有上报隐患类别", "A level without a hazard category")
            return None
        if category not in self.categories:
            self.fail(
                n,
                "上报隐患类别",
                f"没有这个隐患类别“{category}”：应为{'、'.join(self.category_names)}之一",
                f"No such hazard category “{category}”",
            )
            return None
        try:
            code = _word(level, LEVEL_OF, [labels[0] for labels in LEVELS.values()]) or "general"
        except _Bad as bad:
            self.fail(n, "隐患等级", bad.zh, bad.en)
            return None
        return {"category": self.categories[category], "level": code}

    def check(self, body: dict) -> dict:
        """The whole, loaded as the API loads a new checklist: what remains wrong is the header's or the sheet's."""
        try:
            return TemplateCreateSchema().load(body)
        except ValidationError as invalid:
            labels = {field: label for label, field in HEADER}
            for field, messages in invalid.normalized_messages().items():
                row, label = self.where.get(field, (1, labels.get(field, "检查项")))
                for message in _flat(messages):
                    self.fail(row, label, message, message)
            return body


def _flat(messages) -> list[str]:
    if isinstance(messages, dict):
        return [m for value in messages.values() for m in _flat(value)]
    if isinstance(messages, list):
        return [m for value in messages for m in _flat(value)]
    return [str(messages)]
