// Long forms (form[data-autosave]) save their draft as it is typed, and nothing typed is lost to a dropped
// connection, a crash or a closed tab.
// - A few seconds after the user stops typing, and on leaving a field, the form is posted to its
//   data-autosave address: the server's shared draft save, with the version the page holds, so that a stale
//   autosave never overwrites someone else's save (409: the page offers the comparison instead).
// - A save that cannot reach the server keeps what was typed in localStorage under
//   data-draft-key + ":" + version (user, unit, campaign, report version) and retries when the browser is
//   online again (and every little while: a server that went away does not fire "online").
// - Opening the form with such a copy left over offers to restore it; restoring saves it through the same
//   save (a copy based on an older version meets the conflict page, never a silent overwrite).
// - Nothing is kept after a successful save, and everything is removed on logout (also by the
//   Clear-Site-Data header of the logout answer).
// Forms that must not be saved as they are typed (form[data-keep-local], with data-draft-key): an act the user
// records on purpose (an addressee's answer: once recorded, the recommendation counts as answered everywhere),
// or a form that adds a row at each submit (a half-typed person would become a row). What is typed there is kept in this browser only, offered
// back (filled in again, nothing posted) when the form is opened again, and dropped once the form is sent and
// answered with success, and on logout.
// The words shown come from the page (data-* of the status line), in the user's language; the script finds
// the parts of a form by their data-autosave-part, so two such forms can share a page.
(function () {
  if (window.daihoiAutosave) return;
  window.daihoiAutosave = true;
  var PREFIX = "daihoi:draft:";
  var QUIET_MS = 2500; // "a few seconds after the user stops typing"
  var RETRY_MS = 15000;

  function storage() {
    try { return window.localStorage; } catch (e) { return null; }
  }

  function keysWith(prefix) {
    var store = storage(), keys = [];
    if (!store) return keys;
    for (var i = 0; i < store.length; i++) {
      var key = store.key(i);
      if (key && key.indexOf(prefix) === 0) keys.push(key);
    }
    return keys;
  }

  function forgetAll() {
    var store = storage();
    keysWith(PREFIX).forEach(function (key) { store.removeItem(key); });
  }

  // What the form holds, as [name, value] pairs: no file, no CSRF token, no button.
  function fields(form) {
    var pairs = [];
    new FormData(form).forEach(function (value, name) {
      if (typeof value === "string" && name !== "csrf_token" && name !== "action") pairs.push([name, value]);
    });
    return pairs;
  }

  // Whether a kept copy says what the form already says: compared without the version and the rows' ids (a
  // copy made before a save that stored the same words differs only there).
  function same(a, b) {
    var content = function (pairs) {
      return JSON.stringify(pairs.filter(function (p) { return p[0] !== "version" && !/-id$/.test(p[0]); }));
    };
    return content(a) === content(b);
  }

  function versionBox(form) {
    return form.querySelector("input[name=version]");
  }

  function versionOf(form) {
    var box = versionBox(form);
    return box ? box.value : "";
  }

  function part(form, name) {
    return form.querySelector("[data-autosave-part='" + name + "']");
  }

  function csrf(form) {
    var box = form.querySelector("input[name=csrf_token]");
    return box ? box.value : "";
  }

  function say(form, kind, text) {
    var status = part(form, "status");
    if (!status) return;
    status.hidden = false;
    status.textContent = text || status.getAttribute("data-" + kind) || "";
    status.setAttribute("data-state", kind);
    status.classList.toggle("is-error", kind !== "saved" && kind !== "saving");
  }

  // ---- the copy kept in the browser ----

  function keep(form) {
    var store = storage(), state = form.daihoiAutosave;
    if (!store || !state) return;
    var key = form.getAttribute("data-draft-key") + ":" + (versionOf(form) || "new");
    keysWith(form.getAttribute("data-draft-key") + ":").forEach(function (k) { if (k !== key) store.removeItem(k); });
    try {
      store.setItem(key, JSON.stringify({ version: versionOf(form), at: Date.now(), fields: fields(form) }));
      state.keptLocally = true;
    } catch (e) { /* storage full or refused: the warning on leaving still stands */ }
  }

  function drop(form) {
    var store = storage();
    if (!store) return;
    keysWith(form.getAttribute("data-draft-key") + ":").forEach(function (k) { store.removeItem(k); });
    var state = form.daihoiAutosave;
    if (!state) return;
    state.keptLocally = false;
    if (state.local) { // sent, or its copy discarded: nothing more to keep (not even on the focusout of a box swapped away)
      state.dirty = false;
      clearTimeout(state.timer);
    }
  }

  function keptCopy(form) {
    var store = storage(), best = null;
    if (!store) return null;
    keysWith(form.getAttribute("data-draft-key") + ":").forEach(function (key) {
      try {
        var copy = JSON.parse(store.getItem(key));
        if (copy && copy.fields && (!best || copy.at > best.at)) best = copy;
      } catch (e) { store.removeItem(key); }
    });
    return best;
  }

  // ---- saving ----

  function body(pairs, form) {
    var data = new URLSearchParams();
    pairs.forEach(function (p) { data.append(p[0], p[1]); });
    data.append("csrf_token", csrf(form));
    return data;
  }

  function post(form, pairs) {
    return fetch(form.getAttribute("data-autosave"), {
      method: "POST", body: body(pairs, form), credentials: "same-origin", redirect: "manual",
      headers: { "X-CSRFToken": csrf(form), "Accept": "application/json" },
    }).then(function (response) {
      var json = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
      return (json ? response.json() : Promise.resolve(null)).then(function (answer) {
        return { status: response.status, answer: answer };
      });
    });
  }

  function applyRowIds(form, rows) {
    Object.keys(rows || {}).forEach(function (key) {
      Object.keys(rows[key]).forEach(function (index) {
        var box = form.querySelector("input[name='" + key + "-" + index + "-id']");
        if (box) box.value = rows[key][index];
      });
    });
  }

  function failed(form, kind, text) {
    var state = form.daihoiAutosave;
    state.pending = true;
    keep(form);
    say(form, kind, text);
    clearTimeout(state.retry);
    if (kind === "offline" || kind === "failed") state.retry = setTimeout(function () { save(form); }, RETRY_MS);
  }

  function save(form) {
    var state = form.daihoiAutosave;
    if (!state || state.stopped || !document.contains(form)) return Promise.resolve();
    clearTimeout(state.timer);
    if (state.inflight) { state.again = true; return state.inflight; }
    if (!state.pending) return Promise.resolve();
    var pairs = fields(form);
    state.pending = false;
    state.again = false;
    say(form, "saving");
    state.inflight = post(form, pairs).then(function (result) {
      var answer = result.answer;
      if (result.status === 200 && answer && answer.status === "saved") {
        versionBox(form).value = answer.version;
        applyRowIds(form, answer.rows);
        if (!state.pending) drop(form); else keep(form);
        say(form, "saved", answer.message);
      } else if (result.status === 409) {
        state.stopped = true;
        keep(form);
        say(form, "conflict", answer && answer.message);
        var box = part(form, "conflict");
        if (box) box.hidden = false;
      } else if (result.status === 422 && answer) {
        keep(form); // cannot be stored: it stays on the page (and on this computer) until corrected
        state.unstorable = true;
        say(form, "unsaved", answer.message);
      } else if (result.status >= 500) {
        failed(form, "failed");
      } else {
        failed(form, "session"); // signed out, or the page is too old (CSRF): keep it, say so
      }
    }, function () {
      failed(form, "offline"); // no answer at all: no network, or no server
    }).then(function () {
      state.inflight = null;
      if (state.again && state.pending) save(form);
    });
    return state.inflight;
  }

  function changed(form) {
    var state = form.daihoiAutosave;
    if (!state || state.stopped) return;
    state.pending = true;
    state.unstorable = false;
    clearTimeout(state.timer);
    state.timer = setTimeout(function () { save(form); }, QUIET_MS);
  }

  // ---- restoring a copy left by a crash, a closed tab or a lost connection ----

  function restore(form, copy) {
    var state = form.daihoiAutosave;
    var offer = part(form, "restore-offer");
    if (offer) offer.hidden = true;
    say(form, "saving");
    post(form, copy.fields.concat([])).then(function (result) {
      if (result.status === 200 && result.answer && result.answer.status === "saved") {
        drop(form);
        state.stopped = true;
        window.location.reload(); // the page as saved, rows included
      } else if (result.status === 409 || result.status === 422) {
        // Someone saved since the copy was made, or a box cannot be stored: the ordinary "Lưu nháp" of the
        // copy shows the comparison (409) or the copy marked where it cannot be stored (422).
        state.stopped = true;
        submitCopy(form, copy);
      } else {
        failed(form, result.status >= 500 ? "failed" : "session");
        if (offer) offer.hidden = false;
      }
    }, function () {
      say(form, "offline");
      if (offer) offer.hidden = false;
    });
  }

  function submitCopy(form, copy) {
    var out = document.createElement("form");
    out.method = "post";
    out.action = form.getAttribute("action");
    out.hidden = true;
    copy.fields.concat([["csrf_token", csrf(form)], ["action", "save"]]).forEach(function (p) {
      var box = document.createElement("input");
      box.type = "hidden";
      box.name = p[0];
      box.value = p[1];
      out.appendChild(box);
    });
    out.setAttribute("hx-boost", "false");
    document.body.appendChild(out);
    drop(form); // its values are on the next page now
    out.submit();
  }

  function offerRestore(form) {
    var copy = keptCopy(form);
    if (!copy) return;
    var local = form.daihoiAutosave.local;
    // What the form already says: nothing to offer. A saving form has it on the server: the copy goes; a form
    // kept locally has not been sent yet (a refused send shows it again): the copy stays until it is.
    if (same(copy.fields, fields(form))) { if (!local) drop(form); return; }
    var offer = part(form, "restore-offer");
    if (!offer) return;
    var time = offer.querySelector(".restore-time");
    if (time) {
      var at = new Date(copy.at);
      time.textContent = "(" + ("0" + at.getHours()).slice(-2) + ":" + ("0" + at.getMinutes()).slice(-2) + " " +
        ("0" + at.getDate()).slice(-2) + "/" + ("0" + (at.getMonth() + 1)).slice(-2) + "/" + at.getFullYear() + ")";
    }
    offer.hidden = false;
    part(form, "restore").onclick = function () {
      if (!local) { restore(form, copy); return; }
      fill(form, copy.fields); // nothing is posted: the user sends the form when they choose
      form.daihoiAutosave.dirty = true; // still unsent: kept until it is
      offer.hidden = true;
    };
    part(form, "discard").onclick = function () { drop(form); offer.hidden = true; };
  }

  // Put a kept copy back into the form's boxes (not the hidden ones: the CSRF token and the version stay the
  // page's own).
  function fill(form, pairs) {
    var values = {};
    pairs.forEach(function (p) { (values[p[0]] = values[p[0]] || []).push(p[1]); });
    var seen = {};
    Array.prototype.forEach.call(form.elements, function (box) {
      var name = box.name;
      if (!name || box.type === "hidden" || box.type === "file" || box.type === "submit" || box.type === "button") return;
      var given = values[name] || [];
      if (box.type === "checkbox" || box.type === "radio") {
        box.checked = given.indexOf(box.value) >= 0;
      } else if (box.multiple) {
        Array.prototype.forEach.call(box.options, function (o) { o.selected = given.indexOf(o.value) >= 0; });
      } else {
        var i = seen[name] || 0;
        seen[name] = i + 1;
        if (i < given.length) box.value = given[i];
      }
    });
  }

  function init() {
    document.querySelectorAll("form[data-autosave]").forEach(function (form) {
      if (form.daihoiAutosave) return;
      form.daihoiAutosave = { pending: false, timer: null, retry: null, inflight: null };
      if (form.hasAttribute("data-unsaved")) { // the server could not store what was typed: keep it here too
        form.daihoiAutosave.pending = true;
        form.daihoiAutosave.unstorable = true;
        keep(form);
      }
      offerRestore(form);
    });
    document.querySelectorAll("form[data-keep-local]").forEach(function (form) {
      if (form.daihoiAutosave || form.hasAttribute("data-autosave")) return;
      form.daihoiAutosave = { local: true, dirty: false, timer: null };
      offerRestore(form);
    });
    document.querySelectorAll("[data-drafts-dropped]").forEach(function (el) { // the conflict page holds the copy now
      var store = storage(), prefix = el.getAttribute("data-drafts-dropped") + ":";
      keysWith(prefix).forEach(function (k) { store.removeItem(k); });
    });
  }

  function formOf(target) {
    var form = target && target.form;
    return form && form.hasAttribute("data-autosave") ? form : null;
  }

  // ---- forms kept in this browser only (form[data-keep-local]) ----

  function localForm(form) {
    return form && form.daihoiAutosave && form.daihoiAutosave.local ? form : null;
  }

  function noted(form) { // typed into: kept a moment later (one write per burst of typing)
    var state = form.daihoiAutosave;
    state.dirty = true;
    clearTimeout(state.timer);
    state.timer = setTimeout(function () { keep(form); }, 300);
  }

  function keepNow(form) {
    var state = form.daihoiAutosave;
    clearTimeout(state.timer);
    if (state.dirty) keep(form);
  }

  // The request that sends a kept form: the form itself (hx-boost), or one of its buttons.
  function localRequest(event) {
    var elt = event.detail.elt;
    if (!elt || !elt.tagName) return null;
    return localForm(elt.tagName === "FORM" ? elt : elt.form);
  }

  function unsaved(form) {
    var state = form && form.daihoiAutosave;
    return !!state && !state.stopped && (state.pending || !!state.inflight);
  }

  document.addEventListener("DOMContentLoaded", init);
  document.addEventListener("htmx:load", init);
  ["input", "change"].forEach(function (type) {
    document.addEventListener(type, function (event) {
      if (event.target.type === "file" || !event.target.name) return;
      var form = formOf(event.target), local = localForm(event.target.form);
      if (form) changed(form);
      else if (local) noted(local);
    });
  });
  document.addEventListener("focusout", function (event) { // leaving a field saves at once
    var form = formOf(event.target), local = localForm(event.target.form);
    if (form && form.daihoiAutosave && form.daihoiAutosave.pending) save(form);
    else if (local) keepNow(local);
  });
  window.addEventListener("online", function () {
    document.querySelectorAll("form[data-autosave]").forEach(function (form) { save(form); });
  });
  window.addEventListener("offline", function () {
    document.querySelectorAll("form[data-autosave]").forEach(function (form) {
      if (unsaved(form)) { keep(form); say(form, "offline"); }
    });
  });

  // A request of the form that saves it too ("Lưu nháp", "Gửi báo cáo", an upload, a delete: [data-saves] or
  // the form itself) waits for an autosave in flight, then goes with the version that save returned.
  document.addEventListener("htmx:confirm", function (event) {
    var elt = event.detail.elt;
    var form = elt && (elt.hasAttribute("data-autosave") ? elt : (elt.hasAttribute("data-saves") ? elt.form : null));
    if (!form || !form.daihoiAutosave || form.daihoiAutosave.local) return;
    var state = form.daihoiAutosave;
    clearTimeout(state.timer);
    if (!state.inflight && !(state.pending && !state.stopped && !state.unstorable)) return;
    // What was typed since the last autosave is saved first: a file refused as too large before the server
    // reads the form (413) then costs nothing typed either.
    event.preventDefault();
    flush(form).then(function () { event.detail.issueRequest(); });
  });
  // Settle the autosaves: the one in flight, then what was typed meanwhile (twice at most: a save that fails
  // leaves its changes pending, and the request goes anyway).
  function flush(form, tries) {
    var state = form.daihoiAutosave;
    tries = tries || 0;
    if (state.inflight) return state.inflight.then(function () { return flush(form, tries); });
    if (tries < 2 && state.pending && !state.stopped && !state.unstorable) {
      return save(form).then(function () { return flush(form, tries + 1); });
    }
    return Promise.resolve();
  }
  function savingRequest(event) {
    var elt = event.detail.elt;
    var form = elt && elt.hasAttribute && (elt.hasAttribute("data-autosave") ? elt : (elt.hasAttribute("data-saves") ? elt.form : null));
    return form && form.daihoiAutosave && !form.daihoiAutosave.local ? form : null; // a kept form: localRequest
  }
  // htmx names the swap's target (the body of a boosted form), not the sender, in the events after the request:
  // the form is found again by its request.
  var senders = typeof WeakMap === "function" ? new WeakMap() : null;
  function sentBy(event, form) {
    if (senders && event.detail.xhr) senders.set(event.detail.xhr, form);
  }
  function sender(event) {
    return senders && event.detail.xhr ? senders.get(event.detail.xhr) || null : null;
  }
  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = savingRequest(event);
    if (!form) return;
    clearTimeout(form.daihoiAutosave.timer);
    form.daihoiAutosave.stopped = true; // it saves everything typed
    sentBy(event, form);
  });
  // That request saved everything typed (200 after its redirect): no copy stays behind, and the next page
  // (initialised while it is swapped in) has none to offer.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var form = sender(event);
    if (form && !form.daihoiAutosave.local && event.detail.xhr.status === 200) drop(form);
  });
  // That request failing on the network (no answer): keep what was typed, say so, autosave again.
  document.addEventListener("htmx:sendError", function (event) {
    var form = sender(event);
    if (form && !form.daihoiAutosave.local && document.contains(form)) {
      form.daihoiAutosave.stopped = false;
      failed(form, "offline");
    }
  });
  // Any other answer to it (a conflict, a form to correct): the page that answers takes over.

  // Leaving with unsaved changes: kept in the browser, and the browser asks first.
  window.addEventListener("beforeunload", function (event) {
    var dirty = false;
    document.querySelectorAll("form[data-autosave]").forEach(function (form) {
      if (unsaved(form)) { keep(form); dirty = true; }
    });
    if (dirty) { event.preventDefault(); event.returnValue = ""; }
  });
  window.addEventListener("pagehide", function () {
    document.querySelectorAll("form[data-autosave]").forEach(function (form) { if (unsaved(form)) keep(form); });
    document.querySelectorAll("form[data-keep-local]").forEach(function (form) { if (localForm(form)) keepNow(form); });
  });
  // A link swapped in by hx-boost does not unload the page: ask the same question.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail.elt;
    if (!event.detail.boosted || !elt || elt.tagName !== "A") return;
    document.querySelectorAll("form[data-keep-local]").forEach(function (form) { if (localForm(form)) keepNow(form); });
    var form = Array.prototype.filter.call(document.querySelectorAll("form[data-autosave]"), unsaved)[0];
    if (!form) return;
    keep(form);
    var status = part(form, "status");
    if (!window.confirm((status && status.getAttribute("data-leave")) || "")) event.preventDefault();
  });

  // Sending a kept form: what is sent is kept until the answer says it was taken (200 after the redirect of a
  // success); a refusal shows the form again with what was typed, and no answer at all leaves it on the page.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = localRequest(event);
    if (!form) return;
    keepNow(form);
    sentBy(event, form);
  });
  document.addEventListener("htmx:beforeSwap", function (event) {
    var form = localForm(sender(event));
    if (form && event.detail.xhr.status === 200) drop(form);
  });
  document.addEventListener("htmx:sendError", function (event) {
    var form = localForm(sender(event));
    if (form && document.contains(form)) {
      form.daihoiAutosave.dirty = true;
      keep(form);
      say(form, "unsent");
    }
  });

  // Logout: nothing typed stays on this computer.
  document.addEventListener("submit", function (event) {
    var action = event.target.getAttribute && (event.target.getAttribute("action") || "");
    if (!/\/logout$/.test(action)) return;
    forgetAll();
    // ... and the forms of this page keep nothing more (their boxes leaving the page must not write it back).
    document.querySelectorAll("form[data-autosave], form[data-keep-local]").forEach(function (form) {
      var state = form.daihoiAutosave;
      if (!state) return;
      clearTimeout(state.timer);
      clearTimeout(state.retry);
      state.stopped = true;
      state.pending = false;
      state.dirty = false;
    });
  }, true);
})();
