"""Server time and query count of the main pages for 100, 500 and 2000 actions, and the
time of an interim report for 200 actions.

Run with ``make bench``. Each size runs in a child process on a throw-away database:
a temporary SQLite file by default, or ``<name>_bench`` on the PostgreSQL server of
``DATABASE_URL`` (created before, dropped after). The child migrates, loads the plan, times
``load_demo --actions N`` and then, logged in as a coordinator through Django's test client,
requests every URL 3 times to warm up and 20 times to measure, plus once to count queries.
``/dashboard/`` is measured twice: cold (its panel cache emptied before each request, as
after any change to the data) and cached (every later view until the next change); the
cache is the process's memory here, Redis in production adds a round trip to the cached view.

The report benchmark loads 200 actions the same way, then runs the worker's job
(``build.report_build``) on a requested interim 2027 report in a process of its own,
timing it and taking that process's peak memory, and renders the same HTML with
``render_pdf`` alone in another fresh process: the ratio is what the job adds to WeasyPrint.
Both run twice, alternating, and the best of each counts, as the machine's speed drifts.
Targets: ratio under 1.15, the whole report under 45 s. ``BENCH_PROFILE=1`` also prints
the top of a cProfile of ``render_pdf`` (cumulative time).

Extra URLs: ``BENCH_URLS=/reports/,/fiches/ make bench``.
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
IMPORT_ROWS = 5000
BASE_URLS = ("/", "/dashboard/", "/api/v1/actions/")
# Pages whose expensive part is cached until the data changes: measured cold and cached.
CACHED_URLS = {"/dashboard/"}
WARMUPS = 3
REQUESTS = 20
SEED = 1
REPORT_ACTIONS = 200
REPORT_YEAR = 2027
REPORT_ROUNDS = 2
TARGET_RATIO = 1.15
TARGET_REPORT_S = 45.0
PROFILE_TOP = 10


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
        if result.get("exchange"):
            ex = result["exchange"]
            print(
                f"\nSpreadsheets at {size} actions: export XLSX {ex['export_xlsx_s']:.2f} s, "
                f"CSV {ex['export_csv_s']:.2f} s (target < 5 s); import of {IMPORT_ROWS} "
                f"action rows {ex['import_s']:.1f} s (target < 60 s)",
                flush=True,
            )

    print(f"\nInterim report {REPORT_YEAR}, {REPORT_ACTIONS} actions:", flush=True)
    with tempfile.TemporaryDirectory(prefix="apm-bench-") as tmp:
        if engine == "SQLite":
            report = run_report_child(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}", tmp)
        else:
            with postgres_database(database_url) as bench_url:
                report = run_report_child(bench_url, tmp)
    return print_report(report)


def child_env(database_url: str, tmp: str) -> dict[str, str]:
    return {
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


def run_child(size: int, urls: list[str], database_url: str, tmp: str) -> dict[str, Any]:
    output = Path(tmp) / "result.json"
    command = [sys.executable, __file__, "--child", str(size), "--output", str(output)]
    command += [arg for url in urls for arg in ("--url", url)]
    subprocess.run(command, cwd=ROOT, env=child_env(database_url, tmp), check=True)
    return json.loads(output.read_text())


def run_report_child(database_url: str, tmp: str) -> dict[str, Any]:
    output = Path(tmp) / "report.json"
    command = [sys.executable, __file__, "--report-child", "--output", str(output)]
    subprocess.run(command, cwd=ROOT, env=child_env(database_url, tmp), check=True)
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


def print_report(r: dict[str, Any]) -> int:
    """Print the report's figures; a missed target is shown, not an error (noisy hosts)."""
    ratio = r["job_s"] / r["weasyprint_s"]
    ratio_ok, time_ok = ratio < TARGET_RATIO, r["job_s"] < TARGET_REPORT_S
    print(
        f"  job (build.report_build, own process)    {r['job_s']:>7.2f} s   "
        f"target < {TARGET_REPORT_S:.0f} s: {'ok' if time_ok else 'MISSED'}\n"
        f"  WeasyPrint alone (render_pdf, same HTML)  {r['weasyprint_s']:>7.2f} s   "
        f"(best of {REPORT_ROUNDS} each, alternating)\n"
        f"  ratio job / WeasyPrint                    {ratio:>7.2f}     "
        f"target < {TARGET_RATIO}: {'ok' if ratio_ok else 'MISSED'}\n"
        f"  within the job: render_pdf {r['job_render_s']:.2f} s, the rest "
        f"{r['job_s'] - r['job_render_s']:.2f} s (job / its own render_pdf "
        f"{r['job_s'] / r['job_render_s']:.2f})\n"
        f"  pages {r['pages']}, {r['kib']:.0f} KiB, HTML {r['html_kib']:.0f} KiB, "
        f"{r['unapproved']} fiches not approved; worker peak memory {r['peak_mib']:.0f} MiB",
        flush=True,
    )
    if r.get("profile"):
        print(f"\nTop {PROFILE_TOP} of render_pdf by cumulative time (cProfile):")
        print(r["profile"], flush=True)
    return 0


