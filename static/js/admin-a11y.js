/* The Django admin's autocomplete boxes (select2) made readable by screen readers, as axe asks (issue 24):
   each box, its search field and its shown value take the name of the field's label, and the clear button
   select2 puts inside its list of choices moves just after it (a list holds list items only). select2 draws
   these parts again whenever a value changes, so a MutationObserver repeats the fix. Loaded from a file:
   the Content-Security-Policy allows no inline script. */
(function () {
  "use strict";

  function labelOf(select) {
    var label = select.id ? document.querySelector('label[for="' + select.id + '"]') : null;
    return label ? label.textContent.replace(/[:：]\s*$/, "").trim() : "";
  }

  function fix() {
    document.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      var box = select.nextElementSibling;
      var name = labelOf(select);
      if (!box || !box.classList.contains("select2") || !name) {
        return;
      }
      box.querySelectorAll('[role="combobox"], [role="textbox"], .select2-search__field').forEach(function (part) {
        if (part.getAttribute("aria-label") !== name) {
          part.removeAttribute("aria-labelledby");
          part.setAttribute("aria-label", name);
        }
      });
      box.querySelectorAll("ul.select2-selection__rendered > :not(li)").forEach(function (stray) {
        stray.parentElement.after(stray);
      });
    });
  }

  new MutationObserver(fix).observe(document.documentElement, {childList: true, subtree: true});
  document.addEventListener("DOMContentLoaded", fix);
})();
