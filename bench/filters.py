"""Benchmark: every timeline filter, alone and in pairs, on synthetic data sets of growing size.

For each data set (`realign seed --synthetic N` in PostgreSQL and/or SQLite, cached between runs) it starts
`realign serve` (one worker per backend), then times

    timeline(filter: F, first: 50) { totalCount totalCountIsExact? nodes { __typename } }

over HTTP at concurrency 1 for every filter F, on the first page and on page 21 (reached by following
`endCursor` 20 pages deep, untimed). The requests take turns: round after round, every filter and page on
every backend gets one request, so a noisy machine weighs on all alike. A request answered with errors (the
server's TIMEOUT, say) or not answered within the client timeout is a failure: it is timed like any other
and listed in the table. Prints one table per backend and size (p50, p99, max in ms, totalCount, errors), the
database's size and the size of each index, a summary line per backend and size against the targets, and
writes everything to bench/results/filters-<time>.json.

    .venv/bin/python bench/filters.py [--sizes 10000,100000,1000000] [--backends sqlite,postgresql]
        [--repeat 30] [--filters window,actor,window+actor] [--postgres-url postgresql://postgres@127.0.0.1:5432]
        [--data-dir bench/results] [--database-url URL ...] [--timeout 30]

Cached data sets: PostgreSQL database `realign_bench_filters_<N>`, SQLite file `<data-dir>/filters-<N>.db`;
reused when they hold exactly N events (after `realign db upgrade`), rebuilt otherwise. `--database-url`
benchmarks an existing database as it is instead (no upgrade, no load; it must hold synthetic events).
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg

ROOT = Path(__file__).resolve().parent.parent
if __package__ in (None, ""):  # run as `bench/filters.py` (not `-m bench.filters`): the `bench` package too
    sys.path.insert(0, str(ROOT))

from bench.synthetic_db import build, count_events, realign  # noqa: E402 - importable from ROOT, added above

BIN = Path(sys.executable).parent
RESULTS = ROOT / "bench" / "results"
DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432"
DEEP_PAGES = 20  # pages followed (untimed) before the timed deep page
PAGE_SIZE = 50
TARGET_MS = {"postgresql": 100.0, "sqlite": 200.0}  # p99 at 1 000 000 events
TARGET_SIZE = 1_000_000
SCALING = 2.0  # every filter's p99 at 1 M within this factor of its p99 at 10 k
BASE_SIZE = 10_000

# Values that exist in the synthetic data set of every size (seeds/synthetic.py): at least 500 actors
# (`syn-actor-0` ...), countries from its list of 14, tags and text words from its 26-word vocabulary; event
# titles end in the event's number, so "4321" names one event at 10 000 (and a few hundred items at 1 M,
# counting the actors whose number contains it). `updated` is filled in per data set (see `latest_update`).
FILTERS: dict[str, dict[str, Any]] = {
    "none": {},
    "window": {"from": "2020", "to": "2021"},
    "search-common": {"search": "summit"},
    "search-rare": {"search": "4321"},
    "search-none": {"search": "zyzzyva"},
    "actor": {"actors": [{"slug": "syn-actor-7"}]},
    "actor-family": {"actors": [{"slug": "syn-actor-7"}], "includeAffiliated": True},
    "actors-all": {"actors": [{"slug": "syn-actor-7"}, {"slug": "syn-actor-11"}], "actorsMatch": "ALL"},
    "country-isr": {"country": "ISR"},
    "country-fra": {"country": "FRA"},
    "tag": {"tags": ["ceasefire"]},
    "kind": {"eventKinds": ["AGREE"]},
    "item-type": {"itemTypes": ["STATEMENT"]},
    "updated": {"updatedSince": None},
}
PAIRS = [
    ("window", "actor"),
    ("window", "search-common"),
    ("actor", "country-isr"),
    ("actor", "tag"),
    ("kind", "window"),
    ("country-isr", "search-common"),
    ("actor", "kind"),
    ("tag", "search-common"),
]
QUERY = """
query BenchFilter($filter: ItemFilter, $after: String) {
  timeline(filter: $filter, first: PAGE, after: $after) { totalCount EXACT nodes { __typename } }
}
"""
WALK = f"""
query BenchWalk($filter: ItemFilter, $after: String) {{
  timeline(filter: $filter, first: {PAGE_SIZE}, after: $after) {{
    nodes {{ __typename }} pageInfo {{ endCursor hasNextPage }}
  }}
}}
"""


@dataclass
class DataSet:
    """One database to measure: its backend, URL, event count, and what it took to get it."""

    backend: str
    url: str
    size: int
    load_seconds: float | None = None  # None: reused as found
    latest_update: str | None = None
    disk: dict[str, Any] = field(default_factory=dict)


@dataclass
class Case:
    """One timed request shape: a filter on the first page or on the deep page; its samples and failures."""

    filter_name: str
    page: str  # "first" or "deep"
    samples: list[float] = field(default_factory=list)  # ms, failures included
    errors: list[str] = field(default_factory=list)
    total: int | None = None
    exact: bool | None = None
    cursor: str | None = None
    skipped: str | None = None  # why the case was not timed (too few pages, paging failed)


def filters_to_run(names: list[str] | None) -> dict[str, dict[str, Any]]:
    """The filters (singles, then pairs named `a+b`) to measure, in table order; ``names`` picks a subset."""
    every = dict(FILTERS)
    for a, b in PAIRS:
        every[f"{a}+{b}"] = {**FILTERS[a], **FILTERS[b]}
    if names is None:
        return every
    unknown = [n for n in names if n not in every]
    if unknown:
        raise SystemExit(f"unknown filter(s) {', '.join(unknown)}; known: {', '.join(every)}")
    return {n: every[n] for n in names}


def first_value(row: tuple[Any, ...] | None) -> Any:
    """The first column of a row a query always returns (an aggregate's)."""
    if row is None:
        raise RuntimeError("the query returned no row")
    return row[0]


def prepare(backend: str, size: int, args: argparse.Namespace) -> DataSet:
    """The cached data set of ``size`` events on ``backend``: reused when it holds that count, built otherwise."""
    if backend == "postgresql":
        url = f"{args.postgres_url.rstrip('/')}/realign_bench_filters_{size}"
    else:
        url = f"sqlite:///{Path(args.data_dir).resolve() / f'filters-{size}.db'}"
    found = count_events(url)
    data = DataSet(backend, url, size)
    if found == size:
        realign(["db", "upgrade"], url)
        print(f"{backend} {size}: reusing {url} ({found} events)")
        return data
    print(f"{backend} {size}: building {url} (found {'nothing' if found is None else f'{found} events'}) …")
    data.load_seconds = build(url, size)
    steps = "db upgrade + seed --synthetic" + (" + ANALYZE" if backend == "postgresql" else "")
    print(f"{backend} {size}: built in {data.load_seconds:.1f} s ({steps})")
    return data


def existing(url: str) -> DataSet:
    """A database given with --database-url, measured as it is; stops when it holds no events (yet)."""
    backend = "sqlite" if url.startswith("sqlite") else "postgresql"
    found = count_events(url)
    if not found:
        raise SystemExit(f"{url} holds no events (still loading, or not a Realign database): `{found}`")
    print(f"{backend} {found}: using {url} as it is")
    return DataSet(backend, url, found)


def latest_update(data: DataSet) -> str:
    """The latest `updated_at` among the items: `updatedSince` at it is a sync that finds (almost) nothing new."""
    sql = "SELECT max(m) FROM (SELECT max(updated_at) AS m FROM event UNION ALL "
    sql += "SELECT max(updated_at) FROM statement UNION ALL SELECT max(updated_at) FROM reaction) AS t"
    if data.backend == "sqlite":
        with sqlite3.connect(data.url.removeprefix("sqlite:///")) as conn:
            value = dt.datetime.fromisoformat(first_value(conn.execute(sql).fetchone()))
    else:
        with psycopg.connect(data.url) as conn:
            value = first_value(conn.execute(sql).fetchone())
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.isoformat()


ITEM_TABLES = (
    "event",
    "event_participant",
    "event_tag",
    "statement",
    "statement_about",
    "statement_tag",
    "reaction",
    "reaction_tag",
    "actor",
    "affiliation",
)


def disk_usage(data: DataSet) -> dict[str, Any]:
    """The database's size on disk, and each index of the item tables (and any GIN/GiST/FTS index) in bytes."""
    if data.backend == "postgresql":
        with psycopg.connect(data.url) as conn:
            total = first_value(conn.execute("SELECT pg_database_size(current_database())").fetchone())
            rows = conn.execute(
                """
                SELECT t.relname, i.relname, am.amname, pg_relation_size(i.oid)
                FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
                JOIN pg_am am ON am.oid = i.relam JOIN pg_namespace n ON n.oid = t.relnamespace
                WHERE n.nspname = 'public' AND (t.relname = ANY(%s) OR am.amname <> 'btree')
                ORDER BY t.relname, i.relname
                """,
                (list(ITEM_TABLES),),
            ).fetchall()
            tables = conn.execute(
                "SELECT relname, pg_table_size(oid) FROM pg_class WHERE relname = ANY(%s) AND relkind = 'r'",
                (list(ITEM_TABLES),),
            ).fetchall()
        indexes = [{"table": t, "index": i, "method": m, "bytes": b} for t, i, m, b in rows]
        return {"database_bytes": total, "tables": dict(tables), "indexes": indexes, "method": "pg_relation_size"}
    path = Path(data.url.removeprefix("sqlite:///"))
    total = sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))
    with sqlite3.connect(path) as conn:
        try:
            sizes = dict(conn.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name").fetchall())
        except sqlite3.Error:
            return {"database_bytes": total, "tables": {}, "indexes": [], "method": "file size (no dbstat)"}
        objects = conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master").fetchall()
    indexes = [
        {"table": table, "index": name, "method": "fts" if "fts" in name.lower() else "btree", "bytes": sizes[name]}
        for kind, name, table, _ in objects
        if name in sizes
        and ((kind == "index" and table in ITEM_TABLES) or "fts" in name.lower() or "virtual" in str(_).lower())
    ]
    indexes.sort(key=lambda i: (i["table"], i["index"]))
    table_sizes = {name: sizes[name] for kind, name, _, _ in objects if kind == "table" and name in ITEM_TABLES}
    return {"database_bytes": total, "tables": table_sizes, "indexes": indexes, "method": "dbstat"}


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """`realign serve` (one worker) on one data set, and a keep-alive HTTP connection to it."""

    def __init__(self, data: DataSet, timeout: float) -> None:
        self.data, self.timeout, self.port = data, timeout, free_port()
        env = {**os.environ, "REALIGN_DATABASE_URL": data.url, "REALIGN_LOG_LEVEL": "WARNING"}
        command = [str(BIN / "realign"), "serve", "--port", str(self.port), "--workers", "1"]
        self.process = subprocess.Popen(command, env=env, cwd=ROOT)
        self.connection: http.client.HTTPConnection | None = None
        deadline = time.monotonic() + 60
        while True:
            try:
                probe = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                probe.request("GET", "/readyz")
                if probe.getresponse().status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.stop()
                raise SystemExit(f"realign serve on {data.url} did not become ready")
            time.sleep(0.2)

    def post(self, query: str, variables: dict[str, Any]) -> tuple[float, dict[str, Any] | None, str | None]:
        """Send one GraphQL request: (milliseconds, the answer, the failure: error codes, `client-timeout`...)."""
        body = json.dumps({"query": query, "variables": variables}).encode()
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        started = time.perf_counter()
        try:
            try:
                reused = self.connection is not None
                if self.connection is None:
                    self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
                self.connection.request("POST", "/graphql", body, headers)
                response = self.connection.getresponse()
            except (BrokenPipeError, ConnectionResetError, http.client.RemoteDisconnected):
                if not reused:
                    raise
                # The server closed the idle keep-alive connection (uvicorn: after 5 s): reconnect, time afresh.
                self.reset()
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
                started = time.perf_counter()
                self.connection.request("POST", "/graphql", body, headers)
                response = self.connection.getresponse()
            raw = response.read()
        except TimeoutError:
            self.reset()
            return (time.perf_counter() - started) * 1000, None, "client-timeout"
        except (OSError, http.client.HTTPException) as exc:
            self.reset()
            return (time.perf_counter() - started) * 1000, None, f"http: {type(exc).__name__}"
        elapsed = (time.perf_counter() - started) * 1000
        try:
            answer = json.loads(raw)
        except ValueError:
            return elapsed, None, f"http {response.status}: not JSON"
        if answer.get("errors"):
            codes = sorted({str((e.get("extensions") or {}).get("code", "ERROR")) for e in answer["errors"]})
            return elapsed, answer, ",".join(codes)
        if response.status != 200:
            return elapsed, answer, f"http {response.status}"
        return elapsed, answer, None

    def reset(self) -> None:
        """Drop the connection (after a timeout its state is unknown); the next request opens a new one."""
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def stop(self) -> None:
        """Stop the server."""
        self.reset()
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def has_exact_field(server: Server) -> bool:
    """Whether the schema's timeline connection has `totalCountIsExact` (introspected once)."""
    _, answer, _ = server.post('{ __type(name: "TimelineItemConnection") { fields { name } } }', {})
    fields = ((answer or {}).get("data") or {}).get("__type") or {}
    return any(f["name"] == "totalCountIsExact" for f in fields.get("fields") or ())


def variables_for(spec: dict[str, Any], data: DataSet) -> dict[str, Any]:
    """The filter as a GraphQL variable, with the data set's own `updatedSince`."""
    out = dict(spec)
    if "updatedSince" in out:
        out["updatedSince"] = data.latest_update
    return out


def walk(server: Server, variables: dict[str, Any], case: Case) -> None:
    """Follow `endCursor` DEEP_PAGES pages (untimed) to set the deep case's cursor, or say why it cannot be."""
    after = None
    for page in range(DEEP_PAGES):
        _, answer, failure = server.post(WALK, {"filter": variables, "after": after})
        if failure or answer is None:  # no answer comes without a failure
            case.skipped = f"paging: {failure} at page {page + 1}"
            return
        info = answer["data"]["timeline"]["pageInfo"]
        if not info["hasNextPage"]:
            case.skipped = f"only {page + 1} page(s)"
            return
        after = info["endCursor"]
    case.cursor = after


def measure(
    servers: list[Server], filters: dict[str, dict[str, Any]], repeat: int, query: str
) -> dict[str, list[Case]]:
    """Every filter and page on every server, round after round (one request each per round); cases by URL."""
    plan: list[tuple[Server, Case, dict[str, Any]]] = []
    cases: dict[str, list[Case]] = {}
    for name, spec in filters.items():  # the servers alternate request by request
        for page in ("first", "deep"):
            for server in servers:
                variables = variables_for(spec, server.data)
                case = Case(name, page)
                cases.setdefault(server.data.url, []).append(case)
                if page == "deep":
                    walk(server, variables, case)
                    if case.skipped:
                        continue
                plan.append((server, case, variables))
    # Warm-up: one untimed request per case (it also reads totalCount).
    for server, case, variables in plan:
        _, answer, failure = server.post(query, {"filter": variables, "after": case.cursor})
        if failure is None and answer is not None:
            timeline = answer["data"]["timeline"]
            case.total, case.exact = timeline["totalCount"], timeline.get("totalCountIsExact")
    started = time.perf_counter()
    for round_ in range(repeat):
        for server, case, variables in plan:
            elapsed, answer, failure = server.post(query, {"filter": variables, "after": case.cursor})
            case.samples.append(elapsed)
            if failure:
                case.errors.append(failure)
            elif case.total is None and answer is not None:
                timeline = answer["data"]["timeline"]
                case.total, case.exact = timeline["totalCount"], timeline.get("totalCountIsExact")
        if round_ == 0:
            estimate = (time.perf_counter() - started) * repeat
            print(f"  round 1 of {repeat} took {time.perf_counter() - started:.1f} s (all: ~{estimate:.0f} s)")
    for group in cases.values():  # a deep page not timed shows its filter's count
        for first, deep in zip(group[::2], group[1::2], strict=True):
            if deep.skipped:
                deep.total, deep.exact = first.total, first.exact
    return cases


def pct(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank, as bench/timeline.py)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def summarise(case: Case) -> dict[str, Any]:
    """A case as numbers (ms) for the table and the JSON file."""
    out: dict[str, Any] = {"filter": case.filter_name, "page": case.page, "total_count": case.total}
    out["total_count_is_exact"] = case.exact
    if case.skipped:
        return {**out, "skipped": case.skipped}
    errors: dict[str, int] = {}
    for e in case.errors:
        errors[e] = errors.get(e, 0) + 1
    return {
        **out,
        "n": len(case.samples),
        "p50_ms": pct(case.samples, 50),
        "p99_ms": pct(case.samples, 99),
        "max_ms": max(case.samples),
        "mean_ms": statistics.fmean(case.samples),
        "errors": errors,
        "samples_ms": [round(s, 3) for s in case.samples],
    }


def size_label(n: float) -> str:
    """Bytes as MiB/KiB."""
    return f"{n / 1048576:.1f} MiB" if n >= 1048576 else f"{n / 1024:.0f} KiB"


def print_table(data: DataSet, rows: list[dict[str, Any]]) -> None:
    """The readable table of one backend and size, then its on-disk sizes."""
    loaded = "reused" if data.load_seconds is None else f"built in {data.load_seconds:.1f} s"
    print(f"\n== {data.backend}, {data.size:,} events ({loaded}; {data.url})")
    print(f"{'filter':34} {'page':5} {'p50 ms':>9} {'p99 ms':>9} {'max ms':>9} {'totalCount':>11} {'exact':>5}  errors")
    for row in rows:
        exact = "-" if row["total_count_is_exact"] is None else ("yes" if row["total_count_is_exact"] else "no")
        total = "-" if row["total_count"] is None else f"{row['total_count']:,}"
        head = f"{row['filter']:34} {row['page']:5}"
        if "skipped" in row:
            print(f"{head} {'':>9} {'':>9} {'':>9} {total:>11} {exact:>5}  not timed: {row['skipped']}")
            continue
        errors = ", ".join(f"{n}× {code}" for code, n in row["errors"].items())
        print(
            f"{head} {row['p50_ms']:>9.1f} {row['p99_ms']:>9.1f} {row['max_ms']:>9.1f} {total:>11} {exact:>5}  {errors}"
        )
    disk = data.disk
    print(f"on disk: {size_label(disk['database_bytes'])} ({disk['method']}); tables: ", end="")
    print(", ".join(f"{t} {size_label(b)}" for t, b in sorted(disk["tables"].items(), key=lambda x: -x[1])))
    by_table: dict[str, list[str]] = {}
    for index in disk["indexes"]:
        method = "" if index["method"] == "btree" else f" [{index['method']}]"
        by_table.setdefault(index["table"], []).append(f"{index['index']}{method} {size_label(index['bytes'])}")
    total = sum(i["bytes"] for i in disk["indexes"])
    print(f"indexes ({size_label(total)} in all):")
    for table, entries in by_table.items():
        print(f"  {table}: " + ", ".join(entries))


def verdict(data: DataSet, rows: list[dict[str, Any]], base: list[dict[str, Any]] | None) -> dict[str, Any]:
    """The summary of one backend and size against the targets (judged at 1 M; shown for every size)."""
    timed = [r for r in rows if "skipped" not in r]
    worst = max(timed, key=lambda r: r["p99_ms"])
    failures = sum(sum(r["errors"].values()) for r in timed) + sum(1 for r in rows if "paging" in r.get("skipped", ""))
    target = TARGET_MS[data.backend]
    slower: list[str] = []
    if base is not None:
        before = {(r["filter"], r["page"]): r for r in base if "skipped" not in r}
        for r in timed:
            old = before.get((r["filter"], r["page"]))
            if old and r["p99_ms"] > SCALING * old["p99_ms"]:
                slower.append(f"{r['filter']}/{r['page']} {r['p99_ms'] / old['p99_ms']:.1f}×")
    met = worst["p99_ms"] < target and not failures and (base is None or not slower)
    judged = data.size >= TARGET_SIZE
    scaling = "n/a" if base is None else (f"{len(slower)} case(s) over {SCALING:g}×" if slower else "all within")
    print(
        f"summary {data.backend} {data.size:,}: worst p99 {worst['p99_ms']:.1f} ms ({worst['filter']}, "
        f"{worst['page']}); p99 < {target:g} ms: {'yes' if worst['p99_ms'] < target else 'no'}; failures: "
        f"{failures}; p99 vs {BASE_SIZE:,}: {scaling}; targets "
        + (("MET" if met else "NOT MET") if judged else f"({'met' if met else 'not met'} here; judged at 1 M)")
    )
    if slower:
        print("  over the scaling limit: " + ", ".join(slower))
    return {
        "worst_p99_ms": worst["p99_ms"],
        "worst_case": f"{worst['filter']}/{worst['page']}",
        "target_p99_ms": target,
        "failures": failures,
        "over_scaling": slower,
        "met": met,
        "judged": judged,
    }


def main() -> None:
    """Parse the options, prepare the data sets, measure size after size, print and save."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000", help="events per data set, comma-separated")
    parser.add_argument("--backends", default="sqlite,postgresql", help="sqlite and/or postgresql")
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES, help="the PostgreSQL server (no database)")
    parser.add_argument("--data-dir", default=str(RESULTS), help="where the SQLite data sets live")
    parser.add_argument("--database-url", action="append", help="measure this existing database instead (repeatable)")
    parser.add_argument("--repeat", type=int, default=30, help="rounds: timed requests per filter and page")
    parser.add_argument("--filters", help="only these filters (names as printed; pairs as a+b), comma-separated")
    parser.add_argument("--timeout", type=float, default=30, help="client timeout per request, seconds")
    args = parser.parse_args()
    filters = filters_to_run(args.filters.split(",") if args.filters else None)
    if args.database_url:
        datasets = [existing(url) for url in args.database_url]
    else:
        backends = [b.strip() for b in args.backends.split(",")]
        if set(backends) - set(TARGET_MS):
            raise SystemExit(f"--backends takes sqlite and/or postgresql, not {args.backends}")
        sizes = [int(s.replace("_", "")) for s in args.sizes.split(",")]
        datasets = [prepare(b, n, args) for n in sizes for b in backends]
    report: dict[str, Any] = {
        "started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "repeat": args.repeat,
        "page_size": PAGE_SIZE,
        "deep_page": DEEP_PAGES + 1,
        "client_timeout_s": args.timeout,
        "filters": {n: s for n, s in filters.items()},
        "runs": [],
    }
    results: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for size in sorted({d.size for d in datasets}):
        group = [d for d in datasets if d.size == size]
        for data in group:
            data.latest_update = latest_update(data)
            data.disk = disk_usage(data)
        servers: list[Server] = []
        try:
            for data in group:
                servers.append(Server(data, args.timeout))
            exact = all(has_exact_field(s) for s in servers)
            query = QUERY.replace("PAGE", str(PAGE_SIZE)).replace(" EXACT", " totalCountIsExact" if exact else "")
            names = " and ".join(d.backend for d in group)
            print(f"\n{size:,} events: {len(filters)} filters × 2 pages on {names}, {args.repeat} rounds")
            cases = measure(servers, filters, args.repeat, query)
        finally:
            for server in servers:
                server.stop()
        for data in group:
            rows = [summarise(c) for c in cases[data.url]]
            results[(data.backend, size)] = rows
            print_table(data, rows)
            base = results.get((data.backend, BASE_SIZE)) if size > BASE_SIZE else None
            summary = verdict(data, rows, base)
            report["runs"].append(
                {
                    "backend": data.backend,
                    "size": size,
                    "url": data.url,
                    "load_seconds": data.load_seconds,
                    "updated_since": data.latest_update,
                    "disk": data.disk,
                    "cases": rows,
                    "summary": summary,
                }
            )
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"filters-{dt.datetime.now():%Y%m%d-%H%M%S}.json"
    out.write_text(json.dumps(report, indent=1, default=str))
    print(f"\nwrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
