// ding: the warning settings forms. The rule form shows only the fields of the chosen kind;
// the ladder editor adds and removes steps and takes due days only for actions that have
// them. Without this file every field shows and the server decides.
(function () {
  // Rule form: elements marked data-kinds="a b" belong to those kinds; data-measure to
  // one measure of invest_lag.
  var rule = document.getElementById("rule-form");
  if (rule) {
    var kind = rule.querySelector("select[name=kind]");
    var measure = rule.querySelector("select[name=measure]");
    var sync = function () {
      rule.querySelectorAll("[data-kinds]").forEach(function (el) {
        var on = el.getAttribute("data-kinds").split(" ").indexOf(kind.value) >= 0;
        var m = el.getAttribute("data-measure");
        if (on && m && measure) on = (measure.value || "points") === m;
        el.hidden = !on;
      });
    };
    kind.addEventListener("change", sync);
    if (measure) measure.addEventListener("change", sync);
    sync();
  }

  // Ladder editor.
  var steps = document.getElementById("ladder-steps");
  if (!steps) return;
  var next = Number(steps.getAttribute("data-next")) || 0;
  var tpl = document.getElementById("ladder-row-tpl");
  var empty = document.getElementById("ladder-empty");
  var renumber = function () {
    var rows = steps.querySelectorAll("tr");
    rows.forEach(function (tr, i) { tr.querySelector(".step-n").textContent = i + 1; });
    empty.hidden = rows.length > 0;
  };
  // Due days apply to letters and interviews only (options marked data-due).
  var due = function (tr) {
    var sel = tr.querySelector("select[name^=action_]");
    var opt = sel.options[sel.selectedIndex];
    tr.querySelector("input[name^=due_]").disabled = opt.value !== "" && !opt.hasAttribute("data-due");
  };
  steps.querySelectorAll("tr[data-spare]").forEach(function (tr) { tr.remove(); });
  steps.querySelectorAll("tr").forEach(due);
  steps.addEventListener("change", function (e) {
    if (e.target.name && e.target.name.indexOf("action_") === 0) due(e.target.closest("tr"));
  });
  steps.addEventListener("click", function (e) {
    var b = e.target.closest(".ladder-remove");
    if (!b) return;
    b.closest("tr").remove();
    renumber();
  });
  document.getElementById("ladder-add").addEventListener("click", function () {
    var tr = tpl.content.firstElementChild.cloneNode(true);
    tr.querySelectorAll("[name]").forEach(function (el) { el.name = el.name.replace("{n}", next); });
    next++;
    steps.appendChild(tr);
    due(tr);
    renumber();
    tr.querySelector("select").focus();
  });
  document.querySelectorAll("#ladder-form [data-js]").forEach(function (el) { el.hidden = false; });
  renumber();
  // The example number follows the prefix as it is typed.
  document.querySelectorAll("[data-preview]").forEach(function (input) {
    var out = document.getElementById(input.getAttribute("data-preview"));
    input.addEventListener("input", function () { out.textContent = input.value.trim() + out.getAttribute("data-suffix"); });
  });
})();
