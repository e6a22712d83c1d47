"""Command-line tasks: `flask db …` (Alembic migrations), `flask demo load`, and the records' checks."""

import json
import time
import uuid

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from server.areas.models import Area, subtree_ids
from server.core.db import db
from server.demo.loader import load
from server.draws import algorithm as draw_algorithm, departures as draw_departures, services as draws
from server.draws.models import Draw
from server.evidence.services import verify
from server.hazards.clocks import tick
from server.incidents.clocks import tick as tick_incidents
from server.jobs import QUEUES, run_after_commit, sweep
from server.jobs.worker import run_worker
from server.migrate import alembic_config
from server.plans import services as plans
from server.sites.models import Site
from server.tags.services import label_sheet
from server.warnings.clocks import tick as tick_warnings
from server.warnings.vapid import generate_keys

db_cli = AppGroup("db", help="Database migrations (Alembic, in migrations/).")
demo_cli = AppGroup("demo", help="Demo data for trying SafeGrid out.")
plans_cli = AppGroup("plans", help="Patrol plans and their tasks.")


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
    """Load the district, demo communities, grids, people, enterprises, sites and a year of hazards (idempotent)."""
    if current_app.config["APP_ENV"] == "production":
        # the demo accounts' password is in the README: in production they would be open doors
        raise click.UsageError(
            "demo data is not loaded in production (APP_ENV=production): its logins' password is public"
        )
    counts = load()
    db.session.commit()
    run_after_commit()  # the load's own jobs (its listing notices) now, as a request's commit does
    for name, count in counts.items():
        click.echo(f"{name}: {count} added")


jobs_cli = AppGroup("jobs", help="Background jobs (RQ on Redis).")


@jobs_cli.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queues are empty.")
@click.argument("queues", nargs=-1)
def worker(burst, queues):
    """Run a job worker inside the app: RQ's worker, kept alive through Redis outages, and the maintenance round
    (due clocks, pending work) every MAINTENANCE_SECONDS."""
    if not current_app.config["REDIS_URL"]:
        raise click.UsageError("REDIS_URL is not set: without it jobs run inline and no worker is needed")
    run_worker(current_app._get_current_object(), queues or QUEUES, burst=burst)


@jobs_cli.command("sweep")
def sweep_jobs():
    """Hand over again the pending work that has not run (what every process does every few seconds)."""
    click.echo(f"{sweep()} pending job(s) handed over")


tags_cli = AppGroup("tags", help="Site tags (QR codes) and their label sheets.")


@tags_cli.command("labels")
@click.option("--area", "area_code", help="Every site in this area (street, community or grid), by its code.")
@click.option("--site", "site_ids", multiple=True, help="A site id; repeat for several.")
@click.option("--out", type=click.Path(dir_okay=False, writable=True), required=True, help="The PDF to write.")
def labels(area_code, site_ids, out):
    """Print A4 label sheets of site tags, issuing a tag for every site that has none."""
    if bool(area_code) == bool(site_ids):
        raise click.UsageError("give --area or --site")
    if not current_app.config.get("PUBLIC_BASE_URL"):
        raise click.UsageError("set PUBLIC_BASE_URL: the address the printed QR codes will open")
    stmt = select(Site).order_by(Site.grid_id, Site.name)
    title = None
    if area_code:
        area = db.session.scalars(select(Area).where(Area.code == area_code)).first()
        if area is None:
            raise click.UsageError(f"no area with code {area_code}")
        stmt, title = stmt.where(Site.grid_id.in_(subtree_ids([area.path]))), area.name
    else:
        stmt = stmt.where(Site.id.in_(site_ids))
    sites = db.session.scalars(stmt).all()
    if not sites:
        raise click.UsageError("no such sites")
    with open(out, "wb") as f:
        f.write(label_sheet(sites, None, title=title))
    db.session.commit()
    click.echo(f"{len(sites)} labels written to {out}")


