"""Load on a real server: concurrent users on the busiest pages, as a person would run it.

Run with ``make bench SCENARIO=load`` (options through ``BENCH_ARGS``, e.g.
``make bench SCENARIO=load BENCH_ARGS="--users 16 --duration 60"``), or directly with
``.venv/bin/python scripts/bench_load.py --help``.

A throw-away database (``<name>_bench`` on the PostgreSQL server of ``DATABASE_URL``, else a
temporary SQLite file) gets the plan and ``load_demo --actions 60 --seed 1``; the static files
are collected and gunicorn starts as in docker-compose.yml (``actionplan.wsgi``, sync
workers, access log), with DEBUG off. ``REDIS_URL`` passes through, as the compose file sets
it: with it the dashboard's cache is shared by the workers, without it each worker has its
own. Then ``--users`` users (8) work for ``--duration`` seconds (30), each on one endpoint,
the users spread evenly over the four (or over those of ``--endpoints``):

- ``GET /dashboard/``: the coordinator, logged in through the login page (session);
- ``GET /api/v1/actions/``: with a token from ``POST /api/v1/auth/token/`` (one for all);
- ``GET /fiches/<id>/``: the fiche page with its form;
- ``POST /fiches/<id>/``: a save of the form, as the browser sends it, with a new
  status update each time. Every user has a fiche of its own, so a conflict (409) or a
  refused form (422) is a real error. Before each save the user loads the form again (its
  CSRF token and version): those loads are counted with the fiche page.

Each user sends its next request when the previous one is answered (a closed loop, no
think time). Printed per endpoint: requests, requests per second over the run, p50 and
p95 of the response time, errors (a status other than the expected one, or no answer).
The load average is printed before and after, and the CPU time gunicorn used per request:
other work on the machine makes the response times grow (waiting for a CPU), much less
the CPU time per request. Compare response times of runs made on a quiet machine.
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import json
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from bench import ROOT, postgres_database

ACTIONS = 60
SEED = 1
USERS = 8
DURATION_S = 30.0
WORKERS = 2
READY_TIMEOUT_S = 90.0
REQUEST_TIMEOUT_S = 60.0
HOST = "127.0.0.1"
USERNAME = "coordinator"
# The endpoints in the order users are spread over them: user i works on ENDPOINTS[i % 4].
DASHBOARD = "GET /dashboard/"
API = "GET /api/v1/actions/"
FICHE = "GET /fiches/<id>/"
SAVE = "POST /fiches/<id>/"
ENDPOINTS = (DASHBOARD, API, FICHE, SAVE)
# ``--endpoints``: the short names of the endpoints to spread the users over.
NAMES = {"dashboard": DASHBOARD, "api": API, "fiche": FICHE, "save": SAVE}
STATIC_CACHE = ROOT / "var" / "bench-static"
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


# --- Parent: database, server, users ------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=USERS)
    parser.add_argument("--duration", type=float, default=DURATION_S, help="seconds")
    parser.add_argument("--workers", type=int, default=WORKERS, help="gunicorn workers")
    parser.add_argument("--actions", type=int, default=ACTIONS)
    parser.add_argument(
        "--endpoints",
        default=",".join(NAMES),
        help="the endpoints the users are spread over (default: all four), e.g. 'api' for "
        "the API list alone",
    )
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--output", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        prepare(args.actions, args.users, args.output)
        return 0
    if args.users < 1 or args.duration <= 0 or args.workers < 1:
        parser.error("--users, --duration and --workers must be positive")
    chosen = [name.strip() for name in args.endpoints.split(",") if name.strip()]
    if not chosen or any(name not in NAMES for name in chosen):
        parser.error(f"--endpoints: a comma-separated choice of {', '.join(NAMES)}")
    args.endpoints = [NAMES[name] for name in chosen]

    database_url = os.environ.get("DATABASE_URL", "")
    scheme = urlsplit(database_url).scheme if database_url else "sqlite"
    if scheme not in {"sqlite", "postgres", "postgresql", "pgsql"}:
        print(f"bench: unsupported DATABASE_URL scheme {scheme!r}", file=sys.stderr)
        return 2
    engine = "SQLite" if scheme == "sqlite" else "PostgreSQL"
    with tempfile.TemporaryDirectory(prefix="apm-load-") as tmp:
        if engine == "SQLite":
            return run(args, engine, f"sqlite:///{Path(tmp) / 'bench.sqlite3'}", Path(tmp))
        with postgres_database(database_url) as bench_url:
            return run(args, engine, bench_url, Path(tmp))


def server_env(
    database_url: str, tmp: Path, password: str, secret_key: str, *, debug: bool
) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "actionplan.settings",
        "DATABASE_URL": database_url,
        "VAR_DIR": str(tmp / "var"),
        "DEBUG": "1" if debug else "0",
        "SECURE": "0",
        "SECRET_KEY": secret_key,
        "ALLOWED_HOSTS": HOST,
        "LOG_LEVEL": "WARNING",
        "DEMO_PASSWORD": password,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }


def run(args: argparse.Namespace, engine: str, database_url: str, tmp: Path) -> int:
    password, secret_key = secrets.token_urlsafe(24), secrets.token_urlsafe(48)
    started = time.perf_counter()
    # load_demo makes its users only with DEBUG on: the data is loaded so, the server runs
    # with DEBUG off.
    prepared = tmp / "prepared.json"
    subprocess.run(
        [sys.executable, __file__, "--prepare", "--actions", str(args.actions)]
        + ["--users", str(args.users), "--output", str(prepared)],
        cwd=ROOT,
        env=server_env(database_url, tmp, password, secret_key, debug=True),
        check=True,
    )
    facts = json.loads(prepared.read_text())
    fiches: list[int] = facts["fiches"]
    loaded = time.perf_counter()
    env = server_env(database_url, tmp, password, secret_key, debug=False)
    static = collect_static(env, tmp / "var" / "static", facts["static_fingerprint"])
    print(
        f"Prepared: {args.actions} demo actions loaded in {loaded - started:.0f} s, static "
        f"files {static} in {time.perf_counter() - loaded:.0f} s.",
        flush=True,
    )

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "actionplan.wsgi", "--bind", f"{HOST}:{port}"]
        + ["--workers", str(args.workers), "--access-logfile", str(tmp / "access.log")]
        + ["--error-logfile", str(tmp / "gunicorn.log")],
        cwd=ROOT,
        env=env,
    )
    try:
        wait_until_ready(server, port, tmp / "gunicorn.log")
        endpoints: list[str] = args.endpoints
        users = [
            User(index=i, endpoint=endpoints[i % len(endpoints)], fiche=fiches[i % len(fiches)])
            for i in range(args.users)
        ]
        load_before = os.getloadavg()[0]
        # The server's CPU time from the start of the run (the log-ins before it hash
        # passwords, which is not what is measured) to the last answer.
        cpu: dict[str, float | None] = {}
        window = run_users(
            users,
            port,
            password,
            args.duration,
            on_start=lambda: cpu.update(before=cpu_seconds(server.pid)),
        )
        load_after = os.getloadavg()[0]
        cpu_before, cpu_after = cpu.get("before"), cpu_seconds(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)

    cache = "Redis (shared)" if os.environ.get("REDIS_URL") else "per process"
    print(
        f"\n{args.users} users for {args.duration:.0f} s on gunicorn ({args.workers} sync "
        f"workers), {engine}, DEBUG off, cache {cache}, {args.actions} actions; "
        f"load average {load_before:.2f} before, {load_after:.2f} after "
        f"({os.cpu_count()} CPUs).\n"
    )
    status = print_table(users, window)
    if cpu_before is not None and cpu_after is not None:
        # What the server itself spent: on a busy machine the response times grow with the
        # wait for a CPU, the CPU time per request hardly.
        used = cpu_after - cpu_before
        requests = sum(len(u.samples) for u in users)
        print(
            f"\ngunicorn used {used:.1f} CPU-seconds in {window:.1f} s "
            f"({used / window / (os.cpu_count() or 1):.0%} of the machine), "
            f"{used * 1000 / max(requests, 1):.1f} ms of CPU per request."
        )
    return status


def cpu_seconds(master: int) -> float | None:
    """User and system CPU time of gunicorn's master and workers, from /proc (Linux)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    try:
        entries = [entry for entry in os.listdir("/proc") if entry.isdigit()]
    except OSError:
        return None
    for entry in entries:
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # gone meanwhile
        # After the name: state, ppid, ..., utime and stime (fields 14 and 15 of stat).
        if int(entry) == master or int(fields[1]) == master:
            total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def collect_static(env: dict[str, str], static_root: Path, fingerprint: str) -> str:
    """The static files as the Dockerfile's entrypoint collects them (hashed names and
    compressed copies), kept in ``var/bench-static`` for the next run while the sources
    stay the same: collecting takes minutes on a busy machine. What was done, in words."""
    fingerprint_file = STATIC_CACHE / "fingerprint"
    collected = STATIC_CACHE / "static"
    static_root.parent.mkdir(parents=True, exist_ok=True)
    static_root.symlink_to(collected, target_is_directory=True)
    if (
        fingerprint_file.exists()
        and fingerprint_file.read_text() == fingerprint
        and (collected / "staticfiles.json").exists()
    ):
        return "reused from var/bench-static"
    fingerprint_file.unlink(missing_ok=True)
    shutil.rmtree(collected, ignore_errors=True)
    collected.mkdir(parents=True)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "--verbosity", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    fingerprint_file.write_text(fingerprint)
    return "collected"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def wait_until_ready(server: subprocess.Popen[bytes], port: int, log: Path) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"gunicorn stopped:\n{log.read_text() if log.exists() else ''}")
        try:
            status, _body = Client(port).request("GET", "/healthz")
        except OSError:
            status = 0
        if status == 200:
            return
        time.sleep(0.5)
    sys.exit(f"gunicorn did not answer /healthz within {READY_TIMEOUT_S:.0f} s")


