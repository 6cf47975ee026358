/* Peiban: a "Print" button for printable pages (inline scripts are refused by the page's CSP). */
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
});