# --- Child: one size on a fresh database -------------------------------------------------


def setup_django() -> None:
    import django
    from django.conf import settings

    # DEBUG off uses the compressed manifest storage, whose collectstatic takes most of a
    # minute; the pages are what is measured here, not static file names.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # A cache of this process's own: the cold runs empty it before each request, which on
    # a shared Redis would also empty the Celery queues (Django's clear() flushes the db).
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "bench"}
    }
    django.setup()
    # WhiteNoise warns about a missing STATIC_ROOT; the fresh VAR_DIR has none yet.
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)


def load(size: int) -> float:
    """Migrate, load the plan and ``size`` demo actions; the seconds ``load_demo`` took."""
    from io import StringIO

    from django.core.management import call_command
    from django.db import connection

    from actionplan.models import Action

    quiet = StringIO()
    call_command("migrate", verbosity=0, stdout=quiet)
    call_command("load_plan", verbosity=0, stdout=quiet)
    started = time.perf_counter()
    call_command("load_demo", actions=size, seed=SEED, stdout=quiet)
    load_demo_s = time.perf_counter() - started
    assert Action.objects.count() == size, quiet.getvalue()
    if connection.vendor == "postgresql":
        # Planner statistics, as autovacuum gathers them within a minute of a bulk load on a
        # running server; without them the first plans are guesses.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return load_demo_s


def child(size: int, urls: list[str], output: Path) -> None:
    setup_django()

    from django.test import Client

    from actionplan.models import Role, User

    load_demo_s = load(size)

    user = User.objects.create(username="bench-coordinator", role=Role.COORDINATOR)
    client = Client()
    client.force_login(user)

    rows = []
    for url in urls:
        if url in CACHED_URLS:
            # First as after any change to the data (the cache emptied before each request,
            # outside the timing), then as every later view until the next change.
            rows.append(measure(client, url, f"{url} (cold)", clear_cache=True))
            rows.append(measure(client, url, f"{url} (cached)"))
        else:
            rows.append(measure(client, url, url))
    exchange = exchange_timings(client, user) if size == max(SIZES) else None
    output.write_text(
        json.dumps(
            {"actions": size, "load_demo_s": load_demo_s, "rows": rows, "exchange": exchange}
        )
    )


def measure(client: Any, url: str, label: str, *, clear_cache: bool = False) -> dict[str, Any]:
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def get() -> tuple[Any, float]:
        if clear_cache:
            cache.clear()
        started = time.perf_counter()
        response = client.get(url)
        return response, (time.perf_counter() - started) * 1000

    for _ in range(WARMUPS):
        get()
    samples = [get()[1] for _ in range(REQUESTS)]
    # Counted apart: capturing queries slows every query down a little.
    with CaptureQueriesContext(connection) as queries:
        response, _ms = get()
    return {
        "url": label,
        "status": response.status_code,
        "median_ms": statistics.median(samples),
        "p95_ms": statistics.quantiles(samples, n=20, method="inclusive")[18],
        "queries": len(queries),
        "kib": len(response.content) / 1024,
    }


def exchange_timings(client: Any, user: Any) -> dict[str, float]:
    """Export of every action (XLSX, CSV) and an import of 5000 new action rows (parse,
    check and apply in one transaction, as the worker runs it)."""
    import io

    from actionplan.columns import HEADER
    from actionplan.models import OperationalGoal
    from actionplan.selectors import plan_current
    from exchange.importers import actions_import
    from exchange.spreadsheets import read_table, write_csv

    timings: dict[str, float] = {}
    for fmt in ("xlsx", "csv"):
        samples = []
        for _ in range(3):
            started = time.perf_counter()
            response = client.get(f"/api/v1/exports/actions.{fmt}")
            samples.append(time.perf_counter() - started)
            assert response.status_code == 200
        timings[f"export_{fmt}_s"] = statistics.median(samples)
    goals = list(OperationalGoal.objects.order_by("pk"))
    rows = []
    for i in range(IMPORT_ROWS):
        goal = goals[i % len(goals)]
        rows.append(
            [
                f"{goal.code}.{5000 + i}",
                f"Geïmporteerde actie {i}",
                "Synthetisch.",
                goal.code,
                "",
                "",
                "",
                "",
                "",
                2025,
                1,
                2029,
                4,
                "SG; IFG",
                "kinderen-en-jongeren",
                "a",
                "",
            ]
        )
    content = write_csv(HEADER, rows)
    started = time.perf_counter()
    table = read_table(io.BytesIO(content), filename="bench.csv")
    result = actions_import(
        table=table, plan=plan_current(None), user=user, filename="bench.csv", dry_run=False
    )
    timings["import_s"] = time.perf_counter() - started
    assert result.applied and result.created == IMPORT_ROWS, result.errors[:3]
    return timings


