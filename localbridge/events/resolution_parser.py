"""The resolution parser: from the text of a resolution (pasted, or read from a .txt or .docx file) to a proposed
split into addressees and items, which an editor then corrects before anything is saved.

Pure: no models, no database. `parse_resolution(text)` returns a ParsedResolution whose `to_json()` is exactly

    {"title": str | None, "date": "YYYY-MM-DD" | None, "place": str | None,
     "sections": [{"addressee": str | None, "items": ["…", …]}, …]}

What it recognises (checked on the five founding resolutions, see tests/test_resolution_parser.py):

- the header: «РЕЗОЛЮЦИЯ» and the title lines around it, the date («Дата проведения: 26 октября 2016 года.», a line
  «01 ноября, 2017», or the first date of the preamble), the place («Место проведения: …», a line «г. Москва», or
  «в городе Смоленске» in the preamble);
- addressee headings: a line in the dative case ending with «:» («Правительству Амурской области:», «Органам
  местного самоуправления …:», «Средствам массовой информации:», «Рекомендовать органам …:»), numbered or not,
  possibly continued on the next line («1. Органам государственной власти Смоленской области / (Департаменту …):»),
  or a short standalone dative line followed by a list;
- items: numbered «1.», «- 1.», «1)», «а)», «I.», or bulleted «-», «–», «—», «•»; lines that continue an item
  (hard-wrapped lines, a paragraph broken by an empty line, a lower-case or bracketed continuation); a sub-list
  under an item ending with «:» (also after an unnumbered lead-in such as «В этой связи считаем
  целесообразным:») stays inside that item; under a heading with no numbers each line or paragraph is an item;
- the preamble (everything before the first heading or item) and closing remarks after the last item are not
  items: they are returned in `preamble` and `other_text`, and closing remarks raise a warning so the editor can
  turn them into an item.

Text with no recognisable structure becomes one section without addressee holding one item with the whole text,
and a warning: nothing is lost.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from io import BytesIO
from pathlib import PurePath
from typing import Any

from django.utils.translation import gettext as _

# --- results ----------------------------------------------------------------------------------------------------


@dataclass
class ParsedSection:
    addressee: str | None
    items: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"addressee": self.addressee, "items": list(self.items)}


@dataclass(frozen=True)
class ParseWarning:
    code: str  # no_structure | empty | not_an_item | empty_section
    message: str


@dataclass
class ParsedResolution:
    title: str | None = None
    date: date | None = None
    place: str | None = None
    sections: list[ParsedSection] = field(default_factory=list)
    preamble: str = ""  # the text before the first heading or item (not an item)
    other_text: list[str] = field(default_factory=list)  # paragraphs after the items that were not taken as items
    warnings: list[ParseWarning] = field(default_factory=list)

    @property
    def item_count(self) -> int:
        return sum(len(section.items) for section in self.sections)

    def to_json(self) -> dict[str, Any]:
        """The proposed split, exactly {"title", "date", "place", "sections": [{"addressee", "items"}]}."""
        return {
            "title": self.title,
            "date": self.date.isoformat() if self.date else None,
            "place": self.place,
            "sections": [section.to_json() for section in self.sections],
        }


class ResolutionFileError(ValueError):
    """A file that cannot be read as a resolution; `code` says why (unsupported_file, unreadable, empty_file)."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


# --- reading files ----------------------------------------------------------------------------------------------

SUPPORTED_EXTENSIONS = ("txt", "docx")


def read_resolution_file(name: str, data: bytes) -> str:
    """The text of a .txt (UTF-8, UTF-16 with a byte-order mark, or Windows-1251) or .docx file. Anything else,
    or a file that cannot be read, raises ResolutionFileError with a translated message."""
    extension = PurePath(name or "").suffix.lower().lstrip(".")
    if extension not in SUPPORTED_EXTENSIONS:
        hint = _(" Save it as .docx or .txt and upload it again.") if extension in {"doc", "odt", "rtf", "pdf"} else ""
        raise ResolutionFileError(
            _("Files of type “%(ext)s” are not supported: upload a .docx or .txt file, or paste the text.")
            % {"ext": extension or "?"}
            + hint,
            code="unsupported_file",
        )
    if not data:
        raise ResolutionFileError(_("The file is empty."), code="empty_file")
    if extension == "docx":
        return docx_text(data)
    return decode_text(data)


