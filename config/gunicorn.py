"""gunicorn settings for ``make serve`` (``gunicorn -c config/gunicorn.py``), read from the environment.

HOST and PORT choose the address, WEB_CONCURRENCY the number of worker processes
(default: two per CPU core the process may use). Sync workers: each handles one
request at a time, which suits Django behind a buffering reverse proxy.
"""

import os

from config.env import env_bool, env_int, env_list, env_str


def _usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


wsgi_app = "config.wsgi:application"
bind = f"{env_str('HOST', '127.0.0.1')}:{env_int('PORT', 8000, minimum=1)}"
workers = env_int("WEB_CONCURRENCY", 2 * _usable_cores(), minimum=1)

# Load Django once in the master before forking: a bad setting (no secret key, say) stops
# the server at start-up with one message instead of every worker failing to boot, and a
# worker killed by the master or the kernel comes back in milliseconds.
preload_app = True

# A request still running after `timeout` seconds has its worker killed and replaced;
# on SIGTERM, requests in flight get `graceful_timeout` seconds to finish.
timeout = env_int("GUNICORN_TIMEOUT", 30, minimum=1)
graceful_timeout = 30
keepalive = 5

# Which peers may tell gunicorn the request came over HTTPS (X-Forwarded-Proto, which sets
# wsgi.url_scheme and so request.is_secure()). gunicorn's default trusts 127.0.0.1 and ::1
# with three such headers, so anything on the machine could claim HTTPS. Here: nobody,
# unless DJANGO_BEHIND_PROXY=1, and then only DJANGO_PROXY_ADDRESSES (addresses or networks,
# comma-separated) and only the one header the proxy sets. (Connections over a UNIX socket
# have no address and gunicorn always trusts them.)
if env_bool("DJANGO_BEHIND_PROXY", False):
    forwarded_allow_ips = ",".join(env_list("DJANGO_PROXY_ADDRESSES", ["127.0.0.1"]))
    secure_scheme_headers = {"X-FORWARDED-PROTO": "https"}
else:
    forwarded_allow_ips = ""
    secure_scheme_headers = {}

accesslog = env_str("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'

# Heartbeat files in memory, not on a disk that may stall (gunicorn's advice for containers).
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"
# gunicorn 25+ opens a control socket at one fixed path per user by default, which two
# servers on one machine would fight over; we manage the server with signals instead.
control_socket_disable = True
