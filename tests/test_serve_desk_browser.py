"""The article page as an editor's desk, in Debian's Chromium driven by Playwright.

The proof follows the typing without a reload, an error shows beside its field over the
last good proof greyed, the text saves itself (and on Ctrl+S) as commits, the history
compares and restores, nothing typed is lost on leaving, the pages open at reading size,
the downloads wait for an article that can be built; by keyboard, and at phone width.
Screenshots go to test-artifacts/serve/desk-*.png.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Dialog,
    Page,
    Route,
    expect,
    sync_playwright,
)

from exporter.serve.form import split_front_matter
from tests.test_serve_api import EXAMPLE, article_folder, running_server
from tests.test_serve_browser import ARTIFACTS, CHROMIUM, FILLS, SAVED, wait_for_proof
from tests.test_serve_drafts import example_parts
from tests.test_serve_history import commits

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="Debian's Chromium is not installed (make setup installs it)"
)
COPIES = (
    "typing.md",
    "errors.md",
    "saving.md",
    "merging.md",
    "history.md",
    "leaving.md",
    "returning.md",
    "cutting.md",
)
CONTRAST = """selectors => selectors.map(selector => {
  const element = document.querySelector(selector);
  if (!element || !element.offsetParent) return [selector, null];
  const rgb = text => text.match(/[\\d.]+/g).map(Number);
  const luminance = ([r, g, b]) => {
    const channel = c => {
      c /= 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  };
  let back = element, background = null;
  while (back) {
    const colour = rgb(getComputedStyle(back).backgroundColor);
    if (colour.length < 4 || colour[3] > 0) { background = colour; break; }
    back = back.parentElement;
  }
  const style = getComputedStyle(element);
  if (Number(style.opacity) < 1) return [selector, 0];
  const [a, b] = [luminance(rgb(style.color)), luminance(background || [255, 255, 255])];
  return [selector, (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)];
})"""


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = article_folder(tmp_path_factory.mktemp("desk-browser"))
    for name in COPIES:
        (target / name).write_bytes(EXAMPLE.read_bytes())
    return target


@pytest.fixture(scope="module")
def browser(folder: Path) -> Iterator[tuple[str, Browser]]:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with running_server(folder, jobs=2) as url, sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM))
        try:
            yield url, launched
        finally:
            launched.close()


@pytest.fixture(scope="module")
def context(browser: tuple[str, Browser]) -> Iterator[BrowserContext]:
    url, launched = browser
    made = launched.new_context(base_url=url, viewport={"width": 1400, "height": 1000})
    try:
        yield made
    finally:
        made.close()


@pytest.fixture
def page(context: BrowserContext) -> Iterator[Page]:
    opened = context.new_page()
    try:
        yield opened
    finally:
        opened.close()


COUNT_PROOFS = """(() => {
  const original = window.fetch;
  window.proofsAtOnce = { now: 0, most: 0, sent: 0 };
  window.fetch = (url, options) => {
    if (!String(url).endsWith("/proof")) return original(url, options);
    const count = window.proofsAtOnce;
    count.now += 1; count.sent += 1; count.most = Math.max(count.most, count.now);
    // Each answer held a second, as from a busy server: the typing outruns the proofs.
    return original(url, options)
      .then((answer) => new Promise((resolve) => setTimeout(() => resolve(answer), 1000)))
      .finally(() => { count.now -= 1; });
  };
})();"""


def open_article(page: Page, name: str) -> None:
    page.goto(f"/articles/{name}")
    wait_for_proof(page)


def caret_at_end_of_body(page: Page) -> None:
    page.evaluate(
        "() => { const b = document.getElementById('body'); b.focus();"
        " b.setSelectionRange(b.value.length, b.value.length); }"
    )


def insert_in_body(page: Page, text: str) -> None:
    """Insert text at the body's caret as typing does: one step of the browser's undo."""
    page.evaluate("text => document.execCommand('insertText', false, text)", text)


def wait_until(check: object, seconds: float, message: str) -> None:
    deadline = time.monotonic() + seconds
    while not check():  # type: ignore[operator]
        assert time.monotonic() < deadline, message
        time.sleep(0.05)


def test_typing_changes_the_proof_in_place(page: Page) -> None:
    open_article(page, "typing.md")
    page.evaluate("window.openedOnce = 'still this page'")
    before = page.get_attribute("#page-1", "src")
    page.evaluate(
        "() => { const b = document.getElementById('body'); b.focus();"
        " b.setSelectionRange(38, 38); }"
    )
    scrolled = page.evaluate("window.scrollY")
    page.keyboard.type("truly ")
    expect(page.locator("#page-1")).not_to_have_attribute("src", before or "", timeout=30_000)
    wait_for_proof(page)
    expect(page.locator("#fit")).to_have_text(FILLS)
    assert page.evaluate("window.openedOnce") == "still this page"  # no reload
    assert page.evaluate("document.activeElement.id") == "body"
    assert page.evaluate("document.getElementById('body').selectionStart") == 44
    assert page.evaluate("window.scrollY") == scrolled
    assert "truly " in page.input_value("#body")
    page.screenshot(path=ARTIFACTS / "desk-1-typed.png")


def test_one_proof_at_a_time_and_the_newest_shown(page: Page) -> None:
    page.add_init_script(COUNT_PROOFS)
    open_article(page, "typing.md")
    answers: list[str] = []
    page.on(
        "response",
        lambda response: (
            answers.append(response.json()["version"])
            if response.url.endswith("/proof") and response.status == 200
            else None
        ),
    )
    page.click("#kicker")
    page.keyboard.type(" and more", delay=340)  # each key past the proof's delay
    page.wait_for_function("() => window.proofsAtOnce.now === 0 && window.proofsAtOnce.sent > 0")
    wait_for_proof(page)
    page.wait_for_timeout(400)
    counted = page.evaluate("window.proofsAtOnce")
    assert counted["sent"] >= 3 and counted["most"] == 1, counted
    assert answers, "no proof was asked for"
    assert (page.get_attribute("#page-1", "src") or "").endswith("v=" + answers[-1])


def test_an_author_row_is_added_and_saved(page: Page, folder: Path) -> None:
    open_article(page, "saving.md")
    page.fill("#author-1-name", "Second Author")
    page.get_by_role("button", name="Add an author").click()
    expect(page.locator("#author-2-name")).to_be_focused()
    page.keyboard.type("Third Author")
    page.keyboard.press("Control+s")
    expect(page.locator("#save-status")).to_have_text(SAVED)
    front, _ = split_front_matter((folder / "saving.md").read_text(encoding="utf-8"))
    assert [a["name"] for a in front["authors"]][1:] == ["Second Author", "Third Author"]


def test_an_error_shows_beside_its_field_over_the_last_proof_greyed(page: Page) -> None:
    open_article(page, "errors.md")
    page.locator("#date").fill("2023-02-30")
    expect(page.locator("#date-error")).to_have_text("'2023-02-30' is not a date (YYYY-MM-DD)")
    expect(page.locator("#date")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#date")).to_have_attribute("aria-describedby", "date-error")
    expect(page.locator("#proof")).to_have_class(re.compile(r"\bstale\b"))
    expect(page.locator("#stale-note")).to_contain_text("Last good proof")
    expect(page.locator("#page-1")).to_be_visible()
    expect(page.locator("#download-pdf")).to_have_attribute("aria-disabled", "true")
    expect(page.locator("#download-reason")).to_have_text(
        "Cannot be built until the error is corrected."
    )
    page.screenshot(path=ARTIFACTS / "desk-2-error.png")
    ratios = dict(
        page.evaluate(
            CONTRAST,
            [
                "#stale-note",
                "#fit",
                "#date-error",
                "#download-reason",
                "#download-pdf",
                "#save-status",
                "#save-hint",
                "label[for=title]",
            ],
        )
    )
    assert all(ratio is not None and ratio >= 4.5 for ratio in ratios.values()), ratios

    page.locator("#date").fill("2023-02-03")
    expect(page.locator("#date-error")).to_have_count(0)
    original = page.input_value("#body")
    caret_at_end_of_body(page)
    page.keyboard.type("\n\nAn ![image](a.png) in text")
    expect(page.locator("#body-error")).to_contain_text("an image inside running text")
    shown = page.text_content("#body-error") or ""
    number = int(re.search(r"line (\d+)", shown)[1])  # type: ignore[index]
    assert page.input_value("#body").split("\n")[number - 1] == "An ![image](a.png) in text"
    expect(page.locator("#body")).to_have_attribute("aria-invalid", "true")
    # The browser's own undo takes the typing back: nothing set the text behind its back.
    for _ in range(40):
        if page.input_value("#body") == original:
            break
        page.keyboard.press("Control+z")
    assert page.input_value("#body") == original
    expect(page.locator("#body-error")).to_have_count(0, timeout=30_000)
    expect(page.locator("#proof")).not_to_have_class(re.compile(r"\bstale\b"), timeout=30_000)
    expect(page.locator("#download-pdf")).not_to_have_attribute("aria-disabled", "true")


def test_the_text_saves_itself_and_on_ctrl_s(page: Page, folder: Path) -> None:
    path = folder / "saving.md"
    open_article(page, "saving.md")
    logged = len(commits(folder)) if (folder / ".git").exists() else 0
    page.locator("#kicker").fill("Autosaved Kicker")
    expect(page.locator("#save-status")).to_have_text("Unsaved changes")
    assert "Autosaved Kicker" not in path.read_text(encoding="utf-8")
    expect(page.locator("#save-status")).to_have_text(SAVED, timeout=15_000)
    assert "kicker: Autosaved Kicker" in path.read_text(encoding="utf-8")
    assert len(commits(folder)) >= logged + 1
    assert b"saving.md" in commits(folder)[0].message
    versions = page.request.get("/api/articles/saving.md/history").json()["versions"]
    assert versions[0]["version"] == hashlib.sha256(path.read_bytes()).hexdigest()

    page.locator("#kicker").fill("Saved At Once")
    started = time.monotonic()
    page.keyboard.press("Control+s")
    wait_until(
        lambda: "Saved At Once" in path.read_text(encoding="utf-8"),
        2.0,
        "Ctrl+S did not save before the autosave would have",
    )
    assert time.monotonic() - started < 2.0
    expect(page.locator("#save-status")).to_have_text(SAVED)
    page.reload()  # the reload shows what was saved, and nothing to restore
    expect(page.locator("#kicker")).to_have_value("Saved At Once")
    expect(page.locator("#kept-draft")).to_be_hidden()


def test_a_save_made_meanwhile_is_merged_in_place(page: Page, folder: Path) -> None:
    open_article(page, "merging.md")
    page.evaluate("window.openedOnce = 'still this page'")
    other = page.context.new_page()
    try:
        open_article(other, "merging.md")
        other.locator("#kicker").fill("Their Kicker")
        other.keyboard.press("Control+s")
        expect(other.locator("#save-status")).to_have_text(SAVED)
    finally:
        other.close()
    page.locator("#summary").fill("My summary, saved second.")
    page.keyboard.press("Control+s")
    expect(page.locator("#save-status")).to_have_text(
        re.compile(r"^Saved .* with the changes saved meanwhile to the kicker kept$")
    )
    expect(page.locator("#kicker")).to_have_value("Their Kicker")
    assert page.evaluate("window.openedOnce") == "still this page"
    front, _ = split_front_matter((folder / "merging.md").read_text(encoding="utf-8"))
    assert (front["kicker"], front["summary"]) == ("Their Kicker", "My summary, saved second.")
    # Saved again from the merged version: no conflict, nothing asked.
    page.locator("#summary").fill("My summary, saved third.")
    page.keyboard.press("Control+s")
    expect(page.locator("#save-status")).to_have_text(SAVED)
    expect(page.locator("#save-status")).not_to_contain_text("meanwhile")
    assert "My summary, saved third." in (folder / "merging.md").read_text(encoding="utf-8")


def test_the_history_compares_and_restores(page: Page, folder: Path) -> None:
    path = folder / "history.md"
    open_article(page, "history.md")
    for summary in ("The first summary kept.", "The second summary kept."):
        page.locator("#summary").fill(summary)
        page.keyboard.press("Control+s")
        expect(page.locator("#save-status")).to_have_text(SAVED)
    page.locator("#history summary").focus()
    page.keyboard.press("Enter")
    rows = page.locator("#history-list li")
    expect(rows.first).to_contain_text("(now)")
    expect(rows.nth(1)).to_contain_text("words")
    # One version against the text now, by keyboard.
    rows.nth(1).locator("input").focus()
    page.keyboard.press("Space")
    page.locator("#history-compare").focus()
    page.keyboard.press("Enter")
    diff = page.locator("#history-diff")
    expect(diff.locator(".del")).to_contain_text("The first summary kept.")
    expect(diff.locator(".add")).to_contain_text("The second summary kept.")
    expect(page.locator("#history-status")).to_contain_text("1 line added, 1 removed")
    # Two versions against each other.
    rows.nth(0).locator("input").check()
    page.click("#history-compare")
    expect(diff.locator(".del")).to_contain_text("The first summary kept.")
    page.screenshot(path=ARTIFACTS / "desk-3-history.png", full_page=True)

    rows.nth(1).get_by_role("button", name=re.compile("^Restore the version of")).focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/articles/history.md?restored=1")
    expect(page.locator("#summary")).to_have_value("The first summary kept.")
    assert "The first summary kept." in path.read_text(encoding="utf-8")
    assert b"history.md" in commits(folder)[0].message
    actions = [
        v["action"] for v in page.request.get("/api/articles/history.md/history").json()["versions"]
    ]
    assert actions[0] == "restore"


def refuse_saves(route: Route) -> None:
    """Fail the page's saves as a network gone would; let it load."""
    if route.request.method == "POST":
        route.abort()
    else:
        route.continue_()


def test_leaving_warns_and_a_reload_offers_the_text_not_saved(page: Page, folder: Path) -> None:
    path = folder / "leaving.md"
    on_disk = path.read_bytes()
    open_article(page, "leaving.md")
    page.route("**/articles/leaving.md", refuse_saves)
    page.click("#kicker")
    page.keyboard.type("Typed Offline")
    page.get_by_role("button", name="Add an author").click()
    page.keyboard.type("Offline Author")
    expect(page.locator("#save-status")).to_contain_text("Not saved", timeout=15_000)
    with page.expect_event("dialog", timeout=10_000) as asked:
        page.close(run_before_unload=True)
    warning: Dialog = asked.value
    assert warning.type == "beforeunload"
    warning.dismiss()
    expect(page.locator("#kicker")).to_have_value("Typed Offline")  # the editor stayed
    assert not page.is_closed()
    assert path.read_bytes() == on_disk

    page.once("dialog", lambda dialog: dialog.accept())
    page.reload()
    wait_for_proof(page)
    expect(page.locator("#kicker")).to_have_value("")  # the file as saved
    expect(page.locator("#kept-draft")).to_be_visible()
    expect(page.locator("#kept-draft")).to_contain_text("kept in this browser")
    page.screenshot(path=ARTIFACTS / "desk-4-kept-text.png")
    page.unroute("**/articles/leaving.md", refuse_saves)
    page.get_by_role("button", name="Restore unsaved text").click()
    expect(page.locator("#kicker")).to_have_value("Typed Offline")
    expect(page.locator("#author-2-name")).to_have_value("Offline Author")
    expect(page.locator("#save-status")).to_have_text(SAVED, timeout=15_000)
    assert "kicker: Typed Offline" in path.read_text(encoding="utf-8")
    assert "name: Offline Author" in path.read_text(encoding="utf-8")
    page.reload()
    expect(page.locator("#kept-draft")).to_be_hidden()


def test_text_kept_over_a_version_saved_since_is_merged_with_it(page: Page, folder: Path) -> None:
    open_article(page, "returning.md")
    page.route("**/articles/returning.md", refuse_saves)
    page.click("#kicker")
    page.keyboard.type("Typed Before Leaving")
    expect(page.locator("#save-status")).to_contain_text("Not saved", timeout=15_000)
    other = page.context.new_page()
    try:
        open_article(other, "returning.md")
        other.locator("#summary").fill("Their summary, saved while mine waited.")
        other.keyboard.press("Control+s")
        expect(other.locator("#save-status")).to_have_text(SAVED)
    finally:
        other.close()
    page.once("dialog", lambda dialog: dialog.accept())
    page.reload()
    wait_for_proof(page)
    expect(page.locator("#summary")).to_have_value("Their summary, saved while mine waited.")
    page.unroute("**/articles/returning.md", refuse_saves)
    page.get_by_role("button", name="Restore unsaved text").click()
    expect(page.locator("#save-status")).to_have_text(
        re.compile(r"^Saved .* with the changes saved meanwhile to the summary kept$"),
        timeout=15_000,
    )
    expect(page.locator("#summary")).to_have_value("Their summary, saved while mine waited.")
    front, _ = split_front_matter((folder / "returning.md").read_text(encoding="utf-8"))
    assert (front["kicker"], front["summary"]) == (
        "Typed Before Leaving",
        "Their summary, saved while mine waited.",
    )


def test_a_page_opens_at_reading_size_and_zooms(page: Page) -> None:
    open_article(page, "typing.md")
    page.locator("#pages a.page-link").first.focus()
    page.keyboard.press("Enter")
    dialog = page.locator("#zoom")
    expect(dialog).to_be_visible()
    expect(page.locator("#zoom-image")).to_have_attribute("src", re.compile(r"size=full"))
    page.wait_for_function(
        "() => document.getElementById('zoom-image').naturalWidth >= 1600", timeout=30_000
    )
    expect(page.locator("#zoom-level")).to_have_text(re.compile(r"^Fit, \d+%$"))
    page.keyboard.press("+")
    expect(page.locator("#zoom-level")).to_have_text(re.compile(r"^\d+%$"))
    wide = page.evaluate("document.getElementById('zoom-image').getBoundingClientRect().width")
    page.keyboard.press("+")
    wider = page.evaluate("document.getElementById('zoom-image').getBoundingClientRect().width")
    assert wider > wide
    page.screenshot(path=ARTIFACTS / "desk-5-zoom.png")
    page.keyboard.press("0")
    expect(page.locator("#zoom-level")).to_have_text(re.compile(r"^Fit, \d+%$"))
    page.keyboard.press("PageDown")
    expect(page.locator("#zoom-title")).to_have_text("Page 2 of 2")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    assert page.evaluate("document.activeElement.classList.contains('page-link')")
    assert page.evaluate("document.activeElement.querySelector('img').id") == "page-1"


def test_downloads_wait_for_an_article_that_can_be_built(page: Page) -> None:
    open_article(page, "cutting.md")
    _, _, paragraphs = example_parts()
    expect(page.locator("#download-pdf")).to_have_attribute("href", re.compile("/download/pdf"))
    caret_at_end_of_body(page)
    insert_in_body(page, "\n\n## More\n\n" + "\n\n".join(paragraphs[:9]))
    reason = page.locator("#download-reason")
    expect(reason).to_have_text(
        re.compile(r"^Too long to build the PDF: cut about \d+ lines?\.$"), timeout=30_000
    )
    for link in ("#download-pdf", "#download-print"):
        expect(page.locator(link)).to_have_attribute("aria-disabled", "true")
        expect(page.locator(link)).not_to_have_attribute("href", re.compile("."))
    expect(page.locator("#download-epub")).not_to_have_attribute("aria-disabled", "true")
    expect(page.locator("#fit")).to_have_class("fit over")
    beyond = page.locator("#cuts ol.beyond button")
    expect(beyond.first).to_be_visible()
    page.screenshot(path=ARTIFACTS / "desk-6-too-long.png", full_page=True)
    label = beyond.last.text_content() or ""
    beyond.last.click()
    selected = page.evaluate(
        "() => { const b = document.getElementById('body');"
        " return b.value.slice(b.selectionStart, b.selectionEnd); }"
    )
    words = re.search("\u201c(.+?)\u2026?\u201d", label)[1].rstrip("\u2026")  # type: ignore[index]
    assert selected.startswith(words.split()[0]), (label, selected[:80])
    # Taken back with the browser's undo: the PDF can be built again.
    page.locator("#body").focus()
    page.keyboard.press("Control+z")
    expect(reason).to_be_hidden(timeout=30_000)
    expect(page.locator("#download-pdf")).to_have_attribute("href", re.compile("/download/pdf"))
    expect(page.locator("#download-pdf")).not_to_have_attribute("aria-disabled", "true")
    expect(page.locator("#fit")).to_have_text(FILLS)


def test_every_control_is_reached_by_keyboard_with_a_visible_focus(page: Page) -> None:
    open_article(page, "typing.md")
    page.locator("h1").click()
    reached: list[str] = []
    outlines: dict[str, str] = {}
    for _ in range(80):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => { const e = document.activeElement; const s = getComputedStyle(e);"
            " return [e.id || e.className || e.tagName, s.outlineStyle + ' ' + s.outlineWidth]; }"
        )
        reached.append(focused[0])
        outlines[focused[0]] = focused[1]
    wanted = ["title", "date", "author-0-name", "summary", "body", "save", "download-pdf",
              "download-print", "page-link", "SUMMARY"]  # fmt: skip
    for control in wanted:
        assert control in reached, (control, reached)
    for control in ("title", "save", "download-pdf", "page-link"):
        style, width = outlines[control].split()
        assert style == "solid" and float(width.rstrip("px")) >= 2, (control, outlines[control])
    assert page.evaluate("document.querySelector('#history summary') !== null")
    assert page.evaluate(
        "() => [...document.querySelectorAll('#article-form input:not([type=hidden]), #article-form"
        " textarea')].every(c => c.labels && c.labels.length === 1)"
    )


def test_at_phone_width_the_form_is_above_the_pages(browser: tuple[str, Browser]) -> None:
    url, launched = browser
    phone = launched.new_context(
        base_url=url, viewport={"width": 375, "height": 740}, device_scale_factor=2
    )
    try:
        page = phone.new_page()
        open_article(page, "typing.md")
        form = page.locator("#article-form").bounding_box()
        proof = page.locator("#proof").bounding_box()
        first = page.locator("#page-1").bounding_box()
        assert form and proof and first
        assert form["y"] + form["height"] <= proof["y"]
        assert first["width"] >= 300  # the page across the width, not a thumbnail
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        page.screenshot(path=ARTIFACTS / "desk-7-phone.png", full_page=True)
        page.get_by_role("link", name="See the proof").click()
        expect(page.locator("#page-1")).to_be_in_viewport()
        page.locator("#pages a.page-link").first.click()
        expect(page.locator("#zoom-close")).to_be_in_viewport()
        page.screenshot(path=ARTIFACTS / "desk-8-phone-zoom.png")
        page.keyboard.press("Escape")
        expect(page.locator("#zoom")).to_be_hidden()
    finally:
        phone.close()