def decode_text(data: bytes) -> str:
    """Plain text in the encodings Russian texts come in: UTF-8 (with or without BOM), UTF-16 with a BOM, or the
    Windows Cyrillic code page."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    if b"\x00" in data:
        raise ResolutionFileError(_("The file is not a text file."), code="unreadable")
    return data.decode("cp1251", errors="replace")


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def docx_text(data: bytes) -> str:
    """The text of a .docx, one paragraph per block (paragraphs separated by an empty line, as the parser reads
    paragraphs), with Word's automatic list numbering written out («1.», «1)», «а)», «-»), which the paragraphs'
    own text does not contain. Tables are read cell by cell."""
    import docx  # python-docx

    try:
        document = docx.Document(BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise ResolutionFileError(
            _("The file could not be read as a Word (.docx) document."), code="unreadable"
        ) from exc
    except Exception as exc:  # python-docx raises its own errors for broken packages
        raise ResolutionFileError(
            _("The file could not be read as a Word (.docx) document."), code="unreadable"
        ) from exc
    numbering = _DocxNumbering(document)
    paragraphs: list[str] = []
    for element in document.element.body.iterchildren():
        if element.tag == f"{_W}p":
            paragraphs.append(numbering.prefix(element) + _docx_paragraph_text(element))
        elif element.tag == f"{_W}tbl":
            for cell_paragraph in element.iter(f"{_W}p"):
                paragraphs.append(_docx_paragraph_text(cell_paragraph))
    return "\n\n".join(p for p in (p.strip() for p in paragraphs) if p)


def _docx_paragraph_text(paragraph: Any) -> str:
    parts: list[str] = []
    for node in paragraph.iter():
        if node.tag == f"{_W}t" and node.text:
            parts.append(node.text)
        elif node.tag == f"{_W}tab":
            parts.append(" ")
        elif node.tag in (f"{_W}br", f"{_W}cr"):
            parts.append("\n")
    return "".join(parts)


class _DocxNumbering:
    """Word's automatic numbering (numbering.xml) turned back into the markers a typed text would have."""

    _LETTERS_RU = "абвгдежзиклмнопрстуфхцчшщэюя"
    _LETTERS_EN = "abcdefghijklmnopqrstuvwxyz"

    def __init__(self, document: Any) -> None:
        self.formats: dict[tuple[str, int], tuple[str, str]] = {}  # (numId, ilvl) -> (numFmt, lvlText)
        self.counters: dict[tuple[str, int], int] = {}
        try:
            self.styles: Any = document.styles.element
        except (KeyError, AttributeError):
            self.styles = None
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        abstract: dict[str, dict[int, tuple[str, str]]] = {}
        for node in root.iter(f"{_W}abstractNum"):
            levels: dict[int, tuple[str, str]] = {}
            for lvl in node.iter(f"{_W}lvl"):
                fmt = lvl.find(f"{_W}numFmt")
                text = lvl.find(f"{_W}lvlText")
                levels[int(lvl.get(f"{_W}ilvl", "0"))] = (
                    fmt.get(f"{_W}val", "decimal") if fmt is not None else "decimal",
                    text.get(f"{_W}val", "%1.") if text is not None else "%1.",
                )
            abstract[node.get(f"{_W}abstractNumId", "")] = levels
        for num in root.iter(f"{_W}num"):
            ref = num.find(f"{_W}abstractNumId")
            if ref is None:
                continue
            for ilvl, spec in abstract.get(ref.get(f"{_W}val", ""), {}).items():
                self.formats[(num.get(f"{_W}numId", ""), ilvl)] = spec

    def _style_numpr(self, style_id: str | None, depth: int = 0) -> Any:
        """The numbering a paragraph style gives (Word's «List Number» and «List Bullet» styles), following
        the styles it is based on."""
        if style_id is None or depth > 5 or self.styles is None:
            return None
        for style in self.styles.iter(f"{_W}style"):
            if style.get(f"{_W}styleId") == style_id:
                ppr = style.find(f"{_W}pPr")
                numpr = ppr.find(f"{_W}numPr") if ppr is not None else None
                if numpr is not None:
                    return numpr
                based = style.find(f"{_W}basedOn")
                return self._style_numpr(based.get(f"{_W}val") if based is not None else None, depth + 1)
        return None

    def prefix(self, paragraph: Any) -> str:
        ppr = paragraph.find(f"{_W}pPr")
        numpr = ppr.find(f"{_W}numPr") if ppr is not None else None
        if numpr is None and ppr is not None:
            style = ppr.find(f"{_W}pStyle")
            numpr = self._style_numpr(style.get(f"{_W}val") if style is not None else None)
        if numpr is None:
            return ""
        num_id_node, ilvl_node = numpr.find(f"{_W}numId"), numpr.find(f"{_W}ilvl")
        num_id = num_id_node.get(f"{_W}val", "") if num_id_node is not None else ""
        ilvl = int(ilvl_node.get(f"{_W}val", "0")) if ilvl_node is not None else 0
        if num_id in ("", "0"):
            return ""
        fmt, text = self.formats.get((num_id, ilvl), ("decimal", "%1."))
        if fmt == "bullet" or fmt == "none":
            return "- "
        count = self.counters.get((num_id, ilvl), 0) + 1
        self.counters[(num_id, ilvl)] = count
        for deeper in [key for key in self.counters if key[0] == num_id and key[1] > ilvl]:
            del self.counters[deeper]
        if fmt in ("lowerLetter", "russianLower"):
            letters = self._LETTERS_RU if fmt == "russianLower" else self._LETTERS_EN
            label = letters[(count - 1) % len(letters)]
        elif fmt in ("upperLetter", "russianUpper"):
            letters = self._LETTERS_RU if fmt == "russianUpper" else self._LETTERS_EN
            label = letters[(count - 1) % len(letters)].upper()
        else:
            label = str(count)
        marker = re.sub(r"%\d", label, text) if "%" in text else f"{label}."
        if not marker.endswith((".", ")")):
            marker += "."
        return marker + " "


