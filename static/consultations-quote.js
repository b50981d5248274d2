/* Consultations: select-to-quote. Select words of a paragraph (mouse, touch or keyboard caret),
   press the button that appears under it, and the comment form's "Passage" field gets them.
   Progressive enhancement, no dependencies: without JavaScript the Passage field is typed or
   pasted, and the server checks that the passage is in the paragraph either way.

   Markup: an element with data-quote-source="<tool id>" holds the paragraph's text; the tool
   (hidden until used) has a button, a preview and a live status. On the paragraph page the tool
   names the form field (data-quote-field); in the reading view it names the slot the form
   opens in (data-quote-slot) and the paragraph page (data-quote-url). */
(function () {
  "use strict";
  var MAX = 2000;
  var last = { source: null, text: "" };  // kept when a tap on the button collapses the selection

  function sourceOf(node) {
    for (; node && node !== document; node = node.parentNode) {
      if (node.nodeType === 1 && node.hasAttribute("data-quote-source")) return node;
    }
    return null;
  }

  function firstInside(range) {
    // A triple click selects from the paragraph element itself to the next one: no end lies in a text.
    var sources = document.querySelectorAll("[data-quote-source]");
    for (var i = 0; i < sources.length; i++) if (range.intersectsNode(sources[i])) return sources[i];
    return null;
  }

  function selected() {
    var selection = window.getSelection();
    if (!selection || selection.isCollapsed || !selection.rangeCount) return null;
    var range = selection.getRangeAt(0);
    var source = sourceOf(range.startContainer) || sourceOf(range.endContainer) || firstInside(range);
    if (!source) return null;
    var clipped = range.cloneRange();  // only the part inside this paragraph's own text
    if (!source.contains(clipped.startContainer)) clipped.setStart(source, 0);
    if (!source.contains(clipped.endContainer)) clipped.setEnd(source, source.childNodes.length);
    var text = clipped.toString().replace(/\s+/g, " ").trim().slice(0, MAX);
    return text ? { source: source, text: text } : null;
  }

  function toolOf(source) {
    return document.getElementById(source.getAttribute("data-quote-source"));
  }

  function show(found) {
    if (last.source && last.source !== found.source) {
      var old = toolOf(last.source);
      if (old && !old.hasAttribute("data-quote-always")) old.hidden = true;
    }
    last = found;
    var tool = toolOf(found.source);
    if (!tool) return;
    tool.hidden = false;
    tool.querySelector("button").disabled = false;
    var preview = tool.querySelector(".quote-preview");
    var shown = found.text.length > 80 ? found.text.slice(0, 77) + "…" : found.text;
    preview.textContent = "“" + shown + "”";
  }

  function focusText(root) {
    var field = root.querySelector("textarea[name=text]");
    if (field) field.focus();
  }

  function fill(field, text, tool) {
    field.value = text;
    field.dispatchEvent(new Event("input", { bubbles: true }));
    var status = tool.querySelector(".quote-status");
    if (status) status.textContent = tool.getAttribute("data-done") || "";
    focusText(field.form || document);
  }

  function use(tool) {
    if (!last.text || toolOf(last.source) !== tool) return;
    var text = last.text;
    var fieldSelector = tool.getAttribute("data-quote-field");
    if (fieldSelector) {
      var field = document.querySelector(fieldSelector);
      if (field) fill(field, text, tool);
      return;
    }
    var slot = document.getElementById(tool.getAttribute("data-quote-slot"));
    var open = slot && slot.querySelector("[name=quote]");
    if (open) {
      fill(open, text, tool);
      return;
    }
    var url = tool.getAttribute("data-quote-url") + "?quote=" + encodeURIComponent(text);
    if (slot && window.htmx) {
      window.htmx.ajax("GET", url, { target: slot, swap: "innerHTML" }).then(function () { focusText(slot); });
    } else {
      window.location.href = url + "#comment-form";
    }
  }

  var timer = null;
  document.addEventListener("selectionchange", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var found = selected();
      if (found) show(found);
    }, 120);
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest(".quote-tool button");
    if (!button) return;
    event.preventDefault();
    use(button.closest(".quote-tool"));
  });

  // Tools marked "always" (the paragraph page) are visible from the start, with a hint.
  function init() {
    var always = document.querySelectorAll(".quote-tool[data-quote-always]");
    for (var i = 0; i < always.length; i++) always[i].hidden = false;
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
