// The article page as an editor's desk: the proof follows the typing, the text saves
// itself, nothing typed is lost on leaving, the history, the pages at reading size.
"use strict";

const PROOF_DELAY = 300;
const SAVE_DELAY = 2500;
const RETRY_DELAY = 5000;
const HIDDEN_FIELDS = new Set(["csrf", "version", "base"]);
const ZOOM_STEPS = [0.25, 0.35, 0.5, 0.7, 1, 1.4, 2];
const DOWNLOAD_OF_LINK = { pdf: "pdf", epub: "epub", docx: "docx", print: "pdf" };
const KIND_NAMES = {
  paragraph: "Paragraph", heading: "Heading", list: "List", block_quote: "Quote",
  pull_quote: "Pull quote", figure: "Figure", table: "Table", notes: "Notes",
};

const ACTION_NAMES = {
  merge: "merged", create: "created", import: "imported", restore: "restored",
  rename: "renamed", duplicate: "copied", undelete: "brought back",
};

const byId = (id) => document.getElementById(id);

// This tab's name, kept over its reloads: which kept text is its own.
function tabName() {
  try {
    let name = sessionStorage.getItem("exporter-tab");
    if (!name) {
      name = Date.now().toString(36) + Math.random().toString(36).slice(2);
      sessionStorage.setItem("exporter-tab", name);
    }
    return name;
  } catch (error) {
    return "";
  }
}

function clock(date) {
  return date.toLocaleTimeString("en-GB", { hour12: false });
}

function element(tag, attributes = {}, ...children) {
  const made = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (key === "className") made.className = value;
    else if (key === "text") made.textContent = value;
    else made.setAttribute(key, value);
  }
  made.append(...children);
  return made;
}

function withoutFileName(message) {
  return message.replace(/^[^:\s]+\.md: /, "");
}

function preload(url) {
  const picture = new Image();
  picture.src = url;
  return picture.decode().then(() => picture, () => picture);
}

class Desk {
  constructor(root) {
    this.root = root;
    this.name = root.dataset.name;
    this.form = byId("article-form");
    this.section = byId("proof");
    this.body = byId("body");
    this.bodyOffset = Number(root.dataset.bodyOffset || 0);
    this.paused = root.dataset.paused === "true";
    this.storageKey = "exporter-unsaved:" + this.name;
    this.tab = tabName();
    this.savedFields = this.fieldsText();
    this.dirty = false;
    this.saving = false;
    this.saveAgain = false;
    this.saveTimer = 0;
    this.savedAt = null;
    this.leaving = false;
    this.proofTimer = 0;
    this.proofBusy = false;
    this.proofQueued = false;
    this.failed = false;
    this.proofCount = 0;
    this.shownProof = 0;
    this.fullPages = [];
    this.historyNext = null;
    this.zoom = { page: 0, scale: 0, opener: null };
  }

