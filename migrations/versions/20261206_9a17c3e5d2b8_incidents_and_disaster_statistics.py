"""Incidents (突发事件: their later reports and their forwarding clocks) and disaster statistics (灾害过程 and the
communities' reports of them).

Reviewed by hand: five new tables, nothing existing changed; incident_clocks has the same partial index of the clocks
still to fire as hazard_clocks (the clocks' engine reads both alike). After the warnings' revision.

Revision ID: 9a17c3e5d2b8
Revises: 7b3e5c9a2d14
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

import server.core.db

revision = "9a17c3e5d2b8"
down_revision = "7b3e5c9a2d14"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "disasters",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("type", sa.String(length=40), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("started_at", server.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("response_active", sa.Boolean(), nullable=False),
        sa.Column("ended_at", server.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_by_id", sa.Uuid(), nullable=False),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", server.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", server.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["area_id"], ["areas.id"], name=op.f("fk_disasters_area_id_areas")),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_disasters_created_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disasters")),
    )
    with op.batch_alter_table("disasters", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_disasters_area_id"), ["area_id"], unique=False)

    op.create_table(
        "disaster_reports",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("disaster_id", sa.Uuid(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("affected", sa.Integer(), nullable=False),
        sa.Column("dead", sa.Integer(), nullable=False),
        sa.Column("missing", sa.Integer(), nullable=False),
        sa.Column("injured", sa.Integer(), nullable=False),
        sa.Column("evacuated", sa.Integer(), nullable=False),
        sa.Column("houses_collapsed", sa.Integer(), nullable=False),
        sa.Column("houses_severely_damaged", sa.Integer(), nullable=False),
        sa.Column("houses_generally_damaged", sa.Integer(), nullable=False),
        sa.Column("direct_loss", sa.Float(), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.Column("reporter_id", sa.Uuid(), nullable=False),
        sa.Column("received_at", server.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["community_id"], ["areas.id"], name=op.f("fk_disaster_reports_community_id_areas")),
        sa.ForeignKeyConstraint(
            ["disaster_id"], ["disasters.id"], name=op.f("fk_disaster_reports_disaster_id_disasters")
        ),
        sa.ForeignKeyConstraint(["reporter_id"], ["users.id"], name=op.f("fk_disaster_reports_reporter_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disaster_reports")),
    )
    with op.batch_alter_table("disaster_reports", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_disaster_reports_community_id"), ["community_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_disaster_reports_disaster_id"), ["disaster_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_disaster_reports_received_at"), ["received_at"], unique=False)

    op.create_table(
        "incidents",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("type", sa.String(length=40), nullable=False),
        sa.Column("site_id", sa.Uuid(), nullable=True),
        sa.Column("grid_id", sa.Integer(), nullable=False),
        sa.Column("street_id", sa.Integer(), nullable=False),
        sa.Column("address", sa.String(length=200), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("occurred_at", server.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("dead", sa.Integer(), nullable=False),
        sa.Column("injured", sa.Integer(), nullable=False),
        sa.Column("missing", sa.Integer(), nullable=False),
        sa.Column("trapped", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("photo_ids", sa.JSON(), nullable=False),
        sa.Column("reporter_id", sa.Uuid(), nullable=False),
        sa.Column("received_at", server.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("clock_offset_s", sa.Float(), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("forward_due_at", server.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("forwarded_at", server.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("forwarded_by_id", sa.Uuid(), nullable=True),
        sa.Column("acknowledged_at", server.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("followup_requested_at", server.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("followup_request", sa.String(length=500), nullable=False),
        sa.Column("closed_at", server.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", server.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", server.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["forwarded_by_id"], ["users.id"], name=op.f("fk_incidents_forwarded_by_id_users")),
        sa.ForeignKeyConstraint(["grid_id"], ["areas.id"], name=op.f("fk_incidents_grid_id_areas")),
        sa.ForeignKeyConstraint(["reporter_id"], ["users.id"], name=op.f("fk_incidents_reporter_id_users")),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], name=op.f("fk_incidents_site_id_sites")),
        sa.ForeignKeyConstraint(["street_id"], ["areas.id"], name=op.f("fk_incidents_street_id_areas")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incidents")),
    )
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_incidents_grid_id"), ["grid_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_incidents_received_at"), ["received_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_incidents_reporter_id"), ["reporter_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_incidents_site_id"), ["site_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_incidents_state"), ["state"], unique=False)
        batch_op.create_index(batch_op.f("ix_incidents_street_id"), ["street_id"], unique=False)

    op.create_table(
        "incident_clocks",
        sa.Column("incident_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("due_at", server.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("state", sa.String(length=32), nullable=False),
        sa.Column("fired_at", server.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incidents.id"], name=op.f("fk_incident_clocks_incident_id_incidents")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident_clocks")),
        sa.UniqueConstraint("incident_id", "kind", "due_at", name=op.f("uq_incident_clocks_incident_id_kind_due_at")),
    )
    with op.batch_alter_table("incident_clocks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_incident_clocks_incident_id"), ["incident_id"], unique=False)
        batch_op.create_index(
            "ix_incident_clocks_to_fire",
            ["due_at"],
            unique=False,
            postgresql_where=sa.text("fired_at IS NULL"),
            sqlite_where=sa.text("fired_at IS NULL"),
        )

    op.create_table(
        "incident_reports",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("incident_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("dead", sa.Integer(), nullable=False),
        sa.Column("injured", sa.Integer(), nullable=False),
        sa.Column("missing", sa.Integer(), nullable=False),
        sa.Column("trapped", sa.Integer(), nullable=False),
        sa.Column("photo_ids", sa.JSON(), nullable=False),
        sa.Column("author_id", sa.Uuid(), nullable=False),
        sa.Column("received_at", server.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], name=op.f("fk_incident_reports_author_id_users")),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incidents.id"], name=op.f("fk_incident_reports_incident_id_incidents")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident_reports")),
    )
    with op.batch_alter_table("incident_reports", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_incident_reports_incident_id"), ["incident_id"], unique=False)


def downgrade():
    with op.batch_alter_table("incident_reports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incident_reports_incident_id"))

    op.drop_table("incident_reports")
    with op.batch_alter_table("incident_clocks", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_incident_clocks_to_fire",
            postgresql_where=sa.text("fired_at IS NULL"),
            sqlite_where=sa.text("fired_at IS NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_incident_clocks_incident_id"))

    op.drop_table("incident_clocks")
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incidents_street_id"))
        batch_op.drop_index(batch_op.f("ix_incidents_state"))
        batch_op.drop_index(batch_op.f("ix_incidents_site_id"))
        batch_op.drop_index(batch_op.f("ix_incidents_reporter_id"))
        batch_op.drop_index(batch_op.f("ix_incidents_received_at"))
        batch_op.drop_index(batch_op.f("ix_incidents_grid_id"))

    op.drop_table("incidents")
    with op.batch_alter_table("disaster_reports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_disaster_reports_received_at"))
        batch_op.drop_index(batch_op.f("ix_disaster_reports_disaster_id"))
        batch_op.drop_index(batch_op.f("ix_disaster_reports_community_id"))

    op.drop_table("disaster_reports")
    with op.batch_alter_table("disasters", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_disasters_area_id"))

    op.drop_table("disasters")
