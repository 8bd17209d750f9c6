/* Progressive enhancement only: every feature works without this file. */
(function () {
  "use strict";

  // What the other scripts share. base.html loads this file first, and every script is
  // deferred, so they run in document order: this one before the pages' own.
  window.Forum = {
    // The CSRF token a request sent with fetch() carries (the X-CSRFToken header), read from
    // the form it enhances.
    csrfToken: function (form) {
      var input = form && form.querySelector("input[name=csrf_token]");
      return input ? input.value : "";
    },
    // fn, called once calls have paused for ms milliseconds (with the last call's arguments).
    debounce: function (fn, ms) {
      var timer = null;
      return function () {
        var args = arguments;
        window.clearTimeout(timer);
        timer = window.setTimeout(function () { fn.apply(null, args); }, ms);
      };
    }
  };

  // Ask before destructive actions marked with data-confirm.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var message = form.getAttribute && form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });

  // Move focus to an error summary so screen readers announce it after a failed submit.
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector(".error-summary");
    if (summary) {
      summary.focus();
    }
  });
})();
