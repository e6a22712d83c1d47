"""The draws' rules: freezing the two registers, committing the seed, drawing, publishing, verifying; the
conflicts inspectors declare; and what a plan makes tasks of (`assignments`)."""

import json
import secrets
import uuid
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select

from server.areas.models import Area, path_ids, subtree_ids
from server.core.db import db
from server.core.errors import DomainError
from server.core.i18n import SHANGHAI
from server.core.time import utcnow
from server.draws import algorithm
from server.draws.models import ConflictDeclaration, Draw, DrawAssignment
from server.enterprises.models import Enterprise
from server.evidence import services as evidence
from server.inspections.models import InspectionTemplate
from server.people.models import RoleAssignment, User
from server.plans import drawn as plan_tasks
from server.sites.models import Site


class Refused(DomainError):
    """What the draw's rules refuse, with its status, code, field and message given where it is raised."""

    def __init__(self, status, code, field, zh, en, **params):
        super().__init__(**params)
        self.status, self.code, self.field, self.zh, self.en = status, code, field, zh, en


# ---- the two registers (一单两库) ---------------------------------------------------------------------------


def target_register(area: Area, site_types=(), risk_levels=()) -> list[dict]:
    """检查对象名录库: the sites of the area (by type and risk level), each with its enterprise, sorted by id."""
    stmt = (
        select(Site.id, Site.name, Site.type, Site.risk_level, Area.name, Enterprise.id, Enterprise.name)
        .join(Area, Area.id == Site.grid_id)
        .outerjoin(Enterprise, Enterprise.id == Site.enterprise_id)
        .where(Site.grid_id.in_(subtree_ids([area.path])))
    )
    if site_types:
        stmt = stmt.where(Site.type.in_(site_types))
    if risk_levels:
        stmt = stmt.where(Site.risk_level.in_(risk_levels))
    rows = [
        {
            "id": str(site_id),
            "name": name,
            "type": type_,
            "risk_level": risk,
            "grid": grid,
            "enterprise_id": str(enterprise_id) if enterprise_id else None,
            "enterprise_name": enterprise_name,
        }
        for site_id, name, type_, risk, grid, enterprise_id, enterprise_name in db.session.execute(stmt)
    ]
    return sorted(rows, key=lambda row: row["id"])


def inspector_register(area: Area, department_sector: str | None, enterprise_ids: set[str]) -> list[dict]:
    """执法检查人员名录库: active enforcement officers whose area holds the draw's, and, for a department's draw, its
    officers there; each with the enterprises among the targets they declared a tie to (recusals), sorted by id."""
    above = path_ids(area.path)  # the area and those holding it
    held = (RoleAssignment.role == "enforcement_officer") & RoleAssignment.sector.is_(None)
    if department_sector:
        held = held | ((RoleAssignment.role == "department_officer") & (RoleAssignment.sector == department_sector))
    users = db.session.scalars(
        select(User)
        .where(
            User.is_active, User.id.in_(select(RoleAssignment.user_id).where(held, RoleAssignment.area_id.in_(above)))
        )
        .order_by(User.id)
    ).all()
    ties = {}
    for user_id, enterprise_id in db.session.execute(
        select(ConflictDeclaration.user_id, ConflictDeclaration.enterprise_id).where(
            ConflictDeclaration.user_id.in_([u.id for u in users])
        )
    ):
        if str(enterprise_id) in enterprise_ids:
            ties.setdefault(user_id, []).append(str(enterprise_id))
    rows = [
        {"id": str(u.id), "name": u.name, "certificate_no": u.certificate_no, "recusals": sorted(ties.get(u.id, []))}
        for u in users
    ]
    return sorted(rows, key=lambda row: row["id"])


# ---- a draw's life: committed → drawn → published ----------------------------------------------------------


def parameters(draw: Draw) -> algorithm.Parameters:
    return algorithm.Parameters(share=draw.share, count=draw.count, per_target=draw.per_target)


