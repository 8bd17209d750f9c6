"""What the searcher typed, understood: words, phrases, exclusions, prefixes and filters.

Parsing never fails. Anything that is not valid syntax is searched for as plain words, and a
notice says what was reinterpreted, so the page always answers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Literal

from forum.search.filters import ANSWER_FLAGS, FILTER_HINTS, FILTER_PARSERS, USERNAME

#: Longest query text looked at; the rest is ignored (with a notice).
MAX_QUERY_LENGTH = 500
#: Most words, phrases and prefixes used from one query.
MAX_TERMS = 16
#: Shortest stem a prefix search accepts (``ref*``): shorter ones would match half the forum.
MIN_PREFIX_LENGTH = 3

#: PostgreSQL's English stop words (``english.stop``). Dropped from plain words on both
#: databases so that a query means the same thing on each.
STOP_WORDS = frozenset(
    """i me my myself we our ours ourselves you your yours yourself yourselves he him his himself
    she her hers herself it its itself they them their theirs themselves what which who whom this
    that these those am is are was were be been being have has had having do does did doing a an
    the and but if or because as until while of at by for with about against between into through
    during before after above below to from up down in out on off over under again further then
    once here there when where why how all any both each few more most other some such no nor not
    only own same so than too very s t can will just don should now""".split()
)

Status = Literal["solved", "unsolved"]
TermKind = Literal["word", "phrase", "prefix"]

_TOKEN = re.compile(
    r"""(?P<neg>-)?(?:
        (?P<key>[A-Za-z]+):"(?P<quoted_value>[^"]*)"?   # filter:"quoted value"
      | "(?P<phrase>[^"]*)"?                            # "exact phrase" (closing quote optional)
      | (?P<bare>[^\s"]+)                               # anything else up to a space
    )""",
    re.VERBOSE,
)
_WORD = re.compile(r"[^\W_]+")
FILTER_KEYS = frozenset({"category", "author", "by", "tag", "is", "before", "after", "cites"})


@dataclass(frozen=True)
class Term:
    """One thing the text must (or, negated, must not) contain."""

    text: str
    kind: TermKind = "word"
    negated: bool = False
    #: The other terms of its thesaurus group, any of which will do (``thesaurus.expand``).
    alternatives: tuple[str, ...] = ()

    @property
    def options(self) -> tuple[str, ...]:
        return (self.text, *self.alternatives)

    @property
    def display(self) -> str:
        body = f'"{self.text}"' if self.kind == "phrase" else self.text
        return ("-" if self.negated else "") + body + ("*" if self.kind == "prefix" else "")


@dataclass(frozen=True)
class TextShape:
    """Which parts a search's text has, all that its statements are built from (the words
    themselves are bound values): words, phrases or exclusions; prefixes; and anything the
    text must contain (exclusions alone do not search)."""

    words: bool = False
    prefixes: bool = False
    positive: bool = False


@dataclass(frozen=True)
class SearchQuery:
    """A parsed search: text terms plus filters. Build with ``parse`` and ``with_filters``."""

    terms: tuple[Term, ...] = ()
    #: What the searcher typed, minus the filters (shown back in the search box).
    words: str = ""
    category: str | None = None
    author: str | None = None
    tag: str | None = None
    status: Status | None = None
    after: date | None = None
    before: date | None = None
    #: The guidance a thread's posts cite: a code ("NG12") or a code and a recommendation's
    #: number, with a space ("NG12 1.3.1"), as ``CitationKey.label`` writes it.
    cites: str | None = None
    #: ``is:verified``: the accepted answer is checked by a clinical lead.
    verified: bool = False
    #: ``is:outdated``: the accepted answer's guidance changed, or its review is overdue.
    outdated: bool = False
    notices: tuple[str, ...] = field(default=())
    #: Single words typed in quotes: searched for as typed, without their thesaurus group.
    quoted: frozenset[str] = frozenset()

    @property
    def positive(self) -> tuple[Term, ...]:
        return tuple(t for t in self.terms if not t.negated)

    @property
    def negative(self) -> tuple[Term, ...]:
        return tuple(t for t in self.terms if t.negated)

    @property
    def has_text(self) -> bool:
        """True when there is at least one term the text must contain."""
        return bool(self.positive)

    @property
    def has_filters(self) -> bool:
        return any(value is not None for _key, value in self.filters())

    @property
    def is_empty(self) -> bool:
        return not self.has_text and not self.has_filters

    @property
    def text_shape(self) -> TextShape:
        return TextShape(
            words=any(t.kind != "prefix" for t in self.terms),
            prefixes=any(t.kind == "prefix" for t in self.terms),
            positive=self.has_text,
        )

    def filters(self) -> list[tuple[str, str | None]]:
        """The filters as ``(name, value)`` in query-language form (``None`` when unset)."""
        return [
            ("category", self.category),
            ("author", self.author),
            ("tag", self.tag),
            ("is", self.status),
            ("is", "verified" if self.verified else None),
            ("is", "outdated" if self.outdated else None),
            ("cites", self.cites.replace(" ", "-") if self.cites else None),
            ("after", self.after.isoformat() if self.after else None),
            ("before", self.before.isoformat() if self.before else None),
        ]

    def describe(self) -> str:
        """The whole search in the query language, e.g. ``fit "safety net" is:solved``."""
        parts = [term.display for term in self.terms]
        parts += [f"{name}:{value}" for name, value in self.filters() if value is not None]
        return " ".join(parts)

    def params(self, **changes: str | None) -> dict[str, str]:
        """URL parameters that reproduce this search (for pagination and "remove" links)."""
        values = {
            "q": self.words,
            "category": self.category,
            "author": self.author,
            "tag": self.tag,
            "status": self.status,
            "after": self.after.isoformat() if self.after else None,
            "before": self.before.isoformat() if self.before else None,
            "cites": self.cites,
            "verified": "1" if self.verified else None,
            "outdated": "1" if self.outdated else None,
        }
        values.update(changes)
        return {key: value for key, value in values.items() if value}

    def without(self, name: str, value: str | None = None) -> SearchQuery:
        """This search with one filter (by its ``filters()`` name and value) removed."""
        if name == "is" and value in ANSWER_FLAGS:
            return replace(self, **{value: False})
        attribute = {"is": "status"}.get(name, name)
        return replace(self, **{attribute: None})


def parse(text: str | None) -> SearchQuery:
    """Understand a query typed into a search box. Never raises."""
    text = (text or "").replace("\x00", " ")
    notices: list[str] = []
    if len(text) > MAX_QUERY_LENGTH:
        text = text[:MAX_QUERY_LENGTH]
        notices.append(f"Only the first {MAX_QUERY_LENGTH} characters of the search were used.")
    state = _ParseState(notices=notices)
    for match in _TOKEN.finditer(text):
        state.take(match)
    return state.result()


def with_filters(query: SearchQuery, **controls: str | None) -> SearchQuery:
    """Apply the search form's filter controls (``category``, ``author``, ``tag``, ``status``,
    ``after``, ``before``, ``cites``, and the checkboxes ``verified`` and ``outdated``); a
    filter typed into the text takes precedence over its control."""
    state = _ParseState(notices=list(query.notices))
    for name, raw in controls.items():
        value = (raw or "").strip()
        if name in ANSWER_FLAGS:  # a ticked checkbox: any value but an explicit "no"
            value = name if value.lower() not in ("", "0", "false", "off", "n") else ""
        if value and getattr(query, name) in (None, False):
            key = "is" if name == "status" or name in ANSWER_FLAGS else name
            state.apply_filter(key, value, source="form")
    return replace(query, **state.filters, notices=tuple(dict.fromkeys(state.notices)))


@dataclass
class _ParseState:
    notices: list[str]
    terms: list[Term] = field(default_factory=list)
    words: list[str] = field(default_factory=list)
    filters: dict[str, object] = field(default_factory=dict)
    dropped_common: bool = False
    too_many: bool = False
    quoted: set[str] = field(default_factory=set)

    def take(self, match: re.Match[str]) -> None:
        negated = bool(match.group("neg"))
        raw = match.group(0)
        if match.group("key") is not None:
            key = match.group("key").lower()
            if key in FILTER_KEYS and not negated:
                self.apply_filter(key, match.group("quoted_value"), source=raw)
                return
            self.add_words(match.group("key") + " " + match.group("quoted_value"), negated, raw)
        elif match.group("phrase") is not None:
            self.add_phrase(match.group("phrase"), negated, raw)
        else:
            self.take_bare(match.group("bare"), negated, raw)

    def take_bare(self, bare: str, negated: bool, raw: str) -> None:
        if bare.startswith("@") and not negated and USERNAME.fullmatch(bare[1:].lower()):
            self.apply_filter("author", bare[1:], source=raw)
            return
        key, colon, value = bare.partition(":")
        if colon and value and key.lower() in FILTER_KEYS and not negated:
            self.apply_filter(key.lower(), value, source=raw)
            return
        if bare.endswith("*"):
            self.add_prefix(bare.rstrip("*"), negated, raw)
        else:
            self.add_words(bare, negated, raw)

    def add_words(self, text: str, negated: bool, raw: str) -> None:
        parts = [p.lower() for p in _WORD.findall(text)]
        if len(parts) > 1:
            self.add_term(Term(" ".join(parts), "phrase", negated), raw)
        elif parts and parts[0] in STOP_WORDS:
            self.dropped_common = True
            self.words.append(raw)
        elif parts:
            self.add_term(Term(parts[0], "word", negated), raw)

    def add_phrase(self, text: str, negated: bool, raw: str) -> None:
        parts = [p.lower() for p in _WORD.findall(text)]
        if len(parts) == 1:
            self.quoted.add(parts[0])
            self.add_words(parts[0], negated, raw)
        elif parts:
            self.add_term(Term(" ".join(parts), "phrase", negated), raw)

    def add_prefix(self, stem: str, negated: bool, raw: str) -> None:
        parts = [p.lower() for p in _WORD.findall(stem)]
        if len(parts) == 1 and len(parts[0]) >= MIN_PREFIX_LENGTH:
            self.add_term(Term(parts[0], "prefix", negated), raw)
            return
        if len(parts) == 1:
            self.notices.append(
                f"“{raw}”: a search for the start of a word needs at least "
                f"{MIN_PREFIX_LENGTH} letters before the *, so it was searched for as a word."
            )
        self.add_words(stem, negated, raw)

    def add_term(self, term: Term, raw: str) -> None:
        self.words.append(raw)
        if term in self.terms:
            return
        if len(self.terms) >= MAX_TERMS:
            self.too_many = True
            return
        self.terms.append(term)

    def apply_filter(self, key: str, value: str, *, source: str) -> None:
        value = value.strip()
        parsed = FILTER_PARSERS[key](value)
        if parsed is None:
            self.reject_filter(key, value, source)
            return
        name, result = parsed
        self.filters[name] = result

    def reject_filter(self, key: str, value: str, source: str) -> None:
        hint = FILTER_HINTS[key]
        if source == "form":
            self.notices.append(f"The {key} filter “{value}” was not understood. {hint}")
            return
        self.notices.append(
            f"“{source}” is not a filter we understand, so it was searched for as words. {hint}"
        )
        self.add_words(f"{key} {value}", False, source)

    def result(self) -> SearchQuery:
        terms = tuple(self.terms)
        notices = list(self.notices)
        if self.too_many:
            notices.append(f"Only the first {MAX_TERMS} words and phrases were used.")
        if self.dropped_common and not any(not t.negated for t in terms):
            notices.append(
                "Very common words such as “the” and “what” are left out of searches: "
                "add a more specific word."
            )
        return SearchQuery(
            terms=terms,
            words=" ".join(self.words),
            notices=tuple(dict.fromkeys(notices)),
            quoted=frozenset(self.quoted),
            **self.filters,  # type: ignore[arg-type]
        )
