/* Draws a rebalance preview's moves against gain, one point per cost of a move (json_script "move-cost-data");
   the table beside it holds the same figures, and a click on a point submits that row's "Preview" form. */
(function () {
  "use strict";
  var source = document.getElementById("move-cost-data");
  var canvas = document.getElementById("chart-move-cost");
  if (!source || !canvas || typeof Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var text = data.text;
  var points = data.points;
  function formOf(index) { return document.getElementById("curve-preview-" + points[index].move_cost); }
  var chart = new Chart(canvas, {
    type: "scatter",
    data: {
      datasets: [{
        data: points.map(function (p) { return { x: p.moves, y: p.score_gained }; }),
        showLine: true,
        borderColor: "#0a58ca",
        backgroundColor: points.map(function (p) { return p.chosen ? "#146c43" : "#0a58ca"; }),
        pointRadius: points.map(function (p) { return p.chosen ? 7 : 5; })
      }]
    },
    options: {
      responsive: true,
      animation: false,
      plugins: {
        legend: { display: false },
        tooltip: {
          callbacks: {
            label: function (context) {
              var p = points[context.dataIndex];
              return text.point.replace("%(n)s", p.move_cost).replace("%(moves)s", p.moves).replace("%(gained)s", p.score_gained);
            }
          }
        }
      },
      scales: {
        x: { beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: text.moves } },
        y: { beginAtZero: true, title: { display: true, text: text.gained } }
      },
      onClick: function (event, elements) {
        var form = elements.length && formOf(elements[0].index);
        if (form) { form.requestSubmit(); }
      },
      onHover: function (event, elements) {
        event.native.target.style.cursor = elements.length && formOf(elements[0].index) ? "pointer" : "default";
      }
    }
  });
  canvas.dataset.rendered = "true";
  window.portraitCharts = Object.assign(window.portraitCharts || {}, { "chart-move-cost": chart });
}());
