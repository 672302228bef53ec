/* The store locator, deferred and optional: the form is a plain GET without it.
   With a server, results are fetched and swapped in place; on a static host (no answer to
   ?q=) it searches the clinics' JSON index itself. Today's hours and "open now" are worked
   out here, in each clinic's time zone, so no page's bytes depend on the clock. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-locator]");
  if (!form) return;
  var status = document.getElementById("locator-status");
  var locate = form.querySelector("[data-locate]");
  var served = null; // true: the server answers searches; false: a static copy of the site
  var index = null; // the JSON index, fetched once when needed
  var DAYS = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"];
  var SHORT = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
  var ABBR = { st: "saint", ste: "sainte", ft: "fort", mt: "mount",
    n: "north", s: "south", e: "east", w: "west" };

  function say(text) { status.textContent = text; } // announced by screen readers only

  // --- today's hours and open now ------------------------------------------------------
  function minutes(hhmm) { var p = hhmm.split(":"); return +p[0] * 60 + +p[1]; }
  function clock(m) {
    if (m >= 1440) return "Midnight";
    var h = Math.floor(m / 60), mm = m % 60;
    return ((h % 12) || 12) + ":" + (mm < 10 ? "0" : "") + mm + (h < 12 ? " AM" : " PM");
  }
  function ranges(text) {
    if (/^(closed|off)$/i.test(text)) return [];
    return text.split(",").map(function (r) {
      var b = r.split("-");
      return [minutes(b[0]), minutes(b[1])];
    });
  }
  function week(text) { // "Mo-Fr 08:00-17:00; Sa 09:00-12:00" -> ranges per day, Monday first
    var table = [[], [], [], [], [], [], []];
    (text || "").split(";").forEach(function (chunk) {
      var m = chunk.trim().match(/^(\S+)\s+(.+)$/);
      if (!m) return;
      var times = ranges(m[2]);
      m[1].split(",").forEach(function (part) {
        var ends = part.split("-");
        var a = DAYS.indexOf(ends[0]), b = DAYS.indexOf(ends[ends.length - 1]);
        if (a < 0 || b < 0) return;
        for (var d = a; ; d = (d + 1) % 7) {
          table[d] = table[d].concat(times);
          if (d === b) break;
        }
      });
    });
    return table;
  }
  function specials(text) { // "2026-12-24 08:00-12:00 Christmas Eve; 2026-12-25 closed"
    var days = {};
    (text || "").split(";").forEach(function (chunk) {
      // The date, then "closed" or the ranges; a holiday's name may follow.
      var m = chunk.trim().match(/^(\d{4}-\d{2}-\d{2})\s+(closed|off|[\d:,-]+)(?:\s.*)?$/i);
      if (m) days[m[1]] = ranges(m[2]);
    });
    return days;
  }
  function now(zone) {
    var options = { year: "numeric", month: "2-digit", day: "2-digit", weekday: "short",
      hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
    var format;
    try {
      format = new Intl.DateTimeFormat("en-US", Object.assign({ timeZone: zone || undefined }, options));
    } catch (e) {
      format = new Intl.DateTimeFormat("en-US", options);
    }
    var p = {};
    format.formatToParts(new Date()).forEach(function (x) { p[x.type] = x.value; });
    return { date: p.year + "-" + p.month + "-" + p.day, day: SHORT.indexOf(p.weekday),
      min: (+p.hour % 24) * 60 + +p.minute };
  }
  function enhance(root) {
    root.querySelectorAll("li[data-hours]").forEach(function (item) {
      var hours = item.getAttribute("data-hours");
      if (!hours || item.querySelector(".today")) return;
      var n = now(item.getAttribute("data-tz"));
      var table = week(hours);
      var today = specials(item.getAttribute("data-special"))[n.date] || table[n.day];
      var open = today.some(function (r) {
        return n.min >= r[0] && (r[1] > r[0] ? n.min < r[1] : true);
      }) || table[(n.day + 6) % 7].some(function (r) { return r[1] <= r[0] && n.min < r[1]; });
      var line = document.createElement("p");
      line.className = "today";
      var badge = document.createElement("strong");
      badge.className = open ? "open" : "closed";
      badge.textContent = open ? "Open now" : "Closed now";
      line.appendChild(badge);
      line.appendChild(document.createTextNode(" · " + (today.length ? "Today " + today.map(
        function (r) { return clock(r[0]) + " – " + clock(r[1]); }).join(", ") : "Closed today")));
      var where = item.querySelector(".where");
      where.parentNode.insertBefore(line, where.nextSibling);
    });
  }

  // --- searching ---------------------------------------------------------------------
  function params(values) {
    var out = new URLSearchParams();
    Object.keys(values).forEach(function (k) { if (values[k]) out.set(k, values[k]); });
    return out;
  }
  function chosen() { return form.elements.service ? form.elements.service.value : ""; }
  function show(section, asked, push) {
    var old = document.getElementById("locator-results");
    if (old) old.parentNode.replaceChild(section, old);
    else status.parentNode.insertBefore(section, status.nextSibling);
    enhance(section);
    var found = section.querySelectorAll("li.clinic").length;
    var note = section.querySelector(".notice");
    say(found ? found + (found === 1 ? " clinic found." : " clinics found.") : (note || section).textContent);
    if (push && asked.get("q")) history.pushState(null, "", "?" + asked.toString());
  }
  function problem(text) { // a visible notice where the results go
    var section = el("section", { id: "locator-results", "class": "results", "aria-labelledby": "results-heading" });
    section.appendChild(el("h2", { id: "results-heading" }, "Find a clinic"));
    section.appendChild(el("p", { "class": "notice" }, text));
    show(section, null, false);
  }
  function ask(asked, push) {
    say("Searching…");
    if (served === false) return searchHere(asked, push);
    fetch(form.action + "?" + asked.toString(), { headers: { Accept: "text/html" } })
      .then(function (response) {
        if (response.status === 429) {
          problem("Too many searches in a row: wait a minute, then try again.");
          return null;
        }
        return response.text();
      })
      .then(function (html) {
        if (html === null) return;
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("locator-results");
        served = !!(fresh && fresh.hasAttribute("data-server"));
        if (served) show(document.importNode(fresh, true), asked, push);
        else searchHere(asked, push);
      })
      .catch(function () { served = false; searchHere(asked, push); });
  }
  function load() {
    index = index || fetch(form.getAttribute("data-index")).then(function (r) {
      if (!r.ok) throw new Error(r.status);
      return r.json();
    });
    return index;
  }
  function searchHere(asked, push) {
    load().then(function (data) { show(render(data, rank(data, asked), asked), asked, push); },
      function () { index = null; problem("The list of clinics could not be loaded. Please try again."); });
  }

  // --- the static host's own search over the JSON index -----------------------------------
  function words(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/[^a-z0-9]+/g, " ").trim().split(" ").filter(Boolean);
  }
  function fold(text) { return words(text).map(function (w) { return ABBR[w] || w; }).join(" "); }
  function stateCode(text, states) {
    var plain = words(text).join(" ");
    if (plain.length === 2 && states[plain.toUpperCase()]) return plain.toUpperCase();
    return Object.keys(states).filter(function (c) { return words(states[c][0]).join(" ") === plain; })[0] || "";
  }
  function splitState(text, states) {
    var comma = text.lastIndexOf(",");
    if (comma > 0) {
      var code = stateCode(text.slice(comma + 1), states);
      return code ? [text.slice(0, comma).trim(), code] : null;
    }
    var parts = text.split(" ");
    for (var size = 3; size > 0; size--) {
      if (parts.length > size) {
        var found = stateCode(parts.slice(-size).join(" "), states);
        if (found) return [parts.slice(0, -size).join(" "), found];
      }
    }
    return null;
  }
  function km(a, b) {
    var r = Math.PI / 180, dl = (b[0] - a[0]) * r, dn = (b[1] - a[1]) * r;
    var h = Math.pow(Math.sin(dl / 2), 2) +
      Math.cos(a[0] * r) * Math.cos(b[0] * r) * Math.pow(Math.sin(dn / 2), 2);
    return 12742 * Math.asin(Math.sqrt(h));
  }
  function edits(a, b) {
    var row = [], i, j, last, next;
    for (j = 0; j <= b.length; j++) row[j] = j;
    for (i = 1; i <= a.length; i++) {
      last = row[0]; row[0] = i;
      for (j = 1; j <= b.length; j++) {
        next = Math.min(row[j] + 1, row[j - 1] + 1, last + (a[i - 1] === b[j - 1] ? 0 : 1));
        last = row[j]; row[j] = next;
      }
    }
    return row[b.length];
  }
  function rank(data, asked) {
    var F = {};
    data.fields.forEach(function (f, i) { F[f] = i; });
    var service = asked.get("service") || "";
    var named = data.services.filter(function (s) { return s[0] === service; })[0];
    var what = named ? named[1] : "Clinics";
    var all = data.clinics.filter(function (c) {
      return !named || c[F.services] === null || c[F.services].indexOf(service) >= 0;
    });
    var text = (asked.get("q") || "").trim().replace(/\s+/g, " ");
    var out = { F: F, service: named ? service : "", hits: [], suggestions: [] };
    var point = null, same;
    function centre(list) {
      var n = 0, lat = 0, lon = 0;
      list.forEach(function (c) { if (c[F.latitude] !== null) { n++; lat += c[F.latitude]; lon += c[F.longitude]; } });
      return n ? [lat / n, lon / n] : null;
    }
    function nearest(from, list, withDistance) {
      return list.filter(function (c) { return c[F.latitude] !== null; }).map(function (c) {
        return { c: c, km: km(from, [c[F.latitude], c[F.longitude]]) };
      }).sort(function (x, y) { return x.km - y.km; }).slice(0, 10).map(function (h) {
        return { c: h.c, km: withDistance ? h.km : null };
      });
    }
    function inState(code, note) {
      var members = all.filter(function (c) { return c[F.state] === code; });
      out.heading = what + " in " + data.states[code][0];
      out.message = note || (members.length ? "" : "We have no clinic in " + data.states[code][0] + " yet.");
      out.state = code;
      out.total = members.length;
      out.hits = members.length ? nearest(centre(members), members, false) : [];
      return out;
    }
    if (text.length > 100) {
      out.heading = "Find a clinic";
      out.message = "Type at most 100 characters: a ZIP code, a city or a state.";
      return out;
    }
    var near = (asked.get("near") || "").split(",");
    if (near.length === 2) {
      out.heading = what + " near your location";
      out.hits = nearest([+near[0], +near[1]], all, true);
      return out;
    }
    out.heading = "No place found";
    if (!words(text).length) { out.message = "Type a ZIP code, a city or a state."; return out; }
    var zip = text.match(/(?:^|\D)(\d{5})(?:-\d{4})?(?!\d)/);
    var code = zip ? "" : stateCode(text, data.states);
    if (code) return inState(code);
    if (zip) {
      // No ZIP table on a static host: a ZIP code is placed by our clinics' own ZIP codes,
      // or by those sharing its first three digits (one USPS sectional centre).
      same = data.clinics.filter(function (c) { return c[F.postal_code].slice(0, 5) === zip[1]; });
      if (!same.length) same = data.clinics.filter(function (c) { return c[F.postal_code].slice(0, 3) === zip[1].slice(0, 3); });
      point = centre(same);
      if (!point) {
        out.message = "This copy of the site finds only ZIP codes near our clinics. Type a city or a state, or use your location.";
        return out;
      }
      out.heading = what + " near " + zip[1];
    } else {
      var split = splitState(text, data.states);
      var city = fold(split ? split[0] : text);
      same = data.clinics.filter(function (c) {
        return fold(c[F.city]) === city && (!split || c[F.state] === split[1]);
      });
      same = same.filter(function (c) { return c[F.state] === (same[0] || c)[F.state]; });
      point = centre(same);
      if (!point) {
        var seen = {};
        data.clinics.forEach(function (c) {
          var name = fold(c[F.city]);
          if ((!split || c[F.state] === split[1]) && (name.indexOf(city) === 0 || edits(name, city) <= 2)) {
            seen[c[F.city] + ", " + c[F.state]] = true;
          }
        });
        out.suggestions = Object.keys(seen).slice(0, 5);
        var note = "We could not find a clinic in “" + (split ? split[0] : text) + "”.";
        if (split) return inState(split[1], note);
        out.message = note + " Try a nearby city, a state, or use your location.";
        return out;
      }
      out.heading = what + " near " + same[0][F.city] + ", " + same[0][F.state];
    }
    out.hits = nearest(point, all, true);
    return out;
  }
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text) node.textContent = text;
    return node;
  }
  function link(text, asked) {
    return el("a", { href: form.action + "?" + params({ q: text, service: asked.get("service") }).toString() }, text);
  }
  function render(data, out, asked) {
    var F = out.F;
    var section = el("section", { id: "locator-results", "class": "results", "aria-labelledby": "results-heading" });
    section.appendChild(el("h2", { id: "results-heading" }, out.heading));
    if (out.message) section.appendChild(el("p", { "class": "notice" }, out.message));
    if (out.suggestions.length) {
      var p = el("p", { "class": "suggest" }, "Did you mean ");
      out.suggestions.forEach(function (s, i) {
        if (i) p.appendChild(document.createTextNode(", "));
        p.appendChild(link(s, asked));
      });
      p.appendChild(document.createTextNode("?"));
      section.appendChild(p);
    }
    if (!out.hits.length) return section;
    var list = section.appendChild(el("ol", { "class": "clinics" }));
    out.hits.forEach(function (hit) {
      var c = hit.c;
      var path = out.service ? data.paths.landing.replace("{service}", out.service) : data.paths.location;
      var item = list.appendChild(el("li", { "class": "clinic", "data-hours": c[F.opening_hours],
        "data-special": c[F.special_hours], "data-tz": c[F.timezone] }));
      item.appendChild(el("h3")).appendChild(el("a", { href: path.replace("{slug}", c[F.slug]) }, c[F.name]));
      var address = c[F.street_address] + ", " + c[F.city] + ", " + c[F.state] + " " + c[F.postal_code];
      var where = item.appendChild(el("p", { "class": "where" }, address));
      if (hit.km !== null) {
        var mi = hit.km / 1.609344;
        where.appendChild(document.createTextNode(" · "));
        where.appendChild(el("strong", { "class": "distance" },
          (mi < 10 ? mi.toFixed(1) : Math.round(mi).toLocaleString("en-US")) + " mi"));
      }
      var actions = item.appendChild(el("p", { "class": "actions" }));
      actions.appendChild(el("a", { "class": "button call", href: "tel:" + c[F.phone] }, "Call " + c[F.phone_display]));
      actions.appendChild(document.createTextNode(" "));
      actions.appendChild(el("a", { "class": "button", rel: "noopener", href: "https://www.google.com/maps/dir/?" +
        new URLSearchParams({ api: "1", destination: address }).toString() }, "Directions"));
    });
    if (out.total) {
      var all = el("p");
      all.appendChild(el("a", { href: data.states[out.state][1] }, "All " + out.total + " clinics in " + data.states[out.state][0]));
      section.appendChild(all);
    }
    return section;
  }

  // --- wiring ------------------------------------------------------------------------
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    ask(params({ q: form.elements.q.value.trim(), service: chosen() }), true);
  });
  document.addEventListener("click", function (event) {
    var a = event.target.closest && event.target.closest("#locator-results .suggest a");
    if (!a) return;
    event.preventDefault();
    var asked = new URL(a.href).searchParams;
    form.elements.q.value = asked.get("q") || "";
    ask(asked, true);
  });
  window.addEventListener("popstate", function () {
    var asked = new URLSearchParams(location.search);
    form.elements.q.value = asked.get("q") || "";
    var shown = document.getElementById("locator-results");
    if (asked.get("q")) ask(asked, false);
    else if (shown) {
      shown.parentNode.removeChild(shown);
      say("");
    }
  });
  if (locate && navigator.geolocation) {
    locate.hidden = false;
    locate.addEventListener("click", function () {
      say("Finding your location…");
      navigator.geolocation.getCurrentPosition(function (position) {
        var c = position.coords;
        ask(params({ near: c.latitude.toFixed(3) + "," + c.longitude.toFixed(3), service: chosen() }), false);
      }, function () {
        problem("Your location is not available. Type a ZIP code, a city or a state.");
      }, { maximumAge: 600000, timeout: 15000 });
    });
  }
  var results = document.getElementById("locator-results");
  if (results) {
    served = results.hasAttribute("data-server");
    enhance(results);
  }
  var start = new URLSearchParams(location.search);
  if (!results && start.get("q")) {
    served = false; // a static host answered ?q= with the plain page
    searchHere(start, false);
  }
})();
