// The header's "Menu" (a <details> element) opens and closes without this file. With it,
// Escape and a click or tap outside the unfolded menu close it again, as in other menus.
(function () {
  "use strict";
  const menu = document.querySelector(".site-menu");
  if (!menu) return;
  const toggle = menu.querySelector("summary");
  const folded = () => getComputedStyle(toggle).display !== "none";

  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && menu.open && folded()) {
      menu.open = false;
      toggle.focus();
    }
  });
  document.addEventListener("click", (event) => {
    if (menu.open && folded() && !menu.contains(event.target)) menu.open = false;
  });
})();
