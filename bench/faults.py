"""Faults: PostgreSQL stops and starts again in the middle of the load (not a test; see README).

    .venv/bin/python bench/faults.py                     # --duration 60 --fault-at 25 --down 5

The same load as bench/load.py (50 clerks, 10 chairs, one city officer, gunicorn in production
mode), but on a PostgreSQL 15 server of its own (initdb under /tmp, run as the postgres user, on a
free port, removed afterwards): restarting the machine's shared cluster would break everyone else's
databases. `--fault-at` seconds into the load the server is shut down (fast mode: open
transactions rolled back, connections cut), stays down `--down` seconds, and starts again.

Reports, for the outage: how many requests failed and how each failure looked (the app's
Vietnamese error page, a bare page, a traceback, or no answer — connection refused/reset, which a
browser retries); seconds from PostgreSQL being back to the first answered request and to the end
of the last failed one; then the database checks of bench/load.py (every dossier answered as saved
is there, codes unique and gap-free). Exits 1 on a traceback or bare error page, on any failure
before the outage or an unexpected answer, on a missing dossier or a numbering gap, or if the app
has not recovered within `--max-recovery` seconds (30).
"""
import argparse
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _loadrun import PrivateCluster, free_port  # noqa: E402
from load import run  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=60, help="seconds of load")
    parser.add_argument("--fault-at", type=float, default=25, help="seconds into the load when PostgreSQL stops")
    parser.add_argument("--down", type=float, default=5, help="seconds PostgreSQL stays down")
    parser.add_argument("--max-recovery", type=float, default=30)
    parser.add_argument("--clerks", type=int, default=50)
    parser.add_argument("--chairs", type=int, default=10)
    parser.add_argument("--officers", type=int, default=1)
    parser.add_argument("--wards", type=int, default=10)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--think", type=float, default=1.0)
    parser.add_argument("--history-months", type=int, default=2)
    parser.add_argument("--history-per-day", type=float, default=6.0)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/14")
    args = parser.parse_args()
    args.pg_host, args.pg_port, args.database = "127.0.0.1", free_port(), "motcua_faults"
    cluster = PrivateCluster(args.pg_port, Path("/tmp/motcua-faults-pg"))
    cluster.create()
    try:
        sys.exit(run(args, name="faults", during=lambda started: outage(cluster, args, started)))
    finally:
        cluster.destroy()


def outage(cluster: PrivateCluster, args, load_started: float):
    """Stop and start PostgreSQL beside the running load; returns the judge of what the users saw."""
    time.sleep(max(0.0, load_started + args.fault_at - time.time()))
    stop_issued = time.time()
    cluster.stop()
    stopped = time.time()
    time.sleep(args.down)
    start_issued = time.time()
    cluster.start()
    back = time.time()
    print(f"PostgreSQL stopped at +{stop_issued - load_started:.1f} s (down after {stopped - stop_issued:.1f} s), "
          f"started at +{start_issued - load_started:.1f} s, accepting connections at +{back - load_started:.1f} s",
          flush=True)

    def judge(log, check) -> int:
        failures = [r for r in log.requests if r["kind"] != "ok"]
        before = [r for r in failures if r["t"] + r["ms"] / 1000 < stop_issued]
        during = [r for r in failures if r["t"] + r["ms"] / 1000 >= stop_issued]
        looks = Counter(r.get("look", r["kind"]) for r in during)
        answered_after = [r["t"] + r["ms"] / 1000 for r in log.requests if r["kind"] == "ok" and r["t"] >= back]
        first_success = min(answered_after) - back if answered_after else None
        last_failure = max((r["t"] + r["ms"] / 1000 for r in during), default=back) - back
        recovered = max(0.0, last_failure)
        saved_during = sum(stop_issued <= s["t"] <= back + recovered for s in log.saved)
        print(f"\nOutage (PostgreSQL down {back - stop_issued:.1f} s, from stop to accepting connections):")
        print(f"  failed requests: {len(during)} — the app's Vietnamese error page: {looks['friendly']}, "
              f"bare page: {looks['plain']}, traceback: {looks['traceback']}, "
              f"no answer (refused/reset, retried by the browser): {looks['connection']}, "
              f"unexpected status: {looks['unexpected']}")
        statuses = Counter(r["status"] for r in during)
        print(f"  by status: {dict(sorted(statuses.items()))}; failures before the outage: {len(before)}")
        print(f"  first answered request after PostgreSQL was back: "
              f"{'none' if first_success is None else f'{first_success:.1f} s'}; "
              f"last failed request ended {last_failure:+.1f} s from it")
        print(f"  dossiers answered as saved around the outage: {saved_during}")
        problems = []
        if looks["traceback"] or looks["plain"]:
            problems.append("an error answer that is not the app's error page")
        if looks["unexpected"] or before:
            problems.append("failures outside the outage or unexpected answers")
        if first_success is None or first_success > args.max_recovery or recovered > args.max_recovery:
            problems.append(f"no recovery within {args.max_recovery:.0f} s")
        if not check.ok:
            problems.append("a dossier answered as saved is missing, or the numbering has a gap")
        print("\nRESULT:", "FAILED: " + "; ".join(problems) if problems else "ok")
        return 1 if problems else 0

    return judge


if __name__ == "__main__":
    main()
