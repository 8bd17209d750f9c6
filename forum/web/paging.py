"""Reading ``?page=N`` strictly: ASCII digits only, within bounds."""

from __future__ import annotations

import re

from flask import request
from werkzeug.exceptions import BadRequest

_DIGITS = re.compile(r"[0-9]{1,7}")


def page_arg(name: str = "page") -> int:
    """Return the requested page number (1 when absent); 400 for anything but 1..9,999,999."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return 1
    if not _DIGITS.fullmatch(raw) or int(raw) < 1:
        raise BadRequest("The page number must be a whole number from 1 upwards.")
    return int(raw)
