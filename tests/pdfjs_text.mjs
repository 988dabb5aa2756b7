// Print what pdf.js reads in a PDF, as JSON: per page its text items in pdf.js's order
// and its link annotations, and the warnings pdf.js gave while reading the file.
//
//   node tests/pdfjs_text.mjs PDFJS_DIR FILE.pdf
//
// PDFJS_DIR is the folder scripts/setup.sh installs pdfjs-dist into (.pdfjs).
import { readFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [pdfjsDir, file] = process.argv.slice(2);
const dist = path.resolve(pdfjsDir, "node_modules", "pdfjs-dist");
const warnings = [];
// pdf.js reports its warnings through console.log ("Warning: ..."); keep them all, and
// keep the standard output for the JSON.
for (const name of ["log", "warn", "error", "info"]) {
  console[name] = (...args) => warnings.push(args.map(String).join(" "));
}
const pdfjs = await import(pathToFileURL(path.join(dist, "legacy", "build", "pdf.mjs")).href);
// What pdf.js says on loading is of this machine (no canvas package to draw with), not
// of the file: kept apart.
const environment = warnings.splice(0);

const data = new Uint8Array(await readFile(file));
const task = pdfjs.getDocument({
  data,
  verbosity: pdfjs.VerbosityLevel.WARNINGS,
  cMapUrl: path.join(dist, "cmaps") + "/",
  cMapPacked: true,
  standardFontDataUrl: path.join(dist, "standard_fonts") + "/",
  useSystemFonts: false,
  isEvalSupported: false,
});
const doc = await task.promise;
const pages = [];
for (let number = 1; number <= doc.numPages; number++) {
  const page = await doc.getPage(number);
  const content = await page.getTextContent({ includeMarkedContent: false });
  const items = content.items
    .filter((item) => "str" in item)
    .map((item) => ({
      str: item.str,
      x: item.transform[4],
      y: item.transform[5],
      width: item.width,
      height: item.height,
      hasEOL: item.hasEOL,
    }));
  const links = (await page.getAnnotations())
    .filter((annotation) => annotation.subtype === "Link")
    .map((annotation) => ({
      rect: annotation.rect,
      url: annotation.url ?? annotation.unsafeUrl ?? null,
      dest: annotation.dest ?? null,
    }));
  const [x0, y0, x1, y1] = page.view;
  pages.push({ number, view: [x0, y0, x1, y1], items, links });
  page.cleanup();
}
await doc.destroy();
process.stdout.write(JSON.stringify({ pages, warnings, environment }) + "\n");
