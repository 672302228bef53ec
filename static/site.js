/* Deferred and optional: pages work without it, and their bytes never depend on the day. */
(function () {
  "use strict";
  var DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

  // The clinic's clock, whatever the visitor's zone: weekday (Monday 0, as data-day),
  // date, yesterday's date and minute of the day.
  function clinicNow(zone) {
    var p = {}, o = {weekday: "short", year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", hourCycle: "h23"};
    if (zone) o.timeZone = zone;
    try {
      new Intl.DateTimeFormat("en-US", o).formatToParts(new Date()).forEach(function (x) {
        p[x.type] = x.value;
      });
    } catch (e) { return zone ? clinicNow("") : null; }
    var back = new Date(Date.UTC(+p.year, p.month - 1, p.day - 1));
    return {day: DAYS.indexOf(p.weekday), date: p.year + "-" + p.month + "-" + p.day,
      yesterday: back.toISOString().slice(0, 10), minute: p.hour % 24 * 60 + +p.minute};
  }

  // "09:00-17:00,18:00-02:00" -> [[540, 1020], [1080, 120]]: closing first = past midnight.
  function spans(text) {
    return text ? text.split(",").map(function (r) {
      return r.split("-").map(function (t) { return t.slice(0, 2) * 60 + +t.slice(3); });
    }) : [];
  }

  // A day's ranges: its dated exception when the page lists one, else its weekday's row.
  function hoursOn(box, day, date) {
    var found = box.querySelectorAll('li[data-date="' + date + '"]');
    if (!found.length) found = box.querySelectorAll('tr[data-day="' + day + '"]');
    return [].concat.apply([], [].map.call(found, function (e) {
      return spans(e.getAttribute("data-hours"));
    }));
  }

  function isOpen(box, now) {
    var m = now.minute, reopens = box.getAttribute("data-closed-until");
    if (reopens && now.date < reopens) return false;
    return hoursOn(box, now.day, now.date).some(function (s) {
      return m >= s[0] && (m < s[1] || s[1] < s[0]);
    }) || hoursOn(box, (now.day + 6) % 7, now.yesterday).some(function (s) {
      return s[1] < s[0] && m < s[1];
    });
  }

  document.querySelectorAll("[data-time-zone]").forEach(function (box) {
    var now = clinicNow(box.getAttribute("data-time-zone"));
    if (!now) return;
    box.querySelectorAll('tr[data-day="' + now.day + '"]').forEach(function (row) {
      row.classList.add("today");
      row.setAttribute("aria-current", "date");
    });
    var status = box.querySelector(".open-now");
    if (status) {
      var open = isOpen(box, now);
      // Pages in another language carry the words in their own; English pages the script's.
      status.textContent = open ? status.getAttribute("data-open") || "Open now"
        : status.getAttribute("data-closed") || "Closed now";
      status.classList.toggle("is-open", open);
      status.hidden = false;
    }
    // A page composed before the reopening day stops saying so once the day has come.
    document.querySelectorAll(".closure").forEach(function (notice) {
      if (now.date >= notice.getAttribute("data-reopens")) notice.hidden = true;
    });
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

// A form sent back with problems: start at the first field to correct.
(function () {
  var invalid = document.querySelector("form [aria-invalid=true]");
  if (invalid) invalid.focus();
})();
