#!/usr/bin/env python
"""Page benchmark (issues 10 and 12): the real pages as a user opens them, through a real WSGI server.

What it does, in one run:

1. Makes the database once and reuses it (`bench/pages_data.py`): `--data province` is the synthetic province
   of `bench/generate.py` (Thanh Hóa: 166 communes × 24 villages × 80 monthly elements × 3 years, 11.5 million
   values) with a province plan of 10 key targets, a commune plan of 20 targets and 20 tasks and a published
   public page; `--data demo` is what `make run` loads. Pending migrations are applied to a reused database.
2. Starts gunicorn (`--workers 2` sync workers, as on a small CI-like machine) on a free port with
   `bench/settings.py`: DEBUG off, the app's middleware, a `Server-Timing` header, and the trivial view
   `/bench/trivial/` (no database, no template) as the baseline of the same server.
3. Logs in through the login form as a commune officer and as a province analyst, then requests each main page
   as a user opens it — first without query parameters, then with filters: the commune operations centre,
   the province page, the scorecard, the plan page, data entry, the import page, the public page (anonymous).
   Per page, after `--warmup` requests: `--requests` sequential requests, time to first byte p50/p95 (the
   server's time plus one loopback round trip), the server's own time and query count (`Server-Timing`), the
   HTML bytes and the static assets the page links (stylesheets, scripts, images under /static/, each fetched
   once and summed).
4. Throughput: `--concurrency` client threads (http.client, one connection per request as sync gunicorn
   closes it) request one URL for `--seconds`; the trivial view before and after the pages, the commune
   operations centre, the province page and the scorecard; the ratio page / trivial is the figure of issue 12.

Aims (checked and printed; with `--check` the exit status is 1 when one is missed): every main page's p50 below
300 ms; the commune operations centre at ≥ 25% of the trivial view's throughput.

    .venv/bin/python bench/pages_bench.py --data demo                          # SQLite, the demo data (~1 min)
    .venv/bin/python bench/pages_bench.py --data province --communes 166       # PostgreSQL, Thanh Hóa size
    make bench-pages                                                           # both

The first province run builds the database (about 5 minutes at 166 communes); later runs reuse it. Options:
`--pg-url`, `--pg-database` (default xaso_pages; never the one in DATABASE_URL), `--rebuild`, `--workers`,
`--requests`, `--seconds`, `--concurrency`. Results go to `bench/out/pages-<data>-<size>.json`.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

AIM_P50_MS = 300.0
AIM_THROUGHPUT_SHARE = 0.25


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", choices=["province", "demo"], default="demo")
    p.add_argument("--database", choices=["postgres", "sqlite"], help="default: postgres for province, else sqlite")
    p.add_argument("--communes", type=int, default=166, help="communes of the synthetic province (Thanh Hóa: 166)")
    p.add_argument("--villages", type=int, default=24)
    p.add_argument("--elements", type=int, default=80)
    p.add_argument("--years", type=int, default=3)
    p.add_argument("--pg-url", default=os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432"))
    p.add_argument("--pg-database", default="xaso_pages", help="the bench's own database on --pg-url")
    p.add_argument("--rebuild", action="store_true", help="make the database again even if a complete one exists")
    p.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    p.add_argument("--warmup", type=int, default=3, help="untimed requests per page first")
    p.add_argument("--requests", type=int, default=20, help="timed sequential requests per page")
    p.add_argument("--seconds", type=float, default=10.0, help="length of each throughput run")
    p.add_argument("--concurrency", type=int, default=4, help="client threads of the throughput runs")
    p.add_argument("--check", action="store_true", help="exit with status 1 when an aim is missed")
    args = p.parse_args(argv)
    if args.database is None:
        args.database = "postgres" if args.data == "province" else "sqlite"
    if args.pg_database == os.environ.get("DATABASE_URL", "").rsplit("/", 1)[-1]:
        p.error("--pg-database must not be the database of DATABASE_URL")
    return args


def label(args) -> str:
    return f"{args.data}-{args.communes}" if args.data == "province" else "demo"


# ------------------------------------------------------------------------------------------------ database


def database_url(args) -> str:
    if args.database == "postgres":
        import psycopg

        with psycopg.connect(args.pg_url.rstrip("/") + "/postgres", autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [args.pg_database]).fetchone()
            if exists and args.rebuild:
                conn.execute(f"DROP DATABASE {args.pg_database} WITH (FORCE)")
                exists = None
            if not exists:
                conn.execute(f"CREATE DATABASE {args.pg_database}")
        return f"{args.pg_url.rstrip('/')}/{args.pg_database}"
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"pages-{label(args)}.sqlite3"
    if args.rebuild:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{path}"


def prepare(args, url: str, say) -> dict:
    """Build the database if it is not complete; migrate; return the URLs and logins of the pages."""
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from bench import pages_data

    marker = label(args)
    if not pages_data.is_ready(connection, marker):
        say(f"building the {marker} database (once)")
        if args.data == "province":
            pages_data.province_build(
                communes=args.communes, villages=args.villages, elements=args.elements, years=args.years, say=say
            )
        else:
            pages_data.demo_build(say)
        pages_data.mark_ready(connection, marker)
    call_command("migrate", verbosity=0, interactive=False)
    info = pages_data.page_setup(args.data)
    pages_data.passwords_set(info["logins"])
    with connection.cursor() as cursor:
        postgres = connection.vendor == "postgresql"
        cursor.execute("SELECT version()" if postgres else "SELECT 'SQLite ' || sqlite_version()")
        info["server"] = cursor.fetchone()[0].split(" on ")[0]
    from xaso.indicators.models import DataValue

    info["values"] = DataValue.objects.count()
    connection.close()
    return info


# -------------------------------------------------------------------------------------------------- server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    process: subprocess.Popen
    port: int

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


def server_start(args, url: str, say) -> Server:
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "bench.settings", "PYTHONPATH": str(ROOT)}
    command = [
        sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
        "--workers", str(args.workers), "--worker-class", "sync", "--chdir", str(ROOT), "--log-level", "warning",
        "--timeout", "120",  # a worker booting on a loaded machine can take longer than gunicorn's default 30 s
    ]  # fmt: skip
    process = subprocess.Popen(command, env=env, cwd=ROOT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited with status {process.returncode}")
        try:
            if Client(port).get("/bench/trivial/").status == 200:
                say(f"gunicorn: {args.workers} sync workers on 127.0.0.1:{port}")
                return Server(process, port)
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise SystemExit("gunicorn did not answer within 60 s")


# -------------------------------------------------------------------------------------------------- client


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes
    ttfb: float  # seconds from sending the request to the response's headers
    total: float


@dataclass
class Client:
    """A browser-like session: cookies kept, one connection per request (gunicorn's sync workers close it)."""

    port: int
    cookies: dict[str, str] = field(default_factory=dict)

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None) -> Response:
        headers = {"Host": f"127.0.0.1:{self.port}", "Accept-Language": "vi", **(headers or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        started = time.perf_counter()
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        ttfb = time.perf_counter() - started
        data = response.read()
        total = time.perf_counter() - started
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        conn.close()
        return Response(response.status, {k.lower(): v for k, v in response.getheaders()}, data, ttfb, total)

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def login(self, username: str, password: str) -> None:
        page = self.get("/accounts/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.body).group(1).decode()
        body = urllib.parse.urlencode(
            {"username": username, "password": password, "csrfmiddlewaretoken": token}
        ).encode()
        answer = self.request("POST", "/accounts/login/", body, {"Content-Type": "application/x-www-form-urlencoded"})
        if answer.status != 302 or "sessionid" not in self.cookies:
            raise SystemExit(f"login of {username} failed: {answer.status}")


def server_timing(headers: dict[str, str]) -> tuple[float, float, int]:
    """(app ms, db ms, queries) from the bench middleware's header."""
    text = headers.get("server-timing", "")
    app = re.search(r"app;dur=([\d.]+)", text)
    db = re.search(r'db;dur=([\d.]+);desc="(\d+)"', text)
    return (float(app.group(1)) if app else 0.0, float(db.group(1)) if db else 0.0, int(db.group(2)) if db else 0)


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


STATIC_LINK = re.compile(rb'(?:href|src)="(/static/[^"#?]+)')


def static_total(client: Client, html: bytes, cache: dict[str, int]) -> tuple[int, int]:
    """(bytes, files) of the static files the page links, each fetched once per run."""
    paths = sorted({m.decode() for m in STATIC_LINK.findall(html)})
    for path in paths:
        if path not in cache:
            r = client.get(path)
            cache[path] = len(r.body) if r.status == 200 else 0
    return sum(cache[p] for p in paths), len(paths)


def measure_page(client: Client, name: str, path: str, args, static_cache: dict[str, int]) -> dict:
    for _ in range(args.warmup):
        r = client.get(path)
        if r.status != 200:
            raise SystemExit(f"{name}: {path} answered {r.status}")
    ttfb, total, app, db, queries = [], [], [], [], []
    for _ in range(args.requests):
        r = client.get(path)
        assert r.status == 200, (path, r.status)
        ttfb.append(r.ttfb * 1000)
        total.append(r.total * 1000)
        a, d, q = server_timing(r.headers)
        app.append(a)
        db.append(d)
        queries.append(q)
    static_bytes, static_files = static_total(client, r.body, static_cache)
    return {
        "page": name,
        "path": path,
        "ttfb_p50_ms": statistics.median(ttfb),
        "ttfb_p95_ms": percentile(ttfb, 0.95),
        "total_p50_ms": statistics.median(total),
        "server_p50_ms": statistics.median(app),
        "db_p50_ms": statistics.median(db),
        "queries": max(queries),
        "html_bytes": len(r.body),
        "static_bytes": static_bytes,
        "static_files": static_files,
    }


def throughput(port: int, cookies: dict[str, str], path: str, args) -> float:
    """Completed requests per second with `--concurrency` threads hammering one URL for `--seconds`."""
    done = [0] * args.concurrency
    errors: list[str] = []
    stop = time.perf_counter() + args.seconds

    def worker(i: int) -> None:
        client = Client(port, dict(cookies))
        while time.perf_counter() < stop:
            r = client.get(path)
            if r.status != 200:
                errors.append(f"{path}: {r.status}")
                return
            done[i] += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(args.concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise SystemExit(errors[0])
    return sum(done) / (time.perf_counter() - started)


# ---------------------------------------------------------------------------------------------------- run


def machine() -> dict:
    from bench.run import machine as run_machine

    return run_machine()


def main(argv=None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()

    def say(text: str) -> None:
        print(f"[pages {time.perf_counter() - started:7.1f}s] {text}", flush=True)

    url = database_url(args)
    info = prepare(args, url, say)
    say(f"{info['server']}; {info['values']:,} values")
    load_before = os.getloadavg()[0]
    server = server_start(args, url, say)
    try:
        results = run(args, server.port, info, say)
    finally:
        server.stop()
    # the machine's load (1-minute average) around the run: on a shared machine, compare runs of similar load
    results.update({"data": label(args), "server": info["server"], "values": info["values"], "machine": machine(),
                    "load_average": [load_before, os.getloadavg()[0]], "args": vars(args),
                    "elapsed_s": time.perf_counter() - started})  # fmt: skip
    OUT.mkdir(parents=True, exist_ok=True)
    out = OUT / f"pages-{label(args)}-{args.database}.json"
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print_table(results)
    say(f"results in {out.relative_to(ROOT)}")
    return 1 if args.check and not results["aims_met"] else 0


def run(args, port: int, info: dict, say) -> dict:
    sessions = {None: Client(port)}
    for role, (username, password) in info["logins"].items():
        sessions[role] = Client(port)
        sessions[role].login(username, password)
    static_cache: dict[str, int] = {}
    pages = []
    for name, role, path in info["pages"]:
        row = measure_page(sessions[role], name, path, args, static_cache)
        pages.append(row)
        say(f"{name:42} p50 {row['ttfb_p50_ms']:7.1f} ms  p95 {row['ttfb_p95_ms']:7.1f} ms  "
            f"server {row['server_p50_ms']:6.1f} ms ({row['queries']} queries, db {row['db_p50_ms']:.1f} ms)  "
            f"{row['html_bytes'] / 1024:6.1f} KiB")  # fmt: skip
    trivial_path = "/bench/trivial/"
    trivial = measure_page(sessions["officer"], "trivial view", trivial_path, args, static_cache)
    rates = {"trivial view (before)": throughput(port, sessions["officer"].cookies, trivial_path, args)}
    for name, role, path in info["throughput"]:
        rates[name] = throughput(port, sessions[role].cookies, path, args)
        say(f"throughput {name}: {rates[name]:.1f} requests/s")
    rates["trivial view (after)"] = throughput(port, sessions["officer"].cookies, trivial_path, args)
    base = (rates["trivial view (before)"] + rates["trivial view (after)"]) / 2
    say(f"throughput trivial view: {rates['trivial view (before)']:.1f} / {rates['trivial view (after)']:.1f}")
    shares = {name: rate / base for name, rate in rates.items() if not name.startswith("trivial")}
    slow = [p["page"] for p in pages if p["ttfb_p50_ms"] >= AIM_P50_MS]
    commune_share = shares[info["throughput"][0][0]]
    return {
        "pages": pages,
        "trivial": trivial,
        "throughput": rates,
        "trivial_rate": base,
        "shares": shares,
        "aims": {
            "p50_under_300ms": not slow,
            "pages_over_300ms": slow,
            "commune_share_at_least_25pct": commune_share >= AIM_THROUGHPUT_SHARE,
        },
        "aims_met": not slow and commune_share >= AIM_THROUGHPUT_SHARE,
    }


def print_table(r: dict) -> None:
    print()
    print(f"{r['data']}, {r['server']}, {r['values']:,} values, {r['args']['workers']} gunicorn sync workers, "
          f"load average {r['load_average'][0]:.1f} → {r['load_average'][1]:.1f}")  # fmt: skip
    print("| page | TTFB p50 / p95 | server (db) | queries | HTML | static (files) |")
    print("| --- | --- | --- | --- | --- | --- |")
    for p in [*r["pages"], r["trivial"]]:
        print(f"| {p['page']} | {p['ttfb_p50_ms']:.1f} / {p['ttfb_p95_ms']:.1f} ms | {p['server_p50_ms']:.1f} "
              f"({p['db_p50_ms']:.1f}) ms | {p['queries']} | {p['html_bytes'] / 1024:.1f} KiB | "
              f"{p['static_bytes'] / 1024:.0f} KiB ({p['static_files']}) |")  # fmt: skip
    print()
    print(f"| throughput ({r['args']['concurrency']} client threads, {r['args']['seconds']:.0f} s each) | "
          "requests/s | share of the trivial view |")  # fmt: skip
    print("| --- | --- | --- |")
    for name, rate in r["throughput"].items():
        share = r["shares"].get(name)
        print(f"| {name} | {rate:.1f} | {'' if share is None else f'{share:.1%}'} |")
    print()
    print("aims:", json.dumps(r["aims"], ensure_ascii=False))


if __name__ == "__main__":
    sys.exit(main())
