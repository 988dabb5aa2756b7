// The library as it is used: the search filters as you type, a deletion asks first,
// a rename says what is wrong with a name beside its field. Without this file every
// form still works, one page load at a time.
"use strict";

const SEARCH_PAUSE_MS = 250;
const ARTICLE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,120}\.(md|markdown)$/;

/** Return the search form's fields that hold something, as a query string's parameters. */
function searchParams(form) {
  const params = new URLSearchParams();
  for (const [key, value] of new FormData(form)) {
    if (typeof value === "string" && value.trim()) params.set(key, value.trim());
  }
  return params;
}

/** Filter the list while the editor types: the newest search wins, the address follows. */
function searchAsYouType(form, shelf, count) {
  const input = form.elements.namedItem("q");
  const showAll = form.querySelector(".show-all");
  let timer = 0;
  let running = null;
  const refresh = () => {
    const params = searchParams(form);
    if (running) running.abort();
    const current = new AbortController();
    running = current;
    shelf.setAttribute("aria-busy", "true");
    fetch(form.dataset.shelf + "?" + params, { credentials: "same-origin", signal: current.signal })
      .then((response) => {
        if (!response.ok) throw new Error("the server answered " + response.status);
        return response.text();
      })
      .then((html) => {
        const part = document.createElement("template");
        part.innerHTML = html;
        shelf.replaceChildren(part.content);
        const table = shelf.querySelector("[data-count]");
        count.textContent = table ? table.dataset.count : "";
        const address = params.toString();
        history.replaceState(history.state, "", address ? "/?" + address : "/");
        if (showAll) showAll.hidden = !params.has("q");
      })
      .catch((error) => {
        if (error.name !== "AbortError") count.textContent = "The search failed: " + error.message;
      })
      .finally(() => {
        if (running === current) {
          running = null;
          shelf.removeAttribute("aria-busy");
        }
      });
  };
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(refresh, SEARCH_PAUSE_MS);
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(timer);
    refresh();
  });
}

/** Ask before a row's Delete deletes; on "Keep it" or Escape the focus goes back to it. */
function confirmDeletes(dialog) {
  const title = dialog.querySelector("#confirm-delete-title");
  const text = dialog.querySelector("#confirm-delete-text");
  const keep = dialog.querySelector("#confirm-delete-no");
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.classList.contains("delete-form")) return;
    if (form.dataset.confirmed === "true") return;
    event.preventDefault();
    const trigger = event.submitter || form.querySelector("button");
    title.textContent = "Delete “" + form.dataset.title + "”?";
    text.textContent = "It moves to the Deleted list below this one, from where it can be brought back.";
    dialog.returnValue = "";
    dialog.addEventListener("close", () => {
      if (dialog.returnValue === "delete") {
        form.dataset.confirmed = "true";
        form.requestSubmit();  // its submit event is dispatched before this returns
        delete form.dataset.confirmed;  // a page kept by Back asks again
      } else if (trigger) {
        trigger.focus();
      }
    }, { once: true });
    dialog.showModal();
    keep.focus();
  });
}

/** Return, in one line, why `name` cannot be the new file name of the row's article. */
function renameProblem(name, form) {
  if (!name) return "type the new file name, like new-name.md";
  const refused = name + " is not an article file name: ";
  if (/[\\/]/.test(name)) return refused + "it holds a slash, and an article stays in this folder";
  if (!/\.(md|markdown)$/.test(name)) return refused + "it must end in .md";
  if (!ARTICLE_NAME.test(name)) return refused + "letters, digits, ., - and _, then .md";
  const row = form.closest("tr");
  if (row && row.dataset.name === name) return name + " is its name already: type another";
  if (document.querySelector("tr[data-name=\"" + CSS.escape(name) + "\"]")) {
    return name + " exists already: choose another name";
  }
  return "";
}

/** Show what is wrong with a typed name beside its field, before the form is sent. */
function checkRenames() {
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.classList.contains("rename-form")) return;
    const field = form.elements.namedItem("to");
    const error = form.querySelector(".field-error");
    const problem = renameProblem(field.value.trim(), form);
    error.textContent = problem;
    error.hidden = !problem;
    if (!problem) {
      field.removeAttribute("aria-invalid");
      return;
    }
    event.preventDefault();
    field.setAttribute("aria-invalid", "true");
    field.focus();
  });
  document.addEventListener("input", (event) => {
    const field = event.target;
    if (!(field instanceof HTMLInputElement) || field.getAttribute("aria-invalid") !== "true") return;
    const form = field.closest(".rename-form");
    if (!form) return;
    field.removeAttribute("aria-invalid");
    form.querySelector(".field-error").hidden = true;
  });
}

document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("search-form");
  const shelf = document.getElementById("shelf");
  const count = document.getElementById("shelf-count");
  if (form && shelf && count) searchAsYouType(form, shelf, count);
  const dialog = document.getElementById("confirm-delete");
  if (dialog && typeof dialog.showModal === "function") confirmDeletes(dialog);
  checkRenames();
  const done = document.getElementById("done");
  if (done) done.focus();  // what was just done, with its Undo next
  const refused = document.querySelector(".rename-form [aria-invalid=true]");
  if (refused) refused.focus();
});
