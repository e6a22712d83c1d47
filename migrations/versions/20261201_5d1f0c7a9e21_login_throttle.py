"""Login throttling by client and by account, replacing the account lockout.

Reviewed by hand: the two columns are dropped with a plain ALTER TABLE … DROP COLUMN, on SQLite too
(3.35 and later), not in batch mode: batch mode copies `users` and drops the original, and with
foreign keys on, SQLite's DROP TABLE first deletes its rows, cascading to every token and role.
Nothing is carried over: a lockout in force ends with the upgrade, and counting starts afresh.

Revision ID: 5d1f0c7a9e21
Revises: a41c7d0e9b52
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

import server.core.db

revision = "5d1f0c7a9e21"
down_revision = "a41c7d0e9b52"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "login_throttles",
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("subject", sa.String(length=64), nullable=False),
        sa.Column("client", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("window_ends_at", server.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("kind", "subject", "client", name=op.f("pk_login_throttles")),
    )
    op.create_index(op.f("ix_login_throttles_window_ends_at"), "login_throttles", ["window_ends_at"], unique=False)
    op.drop_column("users", "locked_until")
    op.drop_column("users", "failed_logins")


def downgrade():
    # Added as they were: without locks, no failures counted (a NOT NULL column needs a value for the
    # rows already there). SQLite keeps the column's server default: removing it would mean copying the
    # table, with the cascade described above.
    op.add_column("users", sa.Column("failed_logins", sa.Integer(), nullable=False, server_default="0"))
    op.add_column("users", sa.Column("locked_until", server.core.db.UTCDateTime(timezone=True), nullable=True))
    if op.get_bind().dialect.name != "sqlite":
        op.alter_column("users", "failed_logins", server_default=None)
    op.drop_index(op.f("ix_login_throttles_window_ends_at"), table_name="login_throttles")
    op.drop_table("login_throttles")
