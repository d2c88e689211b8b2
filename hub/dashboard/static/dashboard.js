// Draws every chart of the page with plotly.js (served by the hub) and submits the
// filters as soon as a choice changes. Without scripts the page still shows every
// figure, table and CSV link, and the filter form still works with its button.
(() => {
  "use strict";
  const config = JSON.parse(document.getElementById("plotly-config").textContent);
  const charts = document.querySelectorAll("[data-figure]");
  let drawn = 0;
  for (const el of charts) {
    const spec = JSON.parse(document.getElementById(el.dataset.figure).textContent);
    window.Plotly.newPlot(el, spec.data, spec.layout, config).then(() => {
      el.dataset.drawn = "1";
      drawn += 1;
      if (drawn === charts.length) document.documentElement.dataset.chartsDrawn = String(drawn);
    });
  }
  if (charts.length === 0) document.documentElement.dataset.chartsDrawn = "0";
  const form = document.querySelector("form.filters");
  if (form) {
    for (const select of form.querySelectorAll("select")) {
      select.addEventListener("change", () => {
        // A preset period replaces whatever was typed.
        if (select.name === "period") form.querySelector("[name=custom]").value = "";
        form.requestSubmit();
      });
    }
  }
})();