# --- lines and blocks -------------------------------------------------------------------------------------------

_MARKERS: list[tuple[str, re.Pattern[str]]] = [
    # «1.», «- 1.», «1.Текст» (not «26.10.2016»)
    ("num", re.compile(r"^(?:[-–—•·▪●*]\s*)?(\d{1,3})\.(?!\d)\s*(?=\S)")),
    ("subnum", re.compile(r"^(\d{1,3}(?:\.\d{1,3})+)\.?\s+(?=\S)")),  # «1.1.», «2.3»
    ("paren", re.compile(r"^(?:[-–—•·▪●*]\s*)?(\d{1,3})\)\s*(?=\S)")),  # «1)»
    ("letter", re.compile(r"^([а-яёa-z])\)\s*(?=\S)")),  # «а)»
    ("roman", re.compile(r"^([IVXLC]{1,6})\.\s+(?=\S)")),  # «II.»
    ("bullet", re.compile(r"^(?:[-–—*]\s+|[•·▪●◦]\s*)(?=\S)")),  # «- », «— », «•»
]

_TERMINAL = (".", ";", "!", "?", "…")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_INVISIBLE = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff\u00ad]")


@dataclass
class _Block:
    """A paragraph: a line with a list marker, or text after an empty line, with the lines that continue it."""

    kind: str  # a marker kind from _MARKERS, or "text"
    marker: str  # the marker as written («1.», «-»), "" for text
    lines: list[str]
    blank_before: bool
    first_line: int

    @property
    def text(self) -> str:
        return " ".join(line.strip() for line in self.lines).strip()

    @property
    def raw(self) -> str:
        body = self.text
        return f"{self.marker} {body}" if self.marker else body


def normalize_text(text: str) -> str:
    """Line ends made plain (Windows and old Mac), invisible characters dropped, runs of spaces collapsed."""
    text = _INVISIBLE.sub("", text or "").replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(_SPACES.sub(" ", line).strip() for line in text.split("\n")).strip("\n")


def _marker_of(line: str) -> tuple[str, str, str] | None:
    for kind, pattern in _MARKERS:
        match = pattern.match(line)
        if match:
            return kind, match.group(0).strip(), line[match.end() :].strip()
    return None


