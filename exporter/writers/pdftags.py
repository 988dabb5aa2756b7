"""Structure elements of the tagged PDF: the languages and roles WeasyPrint does not give.

WeasyPrint 70 tags the PDF (PDF/UA) from the HTML elements' names alone. It gives only
the document its language: a passage in another language (`[岸田]{lang=ja}`) or a series
text printed in English in a French edition would be read aloud in the document's
language. And it knows nothing of the bulletin's classes: a note is a `Div`, a list's
number drawn as `::before` text a `NonStruct`, the pull quote's `<aside>` a `NonStruct`,
the publisher block real content. No option or hook of WeasyPrint sets these, so its
structure builder (`weasyprint.pdf.tags._build_box_tree`, which recurses through the
module's own name) is wrapped here, and each structure element it makes is given:

- `/Lang`, for a box whose element carries `lang`;
- `Lbl`, for a list item's `::before` (its number or bullet; `exporter.writers.structure`
  moves it out of the item's `LBody`, beside it);
- `Note` with a unique `/ID`, for a note (`div.note`), PDF/UA-1's type for a foot- or
  endnote (`FENote` is PDF 2.0's, which the bulletin is not); its call, a `Link` to it,
  is wrapped in a `Reference`, PDF 1.7's type for a citation of content elsewhere;
- `Aside`, for the pull quote: PDF 2.0's type for content set apart from the flow. PDF 1.7
  has no such type, so the role map maps it to `Div`, the standard grouping type: not to
  `Note` (a note, which PDF/UA wants with an ID, and which a reader announces as one) nor
  `BlockQuote` (words of another author). A pull quote that repeats the body's words is
  `aria-hidden` in the HTML, and is an artifact here, as screen readers skip it;
- `/ListNumbering` on lists (`Decimal` or `Disc`), which their labels spell;
- `/Scope` on table header cells (`Column`, or `Row` for `scope="row"`), whose `/ID`
  WeasyPrint gives and data cells reference with `/Headers`;
- `/ActualText` on superscripts and subscripts, which extract as plain digits ("10" and
  "8" read "108"): the text in Unicode's superscript or subscript characters where it
  has them all ("10⁸", "H₂O"), else marked "^" or "_" before it; and on the kicker, set in
  small capitals from lower case, its words as written ("Analysis", not "analysis");
- nothing, for the publisher block (the series' standing text at the foot of page 2,
  printed the same in every bulletin) and an `aria-hidden` element: their elements are
  left out of the tree, as WeasyPrint leaves out the page-margin boxes, and their content
  is marked as artifacts by `exporter.writers.structure`; but for the series' web address
  (`.web`), a link a reader may follow, which a PDF/UA link must be in the tree to be:
  its paragraph joins the tree where the publisher block would have been.

The masthead band is drawn as an artifact by WeasyPrint already (backgrounds and borders
are); its wordmark and publisher's name stay content, the series' name being said nowhere
else on page 1. The wrapper is installed once, on first use, and only where the function
has the shape it expects; the project pins WeasyPrint to one major version.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterator
from typing import Any

from exporter.writers.hooks import expected

EXPECTED = ["box", "parent", "pdf", "page_number", "nums", "annotations", "tags"]
ARTIFACT_CLASSES = {"publisher-block"}
"""Classes of the elements whose content is marked as artifacts, not tagged."""
KEPT_CLASSES = {"web"}
"""Classes of the elements inside an artifact's that stay in the tree (they hold links)."""
LIST_NUMBERING = {"ol": "/Decimal", "ul": "/Disc"}
"""How the layout labels the items of each kind of list (`bulletin.css.j2`)."""
SCRIPTS = {
    "sup": ("^", str.maketrans("0123456789+-=()ni", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱ")),
    "sub": ("_", str.maketrans("0123456789+-=()", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎")),
}
"""For superscripts and subscripts: the mark before one Unicode cannot write, and its
characters in Unicode's superscript or subscript forms."""
SPELLED_CLASSES = {"kicker"}
"""Classes of the elements whose printed letters are not their text (small capitals)."""
ASIDE = "Aside"
"""The pull quote's role, mapped to `Div` in the role map (PDF 1.7 has no Aside)."""
_installed = False
_note_ids: weakref.WeakKeyDictionary[Any, set[str]] = weakref.WeakKeyDictionary()
_given: weakref.WeakKeyDictionary[Any, set[tuple[int, str, int]]] = weakref.WeakKeyDictionary()
_kept: weakref.WeakKeyDictionary[Any, list[list[Any]]] = weakref.WeakKeyDictionary()
"""Per PDF, for each artifact being built (innermost last), the elements kept from it."""


def install() -> None:
    """Make WeasyPrint write the languages and roles the bulletin's elements need."""
    global _installed
    if _installed:
        return
    _installed = True
    import pydyf
    from weasyprint.pdf import tags

    original = expected(
        tags,
        "_build_box_tree",
        EXPECTED,
        "WeasyPrint's tagging is not as expected: passages keep the page's language",
    )
    if original is None:
        return

    def build(box: Any, parent: Any, pdf: Any, *rest: Any) -> Iterator[Any]:
        element = getattr(box, "element", None)
        if element is None:
            yield from _original(box, parent, pdf, *rest)
            return
        element_tag = str(getattr(box, "element_tag", ""))
        classes = set((element.get("class") or "").split())
        artifacts = _kept.setdefault(pdf, [])
        if classes & ARTIFACT_CLASSES or element.get("aria-hidden") == "true":
            kept: list[Any] = []
            artifacts.append(kept)
            try:
                for _ in _original(box, parent, pdf, *rest):
                    pass  # made, so that WeasyPrint maps its content, but out of the tree
            finally:
                artifacts.pop()
            for made in kept:
                made["P"] = parent.reference
                yield made
            return
        lang = element.get("lang")
        own = lang and element_tag not in ("html", "body")
        for made in _original(box, parent, pdf, *rest):
            if own and "Lang" not in made:
                made["Lang"] = pydyf.String(lang)
            result = _role(made, element, element_tag, classes, parent, pdf, rest[0])
            if artifacts and classes & KEPT_CLASSES:
                artifacts[-1].append(result)
            yield result

    def _role(
        made: Any,
        element: Any,
        element_tag: str,
        classes: set[str],
        parent: Any,
        pdf: Any,
        page: int,
    ) -> Any:
        """Return the element made for a box, given its role (or wrapped in one)."""
        role = made["S"]
        if element_tag in SCRIPTS or classes & SPELLED_CLASSES:
            return _actual_text(made, element, element_tag, pdf, page)
        if role == "/TH":
            made["A"]["Scope"] = "/Row" if element.get("scope") == "row" else "/Column"
            return made
        if role == "/L" and element_tag in LIST_NUMBERING and "A" not in made:
            numbering = LIST_NUMBERING[element_tag]
            made["A"] = pydyf.Dictionary({"O": "/List", "ListNumbering": numbering})
            return made
        if element_tag == "li::before":
            wanted = "/Lbl"
        elif element_tag == "div" and "note" in classes:
            wanted = "/Note"
        elif element_tag == "aside" and "pullquote" in classes:
            wanted = f"/{ASIDE}"
        elif role == "/Link" and "note-ref" in classes:
            wanted = "/Reference"
        else:
            return made
        # An element's anonymous boxes make elements of their own, the innermost first:
        # the role goes to one of them on each page.
        given = _given.setdefault(pdf, set())
        if (id(element), element_tag, page) in given:
            return made
        given.add((id(element), element_tag, page))
        if wanted != "/Reference":
            made["S"] = wanted
            if wanted == "/Note":
                made["ID"] = pydyf.String(_unique(pdf, element.get("id") or "note"))
            return made
        reference = pydyf.Dictionary(
            {
                "Type": "/StructElem",
                "S": "/Reference",
                "K": pydyf.Array([made.reference]),
                "Pg": made["Pg"],
                "P": parent.reference,
            }
        )
        pdf.add_object(reference)
        made["P"] = reference.reference
        return reference

    _original: Callable[..., Iterator[Any]] = original
    tags._build_box_tree = build


def _actual_text(made: Any, element: Any, element_tag: str, pdf: Any, page: int) -> Any:
    """Give the element made for a superscript, subscript or kicker the text it stands for.

    Once per element and page: its anonymous boxes make elements of their own.
    """
    import pydyf

    given = _given.setdefault(pdf, set())
    if (id(element), element_tag, page) in given:
        return made
    given.add((id(element), element_tag, page))
    text = " ".join("".join(element.itertext()).split())
    if element_tag in SCRIPTS:
        mark, forms = SCRIPTS[element_tag]
        written = text.translate(forms)
        text = written if written != text and not set(written) & set(text) else mark + text
        if made["S"] == "/NonStruct":
            made["S"] = "/Span"
    made["ActualText"] = pydyf.String(text)
    return made


def _unique(pdf: Any, wanted: str) -> str:
    """Return `wanted`, or `wanted-2`, `-3`...: a note split across pages is two elements."""
    used = _note_ids.setdefault(pdf, set())
    found, count = wanted, 1
    while found in used:
        count += 1
        found = f"{wanted}-{count}"
    used.add(found)
    return found
