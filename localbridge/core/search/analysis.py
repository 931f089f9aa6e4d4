"""Text analysis shared by indexing and querying: words → lemmas (Russian, pymorphy3) or Snowball stems (other
languages), plus the original word forms and, for Russian, short "root" prefixes that join a derivational family
(благоустройство ↔ благоустроить, культура ↔ культурный), which lemmas alone do not.

Both database backends receive only what this module produces: space-separated tokens made of letters and digits,
lower-cased, ё folded to е. That is why SQLite FTS5 and PostgreSQL find the same documents: neither database's
own tokenizer or dictionary has anything left to decide.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

import snowballstemmer

from localbridge.core.search.stopwords import BY_LANGUAGE

# A word: letters and digits, possibly joined by hyphens (города-побратимы, Ростов-на-Дону). Underscores and
# everything else separate words, as both databases' tokenizers would.
WORD_RE = re.compile(r"[^\W_]+(?:-[^\W_]+)*")
_CYRILLIC_RE = re.compile(r"[\u0400-\u04FF]")
_LATIN_RE = re.compile(r"[A-Za-z\u00C0-\u024F]")
MAX_TOKEN_CHARS = 64  # longer "words" (hashes, base64) are dropped: noise, and PostgreSQL limits lexeme size
ROOT_CHARS = 7  # a Russian lemma's first 7 letters name its derivational family (see Word.root)
ALTERNATIVE_MIN_SCORE = 0.1  # a less likely lemma of an ambiguous Russian form is indexed too when this likely
ROOT_MIN_CHARS = 5
ROOT_MARK = "qq"  # shorter lemmas (двор, мир) get no root: a 4-letter prefix joins too many unrelated words

# ISO 639-1 codes the platform stores → Snowball algorithm names.
SNOWBALL_LANGUAGES = {
    "ar": "arabic",
    "hy": "armenian",
    "eu": "basque",
    "ca": "catalan",
    "cs": "czech",
    "da": "danish",
    "nl": "dutch",
    "en": "english",
    "eo": "esperanto",
    "et": "estonian",
    "fi": "finnish",
    "fr": "french",
    "de": "german",
    "el": "greek",
    "hi": "hindi",
    "hu": "hungarian",
    "id": "indonesian",
    "ga": "irish",
    "it": "italian",
    "lt": "lithuanian",
    "ne": "nepali",
    "no": "norwegian",
    "nb": "norwegian",
    "fa": "persian",
    "pl": "polish",
    "pt": "portuguese",
    "ro": "romanian",
    "ru": "russian",
    "sr": "serbian",
    "es": "spanish",
    "sv": "swedish",
    "ta": "tamil",
    "tr": "turkish",
}
# Languages written in Cyrillic that are not Russian: their Cyrillic words must not go through Russian morphology.
CYRILLIC_NON_RUSSIAN = {"uk", "be", "bg", "sr", "mk", "kk", "ky", "tg", "mn"}
LATIN_SCRIPT = {code for code in SNOWBALL_LANGUAGES if code not in {"ar", "hy", "el", "hi", "ne", "fa", "ru", "ta"}}


@dataclass(frozen=True, slots=True)
class Word:
    """One analysed word. `lemma` is what is matched; `form` is the word as written (folded), kept so that an
    exact form ranks a little higher and so that an ambiguous lemma still matches its own form; `root` is set for
    Russian lemmas of ROOT_MIN_CHARS letters or more."""

    form: str
    lemma: str
    root: str = ""
    stop: bool = False
    alternatives: tuple[str, ...] = ()  # other likely lemmas of an ambiguous form (парке: парк besides парка)


def normalize(text: str) -> str:
    """NFKC (so ² is 2 and ligatures split), case-folded, ё→е."""
    return unicodedata.normalize("NFKC", text or "").casefold().replace("ё", "е")


def words(text: str) -> list[str]:
    """The words of `text`, normalised, hyphenated words kept whole."""
    return WORD_RE.findall(normalize(text))


def language_code(language: str | None) -> str:
    """ "ru-RU", "RU", "ru_ru" → "ru"; empty → ""."""
    return (language or "").strip().lower().replace("_", "-").split("-")[0]


def _word_language(word: str, language: str) -> str:
    """Which analysis a word gets: its script decides first, so that an English name inside a Russian text (and a
    Russian word inside an English one) is analysed the same way as when it is typed into the search box."""
    if _CYRILLIC_RE.search(word):
        if language in CYRILLIC_NON_RUSSIAN:
            return language
        return "ru"
    if _LATIN_RE.search(word):
        if language in LATIN_SCRIPT:
            return language
        return "en"
    if language in LATIN_SCRIPT or language == "ru" or language in CYRILLIC_NON_RUSSIAN:
        return ""  # another script than the text's language: only lower-cased
    return language


@cache
def _morph() -> Any:
    import pymorphy3  # imported lazily: loading the dictionaries takes a quarter of a second

    return pymorphy3.MorphAnalyzer(lang="ru")


@cache
def _stemmer(algorithm: str) -> Any:
    return snowballstemmer.stemmer(algorithm)


@lru_cache(maxsize=200_000)
def analyse_word(word: str, language: str) -> Word:
    """Analyse one normalised, hyphen-free word. Cached per (word, language): texts repeat their words."""
    lang = _word_language(word, language)
    stops = BY_LANGUAGE.get(lang, frozenset())
    if word.isdigit() or any(ch.isdigit() for ch in word):
        return Word(form=word, lemma=word)
    if lang == "ru":
        parses = _morph().parse(word)
        lemma = parses[0].normal_form.replace("ё", "е")
        scores: dict[str, float] = {}
        for parse in parses:
            normal = parse.normal_form.replace("ё", "е")
            scores[normal] = scores.get(normal, 0.0) + parse.score
        alternatives = tuple(
            normal for normal, score in scores.items() if normal != lemma and score >= ALTERNATIVE_MIN_SCORE
        )
        root = lemma[:ROOT_CHARS] if len(lemma) >= ROOT_MIN_CHARS else ""
        stop = word in stops or lemma in stops
        return Word(form=word, lemma=lemma, root=root, stop=stop, alternatives=alternatives)
    algorithm = SNOWBALL_LANGUAGES.get(lang)
    stop = word in stops
    if algorithm is None:
        return Word(form=word, lemma=word, stop=stop)
    return Word(form=word, lemma=_stemmer(algorithm).stemWord(word), stop=stop)


@lru_cache(maxsize=50_000)
def analyse_compound(word: str, language: str) -> tuple[str, tuple[Word, ...]]:
    """A hyphenated word: its whole lemma (pymorphy3 knows «город-побратим»; elsewhere the parts' lemmas joined)
    and its parts' analyses."""
    parts = tuple(analyse_word(part, language) for part in word.split("-") if len(part) <= MAX_TOKEN_CHARS)
    lang = _word_language(word, language)
    if lang == "ru":
        whole = _morph().parse(word)[0].normal_form.replace("ё", "е")
    else:
        whole = "-".join(part.lemma for part in parts)
    return whole, parts


def lemmatize(text: str, language: str | None) -> list[str]:
    """The lemmas (Russian) or stems (other languages) of `text`'s words, stop words removed; a hyphenated word
    yields its whole lemma and then its parts' (городов-побратимов → город-побратим, город, побратим). A language
    without a stemmer gets lower-cased words."""
    lang = language_code(language)
    out: list[str] = []
    for word in words(text):
        if "-" in word:
            whole, parts = analyse_compound(word, lang)
            kept = [part.lemma for part in parts if not part.stop]
            if kept:
                out.append(whole)
                out.extend(kept)
        elif len(word) <= MAX_TOKEN_CHARS:
            analysed = analyse_word(word, lang)
            if not analysed.stop:
                out.append(analysed.lemma)
    return out


def as_token(lemma: str) -> str:
    """A hyphenated lemma as one token: hyphens dropped (город-побратим → городпобратим), since FTS5 and PostgreSQL
    would otherwise split it differently."""
    return lemma.replace("-", "")


_SAFE_TOKEN_RE = re.compile(r"^[0-9a-zß-öø-ɏа-ӿ]+$")


@lru_cache(maxsize=200_000)
def db_token(token: str) -> str:
    """A token as handed to the database. Digits, Latin and Cyrillic letters go as they are; a token with any
    other character (Greek, CJK, a script newer than the database's Unicode tables, a letter whose case PostgreSQL
    folds differently from Python) is spelt out as fixed-width hex code points, so both databases keep it whole
    and alike, and a prefix of a word is still a prefix of its spelling."""
    if _SAFE_TOKEN_RE.match(token):
        return token
    return "zx" + "".join(f"{ord(ch):06x}" for ch in token)


def root_token(root: str) -> str:
    """A root as stored: marked, so that it never equals a lemma. (PostgreSQL could tell them apart by weight, but a
    weight-restricted query makes it recheck every matching row, which costs more than the GIN lookup itself.)"""
    return db_token(ROOT_MARK + root)


@dataclass(frozen=True, slots=True)
class IndexedText:
    """A field's text as stored in the index: `terms` is the lemma stream (one lemma per word, in order, so that
    phrases match) followed by the extra tokens (word forms that differ from their lemma, whole lemmas of
    hyphenated words); `roots` are the Russian root prefixes."""

    terms: str
    roots: str


def index_text(text: str, language: str | None) -> IndexedText:
    lang = language_code(language)
    stream: list[str] = []
    extras: list[str] = []
    roots: list[str] = []

    def add(word: Word) -> None:
        if word.stop:
            return
        stream.append(word.lemma)
        if word.form != word.lemma:
            extras.append(word.form)
        extras.extend(alternative for alternative in word.alternatives if alternative != word.form)
        if word.root:
            roots.append(word.root)

    for word in words(text):
        if "-" in word:
            whole, parts = analyse_compound(word, lang)
            kept = [part for part in parts if not part.stop]
            for part in kept:
                add(part)
            if len(kept) > 1:
                extras.append(as_token(whole))
        elif len(word) <= MAX_TOKEN_CHARS:
            add(analyse_word(word, lang))
    return IndexedText(
        terms=" ".join(db_token(token) for token in stream + extras), roots=" ".join(root_token(r) for r in roots)
    )