def _blocks(lines: list[str]) -> list[_Block]:
    blocks: list[_Block] = []
    blank = True
    current: _Block | None = None
    for number, line in enumerate(lines):
        if not line:
            blank, current = True, None
            continue
        marker = _marker_of(line)
        if marker is not None:
            current = _Block(kind=marker[0], marker=marker[1], lines=[marker[2]], blank_before=blank, first_line=number)
            blocks.append(current)
        elif current is None:
            current = _Block(kind="text", marker="", lines=[line], blank_before=blank, first_line=number)
            blocks.append(current)
        else:
            current.lines.append(line)
        blank = False
        if line.endswith(":"):
            current = None  # a lead-in or a heading ends its paragraph: what follows starts a new one
    return blocks


# --- headings ---------------------------------------------------------------------------------------------------

_RECOMMEND = re.compile(
    r"^(?:(?:считать\s+(?:необходимым|целесообразным)\s+)?рекомендовать|рекомендуем|предложить|предлагаем|"
    r"просить|просим|поручить|обратиться\s+к)\s+(?P<rest>.+)$",
    re.IGNORECASE,
)
_TRAILING_VERB = re.compile(r"\s+(?:рекомендовать|рекомендуется|предложить|предлагается|рекомендуем)$", re.I)
_ENGLISH_HEADING = re.compile(r"^(?i:to|for)\s+(?i:the\s+)?[A-Z]")
_WORD = re.compile(r"[А-Яа-яЁё]+")
_HEADING_MAX_WORDS = 40


@cache
def _morph() -> Any:
    import pymorphy3  # the dictionaries take a quarter of a second to load: only when a text is parsed

    return pymorphy3.MorphAnalyzer(lang="ru")


_NOT_NAMES = {"PREP", "CONJ", "PRCL", "INTJ", "ADVB", "PRED", "VERB", "INFN", "GRND", "COMP", "NUMR"}


def _is_dative(word: str) -> bool:
    """Whether `word` can open a name in the dative case («Правительству», «Органам», «Общественной палате»)."""
    parses = _morph().parse(word.lower())
    if len(word) < 3 or not parses or parses[0].tag.POS in _NOT_NAMES:
        return False
    return any("datv" in parse.tag and parse.tag.POS in ("NOUN", "ADJF", "PRTF", "NPRO") for parse in parses)


def _has_infinitive(text: str) -> bool:
    return any(_morph().parse(word.lower())[0].tag.POS == "INFN" for word in _WORD.findall(text) if len(word) > 3)


def _addressee(block: _Block, following: _Block | None) -> str | None:
    """The addressee if `block` is an addressee heading, else None."""
    text = block.text
    if block.kind in ("bullet",) or not text or len(text) > 400:
        return None
    colon = text.endswith(":")
    body = text.rstrip(":").strip()
    recommend = _RECOMMEND.match(body)
    if recommend:
        body = recommend.group("rest").strip()
        body = body[:1].upper() + body[1:]
    body = _TRAILING_VERB.sub("", body).strip()
    if not body or len(body.split()) > _HEADING_MAX_WORDS:
        return None
    # Without a colon, a standalone heading: short, not a sentence, no verb, and a list follows.
    if not colon and (
        body.endswith(_TERMINAL + (",",))
        or len(body.split()) > 15
        or following is None
        or following.kind == "text"
        or _has_infinitive(body)
    ):
        return None
    if _ENGLISH_HEADING.match(body):
        return body
    first = _WORD.match(body)
    if first is None:
        return None
    if not recommend and not body[0].isupper():
        return None
    return body if _is_dative(first.group(0)) else None


# --- the header: title, date, place -----------------------------------------------------------------------------

