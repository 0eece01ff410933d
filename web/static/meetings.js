// ding: the decision forms of the meeting page (meeting.html). Without JavaScript each form
// has one action-item row; with it, "添加交办事项" adds rows (a0_…, a1_…, up to 20).
(function () {
  var max = 20;
  function renumber(row, n) {
    row.querySelectorAll("[name]").forEach(function (el) {
      el.name = el.name.replace(/^a\d+_/, "a" + n + "_");
    });
  }
  function clear(row) {
    row.querySelectorAll(".field-error").forEach(function (el) { el.remove(); });
    row.querySelectorAll(".has-error").forEach(function (el) { el.classList.remove("has-error"); });
    row.querySelectorAll("input").forEach(function (el) { el.value = ""; });
    row.querySelectorAll("select").forEach(function (el) {
      Array.prototype.forEach.call(el.options, function (o) { o.selected = false; });
      if (!el.multiple) el.selectedIndex = 0;
    });
  }
  document.querySelectorAll("[data-add-action]").forEach(function (b) { b.hidden = false; });
  document.addEventListener("click", function (e) {
    var b = e.target.closest("[data-add-action]");
    if (!b) return;
    var box = b.closest("[data-action-rows]");
    var rows = box.querySelectorAll("[data-action-row]");
    if (rows.length >= max) return;
    var last = rows[rows.length - 1];
    var row = last.cloneNode(true);
    clear(row);
    // A new row starts with the same lead unit as the one above: most actions of an item
    // go to the item's unit.
    var lead = last.querySelector("select:not([multiple])");
    var copy = row.querySelector("select:not([multiple])");
    if (lead && copy) copy.value = lead.value;
    renumber(row, rows.length);
    last.after(row);
    var first = row.querySelector("input");
    if (first) first.focus();
    if (rows.length + 1 >= max) b.hidden = true;
  });
})();
