"""The suite's own guard: a test that logs at ERROR fails (conftest)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]
CONFTEST = Path(__file__).with_name("conftest.py").read_text(encoding="utf-8")


def test_error_log_fails_a_test(pytester, monkeypatch):
    monkeypatch.setenv("PYTHONPATH", str(Path(__file__).resolve().parent.parent))
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_x="""
import logging
import pytest

def test_logs_error():
    logging.getLogger("studio.x").error("boom")

def test_logs_warning():
    logging.getLogger("studio.x").warning("fine")

@pytest.mark.allow_error_log
def test_allowed():
    logging.getLogger("studio.x").error("expected")
""")
    pytester.makeini("[pytest]\nmarkers =\n    allow_error_log: x\n    slow: x\n")
    result = pytester.runpytest_subprocess("-q", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=3, errors=1)  # the call passes, teardown errors
    result.stdout.fnmatch_lines(["ERROR test_x.py::test_logs_error - Failed: ERROR logged*"])


@pytest.mark.allow_error_log
def test_marker_allows_expected_errors():
    logging.getLogger("studio.test").error("expected here")
