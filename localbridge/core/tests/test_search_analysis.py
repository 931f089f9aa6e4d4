"""Text analysis and query parsing: pure functions, no database."""

import re

from hypothesis import given
from hypothesis import strategies as st

from localbridge.core.search import lemmatize
from localbridge.core.search.analysis import index_text
from localbridge.core.search.query import Group, Phrase, parse_query, to_fts5, to_tsquery

TOKEN = re.compile(r"^[^\W_]+(?:-[^\W_]+)*$")


def test_russian_word_forms_become_their_lemma():
    assert lemmatize("дворов", "ru") == ["двор"]
    assert lemmatize("Дворы", "ru") == ["двор"]


def test_russian_verb_form_becomes_its_infinitive():
    assert lemmatize("благоустроили", "ru") == ["благоустроить"]


def test_hyphenated_word_yields_whole_lemma_and_its_parts():
    assert lemmatize("городов-побратимов", "ru") == ["город-побратим", "город", "побратим"]


def test_russian_stop_words_are_dropped():
    assert lemmatize("Мы и они были в сквере", "ru") == ["сквер"]


def test_yo_is_folded_to_ye():
    assert lemmatize("молодёжь", "ru") == lemmatize("молодежь", "ru") == ["молодежь"]


def test_english_words_are_stemmed_and_stop_words_dropped():
    assert lemmatize("The cities and their youth exchanges", "en") == lemmatize("city youth exchange", "en")


def test_other_languages_use_their_snowball_stemmer():
    assert lemmatize("Städtepartnerschaften", "de") == lemmatize("Städtepartnerschaft", "de")
    assert lemmatize("jumelages", "fr") == lemmatize("jumelage", "fr")


def test_unknown_language_is_lower_cased():
    assert lemmatize("Ngā Tāone", "mi") == ["ngā", "tāone"]


def test_latin_words_in_a_russian_text_get_english_stems():
    assert lemmatize("программа Erasmus для cities", "ru") == ["программа", "erasmus", "citi"]


def test_index_text_keeps_lemmas_in_order_then_forms_and_roots():
    indexed = index_text("Жители благоустроили двор", "ru")
    assert indexed.terms.split()[:3] == ["житель", "благоустроить", "двор"]
    assert "благоустроили" in indexed.terms.split()
    assert indexed.roots.split() == ["qqжитель", "qqблагоус"]


def test_query_words_are_anded_and_quoted_phrases_kept():
    parsed = parse_query("благоустройство «молодёжный обмен»")
    assert isinstance(parsed.clauses[0], Group)
    assert parsed.clauses[1] == Phrase(("молодежный", "обмен"))


def test_query_of_punctuation_or_stop_words_is_empty():
    for q in ["", "   ", "*", '"', "()", "и в на", "the and or", "NEAR(", "--", "«»"]:
        parsed = parse_query(q)
        assert parsed.is_empty or all(isinstance(c, Group) for c in parsed.clauses), q
    assert parse_query("и в на").is_empty
    assert parse_query("*()\"'").is_empty


def test_absurdly_long_query_is_truncated():
    parsed = parse_query("двор " * 10_000)
    assert parsed.truncated
    assert len(parsed.clauses) == 1


@given(st.text(max_size=300))
def test_lemmatize_never_raises_and_yields_plain_tokens(text):
    for token in lemmatize(text, "ru") + lemmatize(text, "en") + lemmatize(text, "xx"):
        assert TOKEN.match(token), token


@given(st.text(max_size=300))
def test_rendered_queries_hold_only_quoted_word_tokens(text):
    parsed = parse_query(text, prefix=True)
    fts = to_fts5(parsed)
    # Once the quoted tokens are taken out, what is left is our own syntax only.
    fts = re.sub(r'"[^"]*"', "", to_fts5(parsed))
    fts = re.sub(r"\b(title_terms|summary_terms|body_terms|root_terms|AND|OR)\b", "", fts)
    assert re.sub(r"[\s{}:()*+]", "", fts) == ""
    ts = re.sub(r"'[^']*'", "", to_tsquery(parsed))
    assert re.sub(r"[\s():*&|<\->]", "", ts) == ""
