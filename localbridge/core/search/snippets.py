"""Highlighted snippets, cut from a document's original text (the index holds lemmas, unreadable to people).

Written here rather than taken from FTS5's snippet() or PostgreSQL's ts_headline because both of those work on the
text they indexed (our lemmas), and would differ between the databases. Only words that could be a hit are analysed:
a regular expression of the query terms' first letters finds them first, which keeps this cheap on long texts.
"""

from __future__ import annotations

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from localbridge.core.search.analysis import WORD_RE, analyse_word, language_code, normalize
from localbridge.core.search.query import HighlightTerms

SCAN_CHARS = 20_000
WINDOW_CHARS = 240
LEAD_CHARS = 60
_PREFIX_CHARS = 3
MAX_HITS = 200


def _candidate_re(terms: HighlightTerms) -> re.Pattern[str] | None:
    heads = {
        term[:_PREFIX_CHARS]
        for group in (terms.exact, terms.roots, terms.root_prefixes, terms.prefixes)
        for term in group
        if term
    }
    if not heads:
        return None
    alternatives = "|".join(sorted((re.escape(h) for h in heads), key=len, reverse=True))
    # ё is folded to е in the index: let е in a head match ё in the text.
    alternatives = alternatives.replace("е", "[её]")
    return re.compile(rf"(?<![^\W_])(?:{alternatives})[^\W_]*", re.IGNORECASE)


def _hits(text: str, terms: HighlightTerms, language: str) -> list[tuple[int, int, str]]:
    """(start, end, matched lemma) of every word of `text` that the query matches."""
    pattern = _candidate_re(terms)
    if pattern is None:
        return []
    found: list[tuple[int, int, str]] = []
    for match in pattern.finditer(text):
        for part in WORD_RE.finditer(match.group(0)):
            word = analyse_word(normalize(part.group(0)), language)
            if terms.matches(word):
                found.append((match.start() + part.start(), match.start() + part.end(), word.lemma))
        if len(found) >= MAX_HITS:
            break
    return found


def _trim_start(text: str, start: int) -> int:
    if start <= 0:
        return 0
    space = text.find(" ", start)
    return space + 1 if 0 <= space < start + 20 else start


def _trim_end(text: str, end: int) -> int:
    if end >= len(text):
        return len(text)
    space = text.rfind(" ", 0, end)
    return space if space > end - 30 else end


def snippet(text: str, terms: HighlightTerms, language: str | None) -> SafeString:
    """About WINDOW_CHARS characters of `text` around the densest cluster of query words, HTML-escaped, the words
    wrapped in <mark>; the text's start when nothing in it matches (the hit was in the title)."""
    text = (text or "")[:SCAN_CHARS]
    hits = _hits(text, terms, language_code(language))
    if hits:
        best_start, best_score = hits[0][0], -1
        for start, _end, _lemma in hits:
            distinct = {lemma for s, _e, lemma in hits if start <= s < start + WINDOW_CHARS - LEAD_CHARS}
            if len(distinct) > best_score:
                best_start, best_score = start, len(distinct)
        window_start = _trim_start(text, max(0, best_start - LEAD_CHARS))
    else:
        window_start = 0
    window_end = _trim_end(text, window_start + WINDOW_CHARS)
    parts: list[str] = ["…"] if window_start > 0 else []
    position = window_start
    for start, end, _lemma in hits:
        if start < window_start or end > window_end:
            continue
        parts.append(escape(text[position:start]))
        parts.append(f"<mark>{escape(text[start:end])}</mark>")
        position = end
    parts.append(escape(text[position:window_end]))
    if window_end < len(text):
        parts.append("…")
    return mark_safe("".join(parts))  # every piece of text is escaped above