evidence_cli = AppGroup("evidence", help="The hash-chained event record.")


@evidence_cli.command("verify")
def verify_chain():
    """Check every link of the event chain; name the first broken one (exit status 1)."""
    checked, broken = verify()
    if broken is None:
        click.echo(f"the chain holds: {checked} events checked")
        return
    click.echo(f"the chain is broken at event {broken.seq}: {broken.problem} ({checked} events before it hold)")
    raise SystemExit(1)


draws_cli = AppGroup("draws", help="双随机 draws: verify one from the database or from its published record.")


@draws_cli.command("verify")
@click.argument("draw_id", required=False)
@click.option("--file", "path", type=click.File("r", encoding="utf-8"), help="A published record (its JSON).")
def verify_draw(draw_id, path):
    """Re-run a draw from its snapshots and seed and compare hashes and result (exit status 1 if it fails).

    With DRAW_ID: the draw as stored, held against the event chain too. With --file: a record as published
    (GET /api/v1/public/draws/<id>/record), checked by itself, without the database."""
    if bool(draw_id) == bool(path):
        raise click.UsageError("give a draw id or --file")
    if path:
        checks = draw_algorithm.verify(json.load(path))
    else:
        try:
            draw = db.session.get(Draw, uuid.UUID(draw_id))
        except ValueError:
            draw = None
        if draw is None:
            raise click.UsageError(f"no draw {draw_id}")
        checks = draws.verify(draw)
    for check in checks:
        click.echo(f"{'ok  ' if check.ok else 'FAIL'} {check.name}: {check.detail}")
    if not all(check.ok for check in checks):
        click.echo("the draw does not verify")
        raise SystemExit(1)
    click.echo("the draw verifies")


@draws_cli.command("replace-departed")
def replace_departed():
    """Replace the drawn inspectors who left on their open draw tasks (补抽; what the maintenance round does when the
    inspectors' roles change; idempotent)."""
    made = draw_departures.replace_departed()
    db.session.commit()
    click.echo(f"inspectors replaced: {made}")


@draws_cli.command("export")
@click.argument("draw_id")
def export_draw(draw_id):
    """Print a draw's record as published (the JSON that `flask draws verify --file` checks)."""
    draw = db.session.get(Draw, uuid.UUID(draw_id))
    if draw is None:
        raise click.UsageError(f"no draw {draw_id}")
    click.echo(json.dumps(draws.record(draw), ensure_ascii=False, indent=2))


@jobs_cli.command("tick")
def tick_clocks():
    """Fire the clocks that are due now, the hazards', the incidents' and the warnings' reminders (what every process's
    maintenance round does)."""
    started = time.perf_counter()
    fired = tick() + tick_incidents() + tick_warnings()
    click.echo(f"{fired} clocks fired in {time.perf_counter() - started:.2f} s")


@plans_cli.command("maintain")
def maintain_plans():
    """Record the missed tasks of ended periods, generate each active plan's current period, and move the tasks of
    workers who left (what the maintenance round does; idempotent)."""
    before = plans.close_ended()
    db.session.commit()
    generated = plans.generate_due()
    db.session.commit()
    moved = plans.reassign_orphaned()
    db.session.commit()
    click.echo(f"missed: {before} recorded; periods generated: {generated}; tasks reassigned: {moved}")


warnings_cli = AppGroup("warnings", help="Warnings (预警): the keys of their Web Push.")


@warnings_cli.command("vapid-keys")
def vapid_keys():
    """Print a new VAPID key pair for this deployment's Web Push: set both, with VAPID_SUBJECT (mailto: or https:,
    how the push service reaches you), in the environment of every web and worker process. A new pair makes the
    phones subscribe again; the private key is a secret like SECRET_KEY."""
    public, private = generate_keys()
    click.echo(f"VAPID_PUBLIC_KEY={public}\nVAPID_PRIVATE_KEY={private}")
