/* Attach files to a post at once (progressive enhancement of uploads/_attach.html).
 *
 * Without this script the chosen file is sent with the post. With it, an "Attach" button
 * uploads the file to POST /uploads straight away and puts its Markdown (an image, or a link
 * to the file) into the post's text where the cursor was, so the writer sees what the post
 * will show. Refusals are read out in the status line; a file the patient-identifier check
 * asks about shows the "I have checked this file" box, to tick and attach again.
 */
(function () {
  "use strict";

  var IMAGE = /\.(png|jpe?g|gif)$/i;

  var csrfToken = window.Forum.csrfToken;

  function insertAtCursor(textarea, text) {
    var start = textarea.selectionStart || textarea.value.length;
    var end = textarea.selectionEnd || start;
    var before = textarea.value.slice(0, start);
    var after = textarea.value.slice(end);
    var gapBefore = before && !/\n\n$/.test(before) ? (/\n$/.test(before) ? "\n" : "\n\n") : "";
    var gapAfter = after && !/^\n/.test(after) ? "\n\n" : "";
    textarea.value = before + gapBefore + text + gapAfter + after;
    var caret = (before + gapBefore + text).length;
    textarea.setSelectionRange(caret, caret);
    textarea.dispatchEvent(new Event("input", {bubbles: true}));
  }

  function setup(fieldset) {
    var form = fieldset.closest("form");
    var input = fieldset.querySelector("input[type=file]");
    var alt = fieldset.querySelector("input[name=attachment_alt]");
    var check = fieldset.querySelector(".attach__check");
    var checkbox = check && check.querySelector("input[type=checkbox]");
    var status = fieldset.querySelector(".attach__status");
    var textarea = form && form.querySelector("textarea[name=body]");
    if (!form || !input || !status || !textarea) return;

    var button = document.createElement("button");
    button.type = "button";
    button.className = "button button--secondary attach__button";
    button.textContent = "Attach to the post";
    fieldset.insertBefore(button, status);

    function say(message, isError) {
      status.textContent = message;
      status.classList.toggle("attach__status--error", Boolean(isError));
    }

    function refused(error) {
      say(error.message || "The file could not be attached.", true);
      if (error.needs_check && check) {
        check.hidden = false;
        checkbox.focus();
      } else if (error.field === "alt" && alt) {
        alt.focus();
      }
    }

    function attached(result) {
      insertAtCursor(textarea, result.markdown);
      input.value = "";
      if (alt) alt.value = "";
      if (checkbox) checkbox.checked = false;
      if (check) check.hidden = true;
      say("Attached " + result.filename + ": it is in your text, where the cursor was.", false);
      textarea.focus();
    }

    button.addEventListener("click", function () {
      var file = input.files && input.files[0];
      if (!file) {
        say("Choose a file first.", true);
        input.focus();
        return;
      }
      if (IMAGE.test(file.name) && alt && !alt.value.trim()) {
        say("Describe the picture first (its alt text), then attach it.", true);
        alt.focus();
        return;
      }
      var data = new FormData();
      data.append("file", file);
      if (alt) data.append("alt", alt.value);
      if (checkbox && checkbox.checked) data.append("checked", "1");
      button.disabled = true;
      say("Uploading " + file.name + "…", false);
      fetch(fieldset.dataset.uploadUrl, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: {"Accept": "application/json", "X-CSRFToken": csrfToken(form)}
      }).then(function (response) {
        return response.json().catch(function () {
          return {error: {message: "The file could not be attached (error " + response.status + ")."}};
        });
      }).then(function (body) {
        if (body.error) refused(body.error); else attached(body);
      }).catch(function () {
        say("The file could not be sent: check your connection and try again.", true);
      }).finally(function () {
        button.disabled = false;
      });
    });
  }

  document.querySelectorAll("fieldset.attach[data-upload-url]").forEach(setup);
})();