_MONTHS = {
    "январ": 1,
    "феврал": 2,
    "март": 3,
    "апрел": 4,
    "ма": 5,
    "июн": 6,
    "июл": 7,
    "август": 8,
    "сентябр": 9,
    "октябр": 10,
    "ноябр": 11,
    "декабр": 12,
}
_MONTH_RE = r"(января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря)"
_DATE_WORDS = re.compile(r"«?(\d{1,2})»?\s+" + _MONTH_RE + r"\s*,?\s*(\d{4})", re.IGNORECASE)
_DATE_NUMERIC = re.compile(r"(?<![\d.])(\d{1,2})\.(\d{1,2})\.(\d{4})(?![\d.]\d)")
_DATE_LABEL = re.compile(r"^дата(?:\s+\w+)?\s*:", re.IGNORECASE)
_DATE_LINE = re.compile(
    r"^(?:дата(?:\s+\w+)?\s*:\s*)?(?:«?\d{1,2}»?\s+" + _MONTH_RE + r"\s*,?\s*\d{4}|\d{1,2}\.\d{1,2}\.\d{4})"
    r"\s*(?:года|год|г\.?)?\s*\.?$",
    re.IGNORECASE,
)
_PLACE_LABEL = re.compile(r"^место(?:\s+проведени[яеи])?\s*:\s*(?P<place>.*)$", re.IGNORECASE)
_PLACE_LINE = re.compile(r"^(?:г\.|город|с\.|село|пос\.|посёлок|поселок|п\.|пгт|ст\.|станица)\s*[А-ЯЁ][^:\d]*$")
_PLACE_IN_TEXT = re.compile(r"\bв\s+(?:городе|г\.)\s*([А-ЯЁ][а-яё]+(?:-[А-ЯЁа-яё]+)?)")
_TITLE_WORD = re.compile(
    r"^(?:итоговая\s+|проект\s+)?(?:резолюция|решение|рекомендации|обращение|декларация|resolution)\b",
    re.IGNORECASE,
)
_EVENT_WORDS = re.compile(
    r"(съезд|конференц|форум|кругл\w*\s+стол|семинар|собрани|совещани|конгресс|сесси|ассамбле|слушани|заседани)",
    re.IGNORECASE,
)
_PARTICIPANTS = re.compile(r"участник(?:и|ов)\s+\**\s*([^«»*.,]{3,120}?«[^»]{2,200}»)")
_EMPHASIS = re.compile(r"\*{1,3}([^*]+)\*{1,3}")


def _strip_emphasis(text: str) -> str:
    return " ".join(_EMPHASIS.sub(r"\1", text).split())


def _date_from(text: str) -> date | None:
    match = _DATE_WORDS.search(text)
    if match:
        day, month_word, year = match.groups()
        month = next(number for stem, number in _MONTHS.items() if month_word.lower().startswith(stem))
        try:
            return date(int(year), month, int(day))
        except ValueError:
            return None
    match = _DATE_NUMERIC.search(text)
    if match:
        day, month_number, year = (int(part) for part in match.groups())
        try:
            return date(year, month_number, day)
        except ValueError:
            return None
    return None


def _find_date(lines: list[str]) -> date | None:
    for line in lines:  # «Дата проведения: …»
        if _DATE_LABEL.match(line) and (found := _date_from(line)):
            return found
    for line in lines:  # a line that is only a date
        if _DATE_LINE.match(line) and (found := _date_from(line)):
            return found
    for line in lines:  # the first date in the preamble
        if found := _date_from(line):
            return found
    return None


def _find_place(lines: list[str]) -> str | None:
    for index, line in enumerate(lines):
        match = _PLACE_LABEL.match(line)
        if match:
            parts = [match.group("place").strip()]
            for following in lines[index + 1 :]:  # «…, город Благовещенск,» / «ул. Ленина, 100»
                if not following or ":" in following or not parts[-1].endswith(","):
                    break
                parts.append(following)
            place = " ".join(part for part in parts if part).rstrip(".").strip()
            if place:
                return place
    for line in lines:
        if len(line) <= 60 and _PLACE_LINE.match(line):
            return re.sub(r"^г\.\s*", "г. ", line).rstrip(".")
    for line in lines:
        match = _PLACE_IN_TEXT.search(line)
        if match:
            word = match.group(1)
            parses = _morph().parse(word)
            geo = next((p for p in parses if "Geox" in p.tag), parses[0])
            name = "-".join(part.capitalize() for part in geo.normal_form.split("-"))
            return f"г. {name}"
    return None


