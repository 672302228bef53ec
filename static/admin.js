/* Staff workspace: a link to #field-NAME (from the audit) focuses that field's input. */
(function () {
  "use strict";
  function focusTarget() {
    var id = decodeURIComponent(location.hash.slice(1));
    if (id.indexOf("field-") !== 0) return;
    var box = document.getElementById(id);
    var input = box && box.querySelector("input:not([type=hidden]), select, textarea");
    if (input) input.focus({ preventScroll: true });
  }
  // After the browser's own scroll to the fragment, which moves focus to the page itself.
  function soon() { window.setTimeout(focusTarget, 0); }
  if (document.readyState === "complete") soon(); else window.addEventListener("load", soon);
  window.addEventListener("hashchange", soon);
})();
