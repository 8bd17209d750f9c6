"""Reading the shared attack corpus (format described in its SOURCES.md).

The corpus sits beside the checkout (``../shared/corpus``). A clone on its own does not have
it: there, the tests that read it (marked ``needs_corpus``) are skipped, all under one line
saying what is missing and where; under ``CI=true`` a missing corpus fails the run instead.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

CORPUS_DIR = Path(__file__).resolve().parents[2] / "shared" / "corpus"
FILES = ("xss-payloads.txt", "bad-inputs.txt")
_REPEAT = re.compile(r"<<repeat:(.+?):(\d+)>>")


def missing() -> str | None:
    """One line saying what is missing and where it is expected, or None when all is there."""
    absent = [name for name in FILES if not (CORPUS_DIR / name).is_file()]
    if not absent:
        return None
    return (
        f"the shared attack corpus is missing: expected {', '.join(absent)} in {CORPUS_DIR} "
        "(../shared/corpus beside the checkout; see its SOURCES.md)"
    )


def required() -> bool:
    """CI must have the corpus: there a missing one fails instead of skipping."""
    return os.environ.get("CI", "").lower() == "true"


#: Marks a test that reads the corpus; tests/conftest.py skips it where the corpus is absent.
needs_corpus = pytest.mark.corpus


def decode(line: str) -> str:
    return json.loads('"' + line.replace('"', '\\"') + '"')


def _lines(name: str) -> list[str]:
    path = CORPUS_DIR / name
    if not path.is_file():
        if required():
            raise FileNotFoundError(missing())
        return []  # the tests that need it are skipped (needs_corpus)
    return [line for line in path.read_text(encoding="utf-8").split("\n") if line]


def xss_payloads() -> list[str]:
    return [decode(line) for line in _lines("xss-payloads.txt")]


def bad_inputs() -> dict[str, str]:
    """tag -> value, decoded, with repeats expanded (percent-encoded values left as they are)."""
    cases = {}
    for line in _lines("bad-inputs.txt"):
        tag, _, raw = line.partition("\t")
        value = decode(raw)
        cases[tag] = _REPEAT.sub(lambda m: m.group(1) * int(m.group(2)), value)
    return cases
