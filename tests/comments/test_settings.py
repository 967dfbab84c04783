"""The comment blocklist and report threshold come from the environment like every other
setting."""

from tests.site.test_settings import start

PRINT_BLOCKLIST = (
    "import django; django.setup(); from django.conf import settings; "
    "print(settings.COMMENT_BLOCKLIST)"
)


def test_blocklist_is_read_from_the_environment_case_folded():
    result = start("-c", PRINT_BLOCKLIST, REVIEWSITE_COMMENT_BLOCKLIST=" Cheap Pills, casino ,")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "['cheap pills', 'casino']"


def test_blocklist_is_empty_by_default():
    result = start("-c", PRINT_BLOCKLIST)
    assert result.stdout.strip() == "[]", result.stderr


def test_a_mistyped_blocklist_variable_is_named():
    result = start(REVIEWSITE_COMMENT_BLOKLIST="casino")
    assert result.returncode == 1
    assert "REVIEWSITE_COMMENT_BLOKLIST" in result.stderr


PRINT_THRESHOLD = (
    "import django; django.setup(); from django.conf import settings; "
    "print(settings.COMMENT_REPORT_THRESHOLD)"
)


def test_report_threshold_is_read_from_the_environment_and_defaults_to_3():
    assert start("-c", PRINT_THRESHOLD).stdout.strip() == "3"
    result = start("-c", PRINT_THRESHOLD, REVIEWSITE_COMMENT_REPORT_THRESHOLD="5")
    assert result.stdout.strip() == "5", result.stderr


def test_a_report_threshold_below_one_is_refused_naming_the_variable():
    result = start(REVIEWSITE_COMMENT_REPORT_THRESHOLD="0")
    assert result.returncode == 1
    assert "REVIEWSITE_COMMENT_REPORT_THRESHOLD must be at least 1" in result.stderr