def create(actor_id, body: dict, area: Area) -> tuple[Draw, bool]:
    """A new draw with its registers frozen and its seed committed: (draw, created). The same id again gives the
    stored draw (created False) when it asks the same, else a 409."""
    stored = db.session.get(Draw, body["id"])
    if stored is not None:
        if stored.created_by != actor_id or _asked(stored) != _asked_in(body):
            raise Refused(409, "id_conflict", "id", "该编号已用于另一次抽查", "This id belongs to another draw")
        return stored, False
    _check_template(body.get("template_family_id"))
    targets = target_register(area, body["site_types"], body["risk_levels"])
    if not targets:
        raise Refused(
            422, "no_targets", "area_id", "所选范围内没有检查对象", "No targets in the area and filters chosen"
        )
    inspectors = inspector_register(area, body.get("department_sector"), {t["enterprise_id"] for t in targets})
    _check_feasible(targets, inspectors, body["per_target"])
    seed, commitment = None, body.get("seed_commitment")  # the supervisor's seed stays theirs until the draw
    if commitment is None:  # the server makes the seed, and keeps it unpublished until the draw
        seed = secrets.token_hex(32)
        commitment = algorithm.sha256_hex(seed)
    targets_text, inspectors_text = algorithm.canonical(targets), algorithm.canonical(inspectors)
    draw = Draw(
        id=body["id"],
        matter=body["matter"],
        area_id=area.id,
        site_types=sorted(body["site_types"]),
        risk_levels=sorted(body["risk_levels"]),
        department_sector=body.get("department_sector"),
        share=body.get("share"),
        count=body.get("count"),
        per_target=body["per_target"],
        template_family_id=body.get("template_family_id"),
        period_start=body["period_start"],
        period_end=body["period_end"],
        algorithm=algorithm.ALGORITHM,
        seed_commitment=commitment,
        seed=seed,
        seed_by_server=body.get("seed_commitment") is None,
        public_value_source=body.get("public_value_source"),
        targets_snapshot=targets_text,
        targets_sha256=algorithm.sha256_hex(targets_text),
        inspectors_snapshot=inspectors_text,
        inspectors_sha256=algorithm.sha256_hex(inspectors_text),
        created_by=actor_id,
        state="committed",
    )
    db.session.add(draw)
    evidence.record(
        "draw",
        draw.id,
        "commit",
        actor_id=actor_id,
        to_state="committed",
        data={
            "matter": draw.matter,
            "algorithm": draw.algorithm,
            "parameters": parameters(draw).as_dict(),
            "seed_commitment": commitment,
            "public_value_source": draw.public_value_source,
            "targets_sha256": draw.targets_sha256,
            "inspectors_sha256": draw.inspectors_sha256,
            "period": [draw.period_start.isoformat(), draw.period_end.isoformat()],
            "template_family_id": str(draw.template_family_id) if draw.template_family_id else None,
        },
    )
    return draw, True


ASKED = (
    "matter",
    "site_types",
    "risk_levels",
    "department_sector",
    "share",
    "count",
    "per_target",
    "template_family_id",
    "period_start",
    "period_end",
    "public_value_source",
)


def _asked(draw: Draw) -> dict:
    return {**{name: getattr(draw, name) for name in ASKED}, "area_id": draw.area_id}


def _asked_in(body: dict) -> dict:
    asked = {name: body.get(name) for name in ASKED}
    asked["site_types"], asked["risk_levels"] = sorted(body["site_types"]), sorted(body["risk_levels"])
    return {**asked, "area_id": body["area_id"]}


def _check_template(family_id):
    if family_id is None:
        return
    found = select(InspectionTemplate.id).where(
        InspectionTemplate.family_id == family_id, InspectionTemplate.state != "draft"
    )
    if db.session.scalar(found.limit(1)) is None:
        raise Refused(
            422, "no_such_template", "template_family_id", "没有这个已发布的检查表", "No such published checklist"
        )


def _check_feasible(targets: list[dict], inspectors: list[dict], per_target: int):
    """Whatever the seed, every target must have enough inspectors without a tie to it: refused now, not at the
    draw (whether one has enough does not depend on the seed; the load cap yields to recusals)."""
    if len(inspectors) < per_target:
        raise Refused(
            422,
            "too_few_inspectors",
            "per_target",
            "执法检查人员名录库只有 {n} 人，每个对象需要 {k} 人",
            "The register of inspectors holds {n}, each target needs {k}",
            n=len(inspectors),
            k=per_target,
        )
    short = [
        t["name"] for t in targets if sum(1 for p in inspectors if t["enterprise_id"] not in p["recusals"]) < per_target
    ]
    if short:
        raise Refused(
            422,
            "no_eligible_inspectors",
            "per_target",
            "回避后可抽取的检查人员不足：{names}",
            "Too few inspectors left after recusals for: {names}",
            names="、".join(short[:5]),
        )