# --- Users ---------------------------------------------------------------------------------


@dataclass
class User:
    index: int
    endpoint: str
    fiche: int
    # (endpoint, milliseconds, ok) per request.
    samples: list[tuple[str, float, bool]] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


class Client:
    """One user's connection and cookies, on the standard library only: a lighter client
    leaves more of the machine to the server it measures."""

    def __init__(self, port: int) -> None:
        self.connection = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT_S)
        self.cookies: dict[str, str] = {}
        self.headers: dict[str, str] = {}
        self.location = ""

    def request(self, method: str, path: str, form: Any = None) -> tuple[int, bytes]:
        headers = {"Host": HOST, **self.headers}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            data = response.read()
        except (http.client.HTTPException, OSError):
            self.connection.close()
            raise
        for value in response.headers.get_all("Set-Cookie") or []:
            jar: SimpleCookie = SimpleCookie()
            jar.load(value)
            self.cookies.update({name: morsel.value for name, morsel in jar.items()})
        self.location = response.headers.get("Location", "")
        return response.status, data


def log_in(client: Client, password: str) -> None:
    status, page = client.request("GET", "/accounts/login/")
    token = CSRF_INPUT.search(page.decode())
    if status != 200 or token is None:
        raise RuntimeError(f"login page: {status}")
    form = {"username": USERNAME, "password": password, "csrfmiddlewaretoken": token[1]}
    status, _body = client.request("POST", "/accounts/login/", form)
    if status != 302:
        raise RuntimeError(f"login refused: {status}")


