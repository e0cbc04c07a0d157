// The coding view of a topic (Wagtail admin): selecting text in a post's read-only text box
// fills that post's form with the passage, as character offsets (code points, as Python
// counts them) in the post's plain text. Without this script the form codes the whole post.
(function () {
  "use strict";

  function codePoints(text) {
    return Array.from(text).length;
  }

  function setUp(form) {
    var postId = form.getAttribute("data-coding-form");
    var text = document.querySelector('[data-coding-text="' + postId + '"]');
    if (!text) {
      return;
    }
    var start = form.querySelector("[data-coding-start]");
    var end = form.querySelector("[data-coding-end]");
    var quote = form.querySelector("[data-coding-quote]");
    var passage = form.querySelector("[data-coding-passage]");
    var buttons = form.querySelector("[data-coding-js-only]");
    var wholeLabel = form.getAttribute("data-whole-label");
    var wholeButton = form.querySelector("[data-coding-whole]");
    buttons.hidden = false;

    // Browsers move the caret with the keyboard only in editable text boxes, so the box is
    // made editable for keyboard selection and every change is refused or undone.
    var original = text.value;
    text.readOnly = false;
    text.setAttribute("aria-readonly", "true");
    text.addEventListener("beforeinput", function (event) {
      event.preventDefault();
    });
    text.addEventListener("input", function () {
      text.value = original;
    });

    function show() {
      if (start.value === "" || end.value === "") {
        passage.textContent = wholeLabel;
        wholeButton.hidden = true;
      } else {
        passage.textContent = form.getAttribute("data-passage-label").replace("{quote}", quote.value);
        wholeButton.hidden = false;
      }
    }

    function takeSelection() {
      var value = text.value;
      var from = text.selectionStart;
      var to = text.selectionEnd;
      // Leave out spaces and line breaks at either end of the selection.
      while (from < to && /\s/.test(value.charAt(from))) {
        from += 1;
      }
      while (to > from && /\s/.test(value.charAt(to - 1))) {
        to -= 1;
      }
      if (from >= to) {
        return false;
      }
      start.value = codePoints(value.slice(0, from));
      end.value = codePoints(value.slice(0, to));
      quote.value = value.slice(from, to);
      show();
      return true;
    }

    text.addEventListener("select", takeSelection);
    text.addEventListener("mouseup", takeSelection);
    form.querySelector("[data-coding-select]").addEventListener("click", function () {
      if (takeSelection()) {
        var firstCode = form.querySelector('input[name="codes"]');
        if (firstCode) {
          firstCode.focus();
        }
      } else {
        passage.textContent = form.getAttribute("data-no-selection-label");
        text.focus();
      }
    });
    wholeButton.addEventListener("click", function () {
      start.value = "";
      end.value = "";
      quote.value = "";
      show();
    });
    show();
  }

  document.querySelectorAll("[data-coding-form]").forEach(setUp);
})();
