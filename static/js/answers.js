/* Questions and answers, progressive enhancement only: drafts saved as you type, quoting the
   selected text, replying to a post, similar threads for a new title and the case-question
   fields shown only when needed (the message box itself: composer.js). Everything works
   without this file. */
(function () {
  "use strict";

  var debounce = window.Forum.debounce;

  var csrfToken = window.Forum.csrfToken;

  function postJSON(url, form, payload) {
    return window.fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: {"Content-Type": "application/json", "Accept": "application/json",
                "X-CSRFToken": csrfToken(form)},
      body: JSON.stringify(payload)
    });
  }

  function getJSON(url) {
    return window.fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) { return response.ok ? response.json() : null; });
  }

  function field(form, name) { return form.querySelector("[name='" + name + "']"); }

  function valueOf(form, name) {
    var el = field(form, name);
    if (!el) { return ""; }
    if (el.type === "radio") {
      var checked = form.querySelector("[name='" + name + "']:checked");
      return checked ? checked.value : "";
    }
    if (el.type === "checkbox") { return el.checked ? "y" : ""; }
    return el.value;
  }

  /* Drafts ---------------------------------------------------------------------------- */

  var CASE_FIELDS = ["kind", "age_band", "sex", "history", "presentation", "actions", "question"];

  function draftPayload(form) {
    var payload = {body: valueOf(form, "body")};
    if (field(form, "title")) {
      payload.title = valueOf(form, "title");
      payload.fields = {};
      CASE_FIELDS.forEach(function (name) { payload.fields[name] = valueOf(form, name); });
      payload.fields.tags = Array.prototype.map.call(
        form.querySelectorAll("input[name=tags]:checked"), function (box) { return box.value; });
    }
    return payload;
  }

  function setupDrafts(form) {
    var marker = form.querySelector("[data-draft-url]");
    if (!marker) { return; }
    var status = document.querySelector("[data-draft-status]");
    var last = JSON.stringify(draftPayload(form));
    var save = debounce(function () {
      var payload = draftPayload(form);
      var text = JSON.stringify(payload);
      if (text === last) { return; }
      last = text;
      postJSON(marker.getAttribute("data-draft-url"), form, payload)
        .then(function (response) { return response.json(); })
        .then(function (data) {
          if (!status || !data) { return; }
          status.textContent = data.saved ? "Draft saved." : (data.message || "Draft not saved.");
        })
        .catch(function () { if (status) { status.textContent = "Draft not saved: offline?"; } });
    }, 1500);
    form.addEventListener("input", save);
    form.addEventListener("change", save);
  }

  /* Replying to a post, and quoting ---------------------------------------------------- */

  function replyForm() { return document.querySelector(".reply-box form.composer"); }

  function insertAtCaret(textarea, text) {
    var start = textarea.selectionStart || 0;
    var end = textarea.selectionEnd || 0;
    var before = textarea.value.slice(0, start);
    var gap = before && !/\n\n$/.test(before) ? (/\n$/.test(before) ? "\n" : "\n\n") : "";
    textarea.value = before + gap + text + textarea.value.slice(end);
    var caret = (before + gap + text).length;
    textarea.focus();
    textarea.setSelectionRange(caret, caret);
    textarea.dispatchEvent(new Event("input", {bubbles: true}));
  }

  function setReplyTo(form, postId, label) {
    var hidden = field(form, "reply_to");
    var context = form.querySelector("[data-reply-context]");
    if (!hidden || !context) { return; }
    hidden.value = postId || "";
    context.hidden = !postId;
    context.querySelector("[data-reply-context-label]").textContent = postId ? "Replying to " + label : "";
    var clear = context.querySelector("[data-reply-context-clear]");
    if (clear) { clear.hidden = !postId; }
  }

  function quoteOf(author, permalink, text) {
    var lines = text.replace(/\r/g, "").replace(/\n{3,}/g, "\n\n").trim().split("\n");
    var name = author.replace(/([\\`*_\[\]<>])/g, "\\$1");
    return "> **" + name + "** [wrote](" + permalink + "):\n>\n" +
      lines.map(function (line) { return line ? "> " + line : ">"; }).join("\n") + "\n\n";
  }

  function selectionInside(post) {
    var selection = window.getSelection();
    if (!selection || selection.isCollapsed || !selection.rangeCount) { return ""; }
    var range = selection.getRangeAt(0);
    var body = post && post.querySelector(".post__body");
    return body && body.contains(range.commonAncestorContainer) ? selection.toString() : "";
  }

  function setupQuoting() {
    var form = replyForm();
    if (!form) { return; }
    var textarea = field(form, "body");
    document.addEventListener("click", function (event) {
      var link = event.target.closest && event.target.closest(".js-quote, .js-reply-to, [data-reply-context-clear]");
      if (!link) { return; }
      event.preventDefault();
      if (link.hasAttribute("data-reply-context-clear")) {
        setReplyTo(form, "", "");
        textarea.focus();
        return;
      }
      var post = link.closest("article.post");
      if (link.classList.contains("js-reply-to")) {
        setReplyTo(form, link.getAttribute("data-post-id"), link.getAttribute("data-post-label"));
        textarea.focus();
        return;
      }
      var label = post ? post.querySelector(".post__permalink") : null;
      setReplyTo(form, link.getAttribute("data-post-id"),
                 (label ? label.textContent : "") + " by " + link.getAttribute("data-author"));
      var selected = selectionInside(post);
      if (selected) {
        insertAtCaret(textarea, quoteOf(link.getAttribute("data-author"), link.getAttribute("data-permalink"), selected));
        return;
      }
      getJSON(link.getAttribute("data-quote-url")).then(function (data) {
        if (data && data.markdown) { insertAtCaret(textarea, data.markdown); }
      });
    });
  }

  /* New thread: similar threads and the case-question fields ------------------------------ */

  function setupSimilar(form) {
    var box = form.querySelector("[data-similar-url]");
    var title = field(form, "title");
    if (!box || !title) { return; }
    var lookup = debounce(function () {
      var text = title.value.trim();
      if (text.length < 8) { box.hidden = true; box.textContent = ""; return; }
      getJSON(box.getAttribute("data-similar-url") + "?title=" + encodeURIComponent(text))
        .then(function (data) {
          box.textContent = "";
          var threads = (data && data.threads) || [];
          box.hidden = !threads.length;
          if (!threads.length) { return; }
          var heading = document.createElement("h2");
          heading.textContent = "These threads may already answer your question";
          var list = document.createElement("ul");
          threads.forEach(function (thread) {
            var item = document.createElement("li");
            var link = document.createElement("a");
            link.href = thread.url;
            link.textContent = thread.title;
            item.appendChild(link);
            item.appendChild(document.createTextNode(
              " (" + thread.category + (thread.solved ? ", solved" : "") + ")"));
            list.appendChild(item);
          });
          box.appendChild(heading);
          box.appendChild(list);
        });
    }, 500);
    title.addEventListener("input", lookup);
  }

  function setupKindPanels(form) {
    var radios = form.querySelectorAll("input[name=kind][type=radio]");
    if (!radios.length) { return; }
    function update() {
      var kind = valueOf(form, "kind");
      Array.prototype.forEach.call(form.querySelectorAll("[data-kind-panel]"), function (panel) {
        var isCase = panel.getAttribute("data-kind-panel") === "case";
        panel.hidden = isCase ? kind !== "case" : kind === "case";
      });
    }
    Array.prototype.forEach.call(radios, function (radio) { radio.addEventListener("change", update); });
    update();
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("form.composer"), function (form) {
      setupDrafts(form);
      setupSimilar(form);
      setupKindPanels(form);
    });
    setupQuoting();
  });
})();
