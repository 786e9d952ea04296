"""The site's WSGI application, able to hold a request at a chosen point so a test can kill its worker there.

``?hold=in-transaction``: stop right after the INSERT of a comment, before its transaction commits.
``?hold=after-commit``: stop after the view has run and committed, before the response is sent.
The held worker writes its pid to $HOLD_DIR/held.pid and sleeps until it is killed.
"""

import os
import time
from pathlib import Path
from urllib.parse import parse_qs

from django.db import connection

from config.wsgi import application as site_application


def _hold_here() -> None:
    marker = Path(os.environ["HOLD_DIR"]) / "held.pid"
    partial = marker.with_suffix(".partial")
    partial.write_text(str(os.getpid()))
    partial.rename(marker)  # the test never reads half a pid
    time.sleep(120)


def _hold_after_comment_insert(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    if sql.startswith('INSERT INTO "community_comment"'):
        _hold_here()
    return result


def application(environ, start_response):
    hold = parse_qs(environ.get("QUERY_STRING", "")).get("hold", [""])[0]
    if hold == "in-transaction":
        with connection.execute_wrapper(_hold_after_comment_insert):
            return site_application(environ, start_response)
    response = site_application(environ, start_response)
    if hold == "after-commit":
        _hold_here()
    return response
