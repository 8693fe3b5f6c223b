// Upshot's outbox: the log-a-session form and the check-in forms keep
// working without a connection. A form marked data-offline that cannot
// reach the server is kept on this device (IndexedDB) as the JSON API's
// body, shown as waiting to send, and sent to the API when the connection
// returns (the online event, the next page load), each with an
// Idempotency-Key made when it was kept, so a retry never records twice.
// A refusal is shown with the server's message and kept until the person
// edits or discards it. An entry leaves the device once the server has it;
// signing out clears the whole store (Clear-Site-Data). Nothing here
// is needed online: without this file the forms post as before.
"use strict";

(function () {
  if (!("indexedDB" in window)) return;

  // The store: one object store of entries, keyed by their Idempotency-Key.
  // An entry: {key, account, kind, url, body, fields, page, label, safety,
  // kept, state: "waiting" | "refused", message}.
  function open() {
    return new Promise((resolve, reject) => {
      const req = indexedDB.open("upshot", 1);
      req.onupgradeneeded = () => req.result.createObjectStore("outbox", {keyPath: "key"});
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  }

  function tx(mode, work) {
    return open().then((db) => new Promise((resolve, reject) => {
      const t = db.transaction("outbox", mode);
      const result = work(t.objectStore("outbox"));
      t.oncomplete = () => { db.close(); resolve(result && result.result); };
      t.onerror = () => { db.close(); reject(t.error); };
    }));
  }

  const all = () => tx("readonly", (s) => s.getAll());
  const put = (entry) => tx("readwrite", (s) => s.put(entry));
  const remove = (key) => tx("readwrite", (s) => s.delete(key));

  // A version 4 UUID from the browser's random source (crypto.randomUUID
  // exists only in secure contexts).
  function uuid() {
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  // The account the page belongs to: entries are sent only from a page of
  // the account that kept them, never as someone else.
  const account = document.body.dataset.account || "";

  // From a form's fields to the API's body, field for field as the
  // server's parseSessionForm and parseCheckinForm read them. A value the
  // client cannot read as a number goes as typed, so the server refuses it
  // naming the field rather than this script guessing.
  function text(v, name) { return (v.get(name) || "").trim(); }
  function num(s) { return s === "" ? null : /^[+-]?\d+$/.test(s) ? Number(s) : s; }

  function sessionBody(v) {
    const body = {
      therapist_id: num(text(v, "therapist")) || 0,
      date: text(v, "date") || null,
      minutes: num(text(v, "minutes")),
      fee_amount: text(v, "fee") || null, // an exact decimal string, as typed
      format: text(v, "format"),
      agenda: text(v, "agenda"),
      helpful: num(text(v, "helpful")),
      after: text(v, "after"),
      note: (v.get("note") || "").replace(/\r\n/g, "\n"),
      got: v.getAll("got"),
      flags: v.getAll("flag"),
      focus: null,
      goals: [],
      conduct: {},
      agenda_items: [],
    };
    const focus = {};
    for (const c of ["life", "relationship", "therapist", "admin", "other"]) {
      const n = num(text(v, "focus_" + c));
      focus[c] = n === null ? 0 : n;
      if (n !== null) body.focus = focus;
    }
    // A progress rating means the goal was addressed, ticked or not.
    const goals = v.getAll("goal");
    for (const [key, value] of v) {
      const id = key.startsWith("progress_") ? key.slice(9) : "";
      if (id && value.trim() !== "" && !goals.includes(id)) goals.push(id);
    }
    for (const id of goals) body.goals.push({goal_id: num(id), progress: num(text(v, "progress_" + id))});
    for (const q of ["empathy", "compassion", "respect", "kindness", "judgment", "honesty", "integrity", "objectivity"]) {
      body.conduct[q] = num(text(v, "conduct_" + q));
    }
    for (const [key] of v) {
      if (key.startsWith("agenda_item_")) body.agenda_items.push({item_id: num(key.slice(12)), mark: text(v, key)});
    }
    return body;
  }

  function checkinBody(v, items) {
    const answers = [];
    for (let i = 1; i <= items; i++) answers.push(num(text(v, "item_" + i)));
    return {instrument: text(v, "instrument"), answers: answers, date: text(v, "date") || null};
  }

  function dateWords(iso) {
    const d = new Date(iso + "T00:00:00Z");
    return Number.isNaN(d.getTime()) ? "no date"
      : d.toLocaleDateString("en-GB", {day: "numeric", month: "short", year: "numeric", timeZone: "UTC"});
  }

  // keep turns a submitted form into an entry and stores it.
  async function keep(form, submitter) {
    const data = new FormData(form);
    if (submitter && submitter.name) data.append(submitter.name, submitter.value);
    const v = new URLSearchParams(data);
    const entry = {key: uuid(), account: account, kind: form.dataset.offline, page: form.dataset.page,
      fields: v.toString(), kept: new Date().toISOString(), state: "waiting", safety: false};
    if (entry.kind === "session") {
      entry.url = "/api/v1/sessions";
      entry.body = sessionBody(v);
      const t = form.querySelector("#therapist");
      const who = t && t.value ? " with " + t.options[t.selectedIndex].text : "";
      entry.label = "Session" + who + ", " + dateWords(text(v, "date"));
    } else {
      entry.url = "/api/v1/checkins";
      entry.body = checkinBody(v, Number(form.dataset.items));
      entry.label = form.dataset.label + ", " + dateWords(text(v, "date"));
      // The safety rule holds on the device too: an answer above 0 to a
      // safety item shows the notice at once, before anything is sent.
      const safe = (form.dataset.safetyItems || "").split(" ").filter(Boolean);
      entry.safety = safe.some((i) => (entry.body.answers[i - 1] || 0) > 0);
    }
    const replaces = form.dataset.replaces;
    await put(entry);
    if (replaces) await remove(replaces);
    return entry;
  }

  // reachable asks the server for its (tiny, public) manifest: a phone
  // often says it is online when nothing gets through.
  async function reachable() {
    if (!navigator.onLine) return false;
    const stop = new AbortController();
    const timer = setTimeout(() => stop.abort(), 5000);
    try {
      const res = await fetch("/manifest.webmanifest", {method: "HEAD", cache: "no-store", signal: stop.signal});
      return res.ok;
    } catch (e) {
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  function interceptForms() {
    for (const form of document.querySelectorAll("form[data-offline]")) {
      form.addEventListener("submit", async (event) => {
        if (form.dataset.checked === "yes") return; // reached: post as usual
        event.preventDefault();
        const submitter = event.submitter;
        if (await reachable()) {
          if (form.dataset.replaces) await remove(form.dataset.replaces);
          form.dataset.checked = "yes";
          form.requestSubmit(submitter);
          return;
        }
        let entry;
        try {
          entry = await keep(form, submitter);
        } catch (e) {
          // Private browsing, storage full or turned off: say so, and
          // leave what was typed in the form.
          say("Not saved, and this device could not keep it (" + e + "). What you typed is still here: try again when you are connected.");
          return;
        }
        delete form.dataset.replaces;
        form.reset();
        refresh(form);
        say("Kept on this device: " + entry.label + ". It will be sent when the connection returns.");
        await show();
        window.scrollTo(0, 0);
      });
    }
  }

  // The server's words for a refusal: the problem's detail and each
  // field's message, else the version 1 error's message.
  function messageOf(p, res) {
    const fields = (p.errors || []).map((e) => e.message);
    if (fields.length > 1) return fields.join("; ");
    return p.detail || (p.error && p.error.message) || fields[0] || "The server answered " + res.status + ".";
  }

  // send sends this account's waiting entries, oldest first. What the
  // network or the server cannot take now stays waiting; a refusal is kept
  // with its message until the person deals with it. Two tabs may send at
  // once (both see the online event): a lock makes the second wait, then
  // find the first one's entries gone.
  let sending = false;
  async function send() {
    if (!account || sending || !navigator.onLine) return;
    sending = true;
    try {
      if (navigator.locks) await navigator.locks.request("upshot-outbox", sendWaiting);
      else await sendWaiting();
    } finally {
      sending = false;
    }
    await show();
  }

  async function sendWaiting() {
    const waiting = (await all()).filter((e) => e.account === account && e.state === "waiting");
    waiting.sort((a, b) => a.kept.localeCompare(b.kept));
    for (const entry of waiting) {
      let res;
      try {
        res = await fetch(entry.url, {
          method: "POST", credentials: "same-origin",
          headers: {"Content-Type": "application/json", "Idempotency-Key": entry.key},
          body: JSON.stringify(entry.body),
        });
      } catch (e) {
        break; // still no connection
      }
      if (res.ok) {
        const made = await res.json().catch(() => ({}));
        await remove(entry.key);
        say("Sent: " + entry.label + ".", entry.kind === "checkin" && made.id ? "/checkins/" + made.id : "");
        continue;
      }
      const problem = await res.json().catch(() => ({}));
      const inFlight = res.status === 409 && problem.error && problem.error.field === "Idempotency-Key";
      if (res.status === 401 || inFlight || res.status === 408 || res.status === 429 || res.status >= 500) {
        // Signed out for now, the first try still being answered, or the
        // server in trouble: try again later.
        entry.message = res.status === 401 ? "Sign in again to send it." : "";
      } else {
        entry.state = "refused";
        entry.message = messageOf(problem, res);
      }
      await put(entry);
    }
  }

  // The list of kept entries at the top of the page, and the safety notice
  // when one of them calls for it.
  function box() {
    return document.getElementById("outbox");
  }

  function say(message, link) {
    const status = document.getElementById("outbox-status");
    if (!status) return;
    status.hidden = false;
    status.textContent = message + " ";
    if (link) {
      const a = document.createElement("a");
      a.href = link;
      a.textContent = "See the result";
      status.append(a);
    }
  }

  async function show() {
    const list = document.getElementById("outbox-list");
    if (!list) return;
    const entries = (await all()).filter((e) => !account || e.account === account);
    list.replaceChildren();
    for (const entry of entries) {
      const li = document.createElement("li");
      li.className = entry.state === "refused" ? "refused" : "waiting";
      const what = document.createElement("strong");
      what.textContent = entry.label;
      li.append(what, entry.state === "refused" ? ": not saved. " + entry.message + " "
        : ": waiting to send. " + (entry.message || "") + " ");
      if (entry.state === "refused") {
        const edit = document.createElement("a");
        edit.href = entry.page + "#kept-" + entry.key;
        edit.textContent = "Edit";
        edit.className = "button small";
        li.append(edit, " ");
      }
      const discard = document.createElement("button");
      discard.type = "button";
      discard.className = "button small";
      discard.textContent = "Discard";
      discard.setAttribute("aria-label", "Discard " + entry.label);
      discard.addEventListener("click", async () => {
        await remove(entry.key);
        say("Discarded: " + entry.label + ".");
        await show();
      });
      li.append(discard);
      list.append(li);
    }
    box().hidden = entries.length === 0;
    warnSignOut(entries.length);
    const notice = document.getElementById("offline-safety");
    if (notice && entries.some((e) => e.safety) && !document.querySelector("aside.safety")) {
      box().before(notice.content.cloneNode(true));
    }
  }

  // refresh lets app.js redraw what it draws from the fields (the split of
  // the minutes, the offered line) after the script changed them.
  function refresh(form) {
    for (const el of form.elements) el.dispatchEvent(new Event("input", {bubbles: true}));
  }

  // Signing out deletes what the device keeps (Clear-Site-Data), unsent
  // entries too: the sign-out button says so first.
  function warnSignOut(n) {
    const form = document.querySelector('form[action="/signout"]');
    if (!form) return;
    let warning = document.getElementById("signout-warning");
    if (!warning) {
      warning = document.createElement("p");
      warning.id = "signout-warning";
      warning.className = "hint";
      form.prepend(warning);
    }
    warning.hidden = n === 0;
    warning.textContent = (n === 1 ? "1 entry kept on this device is" : n + " entries kept on this device are") +
      " not sent yet (see the top of this page): signing out deletes " + (n === 1 ? "it." : "them.");
  }

  // A refused or waiting entry opened for editing fills its form again; it
  // stays kept until the form is sent or kept anew, which replaces it.
  async function editKept() {
    const m = location.hash.match(/^#kept-([0-9a-f-]{36})$/);
    if (!m) return;
    const entry = (await all()).find((e) => e.key === m[1] && (!account || e.account === account));
    const form = entry && document.querySelector('form[data-offline="' + entry.kind + '"]');
    if (!form) return;
    const v = new URLSearchParams(entry.fields);
    for (const el of form.elements) {
      if (!el.name || el.type === "submit" || el.type === "hidden") continue;
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = v.getAll(el.name).includes(el.value);
        el.dispatchEvent(new Event("change", {bubbles: true}));
      } else if (v.has(el.name)) {
        el.value = v.get(el.name);
      }
    }
    refresh(form);
    form.dataset.replaces = entry.key;
    const details = form.querySelector("details.offered");
    if (details) details.open = true;
    say("Editing " + entry.label + ": send it again when it is right.");
  }

  document.addEventListener("DOMContentLoaded", () => {
    interceptForms();
    editKept().then(show).then(send).catch(() => {});
    window.addEventListener("online", () => { send().catch(() => {}); });
  });
})();