  start() {
    this.fetchFileProof();
    this.setDownloadLinks();
    this.showPagesAsLinks();
    this.setUpZoom();
    this.setUpHistory();
    if (this.paused) return;
    this.setStatus("All changes saved");
    this.setUpAuthorRows();
    this.form.addEventListener("input", () => this.changed());
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.save();
    });
    document.addEventListener("keydown", (event) => {
      if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "s") {
        event.preventDefault();
        this.save();
      }
    });
    window.addEventListener("beforeunload", (event) => {
      if (this.leaving || !(this.dirty || this.saving)) return;
      event.preventDefault();
      event.returnValue = "";
    });
    this.offerKeptText();
  }

  // The form's fields, as the editor typed them.

  fields() {
    const values = {};
    for (const [name, value] of new FormData(this.form)) {
      if (!HIDDEN_FIELDS.has(name) && typeof value === "string") values[name] = value;
    }
    return values;
  }

  fieldsText(values = this.fields()) {
    return JSON.stringify(values);
  }

  control(name) {
    return this.form.elements.namedItem(name);
  }

  changed() {
    this.dirty = this.fieldsText() !== this.savedFields;
    if (this.dirty) this.setStatus("Unsaved changes");
    clearTimeout(this.proofTimer);
    this.proofTimer = setTimeout(() => {
      this.keepLocally();
      this.requestProof();
    }, PROOF_DELAY);
    clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => this.save(), SAVE_DELAY);
  }

  setUpAuthorRows() {
    const add = byId("add-author");
    add.hidden = false;
    add.addEventListener("click", () => byId(this.addAuthorRow() + "name").focus());
  }

  addAuthorRow() {
    const index = this.form.querySelectorAll(".author").length;
    const prefix = "author-" + index + "-";
    const field = (tag, part, label) => [
      element("label", { for: prefix + part, text: label }),
      element(tag, tag === "textarea"
        ? { id: prefix + part, name: prefix + part, rows: "2" }
        : { id: prefix + part, name: prefix + part }),
    ];
    byId("add-author").before(element("div",
      { className: "author", role: "group", "aria-label": "Author " + (index + 1) },
      ...field("input", "name", "Name"), ...field("input", "affiliation", "Affiliation"),
      ...field("textarea", "bio", "Bio")));
    return prefix;
  }

  setStatus(text, kind = "") {
    const status = byId("save-status");
    status.textContent = text;
    status.className = "save-status " + kind;
  }

  // The proof as you type: one request in flight, one more waiting at most.

  fetchFileProof() {
    this.section.dataset.state = "laying-out";
    const count = ++this.proofCount;
    fetch(this.section.dataset.url, { credentials: "same-origin" })
      .then((response) => response.json().then((proof) => ({ response, proof })))
      .then(({ response, proof }) => {
        if (response.status === 503) {  // the builds' queue is full: asked again shortly
          const seconds = Number(response.headers.get("retry-after")) || 2;
          setTimeout(() => this.fetchFileProof(), seconds * 1000);
          return "again";
        }
        if (!response.ok) throw new Error(proof.error || response.statusText);
        return this.showAnswer(proof, count, this.bodyOffset);
      })
      .catch((error) => this.proofFailed(error))
      .then((outcome) => {
        if (outcome !== "again") this.proofDone();
      });
  }

  requestProof() {
    if (this.paused) return;
    if (this.proofBusy) {
      this.proofQueued = true;
      return;
    }
    this.proofBusy = true;
    this.section.dataset.state = "laying-out";
    const count = ++this.proofCount;
    const sent = new URLSearchParams();
    for (const [name, value] of Object.entries(this.fields())) sent.append(name, value);
    fetch("/api/articles/" + encodeURIComponent(this.name) + "/proof", {
      method: "POST",
      body: sent,
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then((response) => response.json().then((proof) => ({ response, proof })))
      .then(({ response, proof }) => {
        if (response.status === 409 && proof.superseded) return null;  // a newer text's comes
        if (!response.ok) throw new Error(proof.error || response.statusText);
        return this.showAnswer(proof, count, 0);
      })
      .catch((error) => this.proofFailed(error))
      .finally(() => {
        this.proofBusy = false;
        this.proofDone();
      });
  }

  proofDone() {
    if (this.proofQueued) {
      this.proofQueued = false;
      this.requestProof();
    } else if (!this.proofBusy) {
      this.section.dataset.state = this.failed ? "failed" : "ready";
    }
    this.failed = false;
  }

  proofFailed(error) {
    byId("fit").textContent = "The proof could not be made: " + error.message;
    byId("fit").className = "fit error";
    this.failed = true;
  }

  async showAnswer(proof, count, offset) {
    if (count < this.shownProof) return;  // an older text's answer, come late
    this.shownProof = count;
    const fit = byId("fit");
    if ("fields" in proof) this.showFieldErrors(proof.fields, proof.line);
    if (proof.error) {
      fit.textContent = withoutFileName(proof.error);
      fit.className = "fit error";
      const stale = this.section.querySelector("#pages img") !== null;
      this.section.classList.toggle("stale", stale);
      byId("stale-note").hidden = !stale;
      this.setDownloads(proof);
      return;
    }
    const pictures = await Promise.all(proof.pages.map(preload));
    if (count !== this.shownProof) return;  // a newer answer was shown meanwhile
    this.showPages(proof, pictures);
    fit.textContent = proof.fit;
    fit.className = "fit " + proof.state;
    this.section.classList.remove("stale");
    byId("stale-note").hidden = true;
    byId("warnings").replaceChildren(...proof.warnings.map((text) => element("li", { text })));
    this.showCuts(proof, offset);
    this.setDownloads(proof);
  }

  showPages(proof, pictures) {
    const pages = byId("pages");
    this.fullPages = proof.full_pages;
    const alt = (index) => "page " + (index + 1) + " of the bulletin" +
      (proof.cut && index === 1 ? ", marked where page 2 ends" : "");
    const shown = [...pages.querySelectorAll("img")];
    if (shown.length === pictures.length) {
      // The same pages: their pictures swapped in place, already decoded, so no flash.
      shown.forEach((img, index) => {
        img.src = proof.pages[index];
        img.alt = alt(index);
        img.closest("a").href = proof.full_pages[index];
      });
      return;
    }
    pages.replaceChildren(...pictures.map((img, index) => {
      img.id = "page-" + (index + 1);
      img.alt = alt(index);
      return element("a", {
        className: "page-link", href: proof.full_pages[index], target: "_blank",
        "aria-label": "page " + (index + 1) + " at reading size",
      }, img);
    }));
  }

  showPagesAsLinks() {
    byId("pages").addEventListener("click", (event) => {
      const link = event.target.closest("a.page-link");
      if (!link) return;
      event.preventDefault();
      const links = [...byId("pages").querySelectorAll("a.page-link")];
      this.openZoom(links.indexOf(link), link);
    });
  }

  showCuts(proof, offset) {
    const cuts = byId("cuts");
    const parts = [];
    if (proof.state === "over" && proof.lines_over.length) {
      const settings = proof.lines_over.map((over) => "about " + over.lines + " line" +
        (over.lines === 1 ? "" : "s") + " at " + over.body_size + " pt" +
        (over.setting ? " (" + over.setting + ")" : ""));
      parts.push(element("p", { text: "To fit two pages, cut " + settings.join(", or ") + "." }));
    }
    if (proof.beyond.length) {
      parts.push(element("p", { id: "beyond-title", text: "Past page 2 (select one to find it in the body):" }));
      parts.push(element("ol", { className: "beyond", "aria-labelledby": "beyond-title" },
        ...proof.beyond.map((past) => {
          const line = past.line === null ? null : past.line - offset;
          const words = past.words.endsWith("\u2026") ? past.words : past.words + "\u2026";
          const label = (KIND_NAMES[past.kind] || past.kind) + ": \u201c" + words + "\u201d" +
            (past.whole ? "" : " (partly)") + (line ? ", line " + line : "");
          const button = element("button", { type: "button", className: "link", text: label });
          if (line && line > 0) button.addEventListener("click", () => this.selectBodyLine(line));
          else button.disabled = true;
          return element("li", {}, button);
        })));
    }
    if (proof.state !== "over" && proof.setting) {
      const setting = proof.setting;
      let text = "Set at " + (setting.name || "step " + setting.step) + " (" + setting.body_size + " pt)";
      if (proof.lines_left !== null) {
        text += "; " + proof.lines_left + " line" + (proof.lines_left === 1 ? "" : "s") +
          " left on page 2";
      }
      parts.push(element("p", { text: text + "." }));
    }
    cuts.replaceChildren(...parts);
  }

  selectBodyLine(line) {
    const lines = this.body.value.split("\n");
    if (line > lines.length) return;
    const start = lines.slice(0, line - 1).reduce((sum, text) => sum + text.length + 1, 0);
    this.body.focus();
    this.body.setSelectionRange(start, start + lines[line - 1].length);
    const height = parseFloat(getComputedStyle(this.body).lineHeight) || 18;
    this.body.scrollTop = Math.max(0, (line - 3) * height);
  }

  // Errors beside their fields.

  showFieldErrors(errors, line) {
    for (const control of this.form.querySelectorAll("input:not([type=hidden]), textarea")) {
      const message = errors[control.name];
      const id = control.name + "-error";
      let note = byId(id);
      if (!message) {
        if (note) note.remove();
        control.removeAttribute("aria-invalid");
        control.removeAttribute("aria-describedby");
        continue;
      }
      if (!note) {
        note = element("p", { className: "error", id });
        control.after(note);
      }
      note.replaceChildren(message);
      if (control === this.body && line) {
        const find = element("button", { type: "button", className: "link", text: "Go to line " + line });
        find.addEventListener("click", () => this.selectBodyLine(line));
        note.append(" ", find);
      }
      control.setAttribute("aria-invalid", "true");
      control.setAttribute("aria-describedby", id);
    }
    const general = byId("form-error");
    general.textContent = errors.form || "";
    general.hidden = !errors.form;
  }

  // Downloads: live while the article can be built, else disabled with the reason.

  setDownloadLinks() {
    for (const link of document.querySelectorAll(".downloads a.button")) {
      link.dataset.href = link.getAttribute("href");
    }
  }

  setDownloads(proof) {
    if (!proof.downloads) return;
    const reasons = new Set();
    for (const [id, format] of Object.entries(DOWNLOAD_OF_LINK)) {
      const link = byId("download-" + id);
      const state = proof.downloads[format];
      if (!link || !state) continue;
      if (state.ready) {
        link.href = link.dataset.href;
        link.removeAttribute("aria-disabled");
        link.removeAttribute("aria-describedby");
        link.removeAttribute("role");
        link.removeAttribute("tabindex");
      } else {
        link.removeAttribute("href");
        link.setAttribute("role", "link");
        link.setAttribute("tabindex", "0");
        link.setAttribute("aria-disabled", "true");
        link.setAttribute("aria-describedby", "download-reason");
        reasons.add(this.downloadReason(proof, state));
      }
    }
    const reason = byId("download-reason");
    reason.textContent = [...reasons].join(" ");
    reason.hidden = reasons.size === 0;
  }

  downloadReason(proof, state) {
    if (proof.error) return "Cannot be built until the error is corrected.";
    const tightest = proof.lines_over.find((over) => over.measured) || proof.lines_over[0];
    if (proof.state === "over" && tightest) {
      return "Too long to build the PDF: cut about " + tightest.lines + " line" +
        (tightest.lines === 1 ? "" : "s") + ".";
    }
    return state.reason.charAt(0).toUpperCase() + state.reason.slice(1) + ".";
  }

  // Autosave, with the version check; a save made meanwhile is merged by the server.

  async save() {
    clearTimeout(this.saveTimer);
    if (this.paused) return;
    if (this.saving) {
      this.saveAgain = true;
      return;
    }
    const sent = this.fieldsText();
    if (sent === this.savedFields) {
      this.dirty = false;
      this.setStatus(this.savedAt ? "Saved " + clock(this.savedAt) : "All changes saved");
      return;
    }
    this.saving = true;
    this.setStatus("Saving…");
    let response;
    let answer;
    try {
      response = await fetch(this.form.action, {
        method: "POST",
        body: new URLSearchParams(new FormData(this.form)),
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      answer = await response.json();
    } catch (error) {
      this.saving = false;
      this.setStatus("Not saved: the server cannot be reached; trying again shortly", "bad");
      this.saveTimer = setTimeout(() => this.save(), RETRY_DELAY);
      return;
    }
    this.saving = false;
    if (response.ok) {
      this.saved(answer, sent);
    } else if (response.status === 409 && answer.conflict) {
      // Both changed one place: the page of the form shows the choice, yours kept.
      this.setStatus("Someone else changed the same place meanwhile: opening both versions…");
      this.leaving = true;
      this.form.submit();
      return;
    } else {
      if (answer.fields) this.showFieldErrors(answer.fields, null);
      const first = answer.fields ? Object.values(answer.fields)[0] : answer.error;
      this.setStatus("Not saved: " + (first || response.statusText), "bad");
    }
    if (this.saveAgain) {
      this.saveAgain = false;
      this.save();
    }
  }

  saved(answer, sent) {
    this.control("version").value = answer.version;
    this.control("base").value = answer.base;
    if (answer.saved === "merged") this.takeMerged(answer.fields);
    this.savedFields = answer.saved === "merged" ? this.fieldsText() : sent;
    this.savedAt = new Date();
    this.dirty = this.fieldsText() !== this.savedFields;
    if (!this.dirty) this.forgetKept();
    const merged = answer.combined.length
      ? " with the changes saved meanwhile to " + answer.combined.join(", ") + " kept"
      : "";
    this.setStatus(this.dirty ? "Unsaved changes" : "Saved " + clock(this.savedAt) + merged, "good");
    if (this.dirty) this.saveTimer = setTimeout(() => this.save(), SAVE_DELAY);
    if (byId("history").open) this.loadHistory();
  }

  takeMerged(fields) {
    // Only the fields the other save changed are written; the others keep their undo.
    for (const [name, value] of Object.entries(fields)) {
      if (/^author-\d+-/.test(name)) {
        while (!this.control(name)) this.addAuthorRow();  // an author the other save added
      }
      const control = this.control(name);
      if (control && control.value.trim() !== value.trim()) control.value = value;
    }
    for (const control of this.form.querySelectorAll("[name^=author-]")) {
      if (!(control.name in fields) && control.value) control.value = "";  // removed by them
    }
    this.requestProof();
  }

  // Nothing lost: the text typed since the last save is kept in this browser.

  keepLocally() {
    if (!this.dirty) {
      this.forgetKept();
      return;
    }
    const kept = {
      time: Date.now(),
      version: this.control("version").value,
      base: this.control("base").value,
      tab: this.tab,
      fields: this.fields(),
    };
    try {
      localStorage.setItem(this.storageKey, JSON.stringify(kept));
    } catch (error) {
      // Storage full or refused: the autosave still keeps the text.
    }
  }

  readKept() {
    try {
      return JSON.parse(localStorage.getItem(this.storageKey) || "null");
    } catch (error) {
      return null;
    }
  }

  // Another tab's kept text is its own: a save here does not drop it.
  forgetKept() {
    const kept = this.readKept();
    if (kept && kept.tab && kept.tab !== this.tab) return;
    localStorage.removeItem(this.storageKey);
  }

  offerKeptText() {
    const kept = this.readKept();
    if (!kept || !kept.fields) return;
    if (this.fieldsText(kept.fields) === this.savedFields) {
      localStorage.removeItem(this.storageKey);
      return;
    }
    const notice = byId("kept-draft");
    byId("kept-draft-text").textContent = "Text typed at " + clock(new Date(kept.time)) +
      " after the last save was kept in this browser.";
    notice.hidden = false;
    byId("restore-draft").addEventListener("click", () => {
      if (kept.version && kept.base && kept.version !== this.control("version").value) {
        // Typed over a version saved over since: the save merges it with the newer one.
        this.control("version").value = kept.version;
        this.control("base").value = kept.base;
      }
      for (const [name, value] of Object.entries(kept.fields)) {
        if (/^author-\d+-/.test(name)) {
          while (!this.control(name)) this.addAuthorRow();  // a row added before the reload
        }
        const control = this.control(name);
        if (control && control.value !== value) control.value = value;
      }
      notice.hidden = true;
      this.changed();
      this.body.focus();
    });
    byId("discard-draft").addEventListener("click", () => {
      localStorage.removeItem(this.storageKey);
      notice.hidden = true;
    });
  }

  // The history: the versions, what changed, and a restore.

  setUpHistory() {
    const panel = byId("history");
    panel.addEventListener("toggle", () => {
      if (panel.open) this.loadHistory();
    });
    byId("history-more").addEventListener("click", () => this.loadHistory(this.historyNext));
    byId("history-compare").addEventListener("click", () => this.compare());
    byId("history-list").addEventListener("change", (event) => {
      const ticked = [...byId("history-list").querySelectorAll("input:checked")];
      if (ticked.length > 2) {
        ticked.filter((box) => box !== event.target).slice(1).forEach((box) => { box.checked = false; });
      }
    });
  }

  historyUrl(path) {
    return "/api/articles/" + encodeURIComponent(this.name) + path;
  }

  async loadHistory(before = null) {
    const status = byId("history-status");
    status.textContent = "Loading the versions…";
    const query = before ? "?before=" + encodeURIComponent(before) : "";
    try {
      const response = await fetch(this.historyUrl("/history" + query), { credentials: "same-origin" });
      const data = await response.json();
      if (!response.ok) throw new Error(data.error || response.statusText);
      const list = byId("history-list");
      const rows = data.versions.map((kept) => this.versionRow(kept, data.version));
      if (before) list.append(...rows);
      else list.replaceChildren(...rows);
      this.historyNext = data.next;
      byId("history-more").hidden = !data.next;
      status.textContent = list.children.length ? "" : "No versions kept yet.";
    } catch (error) {
      status.textContent = "The history could not be read: " + error.message;
    }
  }

  versionRow(kept, current) {
    const time = new Date(kept.time);
    const when = time.toLocaleDateString("en-GB", { day: "numeric", month: "short" }) + " " + clock(time);
    const words = kept.words === null ? "does not read" : kept.words + " " + (kept.unit || "words");
    const fit = kept.fit ? kept.fit.text : "";
    const id = "version-" + kept.id;
    const box = element("input", { type: "checkbox", id, value: kept.id });
    const label = element("label", { for: id },
      element("time", { datetime: kept.time, text: when }), " · " + words,
      fit ? " · " + fit : "", ACTION_NAMES[kept.action] ? " · " + ACTION_NAMES[kept.action] : "",
      kept.version === current ? " (now)" : "");
    const row = element("li", { "data-id": kept.id }, box, label);
    if (kept.version !== current) {
      const restore = element("button", {
        type: "button", className: "quiet restore", text: "Restore",
        "aria-label": "Restore the version of " + when,
      });
      restore.addEventListener("click", () => this.restore(kept.id, when));
      row.append(restore);
    }
    return row;
  }

  async compare() {
    const ticked = [...byId("history-list").querySelectorAll("input:checked")].map((box) => box.value);
    const status = byId("history-status");
    if (!ticked.length) {
      status.textContent = "Tick one version, or two, to compare.";
      return;
    }
    // The list is newest first: the lower one ticked is the older.
    const query = ticked.length === 1 ? "?from=" + ticked[0] : "?from=" + ticked[1] + "&to=" + ticked[0];
    try {
      const response = await fetch(this.historyUrl("/diff" + query), { credentials: "same-origin" });
      const data = await response.json();
      if (!response.ok) throw new Error(data.error || response.statusText);
      this.showDiff(data);
      status.textContent = data.added + " line" + (data.added === 1 ? "" : "s") + " added, " +
        data.removed + " removed" + (ticked.length === 1 ? " since that version." : ".");
    } catch (error) {
      status.textContent = "The changes could not be shown: " + error.message;
    }
  }

  showDiff(data) {
    const shown = byId("history-diff");
    const near = new Set();
    data.lines.forEach((line, index) => {
      if (line.kind === "same") return;
      for (let other = index - 2; other <= index + 2; other++) near.add(other);
    });
    const parts = [];
    let skipped = false;
    data.lines.forEach((line, index) => {
      if (!near.has(index)) {
        skipped = true;
        return;
      }
      if (skipped) parts.push(element("span", { className: "at", text: "…\n" }));
      skipped = false;
      const mark = line.kind === "added" ? "+ " : line.kind === "removed" ? "− " : "  ";
      const kind = line.kind === "added" ? "add" : line.kind === "removed" ? "del" : "";
      parts.push(element("span", { className: kind, text: mark + line.text + "\n" }));
    });
    if (!parts.length) parts.push("No difference.");
    shown.replaceChildren(...parts);
    shown.hidden = false;
  }

  async restore(id, when) {
    if (this.dirty && !window.confirm("Restoring replaces the changes not saved yet. Restore?")) return;
    const status = byId("history-status");
    status.textContent = "Restoring the version of " + when + "…";
    try {
      const response = await fetch(this.historyUrl("/restore"), {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify({ version: id, base: this.control("version").value }),
      });
      const data = await response.json();
      if (response.status === 412) throw new Error("the article changed since; reload the page first");
      if (!response.ok) throw new Error(data.error || response.statusText);
      this.leaving = true;
      this.forgetKept();
      window.location.assign("/articles/" + encodeURIComponent(this.name) + "?restored=1");
    } catch (error) {
      status.textContent = "Not restored: " + error.message;
    }
  }

  // A page at reading size, in a dialog, with zoom.

  setUpZoom() {
    const dialog = byId("zoom");
    byId("zoom-close").addEventListener("click", () => dialog.close());
    byId("zoom-in").addEventListener("click", () => this.zoomBy(1));
    byId("zoom-out").addEventListener("click", () => this.zoomBy(-1));
    byId("zoom-fit").addEventListener("click", () => this.setZoom(0));
    byId("zoom-previous").addEventListener("click", () => this.turnPage(-1));
    byId("zoom-next").addEventListener("click", () => this.turnPage(1));
    byId("zoom-image").addEventListener("load", () => this.setZoom(this.zoom.scale));
    dialog.addEventListener("keydown", (event) => {
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      const actions = {
        "+": () => this.zoomBy(1), "=": () => this.zoomBy(1), "-": () => this.zoomBy(-1),
        "0": () => this.setZoom(0), PageUp: () => this.turnPage(-1), PageDown: () => this.turnPage(1),
      };
      const action = actions[event.key];
      if (action) {
        event.preventDefault();
        action();
      }
    });
    dialog.addEventListener("close", () => {
      if (this.zoom.opener) this.zoom.opener.focus();
    });
  }

  openZoom(index, opener) {
    if (index < 0 || index >= this.fullPages.length) return;
    this.zoom.opener = opener;
    this.showZoomPage(index);
    byId("zoom").showModal();
    byId("zoom-view").focus();
  }

  showZoomPage(index) {
    this.zoom.page = index;
    const image = byId("zoom-image");
    image.src = this.fullPages[index];
    image.alt = "page " + (index + 1) + " of the bulletin at reading size";
    byId("zoom-title").textContent = "Page " + (index + 1) + " of " + this.fullPages.length;
    byId("zoom-previous").disabled = index === 0;
    byId("zoom-next").disabled = index === this.fullPages.length - 1;
  }

  turnPage(step) {
    const index = this.zoom.page + step;
    if (index >= 0 && index < this.fullPages.length) this.showZoomPage(index);
  }

  fittedScale() {
    const image = byId("zoom-image");
    const width = byId("zoom-view").clientWidth - 16;
    return image.naturalWidth ? width / image.naturalWidth : 1;
  }

  zoomBy(step) {
    const now = this.zoom.scale || this.fittedScale();
    const next = step > 0
      ? ZOOM_STEPS.find((scale) => scale > now + 0.001)
      : [...ZOOM_STEPS].reverse().find((scale) => scale < now - 0.001);
    if (next) this.setZoom(next);
  }

  setZoom(scale) {
    this.zoom.scale = scale;
    const image = byId("zoom-image");
    image.style.width = scale ? Math.round(image.naturalWidth * scale) + "px" : "100%";
    const shown = Math.round((scale || this.fittedScale()) * 100) + "%";
    byId("zoom-level").textContent = scale ? shown : "Fit, " + shown;
  }
}

document.addEventListener("DOMContentLoaded", () => {
  const root = byId("desk");
  if (root) {
    window.articleDesk = new Desk(root);
    window.articleDesk.start();
  }
});
