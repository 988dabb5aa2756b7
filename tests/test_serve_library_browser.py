"""The library in a real browser: search as you type, orders, rename, duplicate, delete and
bring back, editions and what changed since their translation; by keyboard, at 4.5:1
contrast and at phone width.

Playwright drives Debian's Chromium; screenshots go to test-artifacts/serve/library-*.png.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.test_serve_api import article_folder, running_server
from tests.test_serve_history import commits
from tests.translation import translated_docx

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts" / "serve"
JAPAN = "japan-rok-relations.md"
RICH = "rich-article.md"
RICH_TITLE = "Rivers Without Borders: Đà Nẵng, Ōsaka and the Mekong's Data Gap"
PHONE = {"width": 375, "height": 812}
OTHER = """---
title: Ärzte am Fluss
number: 700
date: 2024-01-15
lang: pt-BR
authors: [Kenji Ōtani]
---

Ein kurzer Text.
"""

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="Debian's Chromium is not installed (make setup installs it)"
)

CONTRAST = """
(root) => {
  // WCAG 2 contrast of every text shown under `root` against what is painted behind it.
  const parse = (value) => {
    const parts = value.match(/[\\d.]+/g).map(Number);
    return { r: parts[0], g: parts[1], b: parts[2], a: parts.length > 3 ? parts[3] : 1 };
  };
  const over = (top, below) => ({
    r: top.r * top.a + below.r * (1 - top.a),
    g: top.g * top.a + below.g * (1 - top.a),
    b: top.b * top.a + below.b * (1 - top.a),
    a: 1,
  });
  const background = (element) => {
    const layers = [];
    for (let node = element; node; node = node.parentElement) {
      const colour = parse(getComputedStyle(node).backgroundColor);
      if (colour.a > 0) layers.push(colour);
      if (colour.a >= 1) break;
    }
    let painted = { r: 255, g: 255, b: 255, a: 1 };
    for (const layer of layers.reverse()) painted = over(layer, painted);
    return painted;
  };
  const opacity = (element) => {
    let found = 1;
    for (let node = element; node; node = node.parentElement) {
      found *= Number(getComputedStyle(node).opacity);
    }
    return found;
  };
  const luminance = (c) => {
    const channel = (v) => {
      const s = v / 255;
      return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
  };
  const ratio = (a, b) => {
    const [dark, light] = [luminance(a), luminance(b)].sort((x, y) => x - y);
    return (light + 0.05) / (dark + 0.05);
  };
  const found = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const seen = new Set();
  for (let text = walker.nextNode(); text; text = walker.nextNode()) {
    const element = text.parentElement;
    if (!text.textContent.trim() || !element || seen.has(element)) continue;
    seen.add(element);
    if (element.closest("[hidden], script, style, option, [disabled], dialog:not([open])")) {
      continue;
    }
    const style = getComputedStyle(element);
    if (style.visibility !== "visible" || !element.getClientRects().length) continue;
    const back = background(element);
    const colour = parse(style.color);
    colour.a *= opacity(element);
    const shown = over(colour, back);
    found.push({
      text: text.textContent.trim().slice(0, 40),
      tag: element.tagName.toLowerCase(),
      classes: element.className,
      ratio: Math.round(ratio(shown, back) * 100) / 100,
    });
  }
  return found;
}
"""


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return article_folder(tmp_path_factory.mktemp("library"))


@pytest.fixture(scope="module")
def app_url(folder: Path) -> Iterator[str]:
    (folder / "de.md").write_text(OTHER, encoding="utf-8")
    with running_server(folder, jobs=1) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM))
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture(scope="module")
def page(browser: Browser, app_url: str) -> Iterator[Page]:
    context = browser.new_context(base_url=app_url, viewport={"width": 1300, "height": 900})
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture(scope="module")
def phone(browser: Browser, app_url: str) -> Iterator[Page]:
    context = browser.new_context(
        base_url=app_url, viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True
    )
    try:
        yield context.new_page()
    finally:
        context.close()


def listed(page: Page) -> list[str]:
    """Return the file names of the rows the library shows, in their order."""
    return page.eval_on_selector_all("tr[data-name]", "rows => rows.map(r => r.dataset.name)")


def create(page: Page, name: str, text: str) -> None:
    """Write a new article through the API, as another editor would."""
    answer = page.request.put(f"/api/articles/{name}", data=text, headers={"if-none-match": "*"})
    assert answer.status == 201, answer.text()


def add_line(page: Page, name: str, line: str) -> None:
    """Save an article with a paragraph added, through the API."""
    current = page.request.get(f"/api/articles/{name}")
    answer = page.request.put(
        f"/api/articles/{name}",
        data=current.text() + f"\n{line}\n",
        headers={"if-match": current.headers["etag"]},
    )
    assert answer.status == 200, answer.text()


def contrast(first: str, second: str) -> float:
    """Return the WCAG contrast ratio of two CSS rgb() colours."""

    def luminance(colour: str) -> float:
        channels = [float(v) / 255 for v in re.findall(r"[\d.]+", colour)[:3]]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    dark, light = sorted((luminance(first), luminance(second)))
    return (light + 0.05) / (dark + 0.05)


def low_contrast(found: list[dict[str, Any]], least: float = 4.5) -> list[dict[str, Any]]:
    return [item for item in found if item["ratio"] < least]


def test_the_search_filters_as_you_type_and_the_address_follows(page: Page) -> None:
    page.goto("/")
    assert set(listed(page)) == {JAPAN, RICH, "de.md"}
    expect(page.locator("#shelf-count")).to_have_text("3 articles in this folder")
    page.evaluate("window.notReloaded = true")
    page.locator("#search").press_sequentially("ōtani", delay=40)
    expect(page.locator("tr[data-name]")).to_have_count(2)
    assert set(listed(page)) == {RICH, "de.md"}
    page.locator("#search").press_sequentially(" 700", delay=40)
    expect(page.locator("tr[data-name]")).to_have_count(1)
    assert listed(page) == ["de.md"]
    expect(page).to_have_url(re.compile(r"/\?q=%C5%8Dtani\+700$"))
    expect(page.locator("#shelf-count")).to_have_text("1 article holds “ōtani 700”")
    expect(page.locator("#shelf-count")).to_have_attribute("aria-live", "polite")
    assert page.evaluate("window.notReloaded") is True, "the page was loaded again"
    page.screenshot(path=ARTIFACTS / "library-search.png", full_page=True)

    page.fill("#search", "nothing-holds-this")
    expect(page.locator("tbody")).to_contain_text("No article holds “nothing-holds-this”")
    expect(page.locator("#shelf-count")).to_have_text("0 articles hold “nothing-holds-this”")
    # The address typed is the same list, loaded whole: the search works without scripts.
    page.goto("/?q=rivers")
    assert listed(page) == [RICH]
    page.fill("#search", "")
    expect(page.locator("tr[data-name]")).to_have_count(3)
    expect(page).to_have_url(re.compile(r"/$"))


def test_the_orders_change_the_list_and_say_which_is_used(page: Page) -> None:
    page.goto("/")
    page.get_by_role("link", name="title", exact=True).click()
    expect(page.locator("th[aria-sort=ascending]")).to_have_text("Title")
    assert listed(page) == ["de.md", RICH, JAPAN]
    current = page.locator(".sorts a[aria-current=true]")
    expect(current).to_have_text("title (ascending)")
    current.click()
    expect(page.locator("th[aria-sort=descending]")).to_have_text("Title")
    assert listed(page) == [JAPAN, RICH, "de.md"]
    page.get_by_role("link", name="language").click()
    expect(page.locator("th[aria-sort=ascending]")).to_have_text("Lang")
    assert listed(page) == [JAPAN, RICH, "de.md"]  # en, en, pt-BR
    page.get_by_role("link", name="number").click()
    assert listed(page) == ["de.md", RICH, JAPAN]  # most first, none last
    # A search keeps the order chosen.
    page.locator("#search").press_sequentially("otani", delay=30)
    expect(page.locator("tr[data-name]")).to_have_count(2)
    assert listed(page) == ["de.md", RICH]
    expect(page).to_have_url(re.compile(r"/\?q=otani&sort=number$"))
    page.screenshot(path=ARTIFACTS / "library-sorted.png", full_page=True)


def test_rename_duplicate_delete_and_bring_back(page: Page, folder: Path) -> None:
    create(page, "round-trip.md", "---\ntitle: A Round Trip\nlang: en\n---\n\nSome text.\n")
    page.goto("/?q=round")
    row = page.locator("tr[data-name='round-trip.md']")

    # A name refused is said beside its field, nothing is sent.
    row.locator(".rename summary").click()
    field = row.get_by_label("New file name of A Round Trip")
    for typed, said in (
        ("drafts/round.md", "drafts/round.md is not an article file name: it holds a slash"),
        ("round", "round is not an article file name: it must end in .md"),
    ):
        field.fill(typed)
        row.get_by_role("button", name="Rename A Round Trip").click()
        expect(row.locator(".field-error")).to_contain_text(said)
        expect(field).to_have_attribute("aria-invalid", "true")
        expect(field).to_be_focused()
    page.screenshot(path=ARTIFACTS / "library-rename-refused.png", full_page=True)
    assert (folder / "round-trip.md").exists()
    field.fill("trip.md")
    expect(row.locator(".field-error")).to_be_hidden()
    row.get_by_role("button", name="Rename A Round Trip").click()
    page.wait_for_url("**/articles/trip.md")
    assert (folder / "trip.md").exists() and not (folder / "round-trip.md").exists()

    page.goto("/?q=trip")
    page.get_by_role("button", name="Duplicate A Round Trip").click()
    page.wait_for_url("**/articles/a-round-trip.md")
    assert (folder / "a-round-trip.md").read_bytes() == (folder / "trip.md").read_bytes()

    # Delete asks first; keeping it deletes nothing and gives the focus back.
    page.goto("/?q=trip")
    row = page.locator("tr[data-name='trip.md']")
    row.get_by_role("button", name="Delete A Round Trip").click()
    dialog = page.locator("#confirm-delete")
    expect(dialog).to_be_visible()
    expect(dialog.locator("h2")).to_have_text("Delete “A Round Trip”?")
    expect(page.locator("#confirm-delete-no")).to_be_focused()
    page.screenshot(path=ARTIFACTS / "library-delete-asks.png")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    assert (folder / "trip.md").exists()
    expect(row.get_by_role("button", name="Delete A Round Trip")).to_be_focused()

    row.get_by_role("button", name="Delete A Round Trip").click()
    page.locator("#confirm-delete-yes").click()
    page.wait_for_url("**/?deleted=trip.md")
    assert not (folder / "trip.md").exists()
    notice = page.locator("#done")
    expect(notice).to_contain_text("Deleted “A Round Trip” (trip.md)")
    expect(notice).to_be_focused()
    expect(page.locator("#deleted")).to_contain_text("trip.md, deleted")
    page.screenshot(path=ARTIFACTS / "library-deleted.png", full_page=True)

    page.get_by_role("button", name="Undo: bring back A Round Trip").click()
    page.wait_for_url("**/?restored=trip.md")
    expect(page.locator("#done")).to_contain_text("Brought back A Round Trip (trip.md)")
    assert (folder / "trip.md").read_text(encoding="utf-8").startswith("---\ntitle: A Round Trip")
    assert "trip.md" in listed(page)

    subjects = [c.message.decode().split("\n")[0] for c in commits(folder)][:5]
    assert subjects == [
        "Bring back trip.md",
        "Delete trip.md",
        "Create a-round-trip.md as a copy of trip.md",
        "Rename round-trip.md to trip.md",
        "Create round-trip.md",
    ], subjects


def test_a_translation_is_its_articles_edition_then_outdated_with_what_changed(
    page: Page, folder: Path, tmp_path: Path
) -> None:
    docx = page.request.get(f"/articles/{RICH}/download/docx")
    assert docx.ok, docx.text()
    returned = tmp_path / "rivers-ja.docx"
    returned.write_bytes(translated_docx(docx.body()))
    page.goto("/")
    page.set_input_files("#import-file", returned)
    page.fill("#import-lang", "ja")
    page.get_by_role("button", name="Import").click()
    page.wait_for_url("**/articles/rich-article.ja.md")
    assert (folder / "rich-article.ja.md").exists()

    page.goto("/")
    source = page.locator(f"tr[data-name='{RICH}']")
    expect(source.locator(".editions a[hreflang=ja]")).to_have_attribute(
        "href", "/articles/rich-article.ja.md"
    )
    expect(source).not_to_contain_text("outdated")
    edition = page.locator("tr[data-name='rich-article.ja.md']")
    expect(edition.locator(".edition-of")).to_contain_text(f"ja edition of {RICH}")
    expect(edition.locator(".edition-of a")).to_have_attribute("href", f"/articles/{RICH}")
    expect(edition).not_to_contain_text("Outdated")

    add_line(page, RICH, "A paragraph added after the translation.")
    page.goto("/")
    expect(source.locator(".editions")).to_contain_text("ja (outdated) what changed")
    expect(edition.locator(".outdated")).to_have_text("Outdated")
    expect(edition).to_contain_text("its source changed since it was translated")
    page.screenshot(path=ARTIFACTS / "library-outdated.png", full_page=True)
    edition.get_by_role("link", name=re.compile("^What changed since")).click()
    page.wait_for_url("**/articles/rich-article.ja.md/changes")
    changes = page.locator("section.changes")
    expect(changes.locator("h2")).to_contain_text("Japanese edition")
    expect(changes.locator(".state")).to_contain_text(f"Outdated: {RICH} changed since")
    added = changes.locator("tr.added")
    expect(added.last).to_contain_text("+ added")
    expect(added.last.locator("ins")).to_have_text("A paragraph added after the translation.")
    page.screenshot(path=ARTIFACTS / "library-changes.png", full_page=True)


def focus_ring() -> str:
    return """() => {
      const el = document.activeElement;
      const style = getComputedStyle(el);
      const label = el.getAttribute("aria-label") || el.textContent.trim().replace(/\\s+/g, " ");
      return { tag: el.tagName.toLowerCase(), id: el.id, label: label.slice(0, 80),
               visible: el.matches(":focus-visible"),
               outline: style.outlineStyle, width: parseFloat(style.outlineWidth),
               colour: style.outlineColor };
    }"""


def test_the_keyboard_reaches_every_control_with_a_visible_focus(page: Page) -> None:
    page.goto("/")
    page.locator("body").click(position={"x": 5, "y": 300})
    reached: list[dict[str, Any]] = []
    for _ in range(120):
        page.keyboard.press("Tab")
        focused = page.evaluate(focus_ring())
        if reached and focused == reached[0]:
            break
        reached.append(focused)
        if focused["tag"] == "body":
            break
    labels = [item["label"] for item in reached]
    ids = [item["id"] for item in reached]
    assert "search" in ids
    for order in ("title", "number", "date", "language", "last change", "length"):
        assert order in labels, labels
    for title in (RICH_TITLE, "Ärzte am Fluss"):
        for action in ("Duplicate", "Delete"):
            assert f"{action} {title}" in labels, labels
        assert f"Rename {title}" in labels, labels
    for item in reached:
        if item["tag"] == "body":
            continue
        assert item["visible"], item
        assert item["outline"] == "solid" and item["width"] >= 2, item

    # The rename opens from the keyboard, its field next.
    page.locator(".rename summary").first.focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "to"
    page.get_by_role("button", name=f"Delete {RICH_TITLE}").focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    page.screenshot(path=ARTIFACTS / "library-focus.png")


def test_the_focus_ring_stands_out_from_what_is_around_it(page: Page) -> None:
    page.goto("/")
    for target in ("#search", ".sorts a", ".home", "button[aria-label^=Delete]"):
        page.locator(target).first.focus()
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Tab")
        ratio = page.evaluate(
            """() => {
              const el = document.activeElement;
              const rgb = (v) => v.match(/[\\d.]+/g).slice(0, 3).map(Number);
              const lum = (c) => {
                const [r, g, b] = c.map((v) => {
                  const s = v / 255;
                  return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
                });
                return 0.2126 * r + 0.7152 * g + 0.0722 * b;
              };
              let node = el.parentElement;
              while (node && rgb(getComputedStyle(node).backgroundColor).length &&
                     getComputedStyle(node).backgroundColor.endsWith(", 0)")) {
                node = node.parentElement;
              }
              const back = rgb(getComputedStyle(node || document.body).backgroundColor);
              const ring = rgb(getComputedStyle(el).outlineColor);
              const [a, b] = [lum(ring), lum(back)].sort((x, y) => x - y);
              return (b + 0.05) / (a + 0.05);
            }"""
        )
        assert ratio >= 3, (target, ratio)


def test_every_text_has_a_contrast_of_4_5_to_1(page: Page) -> None:
    page.goto("/")
    # The check itself finds a grey too light on white.
    page.evaluate(
        """() => {
          const probe = document.createElement("p");
          probe.id = "probe";
          probe.style.cssText = "color: #999; background: #fff";
          probe.textContent = "too light";
          document.querySelector("main").append(probe);
        }"""
    )
    found = page.evaluate(CONTRAST, page.locator("#probe").element_handle())
    assert [item["text"] for item in low_contrast(found)] == ["too light"]

    for address in (
        "/",
        "/?deleted=trip.md",
        "/articles/rich-article.ja.md/changes",
        f"/articles/{JAPAN}",
    ):
        page.goto(address)
        if address == "/":
            page.locator(".rename summary").first.click()
        found = page.evaluate(CONTRAST, page.locator("body").element_handle())
        assert len(found) > 20, found
        assert low_contrast(found) == [], (address, low_contrast(found))
    page.goto("/")
    # A field's edge stands out at 3:1 from the page, so that it is seen as a field.
    edges = page.eval_on_selector_all(
        "input:not([type=hidden])",
        "fields => fields.map(f => [f.id, getComputedStyle(f).borderTopColor])",
    )
    for field, colour in edges:
        assert contrast(colour, "rgb(255, 255, 255)") >= 3, (field, colour)
        assert contrast(colour, "rgb(244, 246, 248)") >= 3, (field, colour)
    page.locator(".delete-form button").first.click()
    found = page.evaluate(CONTRAST, page.locator("#confirm-delete").element_handle())
    assert len(found) >= 3 and low_contrast(found) == [], found
    page.keyboard.press("Escape")


@pytest.mark.parametrize(
    "address", ["/", "/?q=rivers&sort=title", "/articles/rich-article.md/changes"]
)
def test_at_phone_width_nothing_scrolls_sideways(phone: Page, address: str) -> None:
    phone.goto(address)
    if address == "/":
        phone.locator(".rename summary").first.click()
    widths = phone.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], widths
    overflowing = phone.eval_on_selector_all(
        "main td, main li, main p",
        "cells => cells.filter(c => c.scrollWidth > c.clientWidth + 1).map(c => c.outerHTML)",
    )
    assert overflowing == [], overflowing
    row = phone.locator("tr[data-name]").first
    if row.count():
        box = row.bounding_box()
        assert box is not None and box["width"] <= PHONE["width"]
        for button in row.locator("button:visible").all():
            button_box = button.bounding_box()
            assert button_box is not None
            assert button_box["x"] + button_box["width"] <= PHONE["width"], button_box
            assert button_box["height"] >= 24, button_box  # a finger can hit it
    name = "library-phone" + re.sub(r"\W+", "-", address).rstrip("-") + ".png"
    phone.screenshot(path=ARTIFACTS / name, full_page=True)


def test_the_first_tab_offers_to_skip_to_the_content(page: Page) -> None:
    page.goto("/articles/" + JAPAN + "/changes")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to the content")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box is not None and box["y"] >= 0, "the skip link is focused out of sight"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null")
