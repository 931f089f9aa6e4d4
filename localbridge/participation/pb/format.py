"""Read and write participatory-budgeting elections in the .pb format of pabulib.org.

A .pb file has three sections, each introduced by a line holding only its name and followed by a
header row; fields are separated by ``;``::

    META
    key;value
    budget;100000
    vote_type;approval
    PROJECTS
    project_id;cost;votes;name;selected
    1;40000;23;Scooter Night Ride;0
    VOTES
    voter_id;vote
    v1;1,2,6

Format reference: Faliszewski et al., "Participatory Budgeting: Data, Tools, and Analysis", IJCAI 2023,
and https://pabulib.org/format.

How the file's columns relate to the ballots (checked on all 113 files in ../shared/data/pabulib by
``tests/test_pb_tally.py``):

- ``votes`` of a project is the number of ballots whose ``vote`` list contains it, for every vote type
  (for cumulative and scoring ballots too: a ballot counts once however many points it gives).
- ``score`` (cumulative/scoring/ordinal files) is the sum of the points the ballots give the project
  (see :mod:`.tally` for ordinal files, which carry no points).
- ``selected`` marks the projects funded under the file's ``rule``.

The parser is tolerant of what real files contain: a UTF-8 byte-order mark, Windows or old Mac line
ends, empty lines, quoted fields (``"a;b"``), any number of extra columns (kept in ``extra``), section
names in any case, and numbers written as ``200000.0``. Structural faults (no PROJECTS section, a
missing ``project_id``/``cost``/``vote`` column, a duplicate project id, points that do not match
the votes) raise :class:`PbFormatError` with a ``code`` and the line number.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

__all__ = [
    "Ballot",
    "Election",
    "PbFormatError",
    "Project",
    "dump",
    "dumps",
    "load",
    "loads",
]

SECTIONS = ("meta", "projects", "votes")
PROJECT_COLUMNS = ("project_id", "cost", "votes", "score", "name", "selected")
VOTE_COLUMNS = ("voter_id", "vote", "points")
VOTE_TYPES = ("approval", "choose-1", "cumulative", "scoring", "ordinal")


class PbFormatError(ValueError):
    """A .pb text that cannot be read: ``code`` names the fault, ``line`` is 1-based (0: whole file)."""

    def __init__(self, code: str, message: str, line: int = 0) -> None:
        super().__init__(f"line {line}: {message}" if line else message)
        self.code = code
        self.line = line


@dataclass
class Project:
    """One project of a .pb file.

    ``votes_in_file``, ``score_in_file`` and ``selected_in_file`` are the file's own columns (``None``
    when the column is absent or the cell empty); our tally and rules never read them, tests compare.
    """

    id: str
    cost: Decimal
    name: str = ""
    votes_in_file: int | None = None
    score_in_file: int | None = None
    selected_in_file: bool | None = None
    extra: dict[str, str] = field(default_factory=dict)


@dataclass
class Ballot:
    """One ballot: the project ids it lists, in the file's order (ranked for ordinal ballots).

    ``points`` runs parallel to ``choices`` for cumulative and scoring ballots, else ``None``.
    """

    voter_id: str
    choices: list[str]
    points: list[int] | None = None
    extra: dict[str, str] = field(default_factory=dict)


@dataclass
class Election:
    """A whole election. ``meta`` keeps every META entry as text, in file order.

    ``project_columns``/``vote_columns`` remember the header order read from a file so that
    :func:`dumps` writes the columns back in the same order; they take no part in equality.
    """

    meta: dict[str, str]
    projects: list[Project]
    ballots: list[Ballot]
    project_columns: list[str] = field(default_factory=list, compare=False)
    vote_columns: list[str] = field(default_factory=list, compare=False)

    @property
    def budget(self) -> Decimal:
        """The META ``budget`` (``0`` when absent)."""
        return _decimal(self.meta.get("budget", "0") or "0", "budget", 0)

    @property
    def vote_type(self) -> str:
        """The META ``vote_type``: approval (the default), choose-1, cumulative, scoring or ordinal."""
        return self.meta.get("vote_type", "approval").strip().lower() or "approval"

    @property
    def rule(self) -> str:
        """The META ``rule`` the organisers used (``greedy``, ``equalshares/add1``, ``unknown``…)."""
        return self.meta.get("rule", "").strip()

    def project(self, project_id: str) -> Project:
        """The project with this id (``KeyError`` if none)."""
        for p in self.projects:
            if p.id == project_id:
                return p
        raise KeyError(project_id)


# --------------------------------------------------------------------------------------- reading


def load(path: str | Path) -> Election:
    """Read a .pb file (UTF-8, with or without BOM)."""
    data = Path(path).read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PbFormatError("encoding", f"not UTF-8: {exc}") from exc
    return loads(text)


def _rows(text: str) -> Iterator[tuple[int, list[str]]]:
    """csv rows with their 1-based starting line, BOM stripped, blank rows dropped."""
    text = text.lstrip("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";", quotechar='"')
    line = 1
    for row in reader:
        start, line = line, reader.line_num + 1
        if row and any(cell.strip() for cell in row):
            yield start, row


def _section_name(row: list[str]) -> str | None:
    head = row[0].strip().lower()
    if head in SECTIONS and not any(cell.strip() for cell in row[1:]):
        return head
    return None


def _decimal(value: str, column: str, line: int) -> Decimal:
    try:
        number = Decimal(value.strip())
    except InvalidOperation as exc:
        raise PbFormatError("number", f"{column}: {value!r} is not a number", line) from exc
    if not number.is_finite():
        raise PbFormatError("number", f"{column}: {value!r} is not a number", line)
    return number


def _int(value: str, column: str, line: int) -> int | None:
    """An integer cell; ``None`` when empty; ``12.0`` is accepted as 12."""
    if not value.strip():
        return None
    number = _decimal(value, column, line)
    if number != number.to_integral_value():
        raise PbFormatError("number", f"{column}: {value!r} is not a whole number", line)
    return int(number)


def _split_ids(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def loads(text: str) -> Election:
    """Parse .pb text into an :class:`Election`."""
    meta: dict[str, str] = {}
    projects: list[Project] = []
    ballots: list[Ballot] = []
    seen_sections: set[str] = set()
    section: str | None = None
    header: list[str] | None = None
    project_columns: list[str] = []
    vote_columns: list[str] = []
    project_ids: set[str] = set()

    for line, row in _rows(text):
        name = _section_name(row)
        if name is not None:
            if name in seen_sections:
                raise PbFormatError("duplicate_section", f"section {name.upper()} appears twice", line)
            seen_sections.add(name)
            section, header = name, None
            continue
        if section is None:
            raise PbFormatError("no_section", "data before the first section name", line)
        if header is None:
            header = [cell.strip() for cell in row]
            if section == "projects":
                _require_columns(header, ("project_id", "cost"), line)
                project_columns = header
            elif section == "votes":
                _require_columns(header, ("voter_id", "vote"), line)
                vote_columns = header
            continue
        cells = [cell.strip() for cell in row]
        if section == "meta":
            # a value may itself contain ";" (unquoted comments in some files): keep it whole
            meta[cells[0]] = ";".join(row[1:]).rstrip(";").strip()
            continue
        if len(cells) > len(header) and any(cells[len(header) :]):
            raise PbFormatError("extra_cells", f"{len(cells)} cells under {len(header)} columns", line)
        record = dict(zip(header, cells + [""] * (len(header) - len(cells)), strict=False))
        if section == "projects":
            project = _project(record, line)
            if project.id in project_ids:
                raise PbFormatError("duplicate_project", f"project {project.id} appears twice", line)
            project_ids.add(project.id)
            projects.append(project)
        else:
            ballots.append(_ballot(record, line))

    if "projects" not in seen_sections:
        raise PbFormatError("no_projects", "the file has no PROJECTS section")
    return Election(meta, projects, ballots, project_columns, vote_columns)


def _require_columns(header: list[str], needed: Iterable[str], line: int) -> None:
    for column in needed:
        if column not in header:
            raise PbFormatError("missing_column", f"no {column!r} column", line)


def _project(record: dict[str, str], line: int) -> Project:
    project_id = record["project_id"]
    if not project_id:
        raise PbFormatError("empty_id", "empty project_id", line)
    if not record["cost"]:
        raise PbFormatError("empty_cost", f"project {project_id} has no cost", line)
    cost = _decimal(record["cost"], "cost", line)
    if cost < 0:
        raise PbFormatError("negative_cost", f"project {project_id} has a negative cost", line)
    selected = _int(record.get("selected", ""), "selected", line)
    return Project(
        id=project_id,
        cost=cost,
        name=record.get("name", ""),
        votes_in_file=_int(record.get("votes", ""), "votes", line),
        score_in_file=_int(record.get("score", ""), "score", line),
        selected_in_file=None if selected is None else selected != 0,
        extra={k: v for k, v in record.items() if k not in PROJECT_COLUMNS},
    )


def _ballot(record: dict[str, str], line: int) -> Ballot:
    choices = _split_ids(record["vote"])
    points: list[int] | None = None
    if "points" in record:
        points = []
        for part in _split_ids(record["points"]):
            value = _int(part, "points", line)
            points.append(0 if value is None else value)
        if len(points) != len(choices):
            raise PbFormatError("points_mismatch", f"{len(choices)} projects but {len(points)} points", line)
    return Ballot(
        voter_id=record["voter_id"],
        choices=choices,
        points=points,
        extra={k: v for k, v in record.items() if k not in VOTE_COLUMNS},
    )


# --------------------------------------------------------------------------------------- writing


def _number(value: Decimal | int | None) -> str:
    return "" if value is None else str(value)


def _columns(remembered: list[str], standard: Iterable[str], extras: Iterable[dict[str, str]]) -> list[str]:
    """Header order: the remembered header, then any standard or extra column not in it."""
    columns = list(remembered)
    for column in standard:
        if column not in columns:
            columns.append(column)
    for extra in extras:
        for column in extra:
            if column not in columns:
                columns.append(column)
    return columns


def dumps(election: Election, *, fill_counts: bool = True) -> str:
    """Write an election as .pb text (``\\n`` line ends, fields quoted only where needed).

    With ``fill_counts`` the META ``num_projects``/``num_votes`` entries are added when missing (never
    changed when present, so a file reads back as it was). Optional columns (votes, score, selected,
    points) are written only when some project or ballot has a value for them.
    """
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", quotechar='"', lineterminator="\n")
    meta = dict(election.meta)
    if fill_counts:
        meta.setdefault("num_projects", str(len(election.projects)))
        meta.setdefault("num_votes", str(len(election.ballots)))
    out.write("META\n")
    writer.writerow(["key", "value"])
    for key, value in meta.items():
        writer.writerow([key, value])

    standard = ["project_id", "cost"]
    if any(p.votes_in_file is not None for p in election.projects):
        standard.append("votes")
    if any(p.score_in_file is not None for p in election.projects):
        standard.append("score")
    standard.append("name")
    if any(p.selected_in_file is not None for p in election.projects):
        standard.append("selected")
    remembered = [c for c in election.project_columns if c not in PROJECT_COLUMNS or c in standard]
    columns = _columns(remembered, standard, (p.extra for p in election.projects))
    out.write("PROJECTS\n")
    writer.writerow(columns)
    for p in election.projects:
        selected = None if p.selected_in_file is None else int(p.selected_in_file)
        values = {
            "project_id": p.id,
            "cost": _number(p.cost),
            "votes": _number(p.votes_in_file),
            "score": _number(p.score_in_file),
            "name": p.name,
            "selected": _number(selected),
        }
        writer.writerow([values[c] if c in values else p.extra.get(c, "") for c in columns])

    standard = ["voter_id", "vote"]
    if any(b.points is not None for b in election.ballots):
        standard.append("points")
    remembered = [c for c in election.vote_columns if c not in VOTE_COLUMNS or c in standard]
    columns = _columns(remembered, standard, (b.extra for b in election.ballots))
    out.write("VOTES\n")
    writer.writerow(columns)
    for b in election.ballots:
        values = {
            "voter_id": b.voter_id,
            "vote": ",".join(b.choices),
            "points": "" if b.points is None else ",".join(str(x) for x in b.points),
        }
        writer.writerow([values[c] if c in values else b.extra.get(c, "") for c in columns])
    return out.getvalue()


def dump(election: Election, path: str | Path, *, fill_counts: bool = True) -> None:
    """Write an election to a .pb file (UTF-8, no BOM)."""
    Path(path).write_text(dumps(election, fill_counts=fill_counts), encoding="utf-8", newline="")
