"""The comment blocklist comes from the environment like every other setting."""

import os
import subprocess
import sys

from tests.test_settings import ROOT, start


def test_blocklist_is_read_from_the_environment_case_folded():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "REVIEWSITE_"))}
    env |= {
        "DJANGO_SETTINGS_MODULE": "reviewsite.settings",
        "REVIEWSITE_COMMENT_BLOCKLIST": " Cheap Pills, casino ,",
    }
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.COMMENT_BLOCKLIST)",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "['cheap pills', 'casino']"


def test_a_mistyped_blocklist_variable_is_named():
    result = start(REVIEWSITE_COMMENT_BLOKLIST="casino")
    assert result.returncode == 1
    assert "REVIEWSITE_COMMENT_BLOKLIST" in result.stderr
