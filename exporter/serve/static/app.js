// The little the pages need from JavaScript: fetch the proof, follow a build's progress.
"use strict";

function showProof(section) {
  const fit = document.getElementById("fit");
  const warnings = document.getElementById("warnings");
  const pages = document.getElementById("pages");
  if (pages.querySelector("img")) {
    section.dataset.state = "ready";
    return;  // the server had the proof already
  }
  section.dataset.state = "laying-out";
  fetch(section.dataset.url, { credentials: "same-origin" })
    .then((response) => response.json())
    .then((proof) => {
      fit.textContent = proof.error || proof.fit;
      fit.className = "fit " + proof.state;
      warnings.replaceChildren(...proof.warnings.map((text) => {
        const item = document.createElement("li");
        item.textContent = text;
        return item;
      }));
      const pictures = proof.pages.map((url, index) => {
        const img = document.createElement("img");
        img.id = "page-" + (index + 1);
        img.alt = "page " + (index + 1) + " of the bulletin" +
          (proof.cut && index === 1 ? ", marked where page 2 ends" : "");
        img.src = url;
        return img;
      });
      pages.replaceChildren(...pictures.map((img) => {
        const link = document.createElement("a");  // the page at full size
        link.href = img.src;
        link.target = "_blank";
        link.append(img);
        return link;
      }));
      return Promise.all(pictures.map((img) => img.decode().catch(() => null)));
    })
    .then(() => { section.dataset.state = "ready"; })
    .catch((error) => {
      fit.textContent = "The proof could not be made: " + error;
      section.dataset.state = "failed";
    });
}

function followBuild(section) {
  const bar = document.getElementById("build-progress");
  const summary = document.getElementById("build-summary");
  const poll = () => fetch("/build-all/progress", { credentials: "same-origin" })
    .then((response) => response.json())
    .then((progress) => {
      bar.hidden = false;
      bar.max = progress.total || 1;
      bar.value = progress.done;
      summary.textContent = "Building " + progress.done + " of " + progress.total + ": " +
        progress.built + " built, " + progress.refused + " refused, " + progress.failed + " failed";
      if (progress.running) {
        setTimeout(poll, 400);
      } else {
        window.location.reload();
      }
    });
  poll();
}

document.addEventListener("DOMContentLoaded", () => {
  const proof = document.getElementById("proof");
  if (proof) showProof(proof);
  const build = document.getElementById("build-all");
  if (build && build.dataset.running === "true") followBuild(build);
  const form = document.getElementById("article-form");
  if (form) {
    form.addEventListener("submit", () => {
      const save = document.getElementById("save");
      save.textContent = "Saving…";
      // Disabled after the submission has its fields: a disabled button sends nothing.
      setTimeout(() => { save.disabled = true; }, 0);
    });
  }
});
