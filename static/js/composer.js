/* The composer (templates/discussions/_composer.html), progressive enhancement only:
 *
 * - Write and Preview tabs: the preview comes from the server (POST /composer/preview: the
 *   one text pipeline and the confidentiality guard's findings; nothing is saved).
 * - A formatting toolbar (a roving tabindex; Ctrl/Cmd+B and +I in the text).
 * - @mention suggestions as an ARIA 1.2 combobox on the textarea (list autocomplete, the
 *   first suggestion highlighted: Up and Down move, Enter and Tab choose, Escape closes).
 * - "Cite guidance": a search box over the guideline register (GET /citations), the same
 *   kind of combobox; choosing inserts [[NG12 1.3.1]] where the cursor was, and Escape goes
 *   back to the text.
 * - Files chosen, pasted or dropped upload at once (POST /uploads) with a progress bar, and
 *   their Markdown goes where the cursor was; a picture first asks for its description.
 *
 * Without this file the textarea, the file input and the form's "Preview" button still work.
 * The text is never replaced: every change is an insertion at the cursor (undoable).
 */
(function () {
  "use strict";

  var IMAGE_NAME = /\.(png|jpe?g|gif)$/i;
  var csrfToken = window.Forum.csrfToken;

  var debounce = window.Forum.debounce;

  /* Editing the text ------------------------------------------------------------------- */

  // The i-th option of a listbox: its name, then a detail; a click (that keeps the focus where
  // it is) calls choose(i).
  function listOption(list, i, nameText, detailText, choose) {
    var item = document.createElement("li");
    item.id = list.id + "-" + i;
    item.className = "mention-list__option";
    item.setAttribute("role", "option");
    item.setAttribute("aria-selected", "false");
    var name = document.createElement("span");
    name.className = "mention-list__name";
    name.textContent = nameText;
    var detail = document.createElement("span");
    detail.className = "mention-list__detail";
    detail.textContent = detailText;
    item.appendChild(name);
    item.appendChild(document.createTextNode(" "));
    item.appendChild(detail);
    item.addEventListener("mousedown", function (event) { event.preventDefault(); });
    item.addEventListener("click", function () { choose(i); });
    return item;
  }

  // Mark the option at index (wrapping round) of a listbox as the active one for owner, the
  // field whose aria-activedescendant points at it; return its index (active if none).
  function highlightOption(list, owner, index, active) {
    var options = list.querySelectorAll("[role=option]");
    if (!options.length) { return active; }
    var chosen = (index + options.length) % options.length;
    Array.prototype.forEach.call(options, function (option, i) {
      option.setAttribute("aria-selected", i === chosen ? "true" : "false");
    });
    owner.setAttribute("aria-activedescendant", options[chosen].id);
    options[chosen].scrollIntoView({block: "nearest"});
    return chosen;
  }

  // Replace the characters from start to end with text, keeping the browser's undo history
  // where it can, then select [selectStart, selectEnd] (offsets from start).
  function replaceRange(textarea, start, end, text, selectStart, selectEnd) {
    textarea.focus();
    textarea.setSelectionRange(start, end);
    var done = false;
    try {
      done = document.execCommand && document.execCommand("insertText", false, text);
    } catch (error) {
      done = false;
    }
    if (!done || textarea.value.slice(start, start + text.length) !== text) {
      textarea.setRangeText(text, start, end, "end");
      textarea.dispatchEvent(new Event("input", {bubbles: true}));
    }
    var from = start + (selectStart === undefined ? text.length : selectStart);
    var to = start + (selectEnd === undefined ? text.length : selectEnd);
    textarea.setSelectionRange(from, to);
  }

  function wrap(textarea, marker, placeholder) {
    var start = textarea.selectionStart, end = textarea.selectionEnd;
    var selected = textarea.value.slice(start, end);
    // Keep spaces around the selection outside the markers ("**word** " not "**word **").
    var lead = /^\s*/.exec(selected)[0], trail = /\s*$/.exec(selected)[0];
    var inner = selected.trim() || placeholder;
    var text = lead + marker + inner + marker + trail;
    var innerStart = lead.length + marker.length;
    replaceRange(textarea, start, end, text, innerStart, innerStart + inner.length);
  }

  function link(textarea) {
    var start = textarea.selectionStart, end = textarea.selectionEnd;
    var label = textarea.value.slice(start, end).trim() || "link text";
    var text = "[" + label + "](https://)";
    var urlStart = label.length + 3;
    replaceRange(textarea, start, end, text, urlStart, urlStart + "https://".length);
  }

  function prefixLines(textarea, prefix, placeholder) {
    var value = textarea.value;
    var start = value.lastIndexOf("\n", textarea.selectionStart - 1) + 1;
    var end = textarea.selectionEnd;
    var nextBreak = value.indexOf("\n", end);
    end = nextBreak === -1 ? value.length : nextBreak;
    var lines = value.slice(start, end).split("\n");
    var text = lines.map(function (line) { return prefix + line; }).join("\n");
    if (!value.slice(start, end).trim()) {
      text = prefix + placeholder;
      replaceRange(textarea, start, end, text, prefix.length, text.length);
      return;
    }
    replaceRange(textarea, start, end, text, 0, text.length);
  }

  var FORMATS = {
    bold: function (t) { wrap(t, "**", "bold text"); },
    italic: function (t) { wrap(t, "_", "italic text"); },
    link: link,
    list: function (t) { prefixLines(t, "- ", "list item"); },
    quote: function (t) { prefixLines(t, "> ", "quoted text"); },
    heading: function (t) { prefixLines(t, "# ", "Heading"); }
  };

  function insertBlock(textarea, at, text) {
    // A picture or file link on its own paragraph, at the place the cursor was.
    var value = textarea.value;
    at = Math.min(at, value.length);
    var before = value.slice(0, at), after = value.slice(at);
    var gapBefore = before && !/\n\n$/.test(before) ? (/\n$/.test(before) ? "\n" : "\n\n") : "";
    var gapAfter = after && !/^\n/.test(after) ? "\n\n" : "";
    var block = gapBefore + text + gapAfter;
    replaceRange(textarea, at, at, block, gapBefore.length + text.length, gapBefore.length + text.length);
  }

  /* Tabs and the preview ------------------------------------------------------------------ */

  function setupTabs(box, textarea, say) {
    var tabs = Array.prototype.slice.call(box.querySelectorAll("[role=tab]"));
    var write = box.querySelector("[data-composer-write]");
    var panel = box.querySelector("[data-composer-preview]");
    var content = box.querySelector("[data-composer-preview-content]");
    var toolbar = box.querySelector("[role=toolbar]");
    var form = box.closest("form");
    if (tabs.length !== 2 || !panel) { return; }
    var title = panel.querySelector("[data-composer-preview-title]");
    if (title) { title.classList.add("visually-hidden"); }
    panel.setAttribute("role", "tabpanel");
    panel.setAttribute("aria-labelledby", tabs[1].id);
    write.setAttribute("role", "tabpanel");
    write.setAttribute("aria-labelledby", tabs[0].id);
    var request = 0;

    function previewPayload() {
      var payload = {body: textarea.value, "for": JSON.parse(box.getAttribute("data-preview-for"))};
      ["title", "reason"].forEach(function (name) {
        var input = form && form.querySelector("[name='" + name + "']");
        if (input) { payload[name] = input.value; }
      });
      return payload;
    }

    function loadPreview() {
      var mine = ++request;
      content.setAttribute("aria-busy", "true");
      content.textContent = "Loading the preview…";
      window.fetch(box.getAttribute("data-preview-url"), {
        method: "POST",
        credentials: "same-origin",
        headers: {"Content-Type": "application/json", "Accept": "application/json",
                  "X-CSRFToken": csrfToken(form)},
        body: JSON.stringify(previewPayload())
      }).then(function (response) {
        return response.json().then(function (data) { return {ok: response.ok, data: data}; },
                                    function () { return {ok: false, data: null}; });
      }).then(function (result) {
        if (mine !== request) { return; }
        if (!result.ok || !result.data || typeof result.data.html !== "string") {
          var message = result.data && result.data.error && result.data.error.message;
          throw new Error(message || "The preview could not be shown.");
        }
        content.innerHTML = result.data.html;  // the server's sanitised rendering
        say(result.data.findings ? "Preview shown, with a confidentiality note." : "Preview shown.");
      }).catch(function (error) {
        if (mine !== request) { return; }
        content.textContent = (error && error.message && error.message !== "Failed to fetch")
          ? error.message + " Your text is unchanged."
          : "The preview could not be loaded: check your connection. Your text is unchanged.";
      }).finally(function () {
        if (mine === request) { content.removeAttribute("aria-busy"); }
      });
    }

    function select(index, focus) {
      tabs.forEach(function (tab, i) {
        tab.setAttribute("aria-selected", i === index ? "true" : "false");
        tab.tabIndex = i === index ? 0 : -1;
      });
      var previewing = index === 1;
      write.hidden = previewing;
      panel.hidden = !previewing;
      if (toolbar) { toolbar.hidden = previewing; }
      box.classList.toggle("composer-box--previewing", previewing);
      if (previewing) { loadPreview(); }
      if (focus) { tabs[index].focus(); }
    }

    tabs.forEach(function (tab, i) {
      tab.addEventListener("click", function () { select(i, true); });
      tab.addEventListener("keydown", function (event) {
        var next = {ArrowLeft: 1 - i, ArrowRight: 1 - i, Home: 0, End: 1}[event.key];
        if (next === undefined) { return; }
        event.preventDefault();
        select(next, true);
      });
    });
    // Text added from elsewhere while previewing (a quote, a reply-to) is shown being written.
    textarea.addEventListener("input", function () { if (write.hidden) { select(0, false); } });
    // A preview the server showed (the "Preview" button, before this script ran) stays shown.
    if (!panel.hidden && content.children.length) {
      select(1, false);
      request += 1;  // keep the server's preview, do not fetch it again
      content.removeAttribute("aria-busy");
    }
    return {write: function () { if (write.hidden) { select(0, false); } }};
  }

  /* The toolbar ------------------------------------------------------------------------ */

  function setupToolbar(box, textarea) {
    var toolbar = box.querySelector("[role=toolbar]");
    if (!toolbar) { return; }
    var buttons = Array.prototype.slice.call(toolbar.querySelectorAll("button"));

    function focusButton(index) {
      index = (index + buttons.length) % buttons.length;
      buttons.forEach(function (button, i) { button.tabIndex = i === index ? 0 : -1; });
      buttons[index].focus();
    }

    buttons.forEach(function (button, i) {
      // Keep the text's selection: a click must not move focus out of the textarea first.
      button.addEventListener("mousedown", function (event) { event.preventDefault(); });
      button.addEventListener("click", function () {
        buttons.forEach(function (other, j) { other.tabIndex = i === j ? 0 : -1; });
        FORMATS[button.getAttribute("data-format")](textarea);
      });
      button.addEventListener("keydown", function (event) {
        var moves = {ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: buttons.length - 1};
        if (moves[event.key] === undefined) { return; }
        event.preventDefault();
        focusButton(moves[event.key]);
      });
    });

    textarea.addEventListener("keydown", function (event) {
      if (!(event.ctrlKey || event.metaKey) || event.altKey || event.shiftKey) { return; }
      var key = event.key.toLowerCase();
      if (key === "b" || key === "i") {
        event.preventDefault();
        FORMATS[key === "b" ? "bold" : "italic"](textarea);
      }
    });
  }

  /* @mentions: a combobox on the textarea ---------------------------------------------------- */

  var HANDLE_TYPED = /(^|[\s(])@([A-Za-z0-9][A-Za-z0-9_.-]{0,29})$/;

  function setupMentions(box, textarea, say) {
    var url = box.getAttribute("data-mentions-url");
    if (!url) { return; }
    var list = document.createElement("ul");
    list.id = textarea.id + "-mentions";
    list.className = "mention-list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Members and groups to mention");
    list.hidden = true;
    box.querySelector("[data-composer-write]").appendChild(list);
    textarea.setAttribute("aria-autocomplete", "list");
    textarea.setAttribute("aria-controls", list.id);
    var active = -1;
    var choices = [];

    function typed() {
      if (textarea.selectionStart !== textarea.selectionEnd) { return null; }
      var match = HANDLE_TYPED.exec(textarea.value.slice(0, textarea.selectionStart));
      return match ? match[2] : null;
    }

    function close() {
      list.hidden = true;
      list.textContent = "";
      choices = [];
      active = -1;
      textarea.removeAttribute("aria-activedescendant");
    }

    function highlight(index) {
      active = highlightOption(list, textarea, index, active);
    }

    function choose(index) {
      var handle = choices[index] && choices[index].handle;
      var prefix = typed();
      if (!handle || prefix === null) { close(); return; }
      var caret = textarea.selectionStart;
      var start = caret - prefix.length;
      close();
      replaceRange(textarea, start, caret, handle + " ");
      say("@" + handle + " added.");
    }

    function option(choice, i) {
      var detail = ["@" + choice.handle].concat(choice.details).join(" · ");
      return listOption(list, i, choice.name, detail, choose);
    }

    function groupDetails(group) {
      var details = ["group of " + group.members + (group.members === 1 ? " member" : " members")];
      if (group.members > group.notified_at_most) {
        details.push("only the first " + group.notified_at_most + " who can read it are notified");
      }
      return details;
    }

    function show(data) {
      close();
      choices = (data.users || []).map(function (user) {
        return {handle: user.username, name: user.display_name,
                details: [user.job_title, user.alliance].filter(Boolean)};
      }).concat((data.groups || []).map(function (group) {
        return {handle: group.handle, name: group.name, details: groupDetails(group)};
      }));
      if (!choices.length) { return; }
      choices.forEach(function (choice, i) { list.appendChild(option(choice, i)); });
      list.hidden = false;
      highlight(0);
      say(choices.length + (choices.length === 1 ? " suggestion" : " suggestions") +
          ": Up and Down to move, Enter to choose, Escape to close.");
    }

    var lookup = debounce(function (prefix) {
      window.fetch(url + "?q=" + encodeURIComponent(prefix),
                   {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) { if (data && typed() === prefix) { show(data); } })
        .catch(function () { close(); });
    }, 200);

    textarea.addEventListener("input", function () {
      var prefix = typed();
      if (prefix && prefix.length >= 2) { lookup(prefix); } else { close(); }
    });
    textarea.addEventListener("keydown", function (event) {
      if (list.hidden || event.isComposing) { return; }
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        highlight(active + (event.key === "ArrowDown" ? 1 : -1));
      } else if ((event.key === "Enter" || event.key === "Tab") && !event.shiftKey && active >= 0) {
        event.preventDefault();
        choose(active);
      } else if (event.key === "Escape") {
        event.preventDefault();
        event.stopPropagation();
        close();
      }
    });
    textarea.addEventListener("click", close);
    textarea.addEventListener("blur", function () { window.setTimeout(close, 150); });
  }

  /* "Cite guidance": a search box (an ARIA 1.2 combobox) over the register's recommendations -- */

  function setupCitations(box, textarea, say) {
    var picker = box.querySelector("[data-citation-picker]");
    var url = box.getAttribute("data-citations-url");
    if (!picker || !url) { return; }
    var toggle = picker.querySelector("[data-cite-toggle]");
    var panel = picker.querySelector("[data-cite-panel]");
    var search = picker.querySelector("[data-cite-search]");
    var list = picker.querySelector("[data-cite-list]");
    var choices = [];
    var active = -1;
    // Where the text goes: the cursor (or selection) in the message when the picker opened.
    var at = {start: 0, end: 0};

    function closeList() {
      list.hidden = true;
      list.textContent = "";
      choices = [];
      active = -1;
      search.setAttribute("aria-expanded", "false");
      search.removeAttribute("aria-activedescendant");
    }

    function open() {
      at = {start: textarea.selectionStart, end: textarea.selectionEnd};
      panel.hidden = false;
      toggle.setAttribute("aria-expanded", "true");
      search.focus();
    }

    function close(backToText) {
      closeList();
      panel.hidden = true;
      toggle.setAttribute("aria-expanded", "false");
      if (backToText) {
        textarea.focus();
        textarea.setSelectionRange(at.start, at.end);
      }
    }

    function highlight(index) {
      active = highlightOption(list, search, index, active);
    }

    function choose(index) {
      var choice = choices[index];
      if (!choice) { return; }
      close(false);
      replaceRange(textarea, at.start, at.end, choice.insert);
      search.value = "";
      say(choice.insert + " added: " + choice.title + ".");
    }

    function option(choice, i) {
      var name = choice.code + " " + choice.number + " (" + choice.version_label + ")";
      return listOption(list, i, name, choice.title, choose);
    }

    function show(data) {
      closeList();
      choices = data.recommendations || [];
      if (!choices.length) { say("No recommendation matches."); return; }
      choices.forEach(function (choice, i) { list.appendChild(option(choice, i)); });
      list.hidden = false;
      search.setAttribute("aria-expanded", "true");
      highlight(0);
      say(choices.length + (choices.length === 1 ? " recommendation" : " recommendations") +
          ": Up and Down to move, Enter to choose, Escape to go back to your text.");
    }

    var lookup = debounce(function (text) {
      window.fetch(url + "?q=" + encodeURIComponent(text),
                   {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) { if (data && search.value.trim() === text) { show(data); } })
        .catch(function () { closeList(); });
    }, 200);

    toggle.addEventListener("click", function () {
      if (panel.hidden) { open(); } else { close(true); }
    });
    search.addEventListener("input", function () {
      var text = search.value.trim();
      if (text) { lookup(text); } else { closeList(); }
    });
    search.addEventListener("keydown", function (event) {
      if (event.isComposing) { return; }
      if ((event.key === "ArrowDown" || event.key === "ArrowUp") && !list.hidden) {
        event.preventDefault();
        highlight(active + (event.key === "ArrowDown" ? 1 : -1));
      } else if (event.key === "Enter") {
        event.preventDefault();  // never sends the form from here
        if (active >= 0) { choose(active); }
      } else if (event.key === "Escape") {
        event.preventDefault();
        event.stopPropagation();
        if (!list.hidden) { closeList(); } else { close(true); }
      }
    });
    panel.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && event.target !== search) { close(true); }
    });
  }

  /* Files: chosen, pasted or dropped ---------------------------------------------------------- */

  function isImage(file) {
    return /^image\//.test(file.type || "") || IMAGE_NAME.test(file.name || "");
  }

  function pastedName(file, index) {
    // A pasted screenshot is often called "image.png": give it a name that says what it is.
    if (file.name && file.name !== "image.png") { return file.name; }
    var extension = (/\/(png|jpeg|gif)$/.exec(file.type || "") || [null, "png"])[1];
    return "pasted-picture-" + (index + 1) + "." + extension.replace("jpeg", "jpg");
  }

  function askDescription(box, file, name) {
    var dialog = box.querySelector("[data-alt-dialog]");
    if (!dialog || typeof dialog.showModal !== "function") {
      var answer = window.prompt("Describe the picture " + name + " (its alt text):", "");
      return Promise.resolve(answer && answer.trim() ? {alt: answer.trim(), decorative: false} : null);
    }
    var input = dialog.querySelector("[data-alt-input]");
    var decorative = dialog.querySelector("[data-alt-decorative]");
    var error = dialog.querySelector("[data-alt-error]");
    dialog.querySelector("[data-alt-file]").textContent =
      "Before " + name + " is attached: say what it shows, so that members who use a screen reader know too.";
    var thumb = dialog.querySelector("[data-alt-thumb]");
    if (thumb) {
      thumb.hidden = true;
      thumb.removeAttribute("src");
      if (window.FileReader && file.size < 8 * 1024 * 1024) {
        var reader = new FileReader();
        reader.addEventListener("load", function () { thumb.src = reader.result; thumb.hidden = false; });
        reader.readAsDataURL(file);
      }
    }
    input.value = "";
    decorative.checked = false;
    input.disabled = false;
    error.hidden = true;
    error.textContent = "";
    input.removeAttribute("aria-invalid");
    return new Promise(function (resolve) {
      var ok = dialog.querySelector("[data-alt-ok]");
      var cancel = dialog.querySelector("[data-alt-cancel]");
      function finish(result) {
        ok.removeEventListener("click", onOk);
        cancel.removeEventListener("click", onCancel);
        dialog.removeEventListener("cancel", onCancel);
        input.removeEventListener("keydown", onEnter);
        decorative.removeEventListener("change", onDecorative);
        if (dialog.open) { dialog.close(); }
        resolve(result);
      }
      function onOk() {
        var alt = input.value.trim();
        if (!alt && !decorative.checked) {
          error.innerHTML = "";
          var hidden = document.createElement("span");
          hidden.className = "visually-hidden";
          hidden.textContent = "Error: ";
          error.appendChild(hidden);
          error.appendChild(document.createTextNode(
            "Describe the picture, or tick the box if it is only decoration."));
          error.hidden = false;
          input.setAttribute("aria-invalid", "true");
          input.focus();
          return;
        }
        finish({alt: decorative.checked ? "" : alt, decorative: decorative.checked});
      }
      function onCancel(event) {
        if (event) { event.preventDefault(); }
        finish(null);
      }
      function onEnter(event) {
        if (event.key === "Enter") { event.preventDefault(); onOk(); }
      }
      function onDecorative() {
        input.disabled = decorative.checked;
        if (decorative.checked) { error.hidden = true; input.removeAttribute("aria-invalid"); }
      }
      ok.addEventListener("click", onOk);
      cancel.addEventListener("click", onCancel);
      dialog.addEventListener("cancel", onCancel);
      input.addEventListener("keydown", onEnter);
      decorative.addEventListener("change", onDecorative);
      dialog.showModal();
      input.focus();
    });
  }

  function setupUploads(box, textarea, say) {
    var url = box.getAttribute("data-upload-url");
    var form = box.closest("form");
    var fieldset = form && form.querySelector("fieldset.attach");
    var picker = fieldset && fieldset.querySelector("input[type=file]");
    var status = (fieldset && fieldset.querySelector(".attach__status")) || null;
    var check = fieldset && fieldset.querySelector(".attach__check");
    var checkbox = check && check.querySelector("input[type=checkbox]");
    var again = fieldset && fieldset.querySelector("[data-attach-again]");
    var progressBox = box.querySelector("[data-composer-upload]");
    var progress = progressBox.querySelector("progress");
    var progressLabel = progressBox.querySelector("[data-composer-upload-label]");
    var queue = Promise.resolve();
    var waiting = null;  // a file the patient-identifier check asked about


    function report(message, isError) {
      // The composer's live region, and the attach box's own line when it is open.
      say(message, isError, true);
      if (status) {
        status.textContent = message;
        status.classList.toggle("attach__status--error", Boolean(isError));
      }
    }

    function send(file, name, description, checked) {
      return new Promise(function (resolve) {
        var data = new FormData();
        data.append("file", file, name);
        data.append("alt", description.alt);
        if (description.decorative) { data.append("decorative", "1"); }
        if (checked) { data.append("checked", "1"); }
        var xhr = new XMLHttpRequest();
        xhr.open("POST", url);
        xhr.setRequestHeader("Accept", "application/json");
        xhr.setRequestHeader("X-CSRFToken", csrfToken(form));
        progressLabel.textContent = "Uploading " + name;
        progress.value = 0;
        progressBox.hidden = false;
        var halfway = false;
        xhr.upload.addEventListener("progress", function (event) {
          if (!event.lengthComputable) { return; }
          progress.value = Math.round(100 * event.loaded / event.total);
          if (!halfway && progress.value >= 50 && progress.value < 100) {
            halfway = true;
            say("Uploading " + name + ": half sent.", false, true);
          }
        });
        xhr.addEventListener("load", function () {
          var body = null;
          try { body = JSON.parse(xhr.responseText); } catch (error) { body = null; }
          if (!body) {
            var message = xhr.status === 413
              ? "the file is too big for the forum."
              : "the forum answered with an error (" + xhr.status + ").";
            body = {error: {message: name + " was not attached: " + message}};
          }
          resolve(body);
        });
        xhr.addEventListener("error", function () {
          resolve({error: {message: name + " was not sent: check your connection and try again."}});
        });
        xhr.send(data);
        say("Uploading " + name + "…", false, true);
      }).finally(function () { progressBox.hidden = true; });
    }

    function refused(error, retry) {
      report("Not attached. " + (error.message || "The file was refused.") + " Your text is unchanged.", true);
      if (error.needs_check && check && checkbox) {
        waiting = retry;
        var details = fieldset.closest("details");
        if (details) { details.open = true; }
        check.hidden = false;
        if (again) { again.hidden = false; }
        checkbox.focus();
      }
    }

    var maxMegabytes = Number(box.getAttribute("data-upload-max-mb")) || 0;

    function upload(file, index, at) {
      var name = pastedName(file, index);
      if (maxMegabytes && file.size > maxMegabytes * 1024 * 1024) {
        // The server refuses it too (413); saying so now saves sending it.
        report("Not attached. " + name + " is too big: files may be up to " + maxMegabytes +
               " MB. Your text is unchanged.", true);
        return Promise.resolve();
      }
      var described = isImage(file) ? askDescription(box, file, name) : Promise.resolve({alt: "", decorative: false});
      return described.then(function (description) {
        if (!description) {
          report(name + " was not attached.", false);
          textarea.focus();
          return;
        }
        function attempt(checked) {
          return send(file, name, description, checked).then(function (result) {
            if (result.error) { refused(result.error, attempt); return; }
            waiting = null;
            if (check) { check.hidden = true; }
            if (again) { again.hidden = true; }
            if (checkbox) { checkbox.checked = false; }
            insertBlock(textarea, at.value, result.markdown);
            at.value = textarea.selectionStart;
            report("Attached " + result.filename + ": it is in your text where the cursor was.", false);
          });
        }
        return attempt(false);
      });
    }

    function attachFiles(files) {
      files = Array.prototype.slice.call(files || []);
      if (!files.length) { return; }
      var at = {value: textarea.selectionEnd};
      files.forEach(function (file, index) {
        queue = queue.then(function () { return upload(file, index, at); })
          .catch(function () { report("The file could not be attached. Your text is unchanged.", true); });
      });
      return queue;
    }

    if (picker) {
      picker.addEventListener("change", function () {
        var files = picker.files;
        attachFiles(files);
        // The file goes up now, not again with the post.
        queue.then(function () { picker.value = ""; });
      });
    }
    if (again) {
      again.addEventListener("click", function () {
        if (!waiting) { return; }
        if (!checkbox.checked) {
          report("Tick “I have checked this file” first, or choose another file.", true);
          checkbox.focus();
          return;
        }
        var retry = waiting;
        waiting = null;
        queue = queue.then(function () { return retry(true); });
      });
    }
    textarea.addEventListener("paste", function (event) {
      var files = event.clipboardData && event.clipboardData.files;
      if (!files || !files.length) { return; }
      event.preventDefault();
      attachFiles(files);
    });
    textarea.addEventListener("dragover", function (event) {
      if (event.dataTransfer && Array.prototype.indexOf.call(event.dataTransfer.types, "Files") !== -1) {
        event.preventDefault();
        event.dataTransfer.dropEffect = "copy";
        box.classList.add("composer-box--dropping");
      }
    });
    textarea.addEventListener("dragleave", function () { box.classList.remove("composer-box--dropping"); });
    textarea.addEventListener("drop", function (event) {
      box.classList.remove("composer-box--dropping");
      var files = event.dataTransfer && event.dataTransfer.files;
      if (!files || !files.length) { return; }
      event.preventDefault();
      attachFiles(files);
    });
  }

  /* Each composer ---------------------------------------------------------------------------- */

  function setup(box) {
    var textarea = box.querySelector("textarea");
    if (!textarea) { return; }
    var live = box.querySelector("[data-composer-status]");
    // Errors and uploads are shown as well as read out; other news is only read out.
    function say(message, isError, shown) {
      live.textContent = "";
      live.classList.toggle("composer-status--error", Boolean(isError));
      live.classList.toggle("visually-hidden", !(isError || shown));
      // A fresh text node, so the same message twice is read out twice.
      window.setTimeout(function () { live.textContent = message; }, 30);
    }
    setupTabs(box, textarea, say);
    setupToolbar(box, textarea);
    setupMentions(box, textarea, say);
    setupCitations(box, textarea, say);
    setupUploads(box, textarea, say);
  }

  document.querySelectorAll("[data-composer]").forEach(setup);
})();
