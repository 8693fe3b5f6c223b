// Upshot progressive enhancement. Every page works without this file; it
// only adds conveniences: +/- steppers and a live split for the focus
// minutes, a goal's progress shown only once the goal is ticked, a print
// button on the report page, and the service worker of the installable app.
"use strict";

(function () {
  const names = {
    life: "my life",
    relationship: "the relationship",
    therapist: "the therapist",
    admin: "admin",
    other: "other",
  };

  function focusInputs() {
    return Array.from(document.querySelectorAll("input[data-focus]"));
  }

  function value(input) {
    const n = parseInt(input.value, 10);
    return Number.isFinite(n) && n > 0 ? n : 0;
  }

  function redraw() {
    const inputs = focusInputs();
    const total = inputs.reduce((sum, i) => sum + value(i), 0);
    let x = 0;
    const parts = [];
    for (const input of inputs) {
      const cat = input.dataset.focus;
      const v = value(input);
      const w = total > 0 ? (v / total) * 100 : 0;
      const bar = document.querySelector('rect[data-bar="' + cat + '"]');
      if (bar) {
        bar.setAttribute("x", x.toFixed(2));
        bar.setAttribute("width", w.toFixed(2));
      }
      x += w;
      if (v > 0) parts.push(names[cat] + " " + Math.round(w) + "%");
    }
    const text = document.getElementById("split-text");
    if (text) {
      text.textContent = total > 0
        ? parts.join(", ") + " · " + total + " minutes in all"
        : "Enter minutes to see the split.";
    }
  }

  function addSteppers() {
    for (const input of focusInputs()) {
      const wrap = document.createElement("div");
      wrap.className = "stepper";
      const label = input.labels && input.labels[0] ? input.labels[0].textContent.trim() : "";
      const minus = document.createElement("button");
      minus.type = "button";
      minus.textContent = "−";
      minus.setAttribute("aria-label", "5 minutes less on " + label);
      const plus = document.createElement("button");
      plus.type = "button";
      plus.textContent = "+";
      plus.setAttribute("aria-label", "5 minutes more on " + label);
      input.parentNode.insertBefore(wrap, input);
      wrap.append(minus, input, plus);
      const step = (d) => {
        input.value = String(Math.min(600, Math.max(0, value(input) + d)));
        redraw();
      };
      minus.addEventListener("click", () => step(-5));
      plus.addEventListener("click", () => step(5));
      input.addEventListener("input", redraw);
    }
  }

  // Without script every goal shows its progress list. With it, a goal's
  // list appears when the goal is ticked and is cleared when it is unticked,
  // so a progress chosen and then abandoned is not sent (the server counts a
  // goal with a progress as worked on).
  function goalProgress() {
    for (const row of document.querySelectorAll(".goal-row")) {
      const box = row.querySelector('input[name="goal"]');
      const select = row.querySelector("select");
      if (!box || !select) continue;
      const sync = () => {
        select.hidden = !box.checked;
        if (!box.checked) select.value = "";
      };
      if (!box.checked && select.value !== "") box.checked = true;
      box.addEventListener("change", sync);
      sync();
    }
  }

  function printButton() {
    const button = document.getElementById("print-report");
    if (!button) return;
    button.hidden = false;
    button.addEventListener("click", () => window.print());
  }

  // The installable app's service worker (served at /sw.js): it keeps only
  // the app's own files on the device, never a page of records.
  function installable() {
    if (!("serviceWorker" in navigator) || !window.isSecureContext) return;
    navigator.serviceWorker.register("/sw.js").catch(() => {});
  }

  document.addEventListener("DOMContentLoaded", () => {
    installable();
    if (focusInputs().length > 0) {
      addSteppers();
      redraw();
    }
    goalProgress();
    printButton();
  });
})();
