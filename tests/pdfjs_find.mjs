// Search a PDF with pdf.js's viewer search (its find controller, as a reader's Ctrl+F in
// Firefox does) and print, as JSON, how many times it finds each query.
//
//   node tests/pdfjs_find.mjs PDFJS_DIR FILE.pdf QUERY...
//
// Whole words, case ignored. The viewer's module expects a browser: the few globals it
// reads on loading are stood in for; nothing is drawn.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [pdfjsDir, file, ...queries] = process.argv.slice(2);
const dist = path.resolve(pdfjsDir, "node_modules", "pdfjs-dist");
const print = console.log;
for (const name of ["log", "warn", "error", "info"]) {
  console[name] = () => {};
}
globalThis.window ??= globalThis;
globalThis.requestAnimationFrame ??= (callback) => setTimeout(callback, 0);
if (!("navigator" in globalThis)) {
  globalThis.navigator = { userAgent: "", platform: "", language: "en-US", maxTouchPoints: 0 };
}
globalThis.document ??= {
  documentElement: { style: {} },
  createElement: () => ({ style: {} }),
};
const pdfjs = await import(pathToFileURL(path.join(dist, "legacy", "build", "pdf.mjs")).href);
globalThis.pdfjsLib = pdfjs;
const viewer = await import(pathToFileURL(path.join(dist, "legacy", "web", "pdf_viewer.mjs")).href);

const doc = await pdfjs.getDocument({
  data: new Uint8Array(await readFile(file)),
  isEvalSupported: false,
  cMapUrl: path.join(dist, "cmaps") + "/",
  cMapPacked: true,
  standardFontDataUrl: path.join(dist, "standard_fonts") + "/",
}).promise;
const eventBus = new viewer.EventBus();
const linkService = new viewer.PDFLinkService({ eventBus });
linkService.setDocument(doc);
linkService.setViewer({
  pagesCount: doc.numPages,
  currentPageNumber: 1,
  scrollPageIntoView() {},
  getPageView() {
    return null;
  },
});
const finder = new viewer.PDFFindController({ linkService, eventBus });
finder.setDocument(doc);

const PENDING = 3; // FindState.PENDING
const settled = () => new Promise((resolve) => setTimeout(resolve, 10));
const counts = {};
for (const query of queries) {
  // The controller answers once it has started on the new query (a state other than
  // pending); its matches are then this query's, complete once no page is pending.
  let started = false;
  const listener = (event) => {
    if (event.state !== PENDING) {
      started = true;
    }
  };
  eventBus.on("updatefindcontrolstate", listener);
  eventBus.dispatch("find", {
    source: null,
    type: "",
    query,
    caseSensitive: false,
    entireWord: true,
    highlightAll: true,
    findPrevious: false,
    matchDiacritics: false,
  });
  while (
    !started ||
    finder._pendingFindMatches.size > 0 ||
    finder.pageMatches.length < doc.numPages ||
    !finder.pageMatches.every((matches) => Array.isArray(matches))
  ) {
    await settled();
  }
  eventBus.off("updatefindcontrolstate", listener);
  counts[query] = finder.pageMatches.reduce((sum, matches) => sum + matches.length, 0);
}
await doc.destroy();
print(JSON.stringify(counts));
process.exit(0);
