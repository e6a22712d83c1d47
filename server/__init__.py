"""SafeGrid 江汉安全网格: the Flask application factory."""

import logging
from pathlib import Path

from flask import Flask

from server.config import PROJECT_ROOT, load_config
from server.core import security
from server.core.api import RowIdConverter, UUIDConverter, nul_free, require_json_body
from server.core.body_deadline import BodyDeadline
from server.core.db import db
from server.core.errors import Api


def create_app(config: dict | None = None) -> Flask:
    """Build the app from the environment; `config` overrides settings (tests use it)."""
    instance_path = Path((config or {}).get("INSTANCE_PATH") or PROJECT_ROOT / "instance")
    app = Flask(__name__, instance_path=str(instance_path), static_folder=None)
    app.config.update(load_config(instance_path))
    app.config.update(config or {})
    app.url_map.converters["uuid"] = UUIDConverter
    app.url_map.converters["rowid"] = RowIdConverter
    app.json.ensure_ascii = False
    logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for name in ("safegrid", "alembic.runtime.migration"):
        logging.getLogger(name).setLevel(logging.INFO)

    db.init_app(app)
    security.init_app(app)  # headers, proxies, routing first; before the Api, which it tells whether to serve docs
    # flask-smorest's Api keeps one app's spec, so each app gets its own (tests build several apps).
    api = Api(
        app,
        spec_kwargs={
            "components": {
                "securitySchemes": {
                    "bearerAuth": {
                        "type": "http",
                        "scheme": "bearer",
                        "description": "POST /api/v1/auth/login gives the token",
                    }
                }
            }
        },
    )
    # Document the id converters, so that the OpenAPI document (and the fuzz test) knows their shape.
    api.register_converter(UUIDConverter, lambda _c: {"type": "string", "format": "uuid"})
    api.register_converter(RowIdConverter, lambda _c: {"type": "integer", "minimum": 1, "maximum": 2**31 - 1})
    api.ma_plugin.converter.add_attribute_function(nul_free)  # input refuses NUL characters: the document says so
    app.before_request(require_json_body)
    # bodies read under gunicorn get a deadline from a minimum rate (a slow client cannot hold a worker)
    app.wsgi_app = BodyDeadline(
        app.wsgi_app, grace_s=app.config["BODY_GRACE_S"], min_rate=app.config["BODY_MIN_RATE_BYTES_S"]
    )
    _register_blueprints(app, api)
    _register_cli(app)
    if not app.testing:
        _maintain_in_process(app)
    return app


def _maintain_in_process(app: Flask):
    """Every web process runs the maintenance round (the hazard clocks, pending work) from its first request on
    (not at import, so that CLI commands start none): with the workers, a clock fires whichever process is alive."""
    from server.jobs import maintenance

    started = []

    @app.before_request
    def start_maintaining():
        if not started:
            started.append(True)
            maintenance.start(app, app.config["MAINTENANCE_SECONDS"] * (1 if not app.config["REDIS_URL"] else 3))


def _register_blueprints(app: Flask, api: Api):
    from server.areas.resources import blp as areas
    from server.auth.resources import blp as auth
    from server.checkins.resources import blp as checkins
    from server.dashboards.resources import blp as dashboards
    from server.disasters.resources import blp as disasters
    from server.draws.pages import pages as draw_pages
    from server.draws.resources import blp as draws, public as public_draws
    from server.enterprises.resources import blp as enterprises
    from server.hazards.resources import blp as hazards
    from server.incidents.resources import blp as incidents
    from server.inspections.resources import blp as inspections
    from server.ledgers.resources import blp as ledgers
    from server.maps.resources import blp as maps
    from server.meta.resources import blp as meta, docs_assets
    from server.notifications.resources import blp as inbox
    from server.people.resources import blp as users, colleagues
    from server.photos.resources import blp as photos
    from server.plans.resources import blp as plans
    from server.sites.resources import blp as sites
    from server.sync.resources import blp as sync
    from server.tags.resources import blp as tags, scan
    from server.warnings.resources import blp as warnings
    from server.web import web as field_app

    for blp in (
        auth,
        areas,
        users,
        colleagues,
        enterprises,
        sites,
        tags,
        checkins,
        photos,
        hazards,
        inspections,
        draws,
        public_draws,
        plans,
        incidents,
        disasters,
        dashboards,
        inbox,
        ledgers,
        maps,
        sync,
        meta,
        warnings,
    ):
        api.register_blueprint(blp)
    if app.config["API_DOCS"]:
        app.register_blueprint(docs_assets)
    app.register_blueprint(scan)
    app.register_blueprint(draw_pages)  # 公示: the public page of published draws, no login
    app.register_blueprint(field_app)


def _register_cli(app: Flask):
    from server.cli import db_cli, demo_cli, draws_cli, evidence_cli, jobs_cli, plans_cli, tags_cli, warnings_cli

    app.cli.add_command(db_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(jobs_cli)
    app.cli.add_command(tags_cli)
    app.cli.add_command(evidence_cli)
    app.cli.add_command(draws_cli)
    app.cli.add_command(plans_cli)
    app.cli.add_command(warnings_cli)
