"""The comment blocklist comes from the environment like every other setting."""

from tests.test_settings import start

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
