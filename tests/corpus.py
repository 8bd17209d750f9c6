"""Reading the shared attack corpus (format described in its SOURCES.md)."""

from __future__ import annotations

import json
import re
from pathlib import Path

CORPUS_DIR = Path(__file__).resolve().parents[2] / "shared" / "corpus"
_REPEAT = re.compile(r"<<repeat:(.+?):(\d+)>>")


def decode(line: str) -> str:
    return json.loads('"' + line.replace('"', '\\"') + '"')


def _lines(name: str) -> list[str]:
    path = CORPUS_DIR / name
    if not path.is_file():
        raise FileNotFoundError(f"The shared attack corpus is missing: expected {path}")
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
