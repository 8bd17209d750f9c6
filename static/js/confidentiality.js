/* The confidentiality guard as the member types: after each pause in typing, the composer's
   fields are checked on the server (POST /composer/pii-check) and what looks like a patient
   identifier is listed beside the form, in a polite live region. Progressive enhancement
   only: the server checks again, and decides, when the form is sent. */
(function () {
  "use strict";

  var PAUSE_MS = 700;
  var CONTEXT = 30;
  var STATUS = {
    block: "must be removed before you can post",
    confirm: "remove it, or confirm it is not patient-identifiable when you post",
    nudge: "a note only"
  };

  var csrfToken = window.Forum.csrfToken;

  function checkedFields(form, names) {
    var texts = {};
    names.forEach(function (name) {
      var el = form.querySelector("[name='" + name + "']");
      if (el && (el.tagName === "TEXTAREA" || el.type === "text")) { texts[name] = el.value; }
    });
    return texts;
  }

  function labelOf(form, name) {
    var el = form.querySelector("[name='" + name + "']");
    var label = el && el.id ? form.querySelector("label[for='" + el.id + "']") : null;
    return label ? label.textContent.trim() : name;
  }

  function excerpt(text, finding) {
    var p = document.createElement("p");
    p.className = "pii-finding__excerpt";
    var left = Math.max(0, finding.start - CONTEXT);
    var right = Math.min(text.length, finding.end + CONTEXT);
    var mark = document.createElement("mark");
    mark.className = "pii-mark pii-mark--" + finding.severity;
    mark.textContent = text.slice(finding.start, finding.end);
    p.appendChild(document.createTextNode((left > 0 ? "…" : "") + text.slice(left, finding.start)));
    p.appendChild(mark);
    p.appendChild(document.createTextNode(text.slice(finding.end, right) + (right < text.length ? "…" : "")));
    return p;
  }

  function item(form, texts, finding) {
    var li = document.createElement("li");
    li.className = "pii-finding pii-finding--" + finding.severity;
    var what = document.createElement("p");
    var name = document.createElement("strong");
    name.textContent = finding.name;
    what.appendChild(name);
    what.appendChild(document.createTextNode(" in “" + labelOf(form, finding.field) + "”: " + STATUS[finding.severity]));
    var why = document.createElement("p");
    why.className = "pii-finding__why";
    why.textContent = finding.explanation;
    li.appendChild(what);
    li.appendChild(excerpt(texts[finding.field] || "", finding));
    li.appendChild(why);
    return li;
  }

  function summary(findings) {
    if (!findings.length) { return ""; }
    var blocks = findings.filter(function (f) { return f.severity === "block"; }).length;
    var words = findings.length === 1 ? "1 possible patient identifier" : findings.length + " possible patient identifiers";
    return words + " found" + (blocks ? ": " + blocks + " must be removed before you can post." : ": see the list below the message.");
  }

  function init(root) {
    var form = root.closest("form");
    if (!form || !window.fetch) { return; }
    var names = (root.getAttribute("data-pii-fields") || "").split(" ");
    var status = root.querySelector("[data-pii-summary]");
    var list = root.querySelector("[data-pii-list]");
    var timer = null;
    var lastSent = null;
    root.hidden = false;

    function show(findings, texts) {
      var sentence = summary(findings);
      if (status.textContent !== sentence) { status.textContent = sentence; }
      list.textContent = "";
      findings.forEach(function (finding) { list.appendChild(item(form, texts, finding)); });
    }

    function check() {
      var texts = checkedFields(form, names);
      var payload = JSON.stringify({fields: texts});
      if (payload === lastSent) { return; }
      lastSent = payload;
      window.fetch(root.getAttribute("data-pii-check"), {
        method: "POST",
        credentials: "same-origin",
        headers: {"Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrfToken(form)},
        body: payload
      }).then(function (response) {
        return response.ok ? response.json() : null;
      }).then(function (data) {
        if (data && payload === lastSent) { show(data.findings || [], texts); }
      }).catch(function () { lastSent = null; });
    }

    form.addEventListener("input", function (event) {
      if (names.indexOf(event.target.name) < 0) { return; }
      window.clearTimeout(timer);
      timer = window.setTimeout(check, PAUSE_MS);
    });
    // Text already in the form (a kept draft, or a reply sent by email) is checked at once.
    var typed = checkedFields(form, names);
    if (Object.keys(typed).some(function (name) { return typed[name].trim(); })) { check(); }
  }

  document.querySelectorAll("[data-pii-check]").forEach(init);
}());
