/* The watch menus (templates/notifications/_watch_menu.html) work without this file; it lets
   Escape close an open menu (focus back on its button) and a click elsewhere close it too. */
(function () {
  "use strict";

  function openMenus() {
    return document.querySelectorAll("details.watch-menu[open]");
  }

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") {
      return;
    }
    var menu = event.target.closest && event.target.closest("details.watch-menu[open]");
    if (menu) {
      menu.open = false;
      menu.querySelector("summary").focus();
      event.preventDefault();
    }
  });

  document.addEventListener("click", function (event) {
    openMenus().forEach(function (menu) {
      if (!menu.contains(event.target)) {
        menu.open = false;
      }
    });
  });
})();
