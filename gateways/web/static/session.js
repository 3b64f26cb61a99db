// Keeps a person's work when their session ends mid-step, and their place after a step.
// - An htmx request answered 401 (the session ended) swaps nothing: a notice asks to log in again, with a link that
//   comes back to this page; what the form held is kept on this device (sessionStorage, this tab only) and put back
//   into the same form when the page opens again, then forgotten.
// - After htmx swaps a panel, and when a page opens with an error summary, focus goes to the summary, else to the
//   first field of the current step (data-focus-first).
(function () {
  "use strict";
  var PREFIX = "helpdesk-draft:";

  function keyOf(form) {
    return PREFIX + location.pathname + "|" + (form.getAttribute("action") || form.getAttribute("hx-post") || "");
  }

  function keep(form) {
    var values = {};
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!field.name || field.type === "file" || field.type === "hidden" || field.type === "password") return;
      if ((field.type === "checkbox" || field.type === "radio") && !field.checked) return;
      if (field.value) values[field.name] = field.value;
    });
    if (Object.keys(values).length) {
      try { sessionStorage.setItem(keyOf(form), JSON.stringify(values)); } catch (e) { /* storage full or off */ }
    }
  }

  function restore() {
    var restored = false;
    Array.prototype.forEach.call(document.querySelectorAll("form"), function (form) {
      var raw;
      try { raw = sessionStorage.getItem(keyOf(form)); } catch (e) { return; }
      if (!raw) return;
      sessionStorage.removeItem(keyOf(form));
      var values = JSON.parse(raw);
      Object.keys(values).forEach(function (name) {
        var field = form.elements.namedItem(name);
        if (field && "value" in field && !field.value) { field.value = values[name]; restored = true; }
      });
    });
    var notice = document.getElementById("draft-restored");
    if (restored && notice) notice.hidden = false;
  }

  function askToLogIn() {
    var notice = document.getElementById("session-ended");
    if (!notice) { location.assign("/masuk?lanjut=" + encodeURIComponent(location.pathname)); return; }
    if (!notice.hidden) return;  // said once: the clock's refresh every 15 s must not pull focus again
    notice.hidden = false;
    var link = notice.querySelector("a");
    if (link) link.focus();
  }

  function focusWork(root) {
    var summary = document.getElementById("error-summary");
    if (summary) { summary.focus(); return; }
    var first = (root || document).querySelector("[data-focus-first] textarea, [data-focus-first] input:not([type=hidden]), [data-focus-first] select, [data-focus-first] button");
    if (first && root) first.focus();
  }

  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    if (!xhr || xhr.status !== 401) return;
    var form = event.detail.elt && event.detail.elt.closest ? event.detail.elt.closest("form") : null;
    if (form) keep(form);
    askToLogIn();
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    // An outerHTML swap leaves detail.target the element it replaced: look the new one up.
    var swapped = document.getElementById("workspace-main");
    if (event.detail.target && event.detail.target.id === "workspace-main" && swapped) focusWork(swapped);
  });

  // A link of the error summary puts focus in its field, not only the field in view.
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("#error-summary a[href^='#']") : null;
    var field = link ? document.getElementById(link.getAttribute("href").slice(1)) : null;
    if (!field) return;
    event.preventDefault();
    field.scrollIntoView({block: "center"});
    field.focus();
  });

  document.addEventListener("DOMContentLoaded", function () {
    restore();
    if (document.getElementById("error-summary")) focusWork(null);
  });
})();
