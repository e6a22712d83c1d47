"""Command-line tasks: `flask db …` (Alembic migrations) and `flask demo load`."""
import click
from flask import current_app
from flask.cli import AppGroup

from server.migrate import alembic_config

db_cli = AppGroup("db", help="Database migrations (Alembic, in migrations/).")
demo_cli = AppGroup("demo", help="Demo data for trying SafeGrid out.")


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def upgrade(revision):
    """Upgrade the database to a revision (default: head)."""
    from alembic import command

    command.upgrade(alembic_config(current_app), revision)


@db_cli.command("downgrade")
@click.argument("revision")
def downgrade(revision):
    """Downgrade the database to a revision (e.g. -1 or base)."""
    from alembic import command

    command.downgrade(alembic_config(current_app), revision)


@db_cli.command("current")
def current():
    """Show the database's revision."""
    from alembic import command

    command.current(alembic_config(current_app))


@db_cli.command("revision")
@click.option("-m", "--message", required=True)
def revision(message):
    """Autogenerate a revision from the models; read and mend it by hand before committing."""
    from alembic import command

    command.revision(alembic_config(current_app), message=message, autogenerate=True)


@demo_cli.command("load")
def load_demo():
    """Load the district, demo communities, grids, people, enterprises and sites (idempotent)."""
    from server.core.db import db
    from server.demo.loader import load

    counts = load()
    db.session.commit()
    for name, count in counts.items():
        click.echo(f"{name}: {count} added")


jobs_cli = AppGroup("jobs", help="Background jobs (RQ on Redis).")


@jobs_cli.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queues are empty.")
@click.argument("queues", nargs=-1)
def worker(burst, queues):
    """Run an RQ worker with its scheduler, inside the app so that jobs have the database."""
    from rq import Worker

    from server.jobs import queue, redis_connection

    if not current_app.config["REDIS_URL"]:
        raise click.UsageError("REDIS_URL is not set: without it jobs run inline and no worker is needed")
    names = queues or ("default",)
    Worker([queue(name) for name in names], connection=redis_connection()).work(with_scheduler=True, burst=burst)
