"""The article form: front matter and body to form fields and back, each fault at its field."""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

from exporter.errors import InputError
from exporter.readers.markdown import FRONT_MATTER_KEYS, read_markdown
from exporter.validate import LANGUAGE_TAG, validate

FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\n(.*?)^(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S | re.M)
FORM_KEYS = ("number", "date", "kicker", "title", "authors", "summary", "lang")
"""The front-matter keys the form edits; the others (series, subtitle, keywords) are kept."""
FIELD_OF_WHERE = re.compile(r"^(?:front matter: )?(\w+)(?:\[(\d+)\])?")
EXTRA_AUTHOR_ROWS = 1
PROOF_ERROR_PREFIX = re.compile(r"^[^:\s]+\.md: ")
"""The article's file name before a proof's error."""
FRONT_MATTER_PLACE = re.compile(r"^front matter(?:, line \d+(?:, column \d+)?)?: ")


class _TextDates(yaml.SafeLoader):
    """YAML's safe loader with dates kept as text, as the Markdown reader reads them."""


_TextDates.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass(frozen=True, slots=True)
class AuthorFields:
    """One author's row of the form."""

    name: str = ""
    """The author's name."""
    affiliation: str = ""
    """The author's position, printed in the byline."""
    bio: str = ""
    """The author's short biography."""

    @property
    def blank(self) -> bool:
        """Return True when the row is empty (the spare row left unused)."""
        return not (self.name.strip() or self.affiliation.strip() or self.bio.strip())


@dataclass(frozen=True, slots=True)
class ArticleForm:
    """The values of the article form, as text, exactly as the editor typed them."""

    title: str = ""
    """The headline."""
    number: str = ""
    """The issue number."""
    date: str = ""
    """The date, YYYY-MM-DD."""
    kicker: str = ""
    """The category above the title."""
    summary: str = ""
    """The teaser paragraph."""
    lang: str = ""
    """The BCP 47 language tag."""
    authors: tuple[AuthorFields, ...] = ()
    """The authors, in order."""
    body: str = ""
    """The body in Markdown."""
    kept: Mapping[str, Any] = field(default_factory=dict)
    """The front matter the form does not edit (series, subtitle, keywords), kept as read."""

    def author_rows(self) -> tuple[AuthorFields, ...]:
        """Return the authors and a spare empty row, for the form."""
        return (*self.authors, *(AuthorFields() for _ in range(EXTRA_AUTHOR_ROWS)))


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """Return a file's front matter as data and its body; raise InputError if unreadable."""
    match = FRONT_MATTER.match(text)
    if match is None:
        return {}, text
    try:
        data = yaml.load(match[1], Loader=_TextDates)
    except yaml.YAMLError as error:
        problem = getattr(error, "problem", None) or "invalid YAML"
        raise InputError(f"broken YAML: {problem}", where="front matter") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise InputError("must be 'key: value' lines, not a single value", where="front matter")
    return data, text[match.end() :].lstrip("\n")


def form_from_text(text: str) -> ArticleForm:
    """Return the form's values for an article file."""
    front, body = split_front_matter(text)
    return ArticleForm(
        title=_text(front.get("title")),
        number=_text(front.get("number")),
        date=_text(front.get("date")),
        kicker=_text(front.get("kicker")),
        summary=_text(front.get("summary")),
        lang=_text(front.get("lang")),
        authors=tuple(_author(item) for item in _list(front.get("authors"))),
        body=body,
        kept={key: value for key, value in front.items() if key not in FORM_KEYS},
    )


def form_from_post(fields: Mapping[str, Any], kept: Mapping[str, Any]) -> ArticleForm:
    """Return the form's values from a posted form; `kept` is the front matter it leaves."""

    def value(name: str) -> str:
        raw = fields.get(name, "")
        return raw.replace("\r\n", "\n") if isinstance(raw, str) else ""

    authors = []
    for index in range(100):
        if f"author-{index}-name" not in fields:
            break
        row = AuthorFields(
            value(f"author-{index}-name").strip(),
            value(f"author-{index}-affiliation").strip(),
            value(f"author-{index}-bio").strip(),
        )
        if not row.blank:
            authors.append(row)
    return ArticleForm(
        title=value("title").strip(),
        number=value("number").strip(),
        date=value("date").strip(),
        kicker=value("kicker").strip(),
        summary=value("summary").strip(),
        lang=value("lang").strip(),
        authors=tuple(authors),
        body=value("body"),
        kept=dict(kept),
    )


def field_errors(form: ArticleForm) -> dict[str, str]:
    """Return what is wrong with the form, by field name; empty when all is well."""
    errors = field_faults(form)
    if errors:
        return errors
    text = compose(form)
    try:
        validate(read_markdown(text))
    except InputError as error:
        name, message = _place(error, body_offset(text))
        errors[name] = message
    return errors


