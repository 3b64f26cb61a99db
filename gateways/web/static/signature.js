/* A small signature pad for the guest book (Daftar Hadir): draw with a finger, a pen or a mouse.
 *
 * Markup: an element with [data-signature-pad] holding a <canvas>, a hidden <input name="signature"> and a
 * button [data-signature-clear]. Each finished stroke writes the drawing as a PNG data URL into the input; the
 * clear button empties both. A drawing sent back by the server (after another field's error) is drawn again.
 * Written for this project; no external code.
 */
(function () {
  "use strict";

  var INK = "#1a1a1a";

  function setUp(pad) {
    var canvas = pad.querySelector("canvas");
    var input = pad.querySelector("input[type=hidden]");
    var clear = pad.querySelector("[data-signature-clear]");
    if (!canvas || !input || !canvas.getContext) {
      return;
    }
    var context = canvas.getContext("2d");
    var drawing = null; // the pointer id of the stroke under way
    var last = null;
    var inked = false;

    if (input.getAttribute("data-invalid") === "true") {
      canvas.setAttribute("aria-invalid", "true");
    }

    function paper() {
      var ratio = window.devicePixelRatio || 1;
      context.setTransform(1, 0, 0, 1, 0, 0);
      context.fillStyle = "#ffffff";
      context.fillRect(0, 0, canvas.width, canvas.height);
      context.setTransform(ratio, 0, 0, ratio, 0, 0);
      context.strokeStyle = INK;
      context.fillStyle = INK;
      context.lineWidth = 2.5;
      context.lineCap = "round";
      context.lineJoin = "round";
    }

    function redraw(dataUrl) {
      if (!dataUrl || dataUrl.indexOf("data:image/png;base64,") !== 0) {
        return;
      }
      var image = new Image();
      image.onload = function () {
        var ratio = window.devicePixelRatio || 1;
        context.drawImage(image, 0, 0, canvas.width / ratio, canvas.height / ratio);
        inked = true;
      };
      image.src = dataUrl;
    }

    // The canvas keeps its CSS size; its pixels follow it and the screen's density, the drawing survives.
    function resize() {
      var box = canvas.getBoundingClientRect();
      var ratio = window.devicePixelRatio || 1;
      var width = Math.max(1, Math.round(box.width * ratio));
      var height = Math.max(1, Math.round(box.height * ratio));
      if (canvas.width === width && canvas.height === height) {
        return;
      }
      var kept = inked ? canvas.toDataURL("image/png") : input.value;
      canvas.width = width;
      canvas.height = height;
      paper();
      redraw(kept);
    }

    function point(event) {
      var box = canvas.getBoundingClientRect();
      return { x: event.clientX - box.left, y: event.clientY - box.top };
    }

    function dot(at) {
      context.beginPath();
      context.arc(at.x, at.y, context.lineWidth / 2, 0, Math.PI * 2);
      context.fill();
    }

    function line(to) {
      context.beginPath();
      context.moveTo(last.x, last.y);
      context.lineTo(to.x, to.y);
      context.stroke();
      last = to;
    }

    function save() {
      input.value = canvas.toDataURL("image/png");
      canvas.removeAttribute("aria-invalid");
    }

    canvas.addEventListener("pointerdown", function (event) {
      if (drawing !== null || (event.pointerType === "mouse" && event.button !== 0)) {
        return;
      }
      event.preventDefault();
      drawing = event.pointerId;
      if (canvas.setPointerCapture) {
        canvas.setPointerCapture(event.pointerId);
      }
      last = point(event);
      dot(last);
      inked = true;
    });

    canvas.addEventListener("pointermove", function (event) {
      if (event.pointerId !== drawing) {
        return;
      }
      event.preventDefault();
      var events = event.getCoalescedEvents ? event.getCoalescedEvents() : [];
      if (!events.length) {
        events = [event];
      }
      for (var i = 0; i < events.length; i += 1) {
        line(point(events[i]));
      }
    });

    function end(event) {
      if (event.pointerId !== drawing) {
        return;
      }
      drawing = null;
      last = null;
      save();
    }

    canvas.addEventListener("pointerup", end);
    canvas.addEventListener("pointercancel", end);
    canvas.addEventListener("lostpointercapture", end);

    if (clear) {
      clear.addEventListener("click", function () {
        inked = false;
        input.value = "";
        paper();
      });
    }

    var width = 0;
    canvas.width = 0; // so the first resize always sets the pixels and draws a returned signature
    resize();
    if (window.ResizeObserver) {
      new window.ResizeObserver(function () {
        if (canvas.getBoundingClientRect().width !== width) {
          width = canvas.getBoundingClientRect().width;
          resize();
        }
      }).observe(canvas);
    } else {
      window.addEventListener("resize", resize);
    }
  }

  function start() {
    var pads = document.querySelectorAll("[data-signature-pad]");
    for (var i = 0; i < pads.length; i += 1) {
      setUp(pads[i]);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