def _title_like(paragraph: str) -> bool:
    return (
        bool(paragraph)
        and len(paragraph) <= 250
        and not paragraph.endswith(_TERMINAL + (",", ":"))
        and not _DATE_LINE.match(paragraph)
        and not _date_from(paragraph[:30])
        and not _PLACE_LINE.match(paragraph)
        and not paragraph.lower().startswith(("мы,", "мы "))
        and not paragraph[:1].isdigit()
    )


def _find_title(lines: list[str]) -> str | None:
    word_index = next((i for i, line in enumerate(lines) if _TITLE_WORD.match(line) and len(line) <= 250), None)
    if word_index is None:
        return None
    title = lines[word_index]
    after: list[str] = []
    index = word_index + 1
    while index < len(lines) and lines[index] and _title_like(lines[index]):  # title lines straight after the word
        after.append(lines[index])
        index += 1
    if not after and index < len(lines) and not lines[index]:
        while index < len(lines) and not lines[index]:
            index += 1
        paragraph: list[str] = []
        while index < len(lines) and lines[index]:
            paragraph.append(lines[index])
            index += 1
        candidate = " ".join(paragraph)
        if _title_like(candidate):
            after.append(candidate)
    if after:
        return _strip_emphasis(" ".join([title, *after]))
    # The block straight before the word, if it names the event (not a letterhead).
    index = word_index - 1
    while index >= 0 and not lines[index]:
        index -= 1
    before: list[str] = []
    while index >= 0 and lines[index]:
        before.insert(0, lines[index])
        index -= 1
    candidate = " ".join(before)
    if before and _EVENT_WORDS.search(candidate) and len(candidate) <= 250 and not candidate.isupper():
        return _strip_emphasis(f"{title} — {candidate}")
    # «Мы, участники <события «…»>» in the preamble.
    match = _PARTICIPANTS.search(_strip_emphasis(" ".join(lines[word_index + 1 :])))
    if match:
        return _strip_emphasis(f"{title} {match.group(1)}")
    return _strip_emphasis(title)


# --- the body: sections and items -------------------------------------------------------------------------------


def _continues(previous: str, block: _Block) -> bool:
    """Whether a paragraph after an empty line continues the previous item (a paragraph broken in two)."""
    first = block.text[:1]
    return first.islower() or first in '(«"“,;' or not previous.rstrip().endswith(_TERMINAL + (":",))


def _split_plain(block: _Block) -> list[str]:
    """Unnumbered items under a heading: each line ending a sentence ends an item."""
    items: list[str] = []
    current: list[str] = []
    for line in block.lines:
        current.append(line.strip())
        if line.rstrip().endswith(_TERMINAL):
            items.append(" ".join(current))
            current = []
    if current:
        items.append(" ".join(current))
    return [item for item in items if item]


