// The post editor: formatting buttons above each text box, and the characters left under it.
// Progressive enhancement: without JavaScript there is no toolbar (the hint under the label
// explains the marks to type by hand) and the line under the box gives the limit as plain
// text. The toolbar comes once per page in <template id="post-editor-toolbar">, with the
// words of the count in its data attributes.
(function () {
  "use strict";

  var shared = document.getElementById("post-editor-toolbar");
  if (!shared) {
    return;
  }
  var words = shared.content.firstElementChild.dataset;
  var numbers = new Intl.NumberFormat(document.documentElement.lang || undefined);
  // Screen readers hear the count only after a pause in typing, and only when it crossed a
  // band (see band): never on every keystroke.
  var ANNOUNCE_AFTER_MS = 1000;

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
    bold: function (t) { wrap(t, "**", "**", "…"); },
    italic: function (t) { wrap(t, "*", "*", "…"); },
    list: listify,
    link: function (t) { wrap(t, "[", "](https://)", "…"); },
  };

  // What counts for the limit: the visible characters, without the marks and line breaks
  // (projects.post_text.post_text_length, closely enough to count down; the server decides).
  var ITEM = /^\s*(?:[-*\u2022]|\d{1,3}[.)])\s+(.*)$/;
  var LINK = /\[([^\]\n]{1,200})\]\(([^)\s]{1,2000})\)/g;
  var BOLD = /\*\*(\S(?:.*?\S)?)\*\*/g;
  var ITALIC = /(^|[^\w*])\*(\S(?:.*?\S)?)\*(?![\w*])/g;

  function visibleLength(text) {
    return text.replace(/\r\n?/g, "\n").split("\n").reduce(function (total, line) {
      var item = line.match(ITEM);
      var shown = (item ? item[1] : line).trim()
        .replace(LINK, "$1")
        .replace(BOLD, "$1")
        .replace(ITALIC, "$1$2");
      return total + Array.from(shown).length;
    }, 0);
  }

  function countText(left) {
    if (left >= 0) {
      return words.countLeft.replace("{left}", numbers.format(left));
    }
    if (left === -1) {
      return words.countOverOne;
    }
    return words.countOver.replace("{over}", numbers.format(-left));
  }

  // Fewer than 500 left, fewer than 100 left, over the limit: each is worth hearing once.
  function band(left) {
    if (left < 0) {
      return 3;
    }
    if (left <= 100) {
      return 2;
    }
    return left <= 500 ? 1 : 0;
  }

  function liveCount(textarea, count) {
    var max = parseInt(count.dataset.max, 10);
    var live = document.createElement("span");
    live.className = "visually-hidden";
    live.setAttribute("aria-live", "polite");
    count.after(live);
    var announced = null;
    var timer = null;

    function update() {
      var left = max - visibleLength(textarea.value);
      count.textContent = countText(left);
      count.classList.toggle("post-editor__count--over", left < 0);
      return left;
    }

    announced = band(update());
    textarea.addEventListener("input", function () {
      update();
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        var left = max - visibleLength(textarea.value);
        if (band(left) !== announced) {
          announced = band(left);
          live.textContent = countText(left);
        }
      }, ANNOUNCE_AFTER_MS);
    });
  }

  // One tab stop for the whole toolbar; the arrow keys, Home and End move between its
  // buttons (the ARIA toolbar pattern).
  function rove(buttons, index) {
    buttons.forEach(function (button, position) {
      button.tabIndex = position === index ? 0 : -1;
    });
  }

  function toolbarFor(textarea) {
    var toolbar = shared.content.firstElementChild.cloneNode(true);
    var buttons = Array.prototype.slice.call(toolbar.querySelectorAll("button[data-mark]"));
    if (textarea.id) {
      toolbar.setAttribute("aria-controls", textarea.id);
    }
    toolbar.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-mark]");
      if (button && marks[button.dataset.mark]) {
        rove(buttons, buttons.indexOf(button));
        marks[button.dataset.mark](textarea);
        textarea.dispatchEvent(new Event("input", { bubbles: true }));
      }
    });
    toolbar.addEventListener("keydown", function (event) {
      var index = buttons.indexOf(document.activeElement);
      var next = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: buttons.length - 1 }[event.key];
      if (index < 0 || next === undefined) {
        return;
      }
      event.preventDefault();
      next = (next + buttons.length) % buttons.length;
      rove(buttons, next);
      buttons[next].focus();
    });
    toolbar.hidden = false;
    textarea.before(toolbar);
  }

  document.querySelectorAll(".post-editor").forEach(function (form) {
    var textarea = form.querySelector("textarea");
    if (!textarea || textarea.disabled) {
      return;
    }
    toolbarFor(textarea);
    var count = form.querySelector(".post-editor__count[data-max]");
    if (count) {
      liveCount(textarea, count);
    }
  });
})();