def field_faults(form: ArticleForm) -> dict[str, str]:
    """Return what is wrong with the form's fields themselves, before the article is read."""
    errors: dict[str, str] = {}
    if not form.title:
        errors["title"] = "the title is empty"
    if form.number and not (form.number.isdigit() and int(form.number) >= 1):
        errors["number"] = f"{form.number!r} is not a positive whole number"
    if form.date:
        try:
            datetime.date.fromisoformat(form.date)
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", form.date):
                raise ValueError(form.date)
        except ValueError:
            errors["date"] = f"{form.date!r} is not a date (YYYY-MM-DD)"
    if form.lang and not LANGUAGE_TAG.match(form.lang):
        errors["lang"] = f"{form.lang!r} is not a BCP 47 language tag (for example en, ja, pt-BR)"
    for index, author in enumerate(form.authors):
        if not author.name:
            errors[f"author-{index}-name"] = "the author has no name"
    return errors


def form_fields(form: ArticleForm) -> dict[str, str]:
    """Return the form's fields by name, as the page's inputs hold them (no spare row)."""
    fields = {
        "title": form.title,
        "number": form.number,
        "date": form.date,
        "kicker": form.kicker,
        "summary": form.summary,
        "lang": form.lang,
        "body": form.body,
    }
    for index, author in enumerate(form.authors):
        fields[f"author-{index}-name"] = author.name
        fields[f"author-{index}-affiliation"] = author.affiliation
        fields[f"author-{index}-bio"] = author.bio
    return fields


def field_of_error(message: str, line: int | None, offset: int) -> tuple[str, str, int | None]:
    """Return the field an error of a composed file lies in, its message, and its line there.

    `message` is the error as the proof gives it, `line` the line of the file it names,
    `offset` the lines before the body; a line of the body is counted within the body.
    """
    shown = PROOF_ERROR_PREFIX.sub("", message, count=1)
    if line is not None and line > offset:
        within = line - offset
        return "body", shown.replace(f"line {line}", f"line {within}", 1), within
    what = FRONT_MATTER_PLACE.sub("", shown, count=1)
    match = FIELD_OF_WHERE.match(what)
    if match is not None:
        key, index = match[1], match[2]
        if key == "authors" and index is not None:
            return f"author-{index}-name", what, None
        if key in FORM_KEYS and key != "authors":
            return key, what, None
    return "form", shown, None


def compose(form: ArticleForm) -> str:
    """Return the article file for the form: front matter in the usual order, then the body."""
    front: dict[str, Any] = dict(form.kept)
    front.update(
        {
            "number": int(form.number) if form.number.isdigit() else form.number,
            "date": form.date,
            "kicker": form.kicker,
            "title": form.title,
            "authors": [_author_data(author) for author in form.authors],
            "summary": form.summary,
            "lang": form.lang,
        }
    )
    return dump_article(front, form.body)


def dump_article(front: Mapping[str, Any], body: str) -> str:
    """Return an article file: the front matter in the usual order, empty values left out."""
    ordered = {key: front[key] for key in FRONT_MATTER_KEYS if key in front}
    ordered.update({k: v for k, v in front.items() if k not in ordered})
    if isinstance(ordered.get("date"), str):
        ordered["date"] = _date(ordered["date"])
    kept = {key: value for key, value in ordered.items() if value not in ("", [], None)}
    header = yaml.safe_dump(kept, sort_keys=False, allow_unicode=True, width=100)
    return f"---\n{header}---\n\n{body.strip(chr(10))}\n"


def body_offset(text: str) -> int:
    """Return the number of lines of an article file before its body (as the form shows it)."""
    match = FRONT_MATTER.match(text)
    if match is None:
        return 0
    rest = text[match.end() :]
    return text[: match.end()].count("\n") + len(rest) - len(rest.lstrip("\n"))


def _place(error: InputError, offset: int) -> tuple[str, str]:
    """Return the form field an error of the composed file concerns, and its message."""
    if error.where.startswith("line "):
        line = int(error.where.split()[1]) - offset
        return "body", f"line {line}: {error.what}"
    where = error.where if error.where != "front matter" else error.what
    match = FIELD_OF_WHERE.match(where)
    if match is not None:
        key, index = match[1], match[2]
        if key == "authors" and index is not None:
            return f"author-{index}-name", error.what
        if key in FORM_KEYS and key != "authors":
            return key, error.what
    if error.where.startswith("front matter"):
        return "form", str(error)
    return "body", str(error)


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _author(item: Any) -> AuthorFields:
    if isinstance(item, dict):
        return AuthorFields(
            _text(item.get("name")), _text(item.get("affiliation")), _text(item.get("bio"))
        )
    return AuthorFields(name=_text(item))


def _author_data(author: AuthorFields) -> dict[str, str]:
    data = {"name": author.name, "affiliation": author.affiliation, "bio": author.bio}
    return {key: value for key, value in data.items() if value}


def _date(text: str) -> datetime.date | str:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        return text
