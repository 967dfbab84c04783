"""The production settings plus a switch that makes pages fail (a 500) on purpose, for the
tests of what the HTTP cache serves when the application breaks while it is up.

While the file named by FAIL_ON_PURPOSE_FILE exists, every request but /healthz raises
(so Varnish's probe still sees a healthy site: this is a bug, not an outage). While the
one named by SLOW_ON_PURPOSE_FILE exists, every request but /healthz takes a second and a
half, as on a site too busy to keep up.
"""

import os
import time

from reviewsite.settings import *  # noqa: F403
from reviewsite.settings import MIDDLEWARE

MIDDLEWARE = [*MIDDLEWARE, "tests.system.fail_settings.FailOnPurpose"]


class FailOnPurpose:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path != "/healthz":
            if on("SLOW_ON_PURPOSE_FILE"):
                time.sleep(1.5)
            if on("FAIL_ON_PURPOSE_FILE"):
                raise RuntimeError("failing on purpose (tests/system/fail_settings.py)")
        return self.get_response(request)


def on(variable: str) -> bool:
    switch = os.environ.get(variable, "")
    return bool(switch) and os.path.exists(switch)
