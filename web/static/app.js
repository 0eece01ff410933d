// ding: a little hand-written JavaScript. Pages work without it; it only adds comfort.
document.addEventListener("click", function (e) {
  var t = e.target.closest("[data-toggle]");
  if (t) {
    var el = document.getElementById(t.getAttribute("data-toggle"));
    if (el) el.classList.toggle("open");
  }
});
// Ask before destructive actions: <form data-confirm="…">.
document.addEventListener("submit", function (e) {
  var msg = e.target.getAttribute("data-confirm");
  if (msg && !window.confirm(msg)) e.preventDefault();
});
// Copy buttons: <button data-copy="id-of-element">.
document.addEventListener("click", function (e) {
  var b = e.target.closest("[data-copy]");
  if (!b) return;
  var el = document.getElementById(b.getAttribute("data-copy"));
  if (el && navigator.clipboard) navigator.clipboard.writeText(el.textContent.trim());
});
