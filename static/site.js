/* Deferred and optional: pages work without it, and their bytes never depend on the day. */
(function () {
  "use strict";
  // data-day counts from Monday = 0; getDay() counts from Sunday = 0.
  var today = (new Date().getDay() + 6) % 7;
  document.querySelectorAll('table.hours tr[data-day="' + today + '"]').forEach(function (row) {
    row.classList.add("today");
    row.setAttribute("aria-current", "date");
  });

  // Carry campaign parameters and the visitor's referrer into appointment forms.
  var keys = ["utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content"];
  var params = new URLSearchParams(window.location.search);
  document.querySelectorAll("form[data-carry]").forEach(function (form) {
    function carry(name, value) {
      if (!value || form.elements.namedItem(name)) return;
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = name;
      input.value = value.slice(0, 500);
      form.appendChild(input);
    }
    keys.forEach(function (key) { carry(key, params.get(key)); });
    carry("ref", document.referrer);
  });
})();
