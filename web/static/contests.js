// ding: the 擂台赛 pages (contest_form.html, contest.html). Pages work without it; it adds
// and removes criterion rows, keeps the criteria's total in sight, and adds up a judge's
// marks while they are typed.
(function () {
  var max = 20;
  // Points as typed ("12.5") to centi-points; NaN when not a number with two decimals.
  function centi(s) {
    s = (s || "").trim();
    if (s === "") return 0;
    if (!/^\d+(\.\d{1,2})?$/.test(s)) return NaN;
    var parts = s.split(".");
    return parseInt(parts[0], 10) * 100 + (parts[1] ? parseInt((parts[1] + "0").slice(0, 2), 10) : 0);
  }
  function points(c) {
    var s = (c / 100).toFixed(2);
    return s.replace(/\.?0+$/, "");
  }

  // The criterion rows of the round form.
  document.querySelectorAll("[data-crit-rows]").forEach(function (box) {
    var total = box.querySelector("[data-crit-total]");
    var add = box.querySelector("[data-crit-add]");
    var nojs = box.querySelector("[data-crit-nojs]");
    if (nojs) nojs.hidden = true;
    function rows() { return box.querySelectorAll("[data-crit-row]"); }
    function update() {
      var sum = 0, bad = false;
      box.querySelectorAll("[data-crit-points]").forEach(function (el) {
        var c = centi(el.value);
        if (isNaN(c)) bad = true; else sum += c;
      });
      if (total) {
        var ok = !bad && sum === 10000;
        total.textContent = (ok ? total.getAttribute("data-ok") : total.getAttribute("data-bad")).replace("{n}", bad ? "?" : points(sum));
        total.classList.toggle("off", !ok);
      }
      var n = rows().length;
      if (add) add.hidden = n >= max;
      rows().forEach(function (r) {
        var b = r.querySelector("[data-crit-remove]");
        if (b) b.hidden = n <= 1;
      });
    }
    box.addEventListener("input", update);
    box.addEventListener("click", function (e) {
      var rm = e.target.closest("[data-crit-remove]");
      if (rm) {
        var row = rm.closest("[data-crit-row]");
        if (rows().length > 1) row.remove();
        update();
        return;
      }
      if (e.target.closest("[data-crit-add]")) {
        var all = rows();
        if (all.length >= max) return;
        var last = all[all.length - 1];
        var copy = last.cloneNode(true);
        copy.querySelectorAll("input").forEach(function (el) { el.value = ""; });
        last.after(copy);
        copy.querySelector("input").focus();
        update();
      }
    });
    // A trailing blank row is only there for pages without JavaScript: drop it when the
    // rows above it are filled, the "add" button takes its place.
    var all = rows();
    if (all.length > 1) {
      var last = all[all.length - 1];
      var blank = true;
      last.querySelectorAll("input").forEach(function (el) { if (el.value.trim() !== "") blank = false; });
      if (blank) last.remove();
    }
    update();
  });

  // A judge's marks: the total as they are typed.
  document.querySelectorAll("[data-score-form]").forEach(function (form) {
    var out = form.querySelector("[data-score-total]");
    if (!out) return;
    function update() {
      var sum = 0, bad = false;
      form.querySelectorAll("[data-mark]").forEach(function (el) {
        var c = centi(el.value);
        if (isNaN(c)) bad = true; else sum += c;
      });
      out.textContent = out.getAttribute("data-label").replace("{n}", bad ? "?" : points(sum));
      out.hidden = false;
    }
    form.addEventListener("input", update);
    update();
  });
})();
