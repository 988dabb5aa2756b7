// Probes of a chapter paginated in CSS columns, run in the page by tests/test_epub_pagination.py.
// Takes the page's width and height (a column and the gap after it, and its height; 0 for
// a scrolled view, which has one page as tall as the document).
// Returns {bodyRows, pages, scrolling, unheaded, split, clipped, lost}: how many body rows
// it saw shown, the pages they are on, the tables that scroll sideways, the tables whose
// header row is not repeated on every page they span, and lists of problems.
({ width, height }) => {
  const name = (e) => {
    const text = e.textContent.replace(/\s+/g, " ").trim().slice(0, 40);
    return `${e.tagName.toLowerCase()} "${text}"`;
  };
  const shown = (e) => getComputedStyle(e).display !== "none" && e.getClientRects().length > 0;
  // The page a box starts on, and whether it ends there: within the page's width and,
  // when paginated, its height.
  const page = (r) => Math.floor((r.left + window.scrollX + 1) / width);
  const onOnePage = (r) => {
    const p = page(r);
    const right = r.right + window.scrollX;
    const inWidth = r.left + window.scrollX >= p * width - 1 && right <= (p + 1) * width + 1;
    const inHeight = height === 0 || (r.top >= -1 && r.bottom <= height + 1);
    return inWidth && inHeight;
  };
  // A box that scrolls sideways shows the rest of its rows when scrolled; it must itself
  // lie on one page.
  const scroller = (e) => {
    for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
      if (["auto", "scroll"].includes(getComputedStyle(a).overflowX)) return a;
    }
    return null;
  };
  const placed = (e) => onOnePage((scroller(e) || e).getBoundingClientRect());
  const split = [];
  const clipped = [];
  const lost = [];
  const pages = new Set();
  const scrolling = [];
  const unheaded = [];
  let bodyRows = 0;
  for (const table of document.querySelectorAll("table")) {
    for (const row of table.querySelectorAll("tr")) {
      const head = row.parentElement.tagName.toLowerCase() === "thead";
      if (head && getComputedStyle(row.parentElement).display === "none") continue;
      if (!shown(row)) { lost.push(name(row)); continue; }
      if (!head) bodyRows += 1;
      pages.add(page(row.getBoundingClientRect()));
      // A body row is one box; a header row may be repeated on each page the table spans.
      const boxes = [...row.getClientRects()].filter((r) => r.height > 0);
      if (!head && boxes.length > 1) split.push(`${name(row)} in ${boxes.length} pieces`);
      else if (head ? !boxes.every((r) => onOnePage(r) || scroller(row)) : !placed(row)) split.push(`${name(row)} across pages`);
    }
    const header = table.querySelector("thead tr");
    if (header && shown(header)) {
      // Chromium gives a repeated header row one box per page, each at the first's place.
      const spanned = new Set([...table.querySelectorAll("tbody tr")].map((r) => page(r.getBoundingClientRect())));
      if (header.getClientRects().length < spanned.size) unheaded.push(name(table.querySelector("caption") || table));
    }
    const box = scroller(table);
    if (box && box.scrollWidth > box.clientWidth + 1) scrolling.push(name(table.querySelector("caption") || table));
    for (const cell of table.querySelectorAll("th, td, caption")) {
      if (!shown(cell)) continue;
      if (cell.scrollWidth > cell.clientWidth + 1) clipped.push(`${name(cell)} ${cell.scrollWidth} > ${cell.clientWidth}`);
      else if (!placed(cell)) clipped.push(`${name(cell)} runs off its page`);
    }
  }
  return { bodyRows, pages: [...pages].sort((a, b) => a - b), scrolling, unheaded, split, clipped, lost };
}
