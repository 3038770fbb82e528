/* Small behaviours every page shares, here rather than inline (the Content-Security-Policy refuses inline code):
 * - <details data-open-wide> (a list's filters) opens on screens wider than a phone and stays closed on phones,
 *   so the list, not its filter form, fills a phone's first screen. */
(function () {
  "use strict";
  if (window.matchMedia("(min-width: 481px)").matches) {
    document.querySelectorAll("details[data-open-wide]").forEach(function (details) { details.open = true; });
  }
})();
