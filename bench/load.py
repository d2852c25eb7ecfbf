"""Load: 50 clerks and 10 chairs on gunicorn + PostgreSQL for 2 minutes (not a test; see README).

    make install                                         # the app's .venv, as CI builds it
    python3.11 -m venv .venv-bench && .venv-bench/bin/python -m pip install -r bench/requirements.txt   # once
    .venv/bin/python bench/load.py                       # --duration 120 --clerks 50 --chairs 10 --workers 3

Recreates the database `motcua_load` on the local PostgreSQL (127.0.0.1:5432, user postgres),
migrates it and loads the demo (city, wards, catalog, offerings), bench wards up to `--wards` and
the virtual users' accounts `thutai.*` (password thu-nghiem-mot-cua; their wards are marked as demo data),
and two months of demo dossiers. Then starts gunicorn on 127.0.0.1 in production mode (Redis
limiter in database 13; the login limit raised to LOAD_LOGIN_LIMITS since every virtual user comes
from 127.0.0.1, and cookies without Secure since there is no TLS proxy) and drives it with locust:

- clerks sign in through the form, open the intake page, pick a procedure of their ward (the htmx
  checklist), save (303 → the dossier's page, whose code is recorded), and move their dossiers
  through hand-over → result → return; now and then the home page and a search;
- chairs read their ward's figures (page and quarter fragment), the home page, the receipt PDF of a
  recent dossier and the quarterly report PDF when that route exists; one city officer reads the
  comparison of the wards.

Prints requests per second, p50/p95 per page, errors (HTTP 5xx or no answer), then checks in SQL
that every dossier answered as saved is there with its code, codes are unique and each unit's day
is numbered 1..N with no gap. Exits 1 on any error, unexpected answer or failed check.
"""
import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _loadrun import (OUT, Log, check_database, free_port, page_table, prepare, print_check,  # noqa: E402
                      recreate_database, reset_limiter_counts, server_log_summary, server_url, start_locust,
                      start_server, stop_server, wait_locust)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=120, help="seconds of load")
    parser.add_argument("--clerks", type=int, default=50)
    parser.add_argument("--chairs", type=int, default=10)
    parser.add_argument("--officers", type=int, default=1, help="city officers reading the comparison")
    parser.add_argument("--wards", type=int, default=10, help="wards the clerks and chairs are spread over (≥ 3)")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--think", type=float, default=1.0, help="scale of the pauses between a user's steps")
    parser.add_argument("--history-months", type=int, default=2)
    parser.add_argument("--history-per-day", type=float, default=6.0)
    parser.add_argument("--pg-host", default="127.0.0.1")
    parser.add_argument("--pg-port", type=int, default=5432)
    parser.add_argument("--database", default="motcua_load")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/13")
    args = parser.parse_args()
    sys.exit(run(args, name="load"))


def run(args, name: str, during=None) -> int:
    """Prepare, serve, drive for args.duration; `during(started_at)` runs beside the load (the faults)."""
    OUT.mkdir(parents=True, exist_ok=True)
    database_url = server_url(args.pg_host, args.pg_port, args.database)
    started = time.perf_counter()
    recreate_database(args.pg_host, args.pg_port, args.database)
    plan = prepare(database_url, args.wards, args.clerks, args.chairs, args.officers,
                   args.history_months, args.history_per_day)
    print(f"{database_url}: demo + {args.wards} wards, {args.clerks} clerks, {args.chairs} chairs, "
          f"{args.officers} officer(s), {plan.history} dossiers of history, in {time.perf_counter() - started:.0f} s; "
          f"quarterly PDF: {plan.quarterly_url or 'no such route yet'}")
    log_path, plan_path = OUT / f"{name}-requests.jsonl", OUT / f"{name}-plan.json"
    log_path.unlink(missing_ok=True)
    plan.write(plan_path, log_path, args.think)
    reset_limiter_counts(args.redis)
    port = free_port()
    server_log = OUT / f"{name}-gunicorn.log"
    server = start_server(database_url, port, args.workers, args.redis, server_log)
    outcome, locust = None, None
    try:
        users = args.clerks + args.chairs + args.officers
        print(f"gunicorn on 127.0.0.1:{port}, {args.workers} workers; {users} users for {args.duration} s …", flush=True)
        load_started = time.time()
        locust = start_locust(plan_path, port, users, args.duration, OUT / f"{name}-locust.log")
        if during is not None:
            outcome = during(load_started)
        wait_locust(locust, args.duration)
        load_seconds = time.time() - load_started
    finally:
        if locust is not None and locust.poll() is None:
            locust.kill()
        stop_server(server)
    log = Log.read(log_path)
    print(f"\nPer page ({name}, {args.clerks} clerks + {args.chairs} chairs + {args.officers} officer, "
          f"{args.workers} gunicorn workers):")
    span = (max(r["t"] + r["ms"] / 1000 for r in log.requests) - min(r["t"] for r in log.requests)
            if log.requests else load_seconds)
    errors, unexpected = page_table(log.requests, span)
    print(f"  {server_log_summary(server_log)} ({server_log.relative_to(OUT.parents[1])})")
    check = check_database(database_url, log.saved, plan.today)
    print("\nDatabase after the load:")
    print_check(check)
    failed = errors > 0 or unexpected > 0 or not check.ok
    if during is not None:
        return outcome(log, check) if outcome else 1
    print("\nRESULT:", "FAILED" if failed else "ok")
    return 1 if failed else 0


if __name__ == "__main__":
    main()
