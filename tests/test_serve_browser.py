"""The web app in a real browser: Playwright drives Debian's Chromium through an edit.

Screenshots of the run go to test-artifacts/serve/, beside the pixel tests' pictures.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path

import pypdf
import pytest
from playwright.sync_api import Page, expect, sync_playwright

from exporter.context import RenderContext
from exporter.layouts import find_layout
from exporter.writers.markdown import write_markdown
from tests.articles import generated_article
from tests.test_serve_api import article_folder, running_server

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts" / "serve"
NEW_TITLE = "Young Diplomats Mend the Strait"
FILLS = re.compile(r"^fills \d+% of page 2 at [\d.]+ pt")
SAVED = re.compile(r"^Saved \d\d:\d\d:\d\d")

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="Debian's Chromium is not installed (make setup installs it)"
)


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with running_server(article_folder(tmp_path_factory.mktemp("browser")), jobs=2) as url:
        yield url


@pytest.fixture(scope="module")
def page(app_url: str) -> Iterator[Page]:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM))
        context = browser.new_context(
            base_url=app_url, accept_downloads=True, viewport={"width": 1400, "height": 1000}
        )
        try:
            yield context.new_page()
        finally:
            context.close()
            browser.close()


def wait_for_proof(page: Page) -> None:
    """Wait until the page's proof is laid out and both page pictures are shown."""
    page.wait_for_selector("#proof[data-state=ready]", timeout=60_000)
    for number in (1, 2):
        loaded = page.eval_on_selector(
            f"#page-{number}", "img => img.complete && img.naturalWidth > 0"
        )
        assert loaded, f"page {number}'s picture did not load"


def test_an_editor_changes_the_title_sees_the_pages_change_and_downloads_the_pdf(
    page: Page,
) -> None:
    page.goto("/")
    expect(page.locator("h1")).to_have_text("Articles")
    page.screenshot(path=ARTIFACTS / "1-library.png", full_page=True)

    page.get_by_role("link", name="Strengthening Japan-ROK Relations").click()
    wait_for_proof(page)
    expect(page.locator("#fit")).to_have_text(FILLS)
    expect(page.locator("#fit")).to_have_class("fit fits")
    before_src = page.get_attribute("#page-1", "src")
    before = page.locator("#page-1").screenshot()
    page.screenshot(path=ARTIFACTS / "2-article-before.png", full_page=True)

    page.fill("#title", NEW_TITLE)
    page.click("#save")  # saved in place: the page stays, the proof follows
    expect(page.locator("#save-status")).to_have_text(SAVED)
    expect(page.locator("#page-1")).not_to_have_attribute("src", before_src)
    wait_for_proof(page)
    expect(page.locator("#fit")).to_have_text(FILLS)
    page.reload()
    wait_for_proof(page)
    expect(page.locator("h1")).to_contain_text(NEW_TITLE)
    assert page.get_attribute("#page-1", "src") != before_src
    after = page.locator("#page-1").screenshot()
    assert after != before, "page 1's picture did not change with the title"
    page.screenshot(path=ARTIFACTS / "3-article-after.png", full_page=True)

    with page.expect_download() as download_info:
        page.click("#download-pdf")
    download = download_info.value
    assert download.suggested_filename == "japan-rok-relations.pdf"
    pdf = pypdf.PdfReader(io.BytesIO(Path(download.path()).read_bytes()))
    assert len(pdf.pages) == 2
    assert NEW_TITLE in " ".join(pdf.pages[0].extract_text().split())