def run(draw: Draw, actor_id, seed: str | None, public_value: str | None) -> Draw:
    """Reveal the seed (the supervisor's, when they committed to it) and draw. Idempotent: drawing again with the
    same reveal gives the stored result; another reveal of a drawn draw is a 409."""
    if draw.state != "committed":
        if (seed is None or seed == draw.seed) and public_value in (None, draw.public_value):
            return draw
        raise Refused(409, "already_drawn", None, "该抽查已抽取，结果不能更改", "This draw was made; its result stands")
    if not draw.seed_by_server:
        if seed is None:
            raise Refused(422, "seed_required", "seed", "请公开承诺的种子", "Reveal the seed you committed to")
        if algorithm.sha256_hex(seed) != draw.seed_commitment:
            raise Refused(
                422,
                "seed_mismatch",
                "seed",
                "种子与创建时公布的承诺值（SHA-256）不符",
                "The seed does not match the commitment (SHA-256) published at creation",
            )
        draw.seed = seed
    elif seed is not None and seed != draw.seed:
        raise Refused(422, "seed_mismatch", "seed", "种子由系统生成，无需提供", "The server made this seed: give none")
    if draw.public_value_source and not public_value:
        raise Refused(
            422,
            "public_value_required",
            "public_value",
            "请填写公开值：{s}",
            "Enter the public value: {s}",
            s=draw.public_value_source,
        )
    draw.public_value = public_value if draw.public_value_source else None
    try:
        result = algorithm.draw(
            json.loads(draw.targets_snapshot),
            json.loads(draw.inspectors_snapshot),
            parameters(draw),
            algorithm.seed_key(draw.seed, draw.public_value),
        )
    except algorithm.DrawImpossible as exc:
        raise Refused(422, exc.code, None, "无法按要求抽取", "The draw cannot be made as asked") from exc
    draw.result = algorithm.canonical(result)
    draw.result_sha256 = algorithm.sha256_hex(draw.result)
    draw.state, draw.drawn_at = "drawn", utcnow()
    for item in result["assignments"]:
        for slot, inspector_id in enumerate(item["inspector_ids"], 1):
            db.session.add(
                DrawAssignment(
                    draw_id=draw.id,
                    site_id=uuid.UUID(item["site_id"]),
                    slot=slot,
                    position=item["position"],
                    inspector_id=uuid.UUID(inspector_id),
                )
            )
    evidence.record(
        "draw",
        draw.id,
        "draw",
        actor_id=actor_id,
        from_state="committed",
        to_state="drawn",
        data={"seed": draw.seed, "public_value": draw.public_value, "result_sha256": draw.result_sha256},
    )
    make_tasks(draw, actor_id)
    return draw


def make_tasks(draw: Draw, actor_id=None) -> int:
    """The draw's tasks (its plan's, under the draw's id): one for each drawn target, its lead the assignee, the
    other drawn inspectors named on it; in the draw's transaction. Idempotent (a draw drawn before the tasks
    existed gets them from the demo load, or from calling this again). A draw without a checklist makes none: a
    task is done on a checklist (docs/draws.md). How many it made."""
    if draw.state == "committed" or draw.template_family_id is None:
        return 0
    return plan_tasks.make_tasks(
        draw.id,
        name=draw.matter,
        area_id=draw.area_id,
        sector=draw.department_sector,
        template_family_id=draw.template_family_id,
        drawn=assignments(draw),
        actor_id=actor_id,
        is_demo=draw.is_demo,
    )


def publish(draw: Draw, actor_id) -> Draw:
    """公示: the draw, its registers and its seed become public. Idempotent."""
    if draw.state == "published":
        return draw
    if draw.state != "drawn":
        raise Refused(409, "not_drawn", None, "尚未抽取，不能公示", "Not drawn yet: nothing to publish")
    draw.state, draw.published_at = "published", utcnow()
    evidence.record(
        "draw",
        draw.id,
        "publish",
        actor_id=actor_id,
        from_state="drawn",
        to_state="published",
        data={"result_sha256": draw.result_sha256},
    )
    return draw


# ---- what a plan makes tasks of --------------------------------------------------------------------------------


def assignments(draw: Draw) -> list[tuple[uuid.UUID, list[uuid.UUID], date, date]]:
    """Each drawn target, in the order drawn: (site id, [its inspectors' user ids, in the order taken], the
    period's first and last day). Empty before the draw. The checklist is the draw's `template_family_id`."""
    db.session.flush()  # the rows a draw in this transaction added
    rows = db.session.execute(
        select(DrawAssignment.site_id, DrawAssignment.inspector_id)
        .where(DrawAssignment.draw_id == draw.id)
        .order_by(DrawAssignment.position, DrawAssignment.slot)
    ).all()
    grouped: dict[uuid.UUID, list[uuid.UUID]] = {}
    for site_id, inspector_id in rows:
        grouped.setdefault(site_id, []).append(inspector_id)
    return [(site_id, people, draw.period_start, draw.period_end) for site_id, people in grouped.items()]


# ---- verification ---------------------------------------------------------------------------------------------


