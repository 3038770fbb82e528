/* Draws a book report's charts (insights/_book_report.html) from the JSON the page embeds (json_script
   "report-data"); the table beside them holds the same figures for anyone who cannot see a chart. */
(function () {
  "use strict";
  var source = document.getElementById("report-data");
  if (!source || typeof Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var text = data.text;
  var colours = JSON.parse(document.getElementById("fit-palette").textContent);

  function draw(id, config) {
    var canvas = document.getElementById(id);
    if (!canvas) { return; }
    config.options = Object.assign({ responsive: true, animation: false }, config.options || {});
    new Chart(canvas, config);
    canvas.dataset.rendered = "true";
  }

  var book = Object.keys(data.fits).map(function (letter) {
    return {
      label: text.fit.replace("%(letter)s", letter), data: data.fits[letter], stack: "fit",
      backgroundColor: colours.fit[letter] || colours.fit_unset
    };
  });
  // The tiers' colours are the tier badges' (portrait.display.tier_palette, keyed by the configured codes).
  data.tiers.forEach(function (tier) {
    book.push({ label: tier.label, data: tier.counts, stack: "tier", backgroundColor: colours.tier[tier.code] });
  });
  draw("report-book", {
    type: "bar",
    data: { labels: data.months, datasets: book },
    options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } } }
  });

  draw("report-flows", {
    type: "bar",
    data: {
      labels: data.months,
      datasets: [
        { label: text.gained, data: data.gained, backgroundColor: "#198754", yAxisID: "y" },
        { label: text.lost, data: data.lost, backgroundColor: "#dc3545", yAxisID: "y" },
        { type: "line", label: text.mean_score, data: data.mean_score, borderColor: "#0d6efd", backgroundColor: "#0d6efd", yAxisID: "score", spanGaps: true }
      ]
    },
    options: {
      scales: {
        y: { beginAtZero: true, ticks: { precision: 0 } },
        score: { position: "right", beginAtZero: true, grid: { drawOnChartArea: false }, title: { display: true, text: text.mean_score } }
      }
    }
  });

  draw("report-work", {
    type: "bar",
    data: {
      labels: data.months,
      datasets: [
        { label: text.requests_opened, data: data.requests_opened, backgroundColor: "#fd7e14" },
        { label: text.requests_resolved, data: data.requests_resolved, backgroundColor: "#ffc107" },
        { label: text.contacts, data: data.contacts, backgroundColor: "#0d6efd" },
        { label: text.overdue_follow_ups, data: data.overdue_follow_ups, backgroundColor: "#6c757d" }
      ]
    },
    options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }
  });
}());