def api_token(client: Client, password: str) -> str:
    status, body = client.request(
        "POST", "/api/v1/auth/token/", {"username": USERNAME, "password": password}
    )
    if status != 200:
        raise RuntimeError(f"token refused: {status} {body[:200]!r}")
    return str(json.loads(body)["token"])


class FormFields(HTMLParser):
    """The fields a browser sends for the form that posts to ``action`` (buttons left out)."""

    def __init__(self, action: str) -> None:
        super().__init__()
        self.action = action
        self.inside = False
        self.found = False
        self.fields: list[tuple[str, str]] = []
        self._textarea: str | None = None
        self._text: list[str] = []
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {name: value or "" for name, value in attrs}
        if tag == "form":
            self.inside = a.get("action") == self.action and a.get("method", "").lower() == "post"
            self.found = self.found or self.inside
        if not self.inside or (not a.get("name") and tag != "option"):
            return
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind in {"submit", "button", "image", "reset", "file"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in a:
                return
            default = "on" if kind in {"checkbox", "radio"} else ""
            self.fields.append((a["name"], a.get("value", default)))
        elif tag == "textarea":
            self._textarea, self._text = a["name"], []
        elif tag == "select":
            self._select, self._options = a["name"], []
        elif tag == "option" and self._select is not None:
            self._options.append((a.get("value", ""), "selected" in a))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self._textarea is not None:
            # A browser drops the newline that opens a textarea's content.
            text = "".join(self._text)
            self.fields.append((self._textarea, text[1:] if text.startswith("\n") else text))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            chosen = [value for value, selected in self._options if selected]
            if chosen or self._options:
                self.fields.append((self._select, (chosen or [self._options[0][0]])[0]))
            self._select = None

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)


