"use strict";
// hogo's small behaviours, kept out of the pages so the Content-Security-Policy can refuse
// every inline script: print buttons, confirmations, and the timeline's bar positions.
(function () {
  function setUp(root) {
    root.querySelectorAll("[data-print]").forEach(button => {
      button.addEventListener("click", () => window.print());
    });
    root.querySelectorAll("[data-confirm]").forEach(button => {
      button.addEventListener("click", event => {
        if (!window.confirm(button.dataset.confirm)) event.preventDefault();
      });
    });
    // On phones and tablets the menu is folded behind one button (see app.css).
    root.querySelectorAll("[data-menu-toggle]").forEach(button => {
      button.addEventListener("click", () => {
        const nav = button.closest("nav");
        const open = !nav.classList.contains("open");
        nav.classList.toggle("open", open);
        button.setAttribute("aria-expanded", open ? "true" : "false");
      });
    });
    root.querySelectorAll(".bar[data-left]").forEach(bar => {
      bar.style.left = `${bar.dataset.left}%`;
      bar.style.width = `${bar.dataset.width}%`;
    });
  }
  if (window.htmx) {
    window.htmx.onLoad(setUp);  // the first page and every fragment htmx swaps in
  } else {
    document.addEventListener("DOMContentLoaded", () => setUp(document));
  }
})();
