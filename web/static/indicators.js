// ding: the indicator pages. The definition form shows the computation only for a computed
// indicator (whose measure it sets) and the measure only for the others; the entry grid
// marks the cells that differ from what it showed. Without this file every field shows and
// the server decides.
(function () {
  var form = document.getElementById("indicator-form");
  if (form) {
    var source = form.querySelector("select[name=source]");
    var sync = function () {
      form.querySelectorAll("[data-sources]").forEach(function (el) {
        el.hidden = el.getAttribute("data-sources").split(" ").indexOf(source.value) < 0;
      });
    };
    source.addEventListener("change", sync);
    sync();
  }
  var grid = document.getElementById("ind-values-form");
  if (grid) {
    grid.addEventListener("input", function (e) {
      var input = e.target;
      if (!input.name || input.name.indexOf("v_") !== 0) return;
      var orig = grid.querySelector('input[name="o_' + input.name.slice(2) + '"]');
      var changed = !orig || input.value.trim() !== orig.value.trim();
      input.closest("td").classList.toggle("ind-changed", changed);
    });
  }
})();
