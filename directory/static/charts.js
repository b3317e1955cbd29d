// Shows each chart of templates/_chart.html once @gouvfr/dsfr-chart has defined its element:
// without JavaScript, or if the components fail to load, only the tables show.
for (const figure of document.querySelectorAll("[data-chart]")) {
  customElements.whenDefined(figure.dataset.chart).then(() => {
    figure.hidden = false;
  });
}
