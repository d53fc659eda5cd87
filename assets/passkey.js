// kenpo: passkeys (WebAuthn) in the browser. The only script besides htmx; no inline code.
//
// Every passkey form sits in a box marked `data-passkey-box` and `hidden`. This script shows
// the boxes only where the browser supports passkeys, so without JavaScript (or without
// passkey support) the buttons are absent and everything else works as before.
//
// A form `data-passkey="create"` registers a passkey, `data-passkey="get"` uses one. On
// submit: its fields go to `data-start` (which answers {token, options}, or a message for a
// field), the browser asks the authenticator, and the answer goes as JSON to `data-finish`
// (which answers {redirect}, or a message).
(function () {
  "use strict";

  var GENERIC = "パスキーを確認できませんでした。お手数ですが、もう一度お試しください。";
  var CANCELLED = "パスキーの確認が中止されました。もう一度お試しいただくか、パスワードでログインしてください。";

  function supported() {
    return !!(window.PublicKeyCredential && navigator.credentials && window.fetch);
  }

  function reveal(root) {
    if (!supported() || !root || !root.querySelectorAll) return;
    var boxes = root.querySelectorAll("[data-passkey-box]");
    for (var i = 0; i < boxes.length; i++) boxes[i].hidden = false;
  }

  function toBytes(text) {
    var b64 = text.replace(/-/g, "+").replace(/_/g, "/");
    while (b64.length % 4) b64 += "=";
    var raw = atob(b64);
    var out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return out.buffer;
  }

  function toText(buffer) {
    if (!buffer) return null;
    var bytes = new Uint8Array(buffer);
    var raw = "";
    for (var i = 0; i < bytes.length; i++) raw += String.fromCharCode(bytes[i]);
    return btoa(raw).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function decodeList(list) {
    (list || []).forEach(function (c) { c.id = toBytes(c.id); });
  }

  function creationOptions(options) {
    var pk = options.publicKey;
    pk.challenge = toBytes(pk.challenge);
    pk.user.id = toBytes(pk.user.id);
    decodeList(pk.excludeCredentials);
    return { publicKey: pk };
  }

  function requestOptions(options) {
    var pk = options.publicKey;
    pk.challenge = toBytes(pk.challenge);
    decodeList(pk.allowCredentials);
    return { publicKey: pk };
  }

  function created(cred) {
    return {
      id: cred.id,
      rawId: toText(cred.rawId),
      type: cred.type,
      extensions: {},
      response: {
        attestationObject: toText(cred.response.attestationObject),
        clientDataJSON: toText(cred.response.clientDataJSON)
      }
    };
  }

  function asserted(cred) {
    return {
      id: cred.id,
      rawId: toText(cred.rawId),
      type: cred.type,
      extensions: {},
      response: {
        authenticatorData: toText(cred.response.authenticatorData),
        clientDataJSON: toText(cred.response.clientDataJSON),
        signature: toText(cred.response.signature),
        userHandle: toText(cred.response.userHandle)
      }
    };
  }

  function csrfOf(form) {
    var input = form.querySelector("input[name=csrf]");
    return input ? input.value : "";
  }

  // A message beside the field it is about (or under the button), read out by screen readers.
  function tell(form, text, field) {
    var fields = form.querySelectorAll("[data-passkey-error]");
    for (var i = 0; i < fields.length; i++) fields[i].remove();
    var inputs = form.querySelectorAll("input[aria-invalid]");
    for (var j = 0; j < inputs.length; j++) inputs[j].removeAttribute("aria-invalid");
    var general = form.querySelector("[data-passkey-message]");
    var input = field ? form.querySelector("#" + field) : null;
    if (input && text) {
      var p = document.createElement("p");
      p.className = "field-error";
      p.setAttribute("data-passkey-error", "");
      p.setAttribute("role", "alert");
      p.id = field + "-passkey-error";
      p.textContent = text;
      input.parentNode.insertBefore(p, input);
      input.setAttribute("aria-invalid", "true");
      input.setAttribute("aria-describedby", p.id);
      input.focus();
      general.hidden = true;
      return;
    }
    general.textContent = text || "";
    general.hidden = !text;
  }

  function answer(response) {
    return response.json().catch(function () { return { message: GENERIC }; });
  }

  function send(form, event) {
    event.preventDefault();
    var button = form.querySelector("button[type=submit]");
    var creating = form.getAttribute("data-passkey") === "create";
    var body = new URLSearchParams(new FormData(form));
    button.disabled = true;
    tell(form, "");
    fetch(form.getAttribute("data-start"), {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: body.toString(),
      credentials: "same-origin"
    })
      .then(answer)
      .then(function (started) {
        if (!started.token) throw started;
        var ask = creating
          ? navigator.credentials.create(creationOptions(started.options))
          : navigator.credentials.get(requestOptions(started.options));
        return ask.then(function (cred) {
          var credential = creating ? created(cred) : asserted(cred);
          return fetch(form.getAttribute("data-finish"), {
            method: "POST",
            headers: { "Content-Type": "application/json", "X-CSRF-Token": csrfOf(form) },
            body: JSON.stringify({ token: started.token, credential: credential }),
            credentials: "same-origin"
          }).then(answer);
        }, function () {
          throw { message: CANCELLED };
        });
      })
      .then(function (finished) {
        if (!finished.redirect) throw finished;
        window.location.assign(finished.redirect);
      })
      .catch(function (problem) {
        if (problem && problem.redirect) {
          window.location.assign(problem.redirect);
          return;
        }
        var message = problem && typeof problem.message === "string" ? problem.message : GENERIC;
        tell(form, message, problem && problem.field);
        button.disabled = false;
      });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form && form.hasAttribute && form.hasAttribute("data-passkey")) send(form, event);
  });
  document.addEventListener("htmx:load", function (event) { reveal(event.target); });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { reveal(document); });
  } else {
    reveal(document);
  }
})();
