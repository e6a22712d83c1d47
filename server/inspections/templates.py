"""Checklist templates, versioned: drafts edited in place, a published version never changed (an edit makes the next
version), publishing archiving the version before; every step on the record."""

import uuid
from dataclasses import dataclass

from sqlalchemy import func, select

from server.auth.services import Identity
from server.core.cache import _STALE, Cached
from server.core.db import db
from server.core.time import utcnow
from server.evidence import services as evidence
from server.hazards.models import HazardCategory
from server.inspections import scoring
from server.inspections.models import InspectionTemplate
from server.inspections.refusals import Refused


def create_template(identity: Identity, body: dict, manage_grants) -> InspectionTemplate:
    """A new checklist, as its first version's draft."""
    template = InspectionTemplate(family_id=uuid.uuid4(), number=1, state="draft", author_id=identity.user_id)
    if body.get("owner_sector") is None and not (manage_grants.everywhere or manage_grants.area_paths):
        body = {**body, "owner_sector": manage_grants.sectors[0][0] if manage_grants.sectors else None}
    db.session.add(template)
    _apply(template, {"site_types": [], "sectors": [], "description": "", **body})
    _check_owner(template, manage_grants)
    _record(template, "create", identity)
    return template


def edit_template(identity: Identity, template: InspectionTemplate, body: dict, manage_grants):
    """Change a draft in place; a change to a published version makes the family's next version, a draft holding
    the change (the published one stays as it is, for the inspections made on it): (template, whether new)."""
    if template.state == "archived":
        raise Refused(409, "template_archived", None, "已归档的检查表不能修改", "An archived checklist cannot change")
    created = template.state == "published"
    if created:
        if _family_draft(template.family_id) is not None:
            raise Refused(
                409,
                "draft_exists",
                None,
                "该检查表已有待发布的新版本草稿，请修改该草稿",
                "This checklist already has a draft of its next version: edit that draft",
            )
        template = _next_version(template, identity)
    _apply(template, body)
    _check_owner(template, manage_grants)
    _record(template, "create" if created else "edit", identity)
    return template, created


def import_version(identity: Identity, latest: InspectionTemplate, body: dict, manage_grants) -> InspectionTemplate:
    """A sheet imported into a family (the caller may manage its latest version): the family's next version, a
    draft holding the sheet's content; a family with a draft already is refused, as a change to it would be."""
    if _family_draft(latest.family_id) is not None:
        raise Refused(
            409,
            "draft_exists",
            None,
            "该检查表已有待发布的新版本草稿：请修改或发布该草稿后再导入",
            "This checklist already has a draft of its next version: edit or publish it before importing",
        )
    template = _next_version(latest, identity)
    _apply(template, body)
    _check_owner(template, manage_grants)
    _record(template, "create", identity)
    return template


def category_names(active_only: bool) -> dict[str, str]:
    """The hazard categories, code → Chinese name: those in use (a sheet may propose), or all (a sheet shows)."""
    stmt = select(HazardCategory.code, HazardCategory.name_zh).order_by(HazardCategory.position, HazardCategory.code)
    if active_only:
        stmt = stmt.where(HazardCategory.active.is_(True))
    return dict(db.session.execute(stmt).all())


def _next_version(published: InspectionTemplate, identity: Identity) -> InspectionTemplate:
    number = db.session.scalar(
        select(func.max(InspectionTemplate.number)).where(InspectionTemplate.family_id == published.family_id)
    )
    copy = InspectionTemplate(
        family_id=published.family_id,
        number=number + 1,
        state="draft",
        author_id=identity.user_id,
        **{
            name: getattr(published, name)
            for name in ("kind", "name", "description", "site_types", "sectors", "owner_sector", "pass_mark")
        },
        sections=published.sections,
        max_score=published.max_score,
    )
    db.session.add(copy)
    return copy


def _family_draft(family_id) -> InspectionTemplate | None:
    return db.session.scalars(
        select(InspectionTemplate).where(InspectionTemplate.family_id == family_id, InspectionTemplate.state == "draft")
    ).first()


def _apply(template: InspectionTemplate, body: dict):
    for name in ("kind", "name", "description", "site_types", "sectors", "owner_sector", "pass_mark"):
        if name in body:
            setattr(template, name, body[name])
    if "sections" in body:
        template.sections = _keyed(body["sections"])
        _check_categories(template.sections)
        template.max_score = scoring.template_max(template.sections)
    db.session.flush()


