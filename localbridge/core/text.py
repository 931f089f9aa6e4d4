"""Text helpers: search normalisation and safe Markdown."""

import re

import nh3
from markdown_it import MarkdownIt

_SPACES = re.compile(r"\s+")
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table").enable("strikethrough")
_ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "strong",
    "em",
    "s",
    "del",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "img",
}


def normalize_for_search(text: str) -> str:
    """Lower-case (Unicode-aware), ё→е, single spaces: the form names are stored and queried in, so that a
    substring search behaves alike on SQLite (whose LIKE folds only ASCII) and PostgreSQL."""
    return _SPACES.sub(" ", (text or "").casefold().replace("ё", "е")).strip()


def render_markdown(text: str) -> str:
    """User-written Markdown rendered on the server and sanitised: no raw HTML, no scripts, safe links."""
    html = _markdown.render(text or "")
    return nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes={"a": {"href", "title"}, "img": {"src", "alt", "title"}, "th": {"align"}, "td": {"align"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
