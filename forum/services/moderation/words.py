"""Watched words: staff-managed words and phrases that block, hold or flag a post."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from sqlalchemy import func, select

from forum.errors import ServiceError
from forum.extensions import db
from forum.models import WatchedWord, WordAction
from forum.policy import Actor, can_manage_watched_words, require
from forum.services import audit

PHRASE_MIN, PHRASE_MAX = 2, 100
#: Most severe first: one block refuses the post whatever else matched.
SEVERITY = (WordAction.BLOCK, WordAction.HOLD, WordAction.FLAG)


def normalise_phrase(phrase: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", phrase).casefold().split())


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def pattern_for(phrase: str) -> re.Pattern[str]:
    """Whole words only; spaces match any run of whitespace; ``*`` any letters or digits."""
    words = [r"\w*".join(re.escape(part) for part in word.split("*")) for word in phrase.split()]
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)")


def matching_words(text: str, words: Sequence[WatchedWord]) -> list[WatchedWord]:
    """The watched words found in ``text``, most severe first."""
    folded = _fold(text)
    found = [word for word in words if pattern_for(word.phrase).search(folded)]
    return sorted(found, key=lambda word: SEVERITY.index(WordAction(word.action)))


def all_words() -> Sequence[WatchedWord]:
    return db.session.scalars(select(WatchedWord).order_by(WatchedWord.phrase)).all()


def _check_phrase(phrase: str) -> str:
    phrase = normalise_phrase(phrase)
    if not PHRASE_MIN <= len(phrase.replace("*", "")) <= PHRASE_MAX:
        raise ServiceError(
            f"Use between {PHRASE_MIN} and {PHRASE_MAX} characters, not counting *.", "phrase"
        )
    if db.session.scalar(select(func.count()).where(WatchedWord.phrase == phrase)):
        raise ServiceError("That word or phrase is already watched.", "phrase")
    return phrase


def _check_action(action: str) -> str:
    if action not in set(WordAction):
        raise ServiceError("Choose what happens when a post contains it.", "action")
    return action


def add_watched_word(
    actor: Actor, *, phrase: str, action: str, explanation: str = ""
) -> WatchedWord:
    """Start watching ``phrase``."""
    require(can_manage_watched_words(actor))
    word = WatchedWord(
        phrase=_check_phrase(phrase),
        action=_check_action(action),
        explanation=" ".join(explanation.split())[:300],
        created_by_name=actor.display_name,
    )
    db.session.add(word)
    db.session.flush()
    audit.record(actor, "watched_word.add", target=word, after=_snapshot(word))
    return word


def change_watched_word(
    actor: Actor, word: WatchedWord, *, action: str, explanation: str = ""
) -> None:
    require(can_manage_watched_words(actor))
    before = _snapshot(word)
    word.action, word.explanation = _check_action(action), " ".join(explanation.split())[:300]
    db.session.flush()
    audit.record(actor, "watched_word.change", target=word, before=before, after=_snapshot(word))


def remove_watched_word(actor: Actor, word: WatchedWord) -> None:
    require(can_manage_watched_words(actor))
    audit.record(actor, "watched_word.remove", target=word, before=_snapshot(word))
    db.session.delete(word)
    db.session.flush()


def _snapshot(word: WatchedWord) -> dict[str, str]:
    return {"phrase": word.phrase, "action": word.action, "explanation": word.explanation}
