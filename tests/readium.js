// Probes of a chapter rendered under Readium CSS, run in the page by tests/test_epub_readium.py.
// Takes the canvas's colour (under every background), white unless given.
// Returns {lowContrast, clipped, overflow, notes}: each a list of problems, empty when none.
(canvas = [255, 255, 255, 1]) => {
  const channels = (css) => {
    const m = css.match(/rgba?\(([^)]+)\)/);
    if (!m) return [0, 0, 0, 0];
    const parts = m[1].split(/[\s,/]+/).filter(Boolean).map(Number);
    return [parts[0], parts[1], parts[2], parts.length > 3 ? parts[3] : 1];
  };
  const over = (top, bottom) => {
    const a = top[3];
    return [0, 1, 2].map((i) => top[i] * a + bottom[i] * (1 - a)).concat([1]);
  };
  const luminance = (c) => {
    const [r, g, b] = c.slice(0, 3).map((v) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const ratio = (a, b) => {
    const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05);
  };
  // The background under an element: its own and its ancestors' down from the first
  // opaque one, over the canvas (`canvas`).
  const ground = (element) => {
    const layers = [];
    for (let e = element; e; e = e.parentElement) {
      const bg = channels(getComputedStyle(e).backgroundColor);
      if (bg[3] > 0) layers.push(bg);
      if (bg[3] >= 1) break;
    }
    let colour = canvas;
    for (const layer of layers.reverse()) colour = over(layer, colour);
    return colour;
  };
  const shown = (e) => {
    const style = getComputedStyle(e);
    return style.visibility !== "hidden" && style.display !== "none" && e.getClientRects().length > 0;
  };
  const name = (e) => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.className ? "." + String(e.className).split(" ").join(".") : "");

  const lowContrast = [];
  for (const e of document.body.querySelectorAll("*")) {
    const text = [...e.childNodes].filter((n) => n.nodeType === 3).map((n) => n.data).join("").trim();
    if (!text || !shown(e)) continue;
    const bg = ground(e);
    const fg = over(channels(getComputedStyle(e).color), bg);
    const r = ratio(fg, bg);
    if (r < 4.5) lowContrast.push(`${name(e)} "${text.slice(0, 30)}" ${r.toFixed(2)}:1`);
  }

  const clipped = [];
  for (const e of document.body.querySelectorAll("*")) {
    const style = getComputedStyle(e);
    if (style.display.startsWith("inline") || !shown(e)) continue;
    const scrolls = ["auto", "scroll"].includes(style.overflowX);
    if (!scrolls && e.scrollWidth > e.clientWidth + 1) clipped.push(`${name(e)} ${e.scrollWidth} > ${e.clientWidth}`);
  }
  const view = document.documentElement.clientWidth;
  const overflow = [];
  if (document.documentElement.scrollWidth > view) overflow.push(`the page is ${document.documentElement.scrollWidth} px wide in ${view}`);
  // A table fits the page's width, or scrolls sideways in a box of its own that shows a
  // cue at its edges and is no taller than a screen (a paginating reading system cannot
  // split such a box between pages: a longer table must break between its rows).
  for (const table of document.querySelectorAll("table")) {
    const box = table.parentElement;
    const style = getComputedStyle(box);
    const scrolls = ["auto", "scroll"].includes(style.overflowX);
    if (!scrolls && table.getBoundingClientRect().right > view + 1) overflow.push(`table in ${name(box)}, wider than the page, does not scroll`);
    if (scrolls && box.scrollWidth > box.clientWidth + 1 && style.backgroundImage === "none") overflow.push(`${name(box)} scrolls without a cue`);
    if (scrolls && box.getBoundingClientRect().height > window.innerHeight) overflow.push(`${name(box)} scrolls and is taller than a screen: it cannot break between pages`);
  }

  const notes = [];
  for (const ref of document.querySelectorAll("a[role=doc-noteref]")) {
    const id = decodeURIComponent(ref.getAttribute("href").replace(/^#/, ""));
    const note = document.getElementById(id);
    if (!shown(ref) || ref.tabIndex < 0) notes.push(`reference ${ref.id} is not shown or focusable`);
    if (!note) { notes.push(`note ${id} is missing`); continue; }
    if (!shown(note)) notes.push(`note ${id} is not shown`);
    const back = note.querySelector("a[role=doc-backlink]");
    if (!back || !shown(back) || back.tabIndex < 0) notes.push(`note ${id} has no focusable way back`);
  }
  return { lowContrast, clipped, overflow, notes };
}
