// ding: the competition scheme pages. The definition form adds and removes item and
// participant rows, shows only the parameters the chosen method uses, keeps the weights'
// sum in view and can add every unit under the organizer at once; the result page's
// adjustment form asks for an item only for an exemption and for points otherwise.
// Without this file every field shows and the server decides.
(function () {
  function renumber(body) {
    body.querySelectorAll("tr").forEach(function (tr, i) {
      var n = tr.querySelector(".step-n");
      if (n) n.textContent = i + 1;
    });
  }
  function rows(id, tplID, onAdd) {
    var body = document.getElementById(id);
    if (!body) return null;
    var tpl = document.getElementById(tplID);
    var next = Number(body.getAttribute("data-next")) || 0;
    body.querySelectorAll("tr[data-spare]").forEach(function (tr) { tr.remove(); });
    body.addEventListener("click", function (e) {
      var b = e.target.closest(".sch-remove");
      if (!b) return;
      b.closest("tr").remove();
      renumber(body);
      body.dispatchEvent(new Event("change", { bubbles: true }));
    });
    var add = function () {
      var tr = tpl.content.firstElementChild.cloneNode(true);
      tr.querySelectorAll("[name]").forEach(function (el) { el.name = el.name.replace("{n}", next); });
      next++;
      body.appendChild(tr);
      renumber(body);
      if (onAdd) onAdd(tr);
      return tr;
    };
    renumber(body);
    // A new form starts with one row to fill rather than an empty table.
    if (!body.querySelector("tr")) add();
    return add;
  }

  var form = document.getElementById("scheme-form");
  if (form) {
    form.querySelectorAll("[data-js]").forEach(function (el) { el.hidden = false; });
    // Items: the parameters of the chosen method, and the benchmark's unit.
    var syncItem = function (tr) {
      var method = tr.querySelector("select[name^=item_method_]");
      var basis = tr.querySelector("select[name^=item_basis_]");
      var ind = tr.querySelector("select[name^=item_indicator_]");
      if (!method) return;
      tr.querySelectorAll("[data-methods]").forEach(function (el) {
        el.hidden = el.getAttribute("data-methods").split(" ").indexOf(method.value) < 0;
      });
      var unit = tr.querySelector(".sch-bench-unit");
      if (unit) {
        var opt = ind && ind.options[ind.selectedIndex];
        unit.textContent = basis.value === "value" ? (opt && opt.getAttribute("data-measure")) || "" : "%";
      }
    };
    var items = document.getElementById("scheme-items");
    var sum = document.getElementById("scheme-weight-sum");
    var total = document.getElementById("scheme-total");
    var showSum = function () {
      if (!sum) return;
      var s = 0;
      items.querySelectorAll(".sch-weight").forEach(function (el) {
        var v = parseFloat(el.value);
        if (!isNaN(v)) s += Math.round(v * 100);
      });
      var want = Math.round((parseFloat(total.value) || 100) * 100);
      sum.textContent = (form.getAttribute("data-sum-label") || "{s} / {t}").replace("{s}", s / 100).replace("{t}", want / 100);
      sum.className = "muted small " + (s === want ? "ok" : "bad");
    };
    var addItem = rows("scheme-items", "scheme-item-tpl", syncItem);
    if (addItem) {
      items.querySelectorAll("tr").forEach(syncItem);
      items.addEventListener("change", function (e) {
        var tr = e.target.closest && e.target.closest("tr");
        if (!tr) { showSum(); return; }
        var method = tr.querySelector("select[name^=item_method_]");
        // Scoring against the target needs the completion as its basis.
        if (e.target === method && (method.value === "target" || method.value === "target_prop")) {
          tr.querySelector("select[name^=item_basis_]").value = "completion";
        }
        syncItem(tr);
        showSum();
      });
      items.addEventListener("input", showSum);
      if (total) total.addEventListener("input", showSum);
      document.getElementById("scheme-item-add").addEventListener("click", function () { addItem().querySelector("select").focus(); showSum(); });
      showSum();
    }
    // Participants.
    var parts = document.getElementById("scheme-parts");
    var addPart = rows("scheme-parts", "scheme-part-tpl");
    if (addPart) {
      document.getElementById("scheme-part-add").addEventListener("click", function () { addPart().querySelector("select").focus(); });
      var children = document.getElementById("scheme-part-children");
      var organizer = document.getElementById("scheme-organizer");
      children.addEventListener("click", function () {
        var listed = {};
        parts.querySelectorAll("select[name^=part_unit_]").forEach(function (s) { if (s.value) listed[s.value] = true; });
        var tpl = document.getElementById("scheme-part-tpl");
        var opts = tpl.content.querySelectorAll("option[data-parent='" + organizer.value + "']");
        var empty = Array.prototype.filter.call(parts.querySelectorAll("tr"), function (tr) {
          return !tr.querySelector("select").value && !tr.querySelector("input").value;
        });
        opts.forEach(function (o) {
          if (listed[o.value]) return;
          var tr = empty.shift() || addPart();
          tr.querySelector("select").value = o.value;
          tr.querySelector("input").value = o.getAttribute("data-kind") || "";
        });
      });
    }
  }

  // The adjustment form of a period's result.
  var adj = document.getElementById("adjust-form");
  if (adj) {
    var kind = adj.querySelector("select[name=kind]");
    var sync = function () {
      adj.querySelectorAll("[data-adjust]").forEach(function (el) {
        el.hidden = el.getAttribute("data-adjust").split(" ").indexOf(kind.value) < 0;
      });
    };
    kind.addEventListener("change", sync);
    sync();
  }
})();
