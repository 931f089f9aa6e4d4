"""The user's query, parsed once and rendered for either database.

Syntax understood: words (all must match: AND), "quoted phrases" (also «ёлочки» and „these“), and nothing else:
operators, brackets, asterisks and column names typed by the user are just punctuation and are dropped, so no
input can inject FTS5 or tsquery syntax. Every token put into a rendered query consists of letters and digits
only (analysis.WORD_RE) and is quoted besides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from localbridge.core.search.analysis import (
    MAX_TOKEN_CHARS,
    ROOT_CHARS,
    ROOT_MIN_CHARS,
    Word,
    analyse_compound,
    analyse_word,
    as_token,
    db_token,
    language_code,
    root_token,
    words,
)

MAX_QUERY_CHARS = 500
MAX_CLAUSES = 12
_QUOTED_RE = re.compile(r'"([^"]*)"|«([^»]*)»|„([^“”"]*)[“”"]|“([^”]*)”')

# Index columns, in the order of their weights (see backends.py): the lemma streams and the roots.
TERM_COLUMNS = ("title_terms", "summary_terms", "body_terms")
ROOT_COLUMN = "root_terms"


@dataclass(frozen=True, slots=True)
class Group:
    """One word of the query: it matches a document if any of its alternatives does."""

    tokens: tuple[str, ...]  # exact tokens in the lemma streams: the lemma, the form as typed, a whole compound
    phrase: tuple[str, ...] = ()  # a hyphenated word's part lemmas, adjacent
    root: str = ""  # the Russian root prefix, matched in the roots column
    root_prefix: bool = False  # the lemma is shorter than a root: match roots that start with it (спорт → спортив)
    prefix: str = ""  # search-as-you-type: the last word as typed, matched as a prefix


@dataclass(frozen=True, slots=True)
class Phrase:
    """A quoted phrase: its lemmas must stand next to each other, in order."""

    lemmas: tuple[str, ...]


Clause = Group | Phrase


@dataclass
class ParsedQuery:
    clauses: list[Clause] = field(default_factory=list)
    truncated: bool = False  # the query was longer than MAX_QUERY_CHARS or had more than MAX_CLAUSES parts
    match_any: bool = False  # OR the clauses instead of AND (used by "similar documents")

    @property
    def is_empty(self) -> bool:
        """Nothing searchable: empty, punctuation only, or stop words only."""
        return not self.clauses

    def highlight_terms(self) -> HighlightTerms:
        exact: set[str] = set()
        roots: set[str] = set()
        root_prefixes: set[str] = set()
        prefixes: set[str] = set()
        for clause in self.clauses:
            if isinstance(clause, Phrase):
                exact.update(clause.lemmas)
                continue
            exact.update(clause.tokens)
            exact.update(clause.phrase)
            if clause.root:
                (root_prefixes if clause.root_prefix else roots).add(clause.root)
            if clause.prefix:
                prefixes.add(clause.prefix)
        return HighlightTerms(frozenset(exact), frozenset(roots), frozenset(root_prefixes), frozenset(prefixes))


@dataclass(frozen=True, slots=True)
class HighlightTerms:
    exact: frozenset[str]
    roots: frozenset[str]
    root_prefixes: frozenset[str]
    prefixes: frozenset[str]

    def matches(self, word: Word) -> bool:
        if word.stop:
            return False
        if word.lemma in self.exact or word.form in self.exact:
            return True
        if any(alternative in self.exact for alternative in word.alternatives):
            return True
        if word.root and (word.root in self.roots or any(word.root.startswith(p) for p in self.root_prefixes)):
            return True
        return any(word.form.startswith(p) for p in self.prefixes)


def _group(word: str, language: str, *, prefix: bool) -> Group | None:
    if "-" in word:
        whole, parts = analyse_compound(word, language)
        kept = tuple(part.lemma for part in parts if not part.stop)
        if not kept:
            return None
        if len(kept) == 1:
            return Group(tokens=kept)
        return Group(tokens=(as_token(whole),), phrase=kept)
    if len(word) > MAX_TOKEN_CHARS:
        return None
    analysed = analyse_word(word, language)
    if analysed.stop:
        return None
    tokens = tuple(dict.fromkeys((analysed.lemma, analysed.form, *analysed.alternatives)))
    root, root_prefix = "", False
    if analysed.root:
        root = analysed.root
        root_prefix = len(analysed.lemma) < ROOT_CHARS and len(analysed.lemma) >= ROOT_MIN_CHARS
    return Group(
        tokens=tokens,
        root=root,
        root_prefix=root_prefix,
        prefix=analysed.form if prefix and len(analysed.form) >= 2 else "",
    )


def _phrase(text: str, language: str) -> Clause | None:
    phrase_words = words(text)
    if len(phrase_words) == 1:
        return _group(phrase_words[0], language, prefix=False)
    lemmas: list[str] = []
    for word in phrase_words:
        if "-" in word:
            lemmas.extend(part.lemma for part in analyse_compound(word, language)[1] if not part.stop)
        elif len(word) <= MAX_TOKEN_CHARS:
            analysed = analyse_word(word, language)
            if not analysed.stop:
                lemmas.append(analysed.lemma)
    if not lemmas:
        return None
    if len(lemmas) == 1:
        return Group(tokens=(lemmas[0],))
    return Phrase(tuple(lemmas))


def parse_query(q: str, language: str | None = None, *, prefix: bool = False) -> ParsedQuery:
    """Parse what a user typed. Never raises; an unsearchable query gives an empty ParsedQuery.
    `prefix=True` matches the last word as a prefix as well (search as you type)."""
    lang = language_code(language)
    text = q if isinstance(q, str) else ""
    parsed = ParsedQuery(truncated=len(text) > MAX_QUERY_CHARS)
    text = text[:MAX_QUERY_CHARS]
    pieces: list[tuple[bool, str]] = []  # (quoted, text)
    position = 0
    for match in _QUOTED_RE.finditer(text):
        pieces.append((False, text[position : match.start()]))
        pieces.append((True, next(g for g in match.groups() if g is not None)))
        position = match.end()
    pieces.append((False, text[position:]))
    clauses: list[Clause] = []
    for index, (quoted, piece) in enumerate(pieces):
        if quoted:
            clause = _phrase(piece, lang)
            if clause is not None:
                clauses.append(clause)
            continue
        piece_words = words(piece)
        is_last_piece = index == len(pieces) - 1
        for position_in_piece, word in enumerate(piece_words):
            last = prefix and is_last_piece and position_in_piece == len(piece_words) - 1 and not text[-1:].isspace()
            group = _group(word, lang, prefix=last)
            if group is not None and (group.tokens or group.phrase or group.prefix):
                clauses.append(group)
    unique: list[Clause] = []
    for clause in clauses:
        if clause not in unique:
            unique.append(clause)
    if len(unique) > MAX_CLAUSES:
        parsed.truncated = True
    parsed.clauses = unique[:MAX_CLAUSES]
    return parsed


# --- SQLite FTS5 ------------------------------------------------------------------------------------------------


def _fts_string(token: str, *, root: bool = False) -> str:
    return '"' + (root_token(token) if root else db_token(token)).replace('"', '""') + '"'


_FTS_TERM_COLUMNS = "{" + " ".join(TERM_COLUMNS) + "}"
# The head: title and summary only (the first pass of the ranking window, see backends.run_windowed).
_FTS_HEAD_COLUMNS = "{" + " ".join(TERM_COLUMNS[:2]) + "}"


def _fts_group(group: Group, *, head: bool = False) -> str:
    columns = _FTS_HEAD_COLUMNS if head else _FTS_TERM_COLUMNS
    alternatives: list[str] = []
    if group.tokens:
        alternatives.append(f"{columns} : (" + " OR ".join(_fts_string(t) for t in group.tokens) + ")")
    if group.phrase:
        alternatives.append(f"{columns} : (" + " + ".join(_fts_string(t) for t in group.phrase) + ")")
    if group.root and not head:
        root = _fts_string(group.root, root=True)
        alternatives.append(f"{ROOT_COLUMN} : {root}" + ("*" if group.root_prefix else ""))
    if group.prefix:
        alternatives.append(f"{columns} : {_fts_string(group.prefix)}*")
    return "(" + " OR ".join(alternatives) + ")" if alternatives else ""


def to_fts5(parsed: ParsedQuery, *, head: bool = False) -> str:
    """An FTS5 MATCH expression; '' when the query is empty. `head`: the same words, matched in the title and
    summary only, without roots ('' when a word has nothing to match there)."""
    columns = _FTS_HEAD_COLUMNS if head else _FTS_TERM_COLUMNS
    rendered: list[str] = []
    for clause in parsed.clauses:
        if isinstance(clause, Phrase):
            rendered.append(f"{columns} : (" + " + ".join(_fts_string(t) for t in clause.lemmas) + ")")
        else:
            group = _fts_group(clause, head=head)
            if not group:
                if parsed.match_any:
                    continue
                return ""
            rendered.append(group)
    return (" OR " if parsed.match_any else " AND ").join(rendered)


# --- PostgreSQL tsquery -----------------------------------------------------------------------------------------
# No weight restrictions (roots are told apart by their mark): a weight-restricted lexeme makes PostgreSQL recheck
# every row the GIN index returns, while plain lexemes are answered by the index alone.


def _ts_lexeme(token: str, *, prefix: bool = False, root: bool = False) -> str:
    lexeme = root_token(token) if root else db_token(token)
    escaped = lexeme.replace("\\", "\\\\").replace("'", "''")
    return f"'{escaped}'{':*' if prefix else ''}"


def _ts_group(group: Group, *, head: bool = False) -> str:
    alternatives = [_ts_lexeme(t) for t in group.tokens]
    if group.phrase:
        alternatives.append("(" + " <-> ".join(_ts_lexeme(t) for t in group.phrase) + ")")
    if group.root and not head:
        alternatives.append(_ts_lexeme(group.root, prefix=group.root_prefix, root=True))
    if group.prefix:
        alternatives.append(_ts_lexeme(group.prefix, prefix=True))
    return "(" + " | ".join(alternatives) + ")" if alternatives else ""


def to_tsquery(parsed: ParsedQuery, *, head: bool = False) -> str:
    """Text for to_tsquery('simple', …); '' when the query is empty. `head`: without roots, for the title and
    summary vector ('' when a word has nothing to match there), as to_fts5(head=True)."""
    rendered: list[str] = []
    for clause in parsed.clauses:
        if isinstance(clause, Phrase):
            rendered.append("(" + " <-> ".join(_ts_lexeme(t) for t in clause.lemmas) + ")")
        else:
            group = _ts_group(clause, head=head)
            if not group:
                if parsed.match_any:
                    continue
                return ""
            rendered.append(group)
    return (" | " if parsed.match_any else " & ").join(rendered)
