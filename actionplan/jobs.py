"""The job queue as a request sees it: publish a job by name, or say at once that it cannot.

A service commits the row that describes a job (report, import) and then publishes the job
here, while the request still waits: when the broker does not answer within
``BROKER_TIMEOUT`` the service marks the row failed with the reason and raises
``JobUnavailable``, which the API answers with 503 and the pages with a 503 page. Publishing
in ``transaction.on_commit`` would raise after the response was decided (a 500) and leave a
``queued`` row that nothing picks up.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from kombu import Connection
from kombu.exceptions import OperationalError

from actionplan.celery import app, ensure_filesystem_queue

logger = logging.getLogger(__name__)


class JobUnavailable(Exception):
    """The job queue (broker) did not take the job: nothing was started (503)."""

    api_status = 503

    def __init__(self, message: str | None = None) -> None:
        super().__init__(
            message
            or _(
                "De wachtrij voor achtergrondtaken is nu niet bereikbaar, dus dit werd niet "
                "gestart. Probeer het over enkele minuten opnieuw; lukt het dan nog niet, "
                "meld het aan de beheerder."
            )
        )

    def api_headers(self) -> dict[str, str]:
        return {"Retry-After": "60"}


def _connection() -> Connection:
    """A broker connection that gives up after ``BROKER_TIMEOUT``: no reconnect loop, no
    retries of redis-py, short socket timeouts (the worker's own connection keeps the
    defaults)."""
    timeout = settings.BROKER_TIMEOUT
    ensure_filesystem_queue()
    return app.connection_for_write(
        connect_timeout=timeout,
        transport_options={
            "max_retries": 0,
            "socket_connect_timeout": timeout,
            "socket_timeout": timeout,
            "retry_on_timeout": False,
        },
    )


def enqueue(task_name: str, args: Sequence[Any]) -> None:
    """Publish ``task_name(*args)``; ``JobUnavailable`` when the broker does not take it.

    Call it after the row the job reads is committed (the worker must find it), never
    inside a transaction that could still roll back.
    """
    try:
        with _connection() as connection:
            app.send_task(
                task_name,
                args=list(args),
                connection=connection,
                retry=False,
                # The results backend is the same Redis; the jobs write their rows instead.
                ignore_result=True,
            )
    except (OperationalError, OSError) as exc:
        logger.warning("job %s%r not published: %s", task_name, tuple(args), exc)
        raise JobUnavailable() from exc


def broker_reachable() -> bool:
    """Whether the broker answers within ``BROKER_TIMEOUT``, whatever hangs (a name that
    does not resolve, a host that drops packets): the check runs in a thread that is not
    waited for longer."""
    answer: list[bool] = []

    def check() -> None:
        try:
            with _connection() as connection:
                connection.ensure_connection(max_retries=0, timeout=settings.BROKER_TIMEOUT)
                answer.append(True)
        except Exception:
            answer.append(False)

    thread = threading.Thread(target=check, name="healthz-broker", daemon=True)
    thread.start()
    thread.join(settings.BROKER_TIMEOUT)
    return answer == [True]


def unavailable_page(
    request: HttpRequest, exc: JobUnavailable, *, back_url: str, back_label: str
) -> HttpResponse:
    """The page for a job the queue did not take: the reason, and the way back to where the
    failed row can be retried."""
    return render(
        request,
        "job_unavailable.html",
        {"message": str(exc), "back_url": back_url, "back_label": back_label},
        status=503,
    )
