// Upshot passkeys: the two WebAuthn ceremonies of the sign-in page ("Sign in
// with a passkey") and of the account page ("Add a passkey"). The server
// makes the challenge and checks the answer; this file only carries them
// between it and the browser's authenticator, converting the binary fields
// WebAuthn uses to and from base64url (done by hand rather than with
// PublicKeyCredential.parseCreationOptionsFromJSON, which older phones lack).
"use strict";

(function () {
  if (!window.PublicKeyCredential || !navigator.credentials) return;

  function fromB64(s) {
    s = s.replace(/-/g, "+").replace(/_/g, "/");
    while (s.length % 4) s += "=";
    const bin = atob(s);
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out.buffer;
  }

  function toB64(buf) {
    const bytes = new Uint8Array(buf);
    let bin = "";
    for (let i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i]);
    return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  async function post(url, body) {
    const res = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    let data = {};
    try {
      data = await res.json();
    } catch (e) {
      data = {};
    }
    if (!res.ok) {
      const msg = data.error && data.error.message ? data.error.message : "The server refused the request (" + res.status + ").";
      throw new Error(msg);
    }
    return data;
  }

  function descriptors(list) {
    return (list || []).map(function (c) {
      return { type: c.type, id: fromB64(c.id), transports: c.transports };
    });
  }

  function credentialJSON(cred) {
    const r = cred.response;
    const out = {
      id: cred.id,
      rawId: toB64(cred.rawId),
      type: cred.type,
      authenticatorAttachment: cred.authenticatorAttachment || undefined,
      clientExtensionResults: cred.getClientExtensionResults ? cred.getClientExtensionResults() : {},
      response: { clientDataJSON: toB64(r.clientDataJSON) },
    };
    if (r.attestationObject) {
      out.response.attestationObject = toB64(r.attestationObject);
      if (r.getTransports) out.response.transports = r.getTransports();
    } else {
      out.response.authenticatorData = toB64(r.authenticatorData);
      out.response.signature = toB64(r.signature);
      if (r.userHandle) out.response.userHandle = toB64(r.userHandle);
    }
    return out;
  }

  // A ceremony the person cancelled or let time out is not an error of
  // theirs: say so calmly.
  function message(err) {
    if (err && (err.name === "NotAllowedError" || err.name === "AbortError")) {
      return "The passkey request was cancelled or timed out. Nothing changed.";
    }
    if (err && err.name === "InvalidStateError") {
      return "This device has a passkey for your account already.";
    }
    return err && err.message ? err.message : "Something went wrong with the passkey.";
  }

  function setup(root, run) {
    const button = root.querySelector("[data-passkey-button]");
    const status = root.querySelector("[data-passkey-status]");
    const nojs = root.querySelector("[data-passkey-nojs]");
    if (nojs) nojs.hidden = true;
    root.hidden = false;
    button.hidden = false;
    const go = async function (ev) {
      ev.preventDefault();
      button.disabled = true;
      status.textContent = "Waiting for your passkey…";
      try {
        await run(button);
      } catch (err) {
        status.textContent = message(err);
        button.disabled = false;
      }
    };
    if (root.tagName === "FORM") root.addEventListener("submit", go);
    else button.addEventListener("click", go);
  }

  const signin = document.querySelector("[data-passkey-signin]");
  if (signin) {
    setup(signin, async function (button) {
      const begun = await post("/signin/passkey/options", {});
      const pk = begun.options.publicKey;
      pk.challenge = fromB64(pk.challenge);
      pk.allowCredentials = descriptors(pk.allowCredentials);
      const cred = await navigator.credentials.get({ publicKey: pk });
      const done = await post("/signin/passkey", {
        ceremony: begun.ceremony,
        credential: credentialJSON(cred),
        next: button.getAttribute("data-next") || "",
      });
      window.location.assign(done.redirect || "/");
    });
  }

  const add = document.querySelector("[data-passkey-add]");
  if (add) {
    setup(add, async function () {
      const name = add.querySelector("input[name=name]").value;
      const begun = await post("/account/passkeys/options", { name: name });
      const pk = begun.options.publicKey;
      pk.challenge = fromB64(pk.challenge);
      pk.user.id = fromB64(pk.user.id);
      pk.excludeCredentials = descriptors(pk.excludeCredentials);
      const cred = await navigator.credentials.create({ publicKey: pk });
      const done = await post("/account/passkeys", { ceremony: begun.ceremony, credential: credentialJSON(cred) });
      window.location.assign(done.redirect || "/account#passkeys");
    });
  }
})();