class _Assembler:
    def __init__(self) -> None:
        self.sections: list[ParsedSection] = []
        self.section: ParsedSection | None = None
        self.item_kind: str | None = None  # the marker kind of the current section's items ("plain": none)
        self.sub_kind: str | None = None  # the marker kind of a sub-list inside the current item
        self.pending: list[_Block] = []  # paragraphs after an item, decided by what comes next
        self.other_text: list[str] = []

    # the current item is the last item of the current section
    @property
    def item(self) -> str | None:
        return self.section.items[-1] if self.section and self.section.items else None

    def _append(self, text: str, separator: str) -> None:
        assert self.section is not None and self.section.items
        self.section.items[-1] = f"{self.section.items[-1]}{separator}{text}"

    def _new_item(self, text: str) -> None:
        if self.section is None:
            self.section = ParsedSection(addressee=None)
            self.sections.append(self.section)
        self.section.items.append(text)

    def _flush_pending_as_other(self) -> None:
        self.other_text.extend(block.raw for block in self.pending)
        self.pending = []

    def heading(self, addressee: str) -> None:
        self._flush_pending_as_other()
        self.section = ParsedSection(addressee=addressee)
        self.sections.append(self.section)
        self.item_kind = self.sub_kind = None

    def marker(self, block: _Block) -> None:
        item = self.item
        if item is not None and self.item_kind not in (None, "plain") and block.kind != self.item_kind:
            lead_in = self.pending and self.pending[-1].text.endswith(":")
            if self.sub_kind == block.kind or lead_in or (not self.pending and item.endswith(":")):
                # A sub-list of the current item (after its «…чтобы:» or an unnumbered lead-in).
                for paragraph in self.pending:
                    self._append(paragraph.raw, "\n")
                self.pending = []
                self.sub_kind = block.kind
                self._append(block.raw, "\n")
                return
        if item is not None and self.item_kind == "plain" and item.endswith(":") and self.section is not None:
            # «Lead-in:» under a heading followed by numbers: the lead-in is not an item.
            self.other_text.append(self.section.items.pop())
        if self.pending:
            if self.pending[-1].text.endswith(":"):
                self._flush_pending_as_other()
            else:  # paragraphs between two items of one list belong to the first
                for paragraph in self.pending:
                    self._append(paragraph.text, "\n")
                self.pending = []
        if self.item is None or self.item_kind in (None, "plain"):
            self.item_kind = block.kind
        self.sub_kind = None
        self._new_item(block.text)

    def text(self, block: _Block) -> None:
        item = self.item
        if item is None or self.item_kind == "plain" and block.blank_before and item.endswith(_TERMINAL):
            # Under a heading without numbers: each sentence-ending line or paragraph is an item.
            if item is None and self.section is None:
                self.pending.append(block)
                return
            for piece in _split_plain(block):
                self._new_item(piece)
            self.item_kind = "plain"
            return
        if self.pending:
            self.pending.append(block)
        elif not block.blank_before:
            self._append(block.text, "\n")  # after a line ending with «:»
        elif _continues(item, block):
            self._append(block.text, " " if block.text[:1].islower() or not item.endswith(_TERMINAL) else "\n")
        else:
            self.pending.append(block)

    def finish(self) -> None:
        self._flush_pending_as_other()


def parse_resolution(text: str) -> ParsedResolution:
    """Propose the split of a resolution's text into sections (addressees) and items."""
    normalized = normalize_text(text)
    result = ParsedResolution()
    if not normalized.strip():
        result.warnings.append(ParseWarning("empty", _("The text is empty: there is nothing to split.")))
        return result
    lines = normalized.split("\n")
    blocks = _blocks(lines)

    addressees: dict[int, str] = {}
    for index, block in enumerate(blocks):
        found = _addressee(block, blocks[index + 1] if index + 1 < len(blocks) else None)
        if found:
            addressees[index] = found
    start = next(
        (index for index, block in enumerate(blocks) if index in addressees or block.kind != "text"), len(blocks)
    )
    header_lines = lines[: blocks[start].first_line] if start < len(blocks) else lines
    result.title = _find_title(header_lines)
    result.date = _find_date(header_lines)
    result.place = _find_place(header_lines)
    result.preamble = "\n\n".join(block.raw for block in blocks[:start])

    assembler = _Assembler()
    for index in range(start, len(blocks)):
        block = blocks[index]
        if index in addressees:
            assembler.heading(addressees[index])
        elif block.kind != "text":
            assembler.marker(block)
        else:
            assembler.text(block)
    assembler.finish()
    result.sections = assembler.sections
    result.other_text = assembler.other_text

    if result.item_count == 0:
        result.sections = [ParsedSection(addressee=None, items=[normalized.strip()])]
        result.other_text = []
        result.warnings.append(
            ParseWarning(
                "no_structure",
                _(
                    "No addressees or numbered items were recognised: the whole text is kept as one item. "
                    "Split it by hand before saving."
                ),
            )
        )
        return result
    for section in result.sections:
        if not section.items:
            result.warnings.append(
                ParseWarning(
                    "empty_section",
                    _("No items were found under “%(addressee)s”.") % {"addressee": section.addressee},
                )
            )
    for paragraph in result.other_text:
        result.warnings.append(
            ParseWarning(
                "not_an_item",
                _("This text was not taken as an item: “%(text)s”. Add it as an item if it is a recommendation.")
                % {"text": _shorten(paragraph)},
            )
        )
    return result


def _shorten(text: str, limit: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def parse_resolution_file(name: str, data: bytes) -> tuple[str, ParsedResolution]:
    """Read a .txt or .docx file and parse it; returns (the text, the proposed split)."""
    text = read_resolution_file(name, data)
    return text, parse_resolution(text)
