"""Server time and query count of the main pages for 100, 500 and 2000 actions.

Run with ``make bench``. Each size runs in a child process on a throw-away database:
a temporary SQLite file by default, or ``<name>_bench`` on the PostgreSQL server of
``DATABASE_URL`` (created before, dropped after). The child migrates, loads the plan, times
``load_demo --actions N`` and then, logged in as a coordinator through Django's test client,
requests every URL 3 times to warm up and 20 times to measure, plus once to count queries.

Extra URLs: ``BENCH_URLS=/dashboard/,/reports/ make bench``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
SIZES = (100, 500, 2000)
BASE_URLS = ("/", "/api/v1/actions/")
WARMUPS = 3
REQUESTS = 20
SEED = 1


# --- Parent: one throw-away database and one child process per size ----------------------


def main() -> int:
    urls = list(BASE_URLS) + [
        url.strip() for url in os.environ.get("BENCH_URLS", "").split(",") if url.strip()
    ]
    database_url = os.environ.get("DATABASE_URL", "")
    scheme = urlsplit(database_url).scheme if database_url else "sqlite"
    if scheme not in {"sqlite", "postgres", "postgresql", "pgsql"}:
        print(f"bench: unsupported DATABASE_URL scheme {scheme!r}", file=sys.stderr)
        return 2
    engine = "SQLite" if scheme == "sqlite" else "PostgreSQL"
    print(
        f"Actieplanmonitor benchmark: {engine}, Python {platform.python_version()}, "
        f"median and p95 of {REQUESTS} requests after {WARMUPS} warm-ups, "
        f"logged in as coordinator, DEBUG off.\n",
        flush=True,
    )
    results = []
    for size in SIZES:
        with tempfile.TemporaryDirectory(prefix="apm-bench-") as tmp:
            if engine == "SQLite":
                result = run_child(size, urls, f"sqlite:///{Path(tmp) / 'bench.sqlite3'}", tmp)
            else:
                with postgres_database(database_url) as bench_url:
                    result = run_child(size, urls, bench_url, tmp)
        results.append(result)
        print_result(result, first=len(results) == 1)
    return 0


def run_child(size: int, urls: list[str], database_url: str, tmp: str) -> dict[str, Any]:
    output = Path(tmp) / "result.json"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "actionplan.settings",
        "DATABASE_URL": database_url,
        "VAR_DIR": str(Path(tmp) / "var"),
        "DEBUG": "0",
        "SECURE": "0",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "ALLOWED_HOSTS": "testserver",
        "LOG_LEVEL": "ERROR",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    command = [sys.executable, __file__, "--child", str(size), "--output", str(output)]
    command += [arg for url in urls for arg in ("--url", url)]
    subprocess.run(command, cwd=ROOT, env=env, check=True)
    return json.loads(output.read_text())


@contextmanager
def postgres_database(url: str) -> Iterator[str]:
    """``<db>_bench`` on the server of ``url``: created on entry, dropped on exit."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = f"{parts.path.lstrip('/') or 'postgres'}_bench"
    admin_url = urlunsplit(parts._replace(scheme="postgresql"))

    def execute(statement: str) -> None:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(sql.SQL(statement).format(sql.Identifier(name)))

    execute("DROP DATABASE IF EXISTS {} WITH (FORCE)")
    execute("CREATE DATABASE {}")
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        execute("DROP DATABASE IF EXISTS {} WITH (FORCE)")


def print_result(result: dict[str, Any], *, first: bool) -> None:
    width = max(len(row["url"]) for row in result["rows"])
    if first:
        print(
            f"{'actions':>7}  {'load_demo':>9}  {'URL':<{width}}  {'status':>6}  "
            f"{'median ms':>9}  {'p95 ms':>7}  {'queries':>7}  {'KiB':>6}"
        )
        print("-" * (7 + 2 + 9 + 2 + width + 2 + 6 + 2 + 9 + 2 + 7 + 2 + 7 + 2 + 6))
    for index, row in enumerate(result["rows"]):
        lead = (
            f"{result['actions']:>7}  {result['load_demo_s']:>7.2f} s"
            if index == 0
            else f"{'':>7}  {'':>9}"
        )
        print(
            f"{lead}  {row['url']:<{width}}  {row['status']:>6}  {row['median_ms']:>9.1f}  "
            f"{row['p95_ms']:>7.1f}  {row['queries']:>7}  {row['kib']:>6.0f}",
            flush=True,
        )


# --- Child: one size on a fresh database -------------------------------------------------


def child(size: int, urls: list[str], output: Path) -> None:
    import django
    from django.conf import settings

    # DEBUG off uses the compressed manifest storage, whose collectstatic takes most of a
    # minute; the pages are what is measured here, not static file names.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    django.setup()
    # WhiteNoise warns about a missing STATIC_ROOT; the fresh VAR_DIR has none yet.
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)

    from io import StringIO

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from actionplan.models import Action, Role, User

    quiet = StringIO()
    call_command("migrate", verbosity=0, stdout=quiet)
    call_command("load_plan", verbosity=0, stdout=quiet)
    started = time.perf_counter()
    call_command("load_demo", actions=size, seed=SEED, stdout=quiet)
    load_demo_s = time.perf_counter() - started
    assert Action.objects.count() == size, quiet.getvalue()

    user = User.objects.create(username="bench-coordinator", role=Role.COORDINATOR)
    client = Client()
    client.force_login(user)

    rows = []
    for url in urls:
        for _ in range(WARMUPS):
            client.get(url)
        samples = []
        for _ in range(REQUESTS):
            started = time.perf_counter()
            response = client.get(url)
            samples.append((time.perf_counter() - started) * 1000)
        # Counted apart: capturing queries slows every query down a little.
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        rows.append(
            {
                "url": url,
                "status": response.status_code,
                "median_ms": statistics.median(samples),
                "p95_ms": statistics.quantiles(samples, n=20, method="inclusive")[18],
                "queries": len(queries),
                "kib": len(response.content) / 1024,
            }
        )
    output.write_text(json.dumps({"actions": size, "load_demo_s": load_demo_s, "rows": rows}))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--output", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--url", action="append", default=[], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.url, args.output)
    else:
        sys.exit(main())
