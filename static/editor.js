/* The article editor, made pleasant: sections move, get inserted and are dragged in place
   (no reload, the page stays where it is), and a live region says what happened. Without
   this script the same buttons post the form and the server does the same. */
(function () {
  "use strict";
  var list, announcer, template;
  var FIELD_RE = /sections-\d+-/g;

  function sections() {
    return Array.prototype.slice.call(list.querySelectorAll(":scope > [data-section]"));
  }

  function headingOf(item) {
    var input = item.querySelector("input[name$='-heading']");
    var text = input && input.value.trim();
    return text ? "“" + text + "”" : "An empty section";
  }

  function announce(text) {
    announcer.textContent = "";
    window.setTimeout(function () { announcer.textContent = text; }, 50);
  }

  function renumber() {
    var items = sections();
    items.forEach(function (item, i) {
      item.id = "section-" + i;
      item.querySelector(".section-number").textContent = "Section " + (i + 1);
      item.querySelectorAll("[name], [id], [for], [aria-describedby]").forEach(function (el) {
        ["name", "id", "for", "aria-describedby"].forEach(function (attr) {
          var value = el.getAttribute(attr);
          if (value && FIELD_RE.test(value)) {
            el.setAttribute(attr, value.replace(FIELD_RE, "sections-" + i + "-"));
          }
          FIELD_RE.lastIndex = 0;
        });
      });
      item.querySelectorAll("button[data-op]").forEach(function (button) {
        var op = button.dataset.op;
        var target = op === "up" ? i - 1 : op === "down" ? i + 1 : i;
        button.value = op + "-" + i;
        button.setAttribute("formaction", "#section-" + target);
        button.hidden = (op === "up" && i === 0) || (op === "down" && i === items.length - 1);
      });
    });
    var add = document.querySelector("button[data-op='add']");
    if (add) add.setAttribute("formaction", "#section-" + items.length);
  }

  function settle(item, message, focusOp) {
    renumber();
    item.classList.remove("moved");
    void item.offsetWidth; // restart the highlight
    item.classList.add("moved");
    var button = item.querySelector("button[data-op='" + focusOp + "']");
    if (!button || button.hidden) button = item.querySelector("button[data-op]:not([hidden])");
    if (button) button.focus({ preventScroll: true });
    item.scrollIntoView({ block: "nearest" });
    announce(message);
  }

  function position(item) {
    var items = sections();
    return "position " + (items.indexOf(item) + 1) + " of " + items.length;
  }

  function blankSection() {
    return template.content.querySelector("[data-section]").cloneNode(true);
  }

  function act(button) {
    var op = button.dataset.op;
    var item = button.closest("[data-section]");
    if (op === "up" && item.previousElementSibling) {
      list.insertBefore(item, item.previousElementSibling);
      settle(item, headingOf(item) + " moved up to " + position(item) + ".", "up");
    } else if (op === "down" && item.nextElementSibling) {
      list.insertBefore(item.nextElementSibling, item);
      settle(item, headingOf(item) + " moved down to " + position(item) + ".", "down");
    } else if (op === "insert" || op === "add") {
      var fresh = blankSection();
      list.insertBefore(fresh, op === "insert" ? item : null);
      renumber();
      fresh.scrollIntoView({ block: "nearest" });
      fresh.querySelector("input[name$='-heading']").focus();
      announce("An empty section was inserted at " + position(fresh) + ".");
    }
  }

  // Dragging by the handle, with pointer events: mouse, pen and touch alike.
  function enableDragging() {
    var dragged = null;
    list.addEventListener("pointerdown", function (event) {
      var handle = event.target.closest(".drag-handle");
      if (!handle || event.button !== 0) return;
      event.preventDefault();
      dragged = handle.closest("[data-section]");
      dragged.classList.add("dragging");
      handle.setPointerCapture(event.pointerId);
    });
    list.addEventListener("pointermove", function (event) {
      if (!dragged) return;
      var before = null;
      sections().some(function (item) {
        if (item === dragged) return false;
        var box = item.getBoundingClientRect();
        if (event.clientY < box.top + box.height / 2) {
          before = item;
          return true;
        }
        return false;
      });
      if (before !== dragged.nextElementSibling) list.insertBefore(dragged, before);
    });
    function drop() {
      if (!dragged) return;
      var item = dragged;
      dragged = null;
      item.classList.remove("dragging");
      settle(item, headingOf(item) + " dropped at " + position(item) + ".", "up");
    }
    list.addEventListener("pointerup", drop);
    list.addEventListener("pointercancel", drop);
  }

  function followPreview() {
    var frame = document.querySelector("iframe[name='page-preview']");
    var fromBar = false;
    document.querySelectorAll(".sticky-actions .preview-button").forEach(function (button) {
      button.addEventListener("click", function () { fromBar = true; });
    });
    if (frame) {
      frame.addEventListener("load", function () {
        if (fromBar) frame.scrollIntoView({ block: "start" });
        fromBar = false;
      });
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    list = document.querySelector("[data-sections]");
    announcer = document.querySelector("[data-announce]");
    template = document.getElementById("section-template");
    if (!list || !announcer || !template) return;
    document.documentElement.classList.add("js");
    document.getElementById("article-form").addEventListener("click", function (event) {
      var button = event.target.closest("button[data-op]");
      if (!button) return;
      event.preventDefault();
      act(button);
    });
    enableDragging();
    followPreview();
  });
})();
