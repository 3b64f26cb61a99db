// The tracking link's "Salin tautan" button (templates/tracking/link.html). A file of its own: the CSP allows no
// inline script. The Clipboard API needs a secure context (HTTPS or localhost); an office's plain-HTTP intranet
// address falls back to selecting the field and the browser's copy command. Listening on the document also serves a
// box htmx swaps in after this file ran.
"use strict";

function copyBySelecting(field) {
  field.focus();
  field.select();
  try {
    return document.execCommand("copy");
  } catch (error) {
    return false;
  }
}

document.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-copy]");
  if (!button) {
    return;
  }
  const field = document.getElementById(button.dataset.copy);
  const note = document.getElementById(button.dataset.copied);
  if (!field) {
    return;
  }
  const copied = () => {
    if (note) {
      note.hidden = false;
    }
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(field.value).then(copied, () => {
      if (copyBySelecting(field)) {
        copied();
      }
    });
  } else if (copyBySelecting(field)) {
    copied();
  }
});
