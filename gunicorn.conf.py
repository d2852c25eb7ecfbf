"""Gunicorn settings for production: `.venv/bin/gunicorn` from the repository root reads this file.

Every value can be changed without editing it, through the environment variables named below
(gunicorn's own command-line flags win over both). The app itself reads APP_ENV, SECRET_KEY,
DATABASE_URL, RATELIMIT_STORAGE_URI… (config.py, README "Production").
"""
import os

# Gunicorn means production unless told otherwise: ProductionConfig then refuses to start
# without SECRET_KEY and DATABASE_URL instead of running on development defaults.
os.environ.setdefault("APP_ENV", "production")

wsgi_app = "wsgi:app"

# Loopback only: nginx (TLS) in front forwards to it. On an app server behind a separate proxy,
# GUNICORN_BIND=0.0.0.0:8000 and a firewall that lets only the proxy in.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")


def _cores() -> int:
    # The CPUs this process may run on (a container or taskset may allow fewer than the machine has).
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


# Processes do the CPU work (templates, statistics, PDFs) in parallel despite the GIL; threads let a
# process wait on PostgreSQL for one clerk while serving another. 2 × cores + 1 is gunicorn's own
# rule of thumb: 5 workers × 4 threads on the project's 2-core server. Each worker holds its own
# connection pool (config.py: DB_POOL_SIZE + DB_MAX_OVERFLOW, 10 by default), so workers × 10 must
# stay under PostgreSQL's max_connections (100) — on several app servers, add them all up.
workers = int(os.environ.get("GUNICORN_WORKERS", 2 * _cores() + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread"

# A worker whose main loop is silent this long is killed and replaced. With gthread a slow request
# does not stop the heartbeat; the longest honest requests (a year's XLSX export, a batch of PDFs)
# take seconds, so 60 s only catches a process that is truly stuck.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
# On a restart or deploy (SIGHUP / SIGTERM) a worker finishes what it is doing — a clerk's save is
# one short transaction — before it goes.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
# nginx keeps connections to us open between requests (upstream keepalive).
keepalive = 5
# Replace each worker after about this many requests: memory that a long-lived Python process
# gathers (WeasyPrint, openpyxl) is given back; the jitter keeps workers from restarting together.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200
# The heartbeat file in memory: a slow disk (backup running) must not get healthy workers killed.
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"

# No preload: each worker imports the app itself after the fork. The app holds per-process state
# that must not be shared across a fork — the SQLAlchemy connection pool, the Redis client of the
# rate limiter, and WeasyPrint's font configuration (fontconfig state and the font files it
# unpacks, built once per worker process on its first PDF, app/reports/pdf.py). Preloading would
# save about 1.5 s of imports and some memory per worker, not worth those risks; it would also stop
# `kill -HUP` from loading new code.
preload_app = False

# The proxies whose X-Forwarded-Proto gunicorn believes (wsgi.url_scheme → https). The app's own
# ProxyFix reads X-Forwarded-For for the client's address, only from the addresses in TRUSTED_PROXIES
# (app/security.py; from anyone else the headers are dropped). When nginx runs on another machine, set
# both FORWARDED_ALLOW_IPS and TRUSTED_PROXIES to the proxy's address, never "*".
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

proc_name = "motcua"
# gunicorn 27's control socket defaults to one path per machine user (~/.gunicorn/gunicorn.ctl): a
# second gunicorn on the same server (another unit's instance, a load test) would fight over it. Off
# unless GUNICORN_CONTROL_SOCKET names a path for this instance.
control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET", "")
control_socket_disable = not control_socket
if not control_socket:
    del control_socket
# Both logs on standard output/error, for systemd's journal.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
# Path without the query string: queries carry names, CCCD numbers and the lookup PIN, which do
# not belong in logs. %(h)s is the citizen's address (the app's ProxyFix has read X-Forwarded-For by
# the time the line is written); %(M)s the request's time in milliseconds; %(p)s the worker.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms %(p)s'
