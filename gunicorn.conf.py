"""gunicorn settings for serving Peiban: `gunicorn -c gunicorn.conf.py 'scheduler_app:create_app()'`.

Put it behind a TLS proxy (nginx, Caddy). Background solves run in the web process unless REDIS_URL is set:
with several workers, set REDIS_URL and run `flask solve-worker`, so a worker recycled by gunicorn cannot
take a solve with it.
"""

import multiprocessing
import os

bind = os.environ.get("PEIBAN_BIND", "127.0.0.1:8000")
# Requests wait mostly on the database: a few processes with a few threads each.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "gthread"
threads = int(os.environ.get("PEIBAN_THREADS", "4"))
timeout = 60            # a spreadsheet import of a county's children takes a few seconds, never a minute
graceful_timeout = 30
keepalive = 5
max_requests = 2000     # recycle workers now and then (a leak cannot grow for ever) ...
max_requests_jitter = 200  # ... but not all at once
# Paths only, never query strings: a children search term can be a child's name (SECURITY.md).
accesslog = os.environ.get("PEIBAN_ACCESS_LOG", "-")
access_log_format = '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# gunicorn's control socket (gunicornc) would sit at a default path shared by every gunicorn of the account;
# it is off unless PEIBAN_CONTROL_SOCKET names a path of this install's own (its mode stays 0600).
control_socket = os.environ.get("PEIBAN_CONTROL_SOCKET", "")
control_socket_disable = not control_socket
