// Formatting buttons for the post text box. Progressive enhancement: without JavaScript the
// toolbar stays hidden and the help line under the box explains the marks to type by hand.
(function () {
  "use strict";

  function wrap(textarea, before, after, placeholder) {
    var start = textarea.selectionStart;
    var end = textarea.selectionEnd;
    var value = textarea.value;
    var selected = value.slice(start, end) || placeholder;
    textarea.value = value.slice(0, start) + before + selected + after + value.slice(end);
    textarea.focus();
    textarea.setSelectionRange(start + before.length, start + before.length + selected.length);
  }

  function listify(textarea) {
    var start = textarea.value.lastIndexOf("\n", textarea.selectionStart - 1) + 1;
    var end = textarea.selectionEnd;
    var lines = textarea.value.slice(start, end).split("\n");
    var marked = lines
      .map(function (line) { return line.indexOf("- ") === 0 ? line : "- " + line; })
      .join("\n");
    textarea.value = textarea.value.slice(0, start) + marked + textarea.value.slice(end);
    textarea.focus();
    textarea.setSelectionRange(start + marked.length, start + marked.length);
  }

  var marks = {
    bold: function (t) { wrap(t, "**", "**", t.dataset.boldPlaceholder || "…"); },
    italic: function (t) { wrap(t, "*", "*", "…"); },
    list: listify,
    link: function (t) { wrap(t, "[", "](https://)", "…"); },
  };

  // Reply forms in a thread share one toolbar, sent once in a <template>.
  var shared = document.getElementById("post-editor-toolbar");

  document.querySelectorAll(".post-editor").forEach(function (form) {
    var toolbar = form.querySelector(".post-editor__toolbar");
    var textarea = form.querySelector("textarea");
    if (!textarea) {
      return;
    }
    if (!toolbar && shared) {
      toolbar = shared.content.firstElementChild.cloneNode(true);
      textarea.closest(".field").before(toolbar);
    }
    if (!toolbar) {
      return;
    }
    toolbar.hidden = false;
    toolbar.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-mark]");
      if (button && marks[button.dataset.mark]) {
        marks[button.dataset.mark](textarea);
      }
    });
  });
})();