def test_an_invalid_date_is_shown_beside_its_field(page: Page) -> None:
    page.goto("/articles/rich-article.md")
    page.fill("#date", "2023-02-30")
    page.click("#save")
    expect(page.locator("#date-error")).to_have_text("'2023-02-30' is not a date (YYYY-MM-DD)")
    expect(page.locator("#date")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#date")).to_have_value("2023-02-30")
    page.screenshot(path=ARTIFACTS / "4-invalid-date.png", full_page=True)


def test_two_editors_save_the_same_article_and_nothing_is_lost(page: Page) -> None:
    other = page.context.new_page()
    try:
        page.goto("/articles/rich-article.md")
        other.goto("/articles/rich-article.md")
        other.fill("#kicker", "Their Kicker")
        other.fill("#summary", "Their summary, saved first.")
        other.click("#save")
        expect(other.locator("#save-status")).to_have_text(SAVED)
    finally:
        other.close()
    page.fill("#kicker", "My Kicker")
    page.click("#save")
    # Their summary is merged in; the kicker both changed is shown side by side.
    expect(page.locator("#merge")).to_be_visible()
    expect(page.locator("#merge")).to_contain_text("Their changes to the summary are kept")
    expect(page.locator("#overlap-0 legend")).to_have_text("The kicker")
    expect(page.locator("#overlap-0 pre.theirs")).to_have_text("Their Kicker")
    expect(page.locator("#overlap-0 pre.yours")).to_have_text("My Kicker")
    expect(page.locator("#article-form")).to_be_hidden()
    page.screenshot(path=ARTIFACTS / "5-conflict.png", full_page=True)
    page.click("#save-merge")  # no choice yet: the browser asks for one
    expect(page.locator("#merge")).to_be_visible()
    page.check("#overlap-0 input[value=yours]")
    page.click("#save-merge")
    page.wait_for_url("**/articles/rich-article.md?saved=merged*")
    expect(page.locator(".notice").first).to_contain_text("the summary")
    expect(page.locator("#kicker")).to_have_value("My Kicker")
    expect(page.locator("#summary")).to_have_value("Their summary, saved first.")


def test_build_all_shows_its_progress_then_what_fits(page: Page) -> None:
    page.goto("/")
    page.get_by_role("button", name="Build all").click()
    expect(page.locator("#build-progress")).to_be_visible()
    page.screenshot(path=ARTIFACTS / "6-building.png", full_page=True)
    # When the build ends the page reloads itself with the outcome.
    expect(page.locator("#build-all")).to_have_attribute("data-running", "false", timeout=120_000)
    expect(page.locator("#build-summary")).to_contain_text("Built 2 of 2: 2 built")
    page.screenshot(path=ARTIFACTS / "7-built.png", full_page=True)
    for name in ("japan-rok-relations.md", "rich-article.md"):
        row = page.locator(f"tr[data-name='{name}']")
        expect(row.locator("td.fit")).to_contain_text(re.compile(r"fills|short"))
        expect(row.locator("td").nth(5)).to_contain_text("UTC")


def test_a_short_article_says_how_many_words_it_lacks(page: Page) -> None:
    page.goto("/")
    page.fill("#new-title", "A Short Note")
    page.get_by_role("button", name="Create").click()
    page.wait_for_url("**/articles/a-short-note.md")
    wait_for_proof(page)
    expect(page.locator("#fit")).to_have_class("fit short")
    expect(page.locator("#fit")).to_contain_text(re.compile(r"about [\d,]+ words short"))
    page.screenshot(path=ARTIFACTS / "8-short.png", full_page=True)


def test_an_article_too_long_shows_where_page_2_ends(page: Page) -> None:
    article = generated_article(2600, seed=3)
    markdown = write_markdown(article, RenderContext(find_layout(None), ROOT))
    created = page.request.put(
        "/api/articles/much-too-long.md", data=markdown, headers={"if-none-match": "*"}
    )
    assert created.status == 201
    page.goto("/articles/much-too-long.md")
    page.wait_for_selector("#proof[data-state=ready]", timeout=90_000)
    expect(page.locator("#fit")).to_have_class("fit over")
    expect(page.locator("#fit")).to_contain_text(re.compile(r"about [\d,]+ words over two pages"))
    expect(page.locator("#fit")).to_contain_text("page 2 ends at the red line, after")
    expect(page.locator("#page-3")).to_be_visible()  # the pages past the bulletin's two
    expect(page.locator("#page-2")).to_have_attribute("alt", re.compile("marked where page 2 ends"))
    page.screenshot(path=ARTIFACTS / "9-too-long.png", full_page=True)
