"""Service-level endpoints: health, the vocabularies the app shows, and the API docs' own assets."""

from pathlib import Path

import flask_swagger_ui
from flask import Blueprint as FlaskBlueprint, current_app, send_from_directory
from marshmallow import fields
from sqlalchemy import text

from server.core.api import ApiView, Blueprint, OutputSchema
from server.core.db import db
from server.core.errors import error
from server.core.i18n import tr
from server.jobs import redis_connection
from server.meta.vocabularies import VocabulariesSchema, vocabularies

blp = Blueprint("meta", __name__, url_prefix="/api/v1", description="服务状态与词表 / Health and vocabularies")
docs_assets = FlaskBlueprint("docs_assets", __name__)
# Swagger UI 5, as the flask-swagger-ui package ships it (Swagger UI 4, in swagger-ui-bundle, cannot read OpenAPI 3.1)
SWAGGER_UI = Path(flask_swagger_ui.__file__).parent / "dist"


class HealthSchema(OutputSchema):
    database = fields.String()
    jobs = fields.String()


@blp.route("/vocabularies")
class Vocabularies(ApiView):
    @blp.etag
    @blp.response(200, VocabulariesSchema)
    def get(self):
        """词表 / The codes the API uses, with their Chinese and English names"""
        return vocabularies()


@blp.route("/health")
class Health(ApiView):
    @blp.response(200, HealthSchema)
    @blp.alt_response(503, description="the database or Redis does not answer")
    def get(self):
        """服务状态 / Whether the database and the job queue answer"""
        db.session.execute(text("SELECT 1"))
        jobs = "inline"
        if current_app.config["REDIS_URL"]:
            try:
                redis_connection().ping()
            except Exception:  # any failure to reach Redis means the same thing here
                error(
                    503,
                    tr("任务队列（Redis）不可用", "The job queue (Redis) is unavailable"),
                    headers={"Retry-After": "5"},
                )
            jobs = "redis"
        return {"database": db.engine.dialect.name, "jobs": jobs}


@docs_assets.route("/api/docs/static/<path:filename>")
def swagger_asset(filename):
    # Served from the installed package: the docs page works without reaching any CDN.
    return send_from_directory(SWAGGER_UI, filename, max_age=86400)
