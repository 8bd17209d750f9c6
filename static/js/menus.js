/* Menus made of <details data-menu> (the header's Menu, each post's "More", the watch menus):
   they work without
   this file; with it, Escape closes an open menu and returns focus to its button, a click or
   focus outside closes it, and choosing an item closes it. */
(function () {
  "use strict";

  function openMenus() {
    return Array.prototype.slice.call(document.querySelectorAll("details[data-menu][open]"));
  }

  function close(menu, refocus) {
    menu.removeAttribute("open");
    if (refocus) {
      var summary = menu.querySelector("summary");
      if (summary) { summary.focus(); }
    }
  }

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var inside = event.target.closest && event.target.closest("details[data-menu][open]");
    openMenus().forEach(function (menu) { close(menu, menu === inside); });
  });

  document.addEventListener("click", function (event) {
    var target = event.target;
    openMenus().forEach(function (menu) {
      if (!menu.contains(target)) {
        close(menu, false);
      } else if (target.closest("a, button") && !target.closest("summary")) {
        // An item was chosen: let its own handler run first, then tidy the menu away.
        window.setTimeout(function () { close(menu, false); }, 0);
      }
    });
  });

  document.addEventListener("focusin", function (event) {
    openMenus().forEach(function (menu) {
      if (!menu.contains(event.target)) { close(menu, false); }
    });
  });

  // One menu open at a time.
  document.addEventListener("toggle", function (event) {
    var menu = event.target;
    if (!menu.matches || !menu.matches("details[data-menu]") || !menu.open) { return; }
    openMenus().forEach(function (other) { if (other !== menu) { close(other, false); } });
  }, true);

  // "Jump to reply" and the like: links with data-focus move focus to that element (the
  // reply box), not only the view. Without this file the link lands on the reply heading.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-focus]");
    if (!link) { return; }
    var field = document.getElementById(link.getAttribute("data-focus"));
    if (!field) { return; }
    event.preventDefault();
    field.focus();
    if (window.history && window.history.replaceState) {
      window.history.replaceState(null, "", link.getAttribute("href"));
    }
  });
})();
