// The little the library needs from JavaScript: follow a build's progress.
// The article page has its own script (article.js).
"use strict";

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
  const build = document.getElementById("build-all");
  if (build && build.dataset.running === "true") followBuild(build);
});
