// Asks before a step that cannot simply be taken back (forwarding, closing, skipping a number, submitting a report):
// a form with data-confirm="<what will happen>" shows that text in a dialog, and goes on only on "Ya". Forms sent by
// htmx are held at htmx's own confirm event; plain forms at their submit. The dialog's words come from the page
// (<template id="confirm-dialog"> in base.html), so they are in the reader's language.
(function () {
  "use strict";

  function ask(text) {
    var template = document.getElementById("confirm-dialog");
    if (!template || typeof HTMLDialogElement === "undefined") {
      return Promise.resolve(window.confirm(text));
    }
    var dialog = template.content.firstElementChild.cloneNode(true);
    dialog.querySelector("[data-confirm-text]").textContent = text;
    document.body.appendChild(dialog);
    return new Promise(function (resolve) {
      function done(answer) {
        dialog.close();
        dialog.remove();
        resolve(answer);
      }
      dialog.querySelector("[data-testid=confirm-yes]").addEventListener("click", function () { done(true); });
      dialog.querySelector("[data-testid=confirm-no]").addEventListener("click", function () { done(false); });
      dialog.addEventListener("cancel", function (event) { event.preventDefault(); done(false); });
      dialog.showModal();
      dialog.querySelector("[data-testid=confirm-no]").focus();
    });
  }

  // The button that sends a form (a click, or Enter in a field, which clicks the default button): a button with its
  // own formaction (a preview) sends nothing away, so only the form's own submit asks.
  var lastSubmitter = null;
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button[type=submit], input[type=submit]") : null;
    if (button) lastSubmitter = button;
  }, true);

  function textOf(element, submitter) {
    var form = element && element.closest ? element.closest("form") : null;
    if (!form) return null;
    if (submitter && submitter.form === form) {
      if (submitter.hasAttribute("data-confirm")) return submitter.getAttribute("data-confirm");
      if (submitter.hasAttribute("formaction")) return null;
    }
    return form.getAttribute("data-confirm");
  }

  document.addEventListener("htmx:confirm", function (event) {
    var text = textOf(event.detail.elt, lastSubmitter);
    if (!text) return;
    event.preventDefault();
    ask(text).then(function (yes) { if (yes) event.detail.issueRequest(true); });
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var submitter = event.submitter || null;
    var text = textOf(form, submitter);
    // Forms htmx sends (hx-post, or boosted) are asked at htmx:confirm above.
    if (!text || form.hasAttribute("hx-post") || form.closest("[hx-boost=true]") || form.dataset.confirmed === "1") return;
    event.preventDefault();
    ask(text).then(function (yes) {
      if (!yes) return;
      form.dataset.confirmed = "1";
      if (form.requestSubmit) form.requestSubmit(submitter); else form.submit();
      delete form.dataset.confirmed;
    });
  }, true);
})();
