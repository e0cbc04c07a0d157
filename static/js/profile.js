// "Add another child" on the research profile. Without JavaScript the page always shows
// empty rows, so this only saves a round trip.
(function () {
  "use strict";
  var rows = document.querySelector("[data-child-rows]");
  var template = document.getElementById("child-row-template");
  var total = document.getElementById("id_children-TOTAL_FORMS");
  var max = document.getElementById("id_children-MAX_NUM_FORMS");
  if (!rows || !template || !total) {
    return;
  }
  var button = document.createElement("button");
  button.type = "button";
  button.className = "button button--secondary child-rows__add";
  button.textContent = rows.getAttribute("data-add-label");
  rows.insertAdjacentElement("afterend", button);
  var hint = document.querySelector("[data-child-rows-hint]");
  if (hint) {
    hint.hidden = true;
  }

  function full() {
    return max && Number(total.value) >= Number(max.value);
  }

  button.addEventListener("click", function () {
    if (full()) {
      return;
    }
    var index = Number(total.value);
    var html = template.innerHTML
      .split("__prefix__").join(String(index))
      .split("__number__").join(String(index + 1));
    rows.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    var added = rows.lastElementChild;
    var first = added && added.querySelector("input, select");
    if (first) {
      first.focus();
    }
    button.hidden = full();
  });
})();
