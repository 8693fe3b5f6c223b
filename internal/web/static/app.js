// Upshot progressive enhancement. Every page works without this file; it
// only adds conveniences: +/- and "rest" buttons and a live split for the
// focus minutes (with its total against the session's minutes), a goal's
// progress shown only once the goal is ticked, the folded line of offered
// values kept up to date, a print button on the report page, and the
// service worker of the installable app.
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

  function sessionMinutes() {
    const m = document.getElementById("minutes");
    if (!m) return null;
    const n = parseInt(m.value, 10);
    return Number.isFinite(n) && n > 0 ? n : null;
  }

  // The same words as the server's splitText and splitWarning.
  function redraw() {
    const inputs = focusInputs();
    const total = inputs.reduce((sum, i) => sum + value(i), 0);
    const minutes = sessionMinutes();
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
      if (total === 0) {
        text.textContent = minutes !== null ? "0 of " + minutes + " minutes given." : "Enter minutes to see the split.";
      } else {
        text.textContent = parts.join(", ") + " · " + total + (minutes !== null ? " of " + minutes + " minutes" : " minutes in all");
      }
    }
    const warn = document.getElementById("split-warn");
    if (warn) {
      const off = total > 0 && minutes !== null && total !== minutes;
      warn.hidden = !off;
      warn.textContent = off
        ? "The parts add up to " + total + " minutes; the session was " + minutes + ". It is saved as you give it."
        : "";
    }
  }

  // Each part gets - and + (5 minutes) and "rest": the minutes of the
  // session not yet given to another part, so a session spent on one thing
  // is one tap.
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
      const rest = document.createElement("button");
      rest.type = "button";
      rest.className = "rest";
      rest.textContent = "rest";
      rest.setAttribute("aria-label", "the rest of the minutes on " + label);
      input.parentNode.insertBefore(wrap, input);
      wrap.append(minus, input, plus);
      wrap.after(rest);
      const step = (d) => {
        input.value = String(Math.min(600, Math.max(0, value(input) + d)));
        redraw();
      };
      minus.addEventListener("click", () => step(-5));
      plus.addEventListener("click", () => step(5));
      rest.addEventListener("click", () => {
        const minutes = sessionMinutes();
        if (minutes === null) return;
        const others = focusInputs().filter((i) => i !== input).reduce((sum, i) => sum + value(i), 0);
        input.value = String(Math.max(0, minutes - others));
        redraw();
      });
      input.addEventListener("input", redraw);
    }
    const m = document.getElementById("minutes");
    if (m) m.addEventListener("input", redraw);
  }

  // The folded line of offered values says what will be saved, also after
  // a change inside it.
  function offeredLine() {
    const line = document.getElementById("offered-text");
    const box = line ? line.closest("details") : null;
    if (!box) return;
    const sync = () => {
      const parts = [];
      const t = document.getElementById("therapist");
      if (t && t.value !== "") parts.push(t.options[t.selectedIndex].text);
      const d = document.getElementById("date");
      if (d && d.value) {
        const day = new Date(d.value + "T00:00:00Z");
        parts.push(d.value === d.max ? "today" : Number.isNaN(day.getTime()) ? d.value
          : day.toLocaleDateString("en-GB", {day: "numeric", month: "short", year: "numeric", timeZone: "UTC"}));
      }
      const m = sessionMinutes();
      if (m !== null) parts.push(m === 1 ? "1 minute" : m + " minutes");
      const f = box.querySelector('input[name="format"]:checked');
      if (f) parts.push(f.value.replace(/_/g, " "));
      const fee = document.getElementById("fee");
      if (fee && fee.value.trim() !== "") parts.push("fee " + fee.value.trim());
      line.textContent = parts.join(", ");
    };
    box.addEventListener("input", sync);
    box.addEventListener("change", sync);
  }

  // Without script every goal shows its progress choices. With it, they
  // appear when the goal is ticked and are cleared when it is unticked, so
  // a progress chosen and then abandoned is not sent (the server counts a
  // goal with a progress as worked on).
  function goalProgress() {
    for (const row of document.querySelectorAll(".goal-row")) {
      const box = row.querySelector('input[name="goal"]');
      const group = row.querySelector(".progress");
      if (!box || !group) continue;
      const none = group.querySelector('input[value=""]');
      const rated = () => group.querySelector("input:checked:not([value=''])") !== null;
      const sync = () => {
        group.hidden = !box.checked;
        if (!box.checked && none) none.checked = true;
      };
      if (!box.checked && rated()) box.checked = true;
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
    offeredLine();
    printButton();
  });
})();
