/* Small behaviours of console pages, here rather than in inline handlers (the CSP refuses those):
 * - a checkbox with data-select-all="NAME" ticks or clears every checkbox named NAME;
 * - a form with data-confirm="QUESTION" asks QUESTION before it is sent. */
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!box.matches || !box.matches("input[type=checkbox][data-select-all]")) { return; }
    document.querySelectorAll("input[type=checkbox][name='" + box.dataset.selectAll + "']").forEach(function (other) {
      other.checked = box.checked;
    });
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  });
})();
