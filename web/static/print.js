// ding: the print button of printable documents (letter_print.html).
document.addEventListener("click", function (e) {
  if (e.target.closest("[data-print]")) window.print();
});
