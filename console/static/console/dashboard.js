/* Draws the dashboard's charts from the JSON the page embeds (json_script "dashboard-data"). */
(function () {
  "use strict";
  var source = document.getElementById("dashboard-data");
  if (!source || typeof Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var text = data.text;
  // The match fit's colours come from the page (portrait.display.FIT_PALETTE), the same as the badges'.
  var colours = JSON.parse(document.getElementById("fit-palette").textContent);
  function fitColour(letter) { return colours.fit[letter] || colours.fit_unset; }
  var palette = ["#198754", "#0d6efd", "#ffc107", "#fd7e14", "#dc3545", "#6c757d", "#6f42c1", "#20c997", "#0dcaf0", "#adb5bd"];
  var charts = {};
  // Each chart's `urlOf(datasetIndex, index)` names the customer list behind a segment (or null): a click
  // opens it, the pointer shows it can.
  function draw(id, config, urlOf) {
    var canvas = document.getElementById(id);
    if (!canvas) { return; }
    config.options = Object.assign({ responsive: true, animation: false }, config.options || {});
    if (urlOf) {
      config.options.onClick = function (event, elements) {
        if (!elements.length) { return; }
        var url = urlOf(elements[0].datasetIndex, elements[0].index);
        if (url) { window.location.assign(url); }
      };
      config.options.onHover = function (event, elements) {
        var url = elements.length && urlOf(elements[0].datasetIndex, elements[0].index);
        event.native.target.style.cursor = url ? "pointer" : "default";
      };
    }
    charts[id] = new Chart(canvas, config);
    canvas.dataset.rendered = "true";
  }
  draw("chart-classes", {
    type: "pie",
    data: {
      labels: data.classes.map(function (c) { return c.label || text.unclassified; }),
      datasets: [{ data: data.classes.map(function (c) { return c.count; }), backgroundColor: data.classes.map(function (c) { return fitColour(c.label); }) }]
    }
  }, function (d, i) { return data.classes[i].url; });
  draw("chart-managers", {
    type: "bar",
    data: {
      labels: data.managers.map(function (m) { return m.name || m.username; }),
      datasets: [
        { label: text.load, data: data.managers.map(function (m) { return m.load; }), backgroundColor: "#0d6efd" },
        { label: text.capacity, data: data.managers.map(function (m) { return m.capacity; }), backgroundColor: "#dee2e6" }
      ]
    },
    options: { scales: { x: { ticks: { autoSkip: false, maxRotation: 60 } } } }
  }, function (d, i) { return data.managers[i].url; });
  draw("chart-scores", {
    type: "bar",
    data: {
      labels: data.scores.map(function (s) { return s.score; }),
      datasets: [{ label: text.customers, data: data.scores.map(function (s) { return s.count; }), backgroundColor: "#198754", barPercentage: 1, categoryPercentage: 1 }]
    },
    options: { plugins: { legend: { display: false } }, scales: { x: { title: { display: true, text: text.score } } } }
  });
  draw("chart-months", {
    type: "line",
    data: {
      labels: data.months.map(function (m) { return m.month; }),
      datasets: [{ label: text.new_customers, data: data.months.map(function (m) { return m.count; }), borderColor: "#0d6efd", tension: 0 }]
    },
    options: { plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true } } }
  }, function (d, i) { return data.months[i].url; });
  draw("chart-occupations", {
    type: "bar",
    data: {
      labels: data.occupations.labels,
      datasets: data.occupations.series.map(function (s) {
        return { label: s.label || text.unclassified, data: s.counts, backgroundColor: fitColour(s.label) };
      })
    },
    options: { scales: { x: { stacked: true }, y: { stacked: true } } }
  }, function (d, i) { return data.occupations.series[d].urls[i]; });
  draw("chart-segments", {
    type: "bar",
    data: {
      labels: data.segments.map(function (s) { return s.label + " " + s.name; }),
      datasets: [{ label: text.customers, data: data.segments.map(function (s) { return s.size; }), backgroundColor: palette }]
    },
    options: { plugins: { legend: { display: false } } }
  }, function (d, i) { return data.segments[i].url; });
  window.portraitCharts = charts;
})();
