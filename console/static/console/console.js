/* Small behaviours of console pages, here rather than in inline handlers (the CSP refuses those):
 * - a checkbox with data-select-all="NAME" ticks or clears every checkbox named NAME;
 * - a form (or its submit button) with data-confirm="QUESTION" asks QUESTION in the page's dialog
 *   (#confirm-dialog) before it is sent, then sends it with confirmed=yes. With data-confirm-count="NAME"
 *   the question counts the ticked checkboxes named NAME: data-confirm-one / data-confirm-other hold its
 *   forms with "%(count)d" for the number. Without this script the server asks on a page of its own. */
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!box.matches || !box.matches("input[type=checkbox][data-select-all]")) { return; }
    document.querySelectorAll("input[type=checkbox][name='" + box.dataset.selectAll + "']").forEach(function (other) {
      other.checked = box.checked;
    });
  });

  function question(source) {
    var name = source.dataset.confirmCount;
    if (!name) { return source.dataset.confirm; }
    var count = document.querySelectorAll("input[type=checkbox][name='" + name + "']:checked").length;
    if (count === 0) { return null; }  // nothing ticked: the server says so
    var text = count === 1 ? source.dataset.confirmOne : source.dataset.confirmOther;
    return text.replace("%(count)d", String(count));
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var submitter = event.submitter || null;
    var source = submitter && submitter.dataset.confirm ? submitter : form;
    var dialog = document.getElementById("confirm-dialog");
    if (!source.dataset || !source.dataset.confirm || !dialog || form.querySelector("input[name=confirmed]")) { return; }
    var text = question(source);
    if (!text) { return; }
    event.preventDefault();
    dialog.querySelector("#confirm-dialog-question").textContent = text;
    dialog.returnValue = "";
    dialog.addEventListener("close", function () {
      if (dialog.returnValue !== "confirm") { return; }
      var answer = document.createElement("input");
      answer.type = "hidden";
      answer.name = "confirmed";
      answer.value = "yes";
      form.appendChild(answer);
      if (submitter) { form.requestSubmit(submitter); } else { form.requestSubmit(); }
      form.removeChild(answer);  // the data is on its way; a page shown again from history asks again
    }, { once: true });
    dialog.showModal();
  });
})();