def run_users(
    users: list[User],
    port: int,
    password: str,
    duration: float,
    on_start: Callable[[], None] = lambda: None,
) -> float:
    """Log every user in, start them together, stop them after ``duration``; the seconds
    from the start to the last answer."""
    clock: dict[str, float] = {}

    def start() -> None:
        # Once every user is logged in, before any of them goes on.
        on_start()
        clock["start"] = time.perf_counter()

    ready = threading.Barrier(len(users) + 1, action=start)
    # One token for every API user: the token endpoint is throttled per address.
    token = api_token(Client(port), password) if any(u.endpoint == API for u in users) else ""

    def work(user: User) -> None:
        client = Client(port)
        try:
            if user.endpoint == API:
                client.headers["Authorization"] = f"Token {token}"
            else:
                log_in(client, password)
        except (RuntimeError, OSError, http.client.HTTPException) as exc:
            ready.wait()
            fail(user, user.endpoint, 0.0, f"log-in: {exc}")
            return
        ready.wait()
        deadline = clock["start"] + duration
        saves = 0
        fiche_path = f"/fiches/{user.fiche}/"
        while time.perf_counter() < deadline:
            if user.endpoint == DASHBOARD:
                timed(user, client, DASHBOARD, "GET", "/dashboard/", expect=200)
            elif user.endpoint == API:
                timed(user, client, API, "GET", "/api/v1/actions/", expect=200)
            elif user.endpoint == FICHE:
                timed(user, client, FICHE, "GET", fiche_path, expect=200)
            else:
                page = timed(user, client, FICHE, "GET", fiche_path, expect=200)
                if page is None:
                    continue
                parser = FormFields(fiche_path)
                parser.feed(page.decode())
                if not parser.found:
                    fail(user, SAVE, 0.0, "the fiche page has no form to save")
                    continue
                saves += 1
                text = f"Stand van zaken onder belasting: gebruiker {user.index}, keer {saves}."
                form = [(k, v) for k, v in parser.fields if k != "status_update"]
                form += [("status_update", text), ("intent", "save")]
                timed(user, client, SAVE, "POST", fiche_path, expect=302, form=form)
                if client.location and client.location != fiche_path:
                    fail(user, SAVE, 0.0, f"saved, then sent to {client.location}")

    threads = [threading.Thread(target=work, args=(user,), daemon=True) for user in users]
    for thread in threads:
        thread.start()
    ready.wait()
    for thread in threads:
        thread.join()
    return time.perf_counter() - clock["start"]


