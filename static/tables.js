/* Wide tables scroll inside their own box, not the page (a phone is 360 px wide; issue 18 item 6).
   Every table of the main content sits in a .table-wrap (wrapped here when its template did not); a
   wrap whose table is wider than it becomes a named, focusable region, so a keyboard can scroll it. */
(function () {
  "use strict";
  function name(table) {
    var caption = table.querySelector("caption");
    if (caption && caption.textContent.trim()) return caption.textContent.trim();
    var heading = table.closest("section, fieldset, main");
    heading = heading && heading.querySelector("h1, h2, h3, legend");
    return heading ? heading.textContent.trim() : "";
  }
  function mark(wrap) {
    var table = wrap.querySelector("table");
    if (!table) return;
    if (wrap.scrollWidth > wrap.clientWidth + 1) {
      wrap.setAttribute("role", "region");
      wrap.setAttribute("tabindex", "0");
      if (!wrap.hasAttribute("aria-label")) wrap.setAttribute("aria-label", name(table));
    } else if (wrap.getAttribute("tabindex") === "0") {
      wrap.removeAttribute("role");
      wrap.removeAttribute("tabindex");
    }
  }
  function wrapAll(root) {
    root.querySelectorAll("main table").forEach(function (table) {
      if (table.parentElement.classList.contains("table-wrap") || table.closest(".calendar-month")) return;
      var wrap = document.createElement("div");
      wrap.className = "table-wrap";
      table.parentNode.insertBefore(wrap, table);
      wrap.appendChild(table);
    });
    root.querySelectorAll(".table-wrap").forEach(mark);
  }
  function all() { wrapAll(document); }
  document.addEventListener("DOMContentLoaded", all);
  document.addEventListener("htmx:afterSettle", all);
  var timer;
  window.addEventListener("resize", function () { clearTimeout(timer); timer = setTimeout(all, 150); });
})();
