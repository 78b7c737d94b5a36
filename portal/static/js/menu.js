// The header's menu button is a checkbox and its label, so that it opens without JavaScript. Here it only
// gains what a button says to assistive technology (role, expanded state) and answers Enter and Escape.
// Delegated from document: hx-boost swaps the whole body, checkbox included.
(function () {
  function sync(box) {
    box.setAttribute("role", "button");
    box.setAttribute("aria-expanded", box.checked ? "true" : "false");
  }
  function boxes() {
    var box = document.getElementById("menu-toggle");
    if (box) sync(box);
  }
  document.addEventListener("DOMContentLoaded", boxes);
  document.addEventListener("htmx:load", boxes);
  document.addEventListener("change", function (event) {
    if (event.target.id === "menu-toggle") sync(event.target);
  });
  document.addEventListener("keydown", function (event) {
    var box = document.getElementById("menu-toggle");
    if (!box) return;
    if (event.key === "Enter" && event.target === box) {
      event.preventDefault();
      box.click();
    } else if (event.key === "Escape" && box.checked) {
      box.click();
      box.focus();
    }
  });
})();