def timed(
    user: User,
    client: Client,
    endpoint: str,
    method: str,
    path: str,
    *,
    expect: int,
    form: Any = None,
) -> bytes | None:
    """One request, recorded; its body when it had the expected status."""
    started = time.perf_counter()
    try:
        status, body = client.request(method, path, form)
    except (http.client.HTTPException, OSError) as exc:
        fail(user, endpoint, (time.perf_counter() - started) * 1000, f"{method} {path}: {exc!r}")
        return None
    ms = (time.perf_counter() - started) * 1000
    if status != expect:
        fail(user, endpoint, ms, f"{method} {path}: {status} {body[:120]!r}")
        return None
    user.samples.append((endpoint, ms, True))
    return body


def fail(user: User, endpoint: str, ms: float, reason: str) -> None:
    user.samples.append((endpoint, ms, False))
    user.failures.append(reason)


def print_table(users: list[User], window: float) -> int:
    width = max(len(e) for e in ENDPOINTS)
    shown = [e for e in ENDPOINTS if any(x == e for u in users for x, _ms, _ok in u.samples)]
    print(
        f"{'endpoint':<{width}}  {'users':>5}  {'requests':>8}  {'req/s':>7}  {'p50 ms':>7}  "
        f"{'p95 ms':>7}  {'errors':>6}"
    )
    print("-" * (width + 2 + 5 + 2 + 8 + 2 + 7 + 2 + 7 + 2 + 7 + 2 + 6))
    total_errors = 0
    for endpoint in shown:
        samples = [(ms, ok) for u in users for e, ms, ok in u.samples if e == endpoint]
        times = [ms for ms, ok in samples if ok]
        errors = sum(1 for _ms, ok in samples if not ok)
        total_errors += errors
        n_users = sum(1 for u in users if u.endpoint == endpoint)
        p50 = statistics.median(times) if times else float("nan")
        p95 = (
            statistics.quantiles(times, n=20, method="inclusive")[18]
            if len(times) > 1
            else float("nan")
        )
        print(
            f"{endpoint:<{width}}  {n_users:>5}  {len(samples):>8}  {len(samples) / window:>7.1f}  "
            f"{p50:>7.0f}  {p95:>7.0f}  {errors:>6}",
            flush=True,
        )
    if any(u.endpoint == SAVE for u in users):
        print(f"({FICHE} includes the loads of the form before each save.)")
    failures = [reason for u in users for reason in u.failures]
    if failures:
        print(f"\n{len(failures)} errors, the first ones:")
        for reason in failures[:5]:
            print(f"  {reason}")
    return 1 if total_errors else 0


# --- Prepare: the data, in a process of its own ---------------------------------------------


def prepare(actions: int, users: int, output: Path) -> None:
    import django

    django.setup()

    from io import StringIO

    from django.core.management import call_command
    from django.db import connection

    from actionplan.models import User as Account
    from fiches.models import Fiche, RoundStatus

    quiet = StringIO()
    call_command("migrate", verbosity=0, stdout=quiet)
    call_command("load_plan", verbosity=0, stdout=quiet)
    call_command("load_demo", actions=actions, seed=SEED, stdout=quiet)
    if connection.vendor == "postgresql":
        # Planner statistics, as autovacuum gathers them within a minute of a bulk load.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    coordinator = Account.objects.get(username=USERNAME)
    fiches = list(
        Fiche.objects.editable_by(coordinator)
        .filter(round__status=RoundStatus.OPEN)
        .order_by("pk")
        .values_list("pk", flat=True)[:users]
    )
    if not fiches:
        sys.exit("load_demo made no fiche the coordinator can edit in an open round")
    output.write_text(json.dumps({"fiches": fiches, "static_fingerprint": static_fingerprint()}))


def static_fingerprint() -> str:
    """Name, size and modification time of every static file the finders find."""
    from django.contrib.staticfiles import finders

    entries = sorted(
        (path, os.stat(storage.path(path)))
        for finder in finders.get_finders()
        for path, storage in finder.list([])
    )
    digest = hashlib.sha256()
    for path, stat in entries:
        digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


if __name__ == "__main__":
    sys.exit(main())
