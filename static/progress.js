/* Peiban: follow a running solve. Polls the week's progress.json and updates the status line in place
   (the section is aria-live, so a screen reader hears it); reloads the page once the solve has ended. */
(function () {
  var status = document.querySelector("[data-progress]");
  if (!status) { return; }
  var text = status.querySelector("[data-progress-text]");
  var POLL_MS = 2000;
  function poll() {
    fetch(status.getAttribute("data-progress"), {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (progress) {
        if (progress && !progress.running) { window.location.reload(); return; }
        if (progress) { text.textContent = progress.text; }
        window.setTimeout(poll, POLL_MS);
      })
      .catch(function () { window.setTimeout(poll, POLL_MS); });
  }
  window.setTimeout(poll, POLL_MS);
})();