def _keyed(sections: list[dict]) -> list[dict]:
    """Sections and items with their keys (made where the author gave none) and nothing the schema left unset."""
    taken = {item.get("key") for section in sections for item in section["items"]} | {s.get("key") for s in sections}
    fresh = (f"k{n}" for n in range(1, 10**6))

    def key(given):
        if given:
            return given
        made = next(k for k in fresh if k not in taken)
        taken.add(made)
        return made

    return [
        {
            "key": key(section.get("key")),
            "title": section["title"],
            "items": [{**item, "key": key(item.get("key"))} for item in section["items"]],
        }
        for section in sections
    ]


def _check_categories(sections: list[dict]):
    proposed = {item["hazard"]["category"] for s in sections for item in s["items"] if item.get("hazard")}
    if not proposed:
        return
    known = set(db.session.scalars(select(HazardCategory.code).where(HazardCategory.active.is_(True))))
    unknown = sorted(proposed - known)
    if unknown:
        raise Refused(
            422,
            "validation_error",
            "sections",
            f"没有这个隐患类别：{', '.join(unknown)}",
            f"No such hazard category: {', '.join(unknown)}",
        )


def _check_owner(template: InspectionTemplate, manage_grants):
    db.session.flush()
    allowed = db.session.scalar(
        select(InspectionTemplate.id).where(
            InspectionTemplate.id == template.id, InspectionTemplate.manage_clause(manage_grants)
        )
    )
    if allowed is None:
        raise Refused(
            403,
            "template_outside_scope",
            "owner_sector",
            "只能管理本行业主管部门的检查表",
            "You may manage only your own sector's checklists",
        )


def publish(identity: Identity, template: InspectionTemplate):
    """Draft → published; the family's version published before it is archived (inspections on it still submit)."""
    if template.state != "draft":
        raise Refused(409, "not_a_draft", None, "只有草稿可以发布", "Only a draft can be published")
    if not any(section["items"] for section in template.sections):
        raise Refused(422, "validation_error", "sections", "检查表没有检查项", "The checklist has no items")
    now = utcnow()
    for previous in db.session.scalars(
        select(InspectionTemplate).where(
            InspectionTemplate.family_id == template.family_id, InspectionTemplate.state == "published"
        )
    ):
        previous.state, previous.archived_at = "archived", now
        _record(previous, "archive", identity, from_state="published")
    template.state, template.published_at = "published", now
    db.session.flush()
    _record(template, "publish", identity, from_state="draft")


def archive(identity: Identity, template: InspectionTemplate):
    if template.state != "published":
        raise Refused(
            409, "not_published", None, "只有已发布的检查表可以归档", "Only a published checklist is archived"
        )
    template.state, template.archived_at = "archived", utcnow()
    db.session.flush()
    _record(template, "archive", identity, from_state="published")


def _record(template: InspectionTemplate, action: str, identity: Identity, from_state=None):
    evidence.record(
        "inspection_template",
        template.id,
        action,
        actor_id=identity.user_id,
        from_state=from_state,
        to_state=template.state,
        data={"family_id": str(template.family_id), "number": template.number},
    )


def template_view(template: InspectionTemplate) -> dict:
    return {
        **{column.key: getattr(template, column.key) for column in InspectionTemplate.__table__.columns},
        "item_count": sum(len(section["items"]) for section in template.sections),
    }


# ---- the versions inspections are made on ----------------------------------------------------------------------


@dataclass(frozen=True)
class Version:
    """What a submission needs of the version it names, read once: a published version never changes (an edit makes
    the next version) and an archived one only stopped taking new inspections, so every submission on it reads the
    same. `sections` is shared by every reader: never changed in place."""

    id: uuid.UUID
    family_id: uuid.UUID
    number: int
    name: str
    site_types: list
    sectors: list
    pass_mark: float | None
    sections: list
    items: dict  # key → item


# The versions read so far in this process, by id: dropped whenever this process changes a template (and when that
# transaction ends), like any Cached value. Another process's change cannot make one stale: it can only publish a
# draft (never kept here) or archive a version (which still takes the inspections begun on it).
_VERSIONS = Cached(dict, model=InspectionTemplate, ttl=3600)


def version(template_id) -> Version | None:
    """The published or archived version under this id (None: no such template, or a draft)."""
    known = _VERSIONS.get()
    found = known.get(template_id)
    if found is not None:
        return found
    template = db.session.get(InspectionTemplate, template_id)
    if template is None or template.state == "draft":
        return None
    found = Version(
        id=template.id,
        family_id=template.family_id,
        number=template.number,
        name=template.name,
        site_types=template.site_types,
        sectors=template.sectors,
        pass_mark=template.pass_mark,
        sections=template.sections,
        items={item["key"]: item for section in template.sections for item in section["items"]},
    )
    if _VERSIONS not in db.session.info.get(_STALE, ()):  # not while this transaction changes templates, uncommitted
        known[template_id] = found
    return found