def record(draw: Draw) -> dict:
    """What was published, as one JSON document: everything `algorithm.verify` needs to re-run the draw."""
    return {
        "draw_id": str(draw.id),
        "matter": draw.matter,
        "algorithm": draw.algorithm,
        "parameters": parameters(draw).as_dict(),
        "period": [draw.period_start.isoformat(), draw.period_end.isoformat()],
        "seed_commitment": draw.seed_commitment,
        "seed": draw.seed if draw.state != "committed" else None,
        "public_value_source": draw.public_value_source,
        "public_value": draw.public_value,
        "targets_snapshot": draw.targets_snapshot,
        "targets_sha256": draw.targets_sha256,
        "inspectors_snapshot": draw.inspectors_snapshot,
        "inspectors_sha256": draw.inspectors_sha256,
        "result": draw.result,
        "result_sha256": draw.result_sha256,
        # 补抽: departed inspectors' replacements, as the chain recorded them (algorithm.verify re-derives each)
        "replacements": [
            {name: event.data.get(name) for name in ("site_id", "departed", "replacement", "exclude")}
            for event in evidence.timeline("draw", draw.id)
            if event.action == "replace"
        ],
    }


# digest of a record → its checks, which never change for the same record: anyone may ask for a verification, and
# re-running a large draw costs seconds, while hashing its record costs milliseconds (bench/draw.py)
_VERIFIED: dict[str, tuple] = {}


def _rerun(published: dict) -> list[algorithm.Check]:
    digest = algorithm.sha256_hex(algorithm.canonical(published))
    if digest not in _VERIFIED:
        if len(_VERIFIED) >= 64:
            _VERIFIED.pop(next(iter(_VERIFIED)))
        _VERIFIED[digest] = tuple(algorithm.verify(published))
    return list(_VERIFIED[digest])


def verify(draw: Draw) -> list[algorithm.Check]:
    """Re-run the draw from what is stored, and hold the stored hashes against those the event chain recorded as
    each step was taken (a snapshot changed together with its hash still differs from the chain's)."""
    checks = _rerun(record(draw))
    timeline = evidence.timeline("draw", draw.id)
    events = {event.action: event for event in timeline}
    committed, drawn = events.get("commit"), events.get("draw")
    for event in (committed, drawn, *(e for e in timeline if e.action == "replace")):
        if event is not None and evidence.link_hash(event) != event.hash:
            checks.append(algorithm.Check("chain", False, f"event {event.seq} was changed after it was recorded"))
    if committed is None:
        return [*checks, algorithm.Check("chain", False, "the chain holds no commitment of this draw")]
    for name in ("targets_sha256", "inspectors_sha256", "seed_commitment"):
        ok = committed.data.get(name) == getattr(draw, name)
        checks.append(
            algorithm.Check(
                f"chain.{name}",
                ok,
                "as recorded at the commitment"
                if ok
                else f"differs from the {name} recorded on the event chain at the commitment",
            )
        )
    if drawn is not None:
        ok = drawn.data.get("result_sha256") == draw.result_sha256 and drawn.data.get("seed") == draw.seed
        checks.append(
            algorithm.Check(
                "chain.result",
                ok,
                "as recorded at the draw"
                if ok
                else "the seed or result differs from what the event chain recorded at the draw",
            )
        )
    return checks


# ---- conflicts of interest (利害关系申报) ---------------------------------------------------------------------


def declare(user_id, enterprise: Enterprise, reason: str, declaration_id) -> tuple[ConflictDeclaration, bool]:
    """An inspector's tie to an enterprise: (declaration, created). Declaring the same tie again gives the stored
    one; it counts from the next draw created (a draw's register is frozen when it is created)."""
    stored = db.session.scalars(
        select(ConflictDeclaration).where(
            ConflictDeclaration.user_id == user_id, ConflictDeclaration.enterprise_id == enterprise.id
        )
    ).first()
    if stored is not None:
        return stored, False
    if db.session.get(ConflictDeclaration, declaration_id) is not None:
        raise Refused(409, "id_taken", "id", "该编号已被占用", "This id is taken")
    declaration = ConflictDeclaration(id=declaration_id, user_id=user_id, enterprise_id=enterprise.id, reason=reason)
    db.session.add(declaration)
    evidence.record(
        "conflict",
        declaration.id,
        "declare",
        actor_id=user_id,
        reason=reason,
        data={"enterprise_id": str(enterprise.id)},
    )
    return declaration, True


# ---- publication (公示) ---------------------------------------------------------------------------------------


def period_bounds(draw: Draw) -> tuple[datetime, datetime]:
    """The period's first and last day, Asia/Shanghai, as UTC instants [start, end)."""
    start = datetime.combine(draw.period_start, time(), SHANGHAI).astimezone(UTC)
    end = datetime.combine(draw.period_end + timedelta(days=1), time(), SHANGHAI).astimezone(UTC)
    return start, end
