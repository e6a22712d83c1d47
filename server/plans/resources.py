"""Patrol plans, their tasks and coverage."""

import uuid

from flask import g
from sqlalchemy import select

from server.areas.models import Area, subtree_ids
from server.auth.permissions import requires
from server.auth.scope import Grants, grants
from server.core.api import ApiView, Blueprint, get_or_404, paginate
from server.core.db import db
from server.core.errors import error
from server.core.i18n import tr
from server.core.time import utcnow
from server.enterprises.models import Enterprise
from server.plans import coverage, periods, services, views
from server.plans.models import Plan, Task, TaskInspector
from server.plans.schemas import (
    CoverageQuerySchema,
    CoverageSchema,
    GeneratedSchema,
    GenerateQuerySchema,
    IndicatorSchema,
    PatrolPlanCreateSchema,
    PatrolPlanEditSchema,
    PatrolPlanQuerySchema,
    PatrolPlanSchema,
    TaskCandidateSchema,
    TaskEditSchema,
    TaskQuerySchema,
    TaskSchema,
    YearQuerySchema,
)

blp = Blueprint("plans", __name__, url_prefix="/api/v1", description="巡查计划与任务 / Patrol plans and tasks")


def _plan_scope():
    return Plan.scope_clause(grants("plans.view"))


def _managed_plan(plan_id) -> Plan:
    """A plan the caller may change, locked; one they may only see answers 403, one they may not see 404."""
    plan = get_or_404(Plan, plan_id, clause=_plan_scope(), lock=True)
    if db.session.scalar(select(Plan.id).where(Plan.id == plan.id, Plan.manage_clause(grants("plans.manage")))) is None:
        error(403, tr("没有权限修改该计划", "You may not change this plan"), code="plan_outside_scope")
    services.check_not_drawn(plan)
    return plan


def _task_scope():
    return Task.scope_clause(grants("tasks.view"), g.identity.user_id)


def _area(area_id) -> Area:
    area = db.session.get(Area, area_id)
    if area is None:
        error(422, errors={"query": {"area_id": [tr("区域不存在", "No such area")]}})
    return area


@blp.route("/plans")
class Plans(ApiView):
    @requires("plans.view")
    @blp.etag
    @blp.arguments(PatrolPlanQuerySchema, location="query")
    @blp.response(200, PatrolPlanSchema(many=True))
    @blp.paginate()
    def get(self, query, pagination_parameters):
        """巡查计划 / The plans over your areas (or your sector)"""
        stmt = select(Plan).where(_plan_scope())
        if "area_id" in query:
            stmt = stmt.where(Plan.scope_clause(_overlapping(_area(query["area_id"]))))
        if "active" in query:
            stmt = stmt.where(Plan.active.is_(query["active"]))
        return views.plan_views(paginate(stmt, pagination_parameters, order_by=(Plan.name, Plan.id)))

    @requires("plans.manage")
    @blp.arguments(PatrolPlanCreateSchema)
    @blp.response(201, PatrolPlanSchema)
    def post(self, body):
        """新建计划 / A new plan within your areas; its tasks come with the period (or POST …/generate)"""
        plan = services.create_plan(g.identity.user_id, body, grants("plans.manage"))
        return views.plan_views([plan])[0]


def _overlapping(area: Area) -> Grants:
    """The plans an area's office would see: over it, or within it."""
    return Grants(area_paths=(area.path,))


@blp.route("/plans/<uuid:plan_id>")
class PlanById(ApiView):
    @requires("plans.view")
    @blp.etag
    @blp.response(200, PatrolPlanSchema)
    def get(self, plan_id: uuid.UUID):
        """一个计划 / One plan"""
        return views.plan_views([get_or_404(Plan, plan_id, clause=_plan_scope())])[0]

    @requires("plans.manage")
    @blp.etag
    @blp.arguments(PatrolPlanEditSchema)
    @blp.response(200, PatrolPlanSchema)
    def patch(self, body, plan_id: uuid.UUID):
        """修改计划 / Change a plan (If-Match); the tasks follow at the next generation of a period"""
        plan = _managed_plan(plan_id)
        blp.check_etag(views.plan_views([plan])[0], PatrolPlanSchema)
        return views.plan_views([services.edit_plan(plan, body, grants("plans.manage"))])[0]

    @requires("plans.manage")
    @blp.etag
    @blp.response(204)
    @blp.alt_response(409, description="plan_has_tasks: it has tasks on record; deactivate it instead")
    def delete(self, plan_id: uuid.UUID):
        """删除计划 / Delete a plan that has no tasks yet (one with tasks is deactivated instead: active false)"""
        plan = _managed_plan(plan_id)
        blp.check_etag(views.plan_views([plan])[0], PatrolPlanSchema)
        services.delete_plan(plan)


