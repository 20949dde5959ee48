"""``flask --app consult tasks ...``: run the task queue's consumer, list failed tasks, run one again."""

from __future__ import annotations

import logging

import click
from flask import current_app
from flask.cli import AppGroup

from consult.core import tasks
from consult.core.errors import DomainError
from consult.extensions import db

group = AppGroup("tasks", help="The task queue: mail, notifications, documents and exports made in the "
                               "background.")


@group.command("consume")
@click.option("--workers", "-w", default=2, show_default=True, type=click.IntRange(1, 64),
              help="Tasks run at the same time (threads).")
@click.option("--quiet", is_flag=True, help="Log warnings and errors only.")
@click.option("--periodic/--no-periodic", default=True, show_default=True,
              help="Run the periodic tasks (the mail sweep each minute). With consumers on several hosts, "
                   "one of them runs them and the others take --no-periodic.")
def consume(workers, quiet, periodic):
    """Run the consumer: it takes tasks off the queue and runs them until stopped (Ctrl-C or SIGINT finishes
    the tasks under way; SIGTERM stops at once). Run one beside the web server; more on other hosts with
    Redis (TASKS_REDIS_URL or REDIS_URL)."""
    logging.basicConfig(level=logging.WARNING if quiet else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = current_app._get_current_object()
    if app.config.get("TASKS_IMMEDIATE"):
        raise click.ClickException("TASKS_IMMEDIATE is set: tasks run where they are enqueued, not here.")
    huey = tasks.queue(app)
    if periodic:
        tasks.run_at_start(app)
    # an empty SQLite queue is looked at again within 2 seconds (Redis answers at once)
    consumer = huey.create_consumer(workers=workers, worker_type="thread", max_delay=2.0, periodic=periodic)
    consumer.run()


@group.command("failed")
def failed():
    """List the tasks whose last attempt failed (id, time in UTC, attempts, error class, task)."""
    rows = db.session.scalars(tasks.failures_query()).all()
    for failure in rows:
        click.echo(f"{failure.id}\t{failure.failed_at:%Y-%m-%d %H:%M:%S}\t{failure.attempts}\t"
                   f"{failure.error}\t{failure.name}")
    if not rows:
        click.echo("No task has failed.")


@group.command("retry")
@click.argument("failure_id", type=int)
def retry(failure_id):
    """Run a failed task again (by the id that `tasks failed` lists), with its retries anew."""
    try:
        tasks.retry_failure(tasks.get_failure(failure_id))
    except DomainError as err:
        raise click.ClickException(str(err.message)) from None
    db.session.commit()
    click.echo(f"Task {failure_id} is queued again.")
