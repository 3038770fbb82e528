/* Draws capacity planning's charts from the JSON the page embeds: the value of a seat per manager
   (json_script "capacity-data") and a scenario against today ("scenario-data"). */
(function () {
  "use strict";
  if (typeof Chart === "undefined") { return; }
  function read(id) {
    var source = document.getElementById(id);
    return source ? JSON.parse(source.textContent) : null;
  }
  function draw(id, config) {
    var canvas = document.getElementById(id);
    if (!canvas) { return; }
    config.options = Object.assign({ responsive: true, animation: false }, config.options || {});
    new Chart(canvas, config);
    canvas.dataset.rendered = "true";
  }
  var seats = read("capacity-data");
  if (seats) {
    draw("chart-seats", {
      type: "bar",
      data: {
        labels: seats.managers.map(function (m) { return m.label; }),
        datasets: [
          { label: seats.text.placed, data: seats.managers.map(function (m) { return m.placed_plus; }), backgroundColor: "#0d6efd", yAxisID: "y" },
          { label: seats.text.score, data: seats.managers.map(function (m) { return m.score_plus; }), backgroundColor: "#198754", yAxisID: "y1" }
        ]
      },
      options: { scales: {
        x: { ticks: { autoSkip: false, maxRotation: 60 } },
        y: { beginAtZero: true, position: "left", title: { display: true, text: seats.text.placed } },
        y1: { beginAtZero: true, position: "right", grid: { drawOnChartArea: false }, title: { display: true, text: seats.text.score } }
      } }
    });
  }
  var scenario = read("scenario-data");
  if (scenario) {
    var text = scenario.text;
    draw("chart-scenario-classes", {
      type: "bar",
      data: { labels: scenario.classes, datasets: [
        { label: text.today, data: scenario.today_classes, backgroundColor: "#adb5bd" },
        { label: text.scenario, data: scenario.scenario_classes, backgroundColor: "#0d6efd" }
      ] },
      options: { plugins: { title: { display: true, text: text.classes } }, scales: { y: { beginAtZero: true } } }
    });
    draw("chart-scenario-tiers", {
      type: "bar",
      data: { labels: scenario.tiers, datasets: [
        { label: text.today, data: scenario.today_tiers, backgroundColor: "#adb5bd" },
        { label: text.scenario, data: scenario.scenario_tiers, backgroundColor: "#0d6efd" }
      ] },
      options: { plugins: { title: { display: true, text: text.tiers } }, scales: { y: { beginAtZero: true } } }
    });
  }
}());
