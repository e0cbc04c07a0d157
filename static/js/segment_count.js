// Live member count on the segment edit page in the Wagtail admin: sends the unsaved form to
// the count endpoint whenever a rule or the invite list changes. Without JavaScript the panel
// shows the count of the saved segment.
(function () {
  "use strict";

  function start() {
    var panel = document.querySelector("[data-segment-count]");
    var form = document.querySelector("form[data-edit-form]");
    if (!panel || !form || !window.fetch) {
      return;
    }
    var output = panel.querySelector("[data-segment-count-text]");
    var url = panel.getAttribute("data-url");
    var timer = null;
    var latest = 0;

    function refresh() {
      var request = ++latest;
      fetch(url, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        headers: { "X-Requested-With": "XMLHttpRequest" },
      })
        .then(function (response) {
          return response.ok ? response.json() : Promise.reject(response.status);
        })
        .then(function (data) {
          // Answers can arrive out of order; only the newest one counts.
          if (request === latest) {
            output.textContent = data.text;
          }
        })
        .catch(function () {});
    }

    function refreshSoon() {
      window.clearTimeout(timer);
      timer = window.setTimeout(refresh, 300);
    }

    // Clicks cover adding and deleting rules in the inline panel; saving needs no count.
    ["change", "input", "click"].forEach(function (type) {
      form.addEventListener(type, function (event) {
        if (!event.target.closest("[type=submit]")) {
          refreshSoon();
        }
      });
    });
    form.addEventListener("submit", function () {
      window.clearTimeout(timer);
    });
    refresh();
  }

  // The admin loads form media in the page head, before the form exists.
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
