// Draws every chart of the page with plotly.js (served by the hub) and submits the
// filters as soon as a choice changes. Without scripts the page still shows every
// figure, table and CSV link, and the filter form still works with its button.
//
// The charts on the first screen are drawn at once; the others one at a time when the
// browser is idle, so a phone shows what it has on screen without waiting for charts
// further down, and stays responsive to a tap meanwhile. <html data-screen-drawn> marks
// the first screen done, <html data-charts-drawn> every chart.
(() => {
  "use strict";
  const config = JSON.parse(document.getElementById("plotly-config").textContent);
  const charts = Array.from(document.querySelectorAll("[data-figure]"));
  const root = document.documentElement;
  const onScreen = (el) => el.getBoundingClientRect().top < window.innerHeight;
  const draw = (el) => {
    const spec = JSON.parse(document.getElementById(el.dataset.figure).textContent);
    return window.Plotly.newPlot(el, spec.data, spec.layout, config).then(() => {
      el.dataset.drawn = "1";
    });
  };
  const idle = window.requestIdleCallback || ((next) => window.setTimeout(next, 1));
  const first = charts.filter(onScreen);
  const later = charts.filter((el) => !first.includes(el));
  const drawLater = () =>
    new Promise((done) => {
      const step = () => {
        const el = later.shift();
        if (el === undefined) return done();
        draw(el).then(() => idle(step, { timeout: 200 }));
      };
      idle(step, { timeout: 200 });
    });
  Promise.all(first.map(draw))
    .then(() => {
      performance.mark("samia-screen-drawn");
      root.dataset.screenDrawn = String(first.length);
      return drawLater();
    })
    .then(() => {
      performance.mark("samia-charts-drawn");
      root.dataset.chartsDrawn = String(charts.length);
    });
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
