"""The confidentiality guard's part of a form: "this is not patient-identifiable".

Mixed into the composer and profile forms. The server lists what it found (``pii_review``,
set by ``forum.errors.attach_to_form``) with each confirmable finding's fingerprint in
``pii_seen``; ticking ``pii_confirmed`` confirms exactly those, so a detail added afterwards
is asked about again.
"""

from __future__ import annotations

from typing import Any

from wtforms import BooleanField, HiddenField
from wtforms.validators import Length, Optional, Regexp

from forum import pii

#: Fingerprints a form may carry (each 64 hex digits and a space).
MAX_SEEN = 50
CONFIRM_LABEL = (
    "This is not patient-identifiable: I have checked each highlighted detail, and it does "
    "not identify a patient, alone or together with the rest of the post."
)
#: Fields the guard checks, where a form has them.
CHECKED = (
    "title",
    "body",
    "reason",
    "history",
    "presentation",
    "actions",
    "question",
    "description",
    "job_title",
    "organisation",
    "bio",
    "interests",
    "learned",
    "practice_change",
    "follow_up",
)


class ConfidentialityFields:
    pii_confirmed = BooleanField(CONFIRM_LABEL)
    pii_seen = HiddenField(
        validators=[Optional(), Length(max=65 * MAX_SEEN), Regexp(r"^[0-9a-f ]*$")]
    )
    #: What the server found, when it refused the submission (a ``Verdict``).
    pii_review: Any = None

    def pii_confirmations(self) -> frozenset[str]:
        """The fingerprints the writer confirmed (none unless the box is ticked)."""
        if not self.pii_confirmed.data:
            return frozenset()
        return frozenset((self.pii_seen.data or "").split()[:MAX_SEEN])

    def pii_texts(self) -> dict[str, str]:
        """The checked fields this form has, and what was typed in them."""
        form: Any = self
        return {name: form[name].data or "" for name in CHECKED if name in form}

    def pii_nudge_note(self) -> str:
        """A gentle note after saving, when the text has quasi-identifiers (else "")."""
        kinds = {
            finding.kind
            for text in self.pii_texts().values()
            for finding in pii.scan(text)
            if finding.severity == "nudge"
        }
        if not kinds:
            return ""
        phrases = sorted(pii.KIND_PHRASES[kind] for kind in kinds)
        return (
            f"A gentle check: your text mentions {' and '.join(phrases)}. With other details "
            "these can identify someone, so edit it if you would rather leave them out."
        )
