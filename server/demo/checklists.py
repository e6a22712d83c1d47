"""Demo checklists (演示检查表): the community patrol a grid worker runs on a round, and (server.demo.assessments)
the bureaus' monthly assessments of gas stations, malls and markets and the enterprises' self-check.

The patrol's items are what community patrols check in Wuhan's residential areas; the wording, the scores and the pass
mark are invented for the demo (the name says 演示); the standards cited are real. Added once each, found by name.
"""

import uuid

from sqlalchemy import select

from server.core.db import db
from server.core.time import utcnow
from server.demo.assessments import ASSESSMENTS
from server.inspections import scoring
from server.inspections.models import InspectionTemplate
from server.inspections.schemas import SectionSchema

MARK = "（演示）"


def _check(key, text, method, basis, *, hazard=None, photo=True, **more):
    item = {
        "key": key,
        "text": text,
        "method": method,
        "basis": basis,
        "answer_type": "pass_fail_na",
        "max_score": 10,
        "fail_requires": ["photo"] if photo else ["note"],
        **more,
    }
    if hazard:
        item["hazard"] = {"category": hazard, "level": "general"}
    return item


COMMUNITY_PATROL = {
    "name": f"社区消防安全巡查表{MARK}",
    "kind": "patrol",
    "description": "网格员日常巡查居民小区、老旧房屋和沿街门店用。",
    "site_types": ["residential_compound", "old_building", "fire_lane", "other"],
    "pass_mark": 80,
    "sections": [
        {
            "key": "exits",
            "title": "消防通道与安全疏散",
            "items": [
                _check(
                    "fire-lane",
                    "消防车通道未被占用、堵塞、封闭",
                    "现场查看小区消防车通道、登高操作场地，有无停车、摆摊、设置障碍",
                    "《中华人民共和国消防法》第二十八条",
                    hazard="fire",
                ),
                _check(
                    "stairs",
                    "安全出口、疏散楼梯畅通，常闭式防火门处于关闭状态",
                    "逐层查看楼梯间、安全出口有无堆放杂物，防火门能否自行关闭",
                    "《中华人民共和国消防法》第二十八条",
                    hazard="fire",
                ),
                {
                    "key": "hydrant",
                    "text": "室外消火栓有水，栓口压力不低于 0.10 MPa",
                    "method": "打开消火栓出水阀，读取压力表示数",
                    "basis": "GB 50974-2014《消防给水及消火栓系统技术规范》第 7.2.8 条",
                    "answer_type": "number",
                    "unit": "MPa",
                    "min": 0.1,
                    "max_score": 10,
                    "fail_requires": ["photo"],
                    "hazard": {"category": "fire", "level": "general"},
                },
            ],
        },
        {
            "key": "power",
            "title": "用电与电动自行车",
            "items": [
                _check(
                    "ebike",
                    "电动自行车未在楼道、楼梯间、安全出口停放或充电，未“飞线”充电",
                    "查看楼道、楼梯间和一楼门厅，询问住户充电方式",
                    "《高层民用建筑消防安全管理规定》（应急管理部令第 5 号）第三十七条",
                    hazard="fire",
                ),
                {
                    "key": "wiring",
                    "text": "电气线路无私拉乱接、老化破损",
                    "method": "查看楼道公共线路、电表箱和沿街门店的线路",
                    "basis": "《中华人民共和国消防法》第二十七条",
                    "answer_type": "choice",
                    "max_score": 10,  # its best option, as the sheet writes it
                    "options": [
                        {"key": "ok", "label": "线路规范", "score": 10},
                        {"key": "minor", "label": "个别老化，已告知物业", "score": 5, "fail": False},
                        {"key": "bad", "label": "私拉乱接或严重老化", "score": 0},
                    ],
                    "fail_requires": ["photo"],
                    "hazard": {"category": "electrical", "level": "general"},
                },
                _check(
                    "shafts",
                    "高层住宅电缆井、管道井在每层楼板处已封堵",
                    "打开电缆井、管道井检修门查看楼板处封堵",
                    "GB 50016-2014《建筑设计防火规范》（2018 年版）第 6.2.9 条",
                    hazard="fire",
                    na_allowed=True,
                ),
            ],
        },
        {
            "key": "gas",
            "title": "燃气安全",
            "items": [
                _check(
                    "cylinders",
                    "液化石油气钢瓶未倒置、卧放，未存放在地下室、半地下室",
                    "查看沿街餐饮门店和住户的钢瓶存放、使用",
                    "《城镇燃气管理条例》第二十八条",
                    hazard="gas",
                ),
                _check(
                    "hoses",
                    "燃气连接软管长度不超过 2 米、无老化龟裂，未穿越墙体、门窗",
                    "查看灶具与阀门之间的软管",
                    "CJJ 12-2013《家用燃气燃烧器具安装及验收规程》",
                    hazard="gas",
                ),
            ],
        },
        {
            "key": "premises",
            "title": "场所与设施",
            "items": [
                _check(
                    "three-in-one",
                    "无“三合一”场所（住宿与生产、储存、经营合用同一空间）",
                    "查看沿街门店、小作坊有无住人",
                    "XF 703-2007《住宿与生产储存经营合用场所消防安全技术要求》",
                    hazard="fire",
                    critical="section",
                ),
                _check(
                    "billboards",
                    "户外广告牌、店招安装牢固，无锈蚀、松动",
                    "目视检查广告牌、店招的支架和固定件",
                    "CJJ 149-2010《城市户外广告设施技术规范》",
                    hazard="structural",
                ),
                {
                    "key": "remarks",
                    "text": "其他需要说明的情况",
                    "answer_type": "text",
                    "required": False,
                },
            ],
        },
    ],
}
CHECKLISTS = (COMMUNITY_PATROL, *ASSESSMENTS)


def add() -> int:
    """Publish the demo checklists that are not there yet (by name, whatever their version): how many were added."""
    present = set(db.session.scalars(select(InspectionTemplate.name).where(InspectionTemplate.is_demo)))
    added = 0
    for checklist in CHECKLISTS:
        if checklist["name"] in present:
            continue
        sections = SectionSchema(many=True).load(checklist["sections"])  # as the API would store it
        db.session.add(
            InspectionTemplate(
                family_id=uuid.uuid4(),
                number=1,
                state="published",
                published_at=utcnow(),
                is_demo=True,
                **{k: v for k, v in checklist.items() if k != "sections"},
                sections=sections,
                max_score=scoring.template_max(sections),
            )
        )
        added += 1
    db.session.flush()
    return added