@blp.route("/plans/<uuid:plan_id>/generate")
class Generate(ApiView):
    @requires("plans.manage")
    @blp.arguments(GenerateQuerySchema, location="query")
    @blp.response(200, GeneratedSchema)
    def post(self, query, plan_id: uuid.UUID):
        """生成任务 / The plan's tasks for a period (idempotent: again adds only what is missing, and puts right
        the open ones whose site moved or left the plan)"""
        plan = _managed_plan(plan_id)
        key = query.get("period") or periods.containing(plan.frequency, periods.local_date(utcnow())).key
        try:
            period = periods.parse(plan.frequency, key)
        except ValueError:
            example = periods.EXAMPLES[plan.frequency]
            error(
                422,
                errors={
                    "query": {"period": [tr("该计划的周期形如 {e}", "This plan's periods look like {e}", e=example)]}
                },
            )
        return {"period": period.key, **services.generate(plan, period, g.identity.user_id)}


@blp.route("/tasks")
class Tasks(ApiView):
    @requires("tasks.view")
    @blp.etag
    @blp.arguments(TaskQuerySchema, location="query")
    @blp.response(200, TaskSchema(many=True))
    @blp.paginate()
    def get(self, query, pagination_parameters):
        """检查任务 / Tasks in your scope and your own, soonest due first"""
        stmt = select(Task).where(_task_scope())
        if query.get("mine"):
            me = g.identity.user_id
            stmt = stmt.where((Task.assignee_id == me) | Task.id.in_(TaskInspector.tasks_of(me)))
        if "area_id" in query:
            stmt = stmt.where(Task.grid_id.in_(subtree_ids([_area(query["area_id"]).path])))
        for name in ("plan_id", "site_id", "state", "kind", "sector", "site_type"):
            if name in query:
                stmt = stmt.where(getattr(Task, name) == query[name])
        if "period" in query:
            span = periods.span(query["period"])
            stmt = stmt.where(Task.period_start >= span.start, Task.period_start <= span.end)
        if "flagged" in query:
            stmt = stmt.where(Task.flagged.is_(query["flagged"]))
        if "unassigned" in query:
            stmt = stmt.where(Task.assignee_id.is_(None) if query["unassigned"] else Task.assignee_id.is_not(None))
        page = paginate(stmt, pagination_parameters, order_by=(Task.due_date, Task.site_id, Task.id))
        return views.task_views(page)


@blp.route("/tasks/<uuid:task_id>")
class TaskById(ApiView):
    @requires("tasks.view")
    @blp.etag
    @blp.response(200, TaskSchema)
    def get(self, task_id: uuid.UUID):
        """一项任务 / One task"""
        return views.task_views([get_or_404(Task, task_id, clause=_task_scope())])[0]

    @requires("plans.manage")
    @blp.etag
    @blp.arguments(TaskEditSchema)
    @blp.response(200, TaskSchema)
    def patch(self, body, task_id: uuid.UUID):
        """指派任务 / Give a task to one of the people who do it there (a station officer of its street, an officer of
        its sector's department, …), or back to the office (null); If-Match"""
        task = get_or_404(Task, task_id, clause=Task.scope_clause(grants("plans.manage")), lock=True)
        blp.check_etag(views.task_views([task])[0], TaskSchema)
        services.assign(task, body["assignee_id"], g.identity.user_id)
        return views.task_views([task])[0]


@blp.route("/tasks/<uuid:task_id>/candidates")
class TaskCandidates(ApiView):
    @requires("plans.manage")
    @blp.response(200, TaskCandidateSchema(many=True))
    @blp.alt_response(409, description="task_of_draw: a draw's task goes to no one else")
    def get(self, task_id: uuid.UUID):
        """可改派人员 / Those the task may be given to: its grid's first, then its community's, street's, district's"""
        task = get_or_404(Task, task_id, clause=Task.scope_clause(grants("plans.manage")))
        services.check_not_of_draw(task)
        return services.candidates(task)


@blp.route("/coverage")
class Coverage(ApiView):
    @requires("plans.view")
    @blp.arguments(CoverageQuerySchema, location="query")
    @blp.response(200, CoverageSchema)
    def get(self, query):
        """覆盖率 / Planned against done for a period, by grid, community, street, site type, sector or plan kind,
        the flagged (done without proof of presence) apart"""
        clause = Task.scope_clause(grants("plans.view"))
        if "area_id" in query:
            clause = clause & Task.grid_id.in_(subtree_ids([_area(query["area_id"]).path]))
        return coverage.coverage(periods.span(query["period"]), query["by"], clause, query.get("plan_id"))


@blp.route("/coverage/indicator-11")
class Indicator11(ApiView):
    @requires("plans.view")
    @blp.arguments(YearQuerySchema, location="query")
    @blp.response(200, IndicatorSchema)
    def get(self, query):
        """指标11 / Enforcement coverage of high-risk enterprises above designated size this year (target 100%)"""
        year = query.get("year") or periods.local_date(utcnow()).year
        return coverage.indicator_11(year, Enterprise.scope_clause(grants("plans.view")))
