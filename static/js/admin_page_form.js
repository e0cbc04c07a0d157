/*
 * The Wagtail page editor (loaded by projects/wagtail_hooks.py, insert_editor_js).
 *
 * 1. One page per "add page" form: a random creation token goes with every request of the
 *    form (autosave and publish alike), so the server hands a publish that follows an
 *    autosave to the page the autosave created (projects/page_creation.py).
 * 2. A save or publish clicked while an autosave is on its way waits for it, then goes to
 *    the address the autosave answered with; once it has gone, no autosave follows it (the
 *    old page keeps running until the answer arrives, and an autosave sent meanwhile would
 *    race the publish on the server).
 * 3. Every field has an accessible name: Draftail's rich text boxes and StreamField's text
 *    inputs are labelled by their field's label or their block's heading.
 */
(function () {
  "use strict";

  function start() {
    var form = document.getElementById("page-edit-form");
    if (!form) {
      return;
    }

    // --- 1. the creation token ---

    function randomToken() {
      var bytes = new Uint8Array(16);
      window.crypto.getRandomValues(bytes);
      return Array.prototype.map
        .call(bytes, function (byte) {
          return ("0" + byte.toString(16)).slice(-2);
        })
        .join("");
    }

    if (/\/pages\/add\//.test(form.getAttribute("action") || "")) {
      var token = document.createElement("input");
      token.type = "hidden";
      token.name = "creation_token";
      token.value = randomToken();
      form.appendChild(token);
    }

    // --- 2. no submit while an autosave is on its way ---

    var AUTOSAVE_WAIT_MS = 5000;
    var autosaving = false;
    var submitted = false;
    var resubmitting = false;
    var waitingSubmitter = null;
    var waitTimer = null;

    function isAction(submitter) {
      return Boolean(submitter && /^action-/.test(submitter.name || ""));
    }

    function submitNow() {
      var submitter = waitingSubmitter;
      waitingSubmitter = null;
      window.clearTimeout(waitTimer);
      // Wagtail disables the clicked button while it "loads": send its name and value
      // ourselves, since a disabled button is left out of the form's data.
      if (submitter && submitter.name) {
        var action = document.createElement("input");
        action.type = "hidden";
        action.name = submitter.name;
        action.value = submitter.value || "1";
        form.appendChild(action);
      }
      resubmitting = true;
      form.requestSubmit();
      resubmitting = false;
    }

    form.addEventListener("w-autosave:save", function (event) {
      if (submitted) {
        event.preventDefault(); // Wagtail's autosave checks this before it sends
        return;
      }
      autosaving = true;
    });
    ["w-autosave:success", "w-autosave:error"].forEach(function (name) {
      form.addEventListener(name, function () {
        autosaving = false;
        if (waitingSubmitter) {
          // Let Wagtail finish updating the form (its address, the revision) first.
          window.setTimeout(submitNow, 0);
        }
      });
    });
    form.addEventListener(
      "submit",
      function (event) {
        var submitter = event.submitter;
        if (!autosaving || !isAction(submitter)) {
          return;
        }
        event.preventDefault();
        event.stopImmediatePropagation();
        waitingSubmitter = submitter;
        waitTimer = window.setTimeout(submitNow, AUTOSAVE_WAIT_MS);
      },
      true
    );
    // Last in line (the window, bubbling): the submit that really goes.
    window.addEventListener("submit", function (event) {
      if (event.target === form && !event.defaultPrevented) {
        submitted = submitted || resubmitting || isAction(event.submitter);
      }
    });

    // --- 3. labels for rich text boxes and StreamField inputs ---

    var UNLABELLED =
      ".public-DraftEditor-content[role='textbox']:not([aria-labelledby]):not([aria-label]), " +
      "[data-streamfield-stream-container] input:not([type='hidden']):not([aria-labelledby]):not([aria-label]), " +
      "[data-streamfield-stream-container] textarea:not([aria-labelledby]):not([aria-label])";

    function hasLabel(element) {
      return element.id && document.querySelector("label[for='" + element.id + "']");
    }

    function labelIdFor(element) {
      var field = element.closest("[data-field]");
      var input = field && field.querySelector("[data-field-input] input[id], [data-field-input] textarea[id]");
      if (input) {
        var label = document.getElementById(input.id + "-label") ||
          document.querySelector("label[for='" + input.id + "']");
        if (label) {
          if (!label.id) {
            label.id = input.id + "-label";
          }
          return label.id;
        }
      }
      // A StreamField block without a label of its own: its block's heading names it.
      var section = element.closest("section[aria-labelledby]");
      return section ? section.getAttribute("aria-labelledby") : null;
    }

    function labelFields() {
      form.querySelectorAll(UNLABELLED).forEach(function (element) {
        if (element.tagName !== "DIV" && hasLabel(element)) {
          return;
        }
        var labelId = labelIdFor(element);
        if (labelId && document.getElementById(labelId)) {
          element.setAttribute("aria-labelledby", labelId);
        }
      });
    }

    var pending = null;
    new MutationObserver(function () {
      if (pending === null) {
        pending = window.requestAnimationFrame(function () {
          pending = null;
          labelFields();
        });
      }
    }).observe(form, { childList: true, subtree: true });
    labelFields();
  }

  // Wagtail inserts editor scripts in the page's head: wait for the form.
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
