"""gunicorn configuration for routeplus; every value can be set from the environment (see docs/operations.md).

    gunicorn -c deploy/gunicorn.conf.py routeplus.conf.wsgi:application
"""

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


# Listen on loopback (or a unix socket: GUNICORN_BIND=unix:/run/routeplus/web.sock) behind the reverse proxy.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers: the app does short database-bound requests; 2 x cores + 1 is gunicorn's own rule of thumb.
workers = _int("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1)
threads = _int("GUNICORN_THREADS", 1)
worker_class = "gthread" if threads > 1 else "sync"
# A request that takes longer than this is killed; the database answers 503 within DB_CONNECT_TIMEOUT anyway.
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Recycle workers now and then, so a slow leak never grows into an outage.
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 200)
# Only the proxy on this host may say which scheme the client used (X-Forwarded-Proto).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# Load the app before forking: a broken configuration fails the start instead of every worker one by one.
preload_app = True

# Logging: JSON lines on stdout (errors and one access line per request, path without query string,
# no client address): routeplus.ops.logs. ACCESS_LOG=false turns the access lines off.
logger_class = "routeplus.ops.logs.GunicornJsonLogger"
accesslog = "-" if os.environ.get("ACCESS_LOG", "true").lower() in {"1", "true", "yes", "on"} else None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
capture_output = True
proc_name = "routeplus-web"
# gunicorn's runtime control socket: off unless asked for (several instances on one host would share its path).
control_socket_disable = os.environ.get("GUNICORN_CONTROL_SOCKET", "") == ""
if not control_socket_disable:
    control_socket = os.environ["GUNICORN_CONTROL_SOCKET"]
