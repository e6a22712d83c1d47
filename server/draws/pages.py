"""公示页: the published draws as plain HTML pages, no login and no script, for anyone (a citizen, the inspected)."""

import base64
import hashlib
import uuid

from flask import Blueprint, render_template
from sqlalchemy import select

from server.core.api import get_or_404
from server.core.db import db
from server.core.i18n import SHANGHAI, tr, wants_english
from server.draws import publication, services
from server.draws.models import Draw
from server.sites.models import RISK_LEVELS, SITE_TYPES

pages = Blueprint("draw_pages", __name__, template_folder="templates")

STYLE = """
body{font:16px/1.6 system-ui,"PingFang SC","Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:0;color:#1b1f24}
header{background:#0b5cad;color:#fff;padding:12px 16px}header a{color:#fff}
main{max-width:1100px;margin:0 auto;padding:12px 16px}h1{font-size:1.35rem;margin:.4em 0}
h2{font-size:1.1rem;margin:1.2em 0 .4em}table{border-collapse:collapse;width:100%;font-size:.95rem}
th,td{border-bottom:1px solid #d8dee4;padding:6px 8px;text-align:left;vertical-align:top}
th{background:#f3f5f7}dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:0}
dt{color:#57606a}dd{margin:0;overflow-wrap:anywhere}code{font-size:.85rem;overflow-wrap:anywhere}
.ok{color:#1a7f37;font-weight:600}.fail{color:#cf222e;font-weight:600}.muted{color:#57606a}
@media (max-width:640px){table,thead,tbody,tr,td{display:block}thead{display:none}
tr{border-bottom:1px solid #d8dee4;padding:6px 0}td{border:0;padding:2px 0}
td[data-label]::before{content:attr(data-label) "：";color:#57606a}
dl{grid-template-columns:1fr}dt{margin-top:6px}}
"""
_STYLE_HASH = base64.b64encode(hashlib.sha256(STYLE.encode()).digest()).decode()
POLICY = (
    f"default-src 'none'; style-src 'sha256-{_STYLE_HASH}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


# each check of a verification (algorithm.verify, services.verify): its name, and what its failure means
CHECKS = {
    "algorithm": ("算法", "Algorithm", "算法未知，无法复核", "Unknown algorithm"),
    "seed": (
        "种子与承诺值",
        "Seed and commitment",
        "种子的 SHA-256 与抽取前公布的承诺值不符",
        "The seed's SHA-256 is not the commitment published before the draw",
    ),
    "targets_sha256": (
        "检查对象名录库",
        "Register of targets",
        "名录库与公布的 SHA-256 不符：内容已被改动",
        "The register does not hash to the published SHA-256: it was changed",
    ),
    "inspectors_sha256": (
        "执法检查人员名录库",
        "Register of inspectors",
        "名录库与公布的 SHA-256 不符：内容已被改动",
        "The register does not hash to the published SHA-256: it was changed",
    ),
    "result": (
        "重新运行抽取",
        "The draw re-run",
        "按公示的名录库和种子重新运行，结果与公示的不同",
        "Re-run from the published registers and seed, the result differs",
    ),
    "result_sha256": ("抽取结果", "The result", "结果与公布的 SHA-256 不符", "The result does not hash to its SHA-256"),
    "chain": ("证据链", "Event chain", "证据链中的记录已被改动", "A record on the event chain was changed"),
    "chain.targets_sha256": (
        "证据链：检查对象名录库",
        "Chain: register of targets",
        "与承诺种子时记入证据链的 SHA-256 不同",
        "Differs from the hash the chain recorded",
    ),
    "chain.inspectors_sha256": (
        "证据链：执法检查人员名录库",
        "Chain: register of inspectors",
        "与承诺种子时记入证据链的 SHA-256 不同",
        "Differs from the hash the chain recorded",
    ),
    "chain.seed_commitment": (
        "证据链：种子承诺值",
        "Chain: seed commitment",
        "与创建时记入证据链的承诺值不同",
        "Differs from the commitment the chain recorded",
    ),
    "chain.result": (
        "证据链：抽取结果",
        "Chain: the result",
        "与抽取时记入证据链的种子或结果不同",
        "The seed or result differs from what the chain recorded",
    ),
}


def _check_rows(checks) -> list[dict]:
    rows = []
    for check in checks:
        zh, en, fail_zh, fail_en = CHECKS.get(check.name, (check.name, check.name, check.detail, check.detail))
        rows.append({"label": tr(zh, en), "ok": check.ok, "why": "" if check.ok else tr(fail_zh, fail_en)})
    return rows


def _labels(table: dict) -> dict:
    return {code: names[1] if wants_english() else names[0] for code, names in table.items()}


def _page(template: str, **context):
    body = render_template(
        template,
        style=STYLE,
        tr=tr,
        lang="en" if wants_english() else "zh-CN",
        site_types=_labels(SITE_TYPES),
        risk_levels=_labels(RISK_LEVELS),
        local=lambda moment: moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") if moment else "",
        **context,
    )
    return body, 200, {"Content-Security-Policy": POLICY, "Cache-Control": "public, max-age=60"}


@pages.get("/public/draws")
def draw_list():
    found = db.session.scalars(
        select(Draw).where(Draw.state == "published").order_by(Draw.published_at.desc()).limit(200)
    ).all()
    return _page("draws/list.html", draws=[publication.summary(d) for d in found])


@pages.get("/public/draws/<uuid:draw_id>")
def draw_page(draw_id: uuid.UUID):
    draw = get_or_404(Draw, draw_id, clause=Draw.state == "published")
    return _page("draws/detail.html", draw=publication.detail(draw))


@pages.get("/public/draws/<uuid:draw_id>/verify")
def verify_page(draw_id: uuid.UUID):
    draw = get_or_404(Draw, draw_id, clause=Draw.state == "published")
    checks = services.verify(draw)
    ok = all(c.ok for c in checks)
    return _page("draws/verify.html", draw=publication.summary(draw), checks=_check_rows(checks), ok=ok)
