// The hours grid: add a range or a holiday row in place, copy Monday to the weekdays, keep
// "Closed" and typed times consistent, and focus the first field with a problem. The form
// works without this file: empty rows wait for more, and the server copies on request.
(function () {
  "use strict";
  var invalid = document.querySelector("[aria-invalid=true]");
  if (invalid) invalid.focus();

  function renumber(row, from, to) {
    row.querySelectorAll("[name]").forEach(function (input) {
      input.name = input.name.replace(from, to);
    });
  }
  function clear(root) {
    root.querySelectorAll("input").forEach(function (input) {
      if (input.type === "checkbox") input.checked = false;
      else input.value = "";
      input.removeAttribute("aria-invalid");
      input.removeAttribute("aria-describedby");
    });
  }
  function addRange(ranges) {
    var all = ranges.querySelectorAll("[data-range]");
    var last = all[all.length - 1];
    var copy = last.cloneNode(true);
    clear(copy);
    copy.querySelectorAll(".visually-hidden").forEach(function (span) {
      span.textContent = span.textContent.replace(/range \d+/, "range " + (all.length + 1));
    });
    last.after(copy);
    return copy;
  }
  function wire(root) {
    root.querySelectorAll("[data-add-range]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        addRange(button.closest("[data-ranges]")).querySelector("input").focus();
      });
    });
    root.querySelectorAll("[data-closed]").forEach(function (box) {
      var row = box.closest(".day, .holiday");
      box.addEventListener("change", function () {
        if (box.checked) row.querySelectorAll("[data-range] input").forEach(function (i) { i.value = ""; });
      });
      row.querySelectorAll("[data-range] input").forEach(function (input) {
        input.addEventListener("input", function () { if (input.value) box.checked = false; });
      });
    });
  }
  wire(document);

  var holidays = document.querySelector("[data-holidays]");
  var addHoliday = document.querySelector("[data-add-holiday]");
  if (holidays && addHoliday) {
    addHoliday.hidden = false;
    addHoliday.addEventListener("click", function () {
      var rows = holidays.querySelectorAll("[data-holiday]");
      var last = rows[rows.length - 1];
      var top = 0;
      rows.forEach(function (row) { top = Math.max(top, Number(row.id.replace(/.*-h/, ""))); });
      var copy = last.cloneNode(true);
      var from = last.id.replace(/.*-(h\d+)$/, "-$1-"), to = "-h" + (top + 1) + "-";
      renumber(copy, from, to);
      copy.id = last.id.replace(/h\d+$/, "h" + (top + 1));
      copy.setAttribute("aria-label", "Holiday " + (rows.length + 1));
      copy.querySelectorAll("[data-range]").forEach(function (range, i) { if (i) range.remove(); });
      copy.querySelectorAll(".error").forEach(function (p) { p.remove(); });
      copy.classList.remove("invalid");
      clear(copy);
      last.after(copy);
      wire(copy);
      copy.querySelector("input[type=date]").focus();
    });
  }

  var copyBox = document.querySelector("[data-copy]");
  if (copyBox) {
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = "Copy Monday's hours to Tuesday–Friday";
    copyBox.closest("label").replaceWith(button);
    button.addEventListener("click", function () {
      var monday = document.querySelector("[data-day=Mo]");
      var opens = monday.querySelectorAll("[data-range]");
      ["Tu", "We", "Th", "Fr"].forEach(function (code) {
        var day = document.querySelector("[data-day=" + code + "]");
        var ranges = day.querySelector("[data-ranges]");
        day.querySelectorAll("[data-range]").forEach(function (range, i) { if (i) range.remove(); });
        clear(ranges);
        opens.forEach(function (range, i) {
          var target = i ? addRange(ranges) : ranges.querySelector("[data-range]");
          var from = range.querySelectorAll("input"), into = target.querySelectorAll("input");
          into[0].value = from[0].value;
          into[1].value = from[1].value;
        });
        day.querySelector("[data-closed]").checked = monday.querySelector("[data-closed]").checked;
      });
    });
  }
})();