# --- Report child: the job in a process of its own, then WeasyPrint alone ----------------


def report_child(output: Path) -> None:
    setup_django()

    from actionplan.selectors import plan_current
    from evaluations.models import EvaluationReport, ReportStatus
    from evaluations.reports import build, services
    from evaluations.reports.pdf import render_pdf

    load(REPORT_ACTIONS)
    report = services.report_request(
        plan=plan_current(None), kind="interim", year=REPORT_YEAR, user=None, enqueue=False
    )

    def run(flag: str, name: str) -> dict[str, Any]:
        # A fresh process each, as a worker's: its peak memory is the job's, not this
        # loader's, and both sides start equally cold.
        result_file = output.with_name(name)
        subprocess.run(
            [sys.executable, __file__, flag, str(report.pk), "--output", str(result_file)],
            check=True,
        )
        return json.loads(result_file.read_text())

    # Alternating, best of each: the machine's speed drifts over a run of minutes.
    jobs, alone = [], []
    for _ in range(REPORT_ROUNDS):
        EvaluationReport.objects.filter(pk=report.pk).update(status=ReportStatus.QUEUED)
        jobs.append(run("--build-report", "job.json"))
        alone.append(run("--render-report", "render.json"))
    job = min(jobs, key=lambda r: r["job_s"])
    render = min(alone, key=lambda r: r["weasyprint_s"])

    profile = ""
    if os.environ.get("BENCH_PROFILE"):
        import cProfile
        import io
        import pstats

        report.refresh_from_db()
        html = build.render_report_html(report)
        profiler = cProfile.Profile()
        profiler.runcall(render_pdf, html)
        stream = io.StringIO()
        pstats.Stats(profiler, stream=stream).sort_stats("cumulative").print_stats(PROFILE_TOP)
        profile = stream.getvalue().strip()

    output.write_text(json.dumps({**job, **render, "profile": profile}))


def render_report_child(report_id: int, output: Path) -> None:
    """WeasyPrint alone on the report's HTML, in a process of its own."""
    setup_django()

    from evaluations.models import EvaluationReport
    from evaluations.reports import build
    from evaluations.reports.pdf import render_pdf

    html = build.render_report_html(EvaluationReport.objects.get(pk=report_id))
    started = time.perf_counter()
    result = render_pdf(html)
    output.write_text(
        json.dumps(
            {
                "weasyprint_s": time.perf_counter() - started,
                "weasyprint_pages": result.pages,
                "html_kib": len(html.encode()) / 1024,
            }
        )
    )


def build_report_child(report_id: int, output: Path) -> None:
    import resource

    setup_django()

    from evaluations.reports import build

    # Time WeasyPrint inside the job as well: the same process and moment as the job, so
    # the job's own overhead shows even when a loaded machine makes the runs differ.
    inner: list[float] = []
    render_pdf = build.render_pdf

    def timed_render_pdf(*args: Any, **kwargs: Any) -> Any:
        begun = time.perf_counter()
        try:
            return render_pdf(*args, **kwargs)
        finally:
            inner.append(time.perf_counter() - begun)

    build.render_pdf = timed_render_pdf
    started = time.perf_counter()
    report = build.report_build(report_id)
    job_s = time.perf_counter() - started
    assert report.status == "done", report.error
    output.write_text(
        json.dumps(
            {
                "job_s": job_s,
                "job_render_s": sum(inner),
                "pages": report.page_count,
                "kib": (report.size or 0) / 1024,
                "unapproved": report.unapproved_fiches,
                # Linux reports ru_maxrss in KiB.
                "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            }
        )
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--report-child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--build-report", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--render-report", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--output", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--url", action="append", default=[], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.url, args.output)
    elif args.report_child:
        report_child(args.output)
    elif args.build_report:
        build_report_child(args.build_report, args.output)
    elif args.render_report:
        render_report_child(args.render_report, args.output)
    else:
        sys.exit(main())
