/* Results maps (templates/_map.html): each one is drawn with Leaflet, then shown. The page
   is complete without this script: the list names the same services. */
(function () {
  "use strict";

  var ORIGIN_STYLE = { radius: 9, color: "#ffffff", weight: 2, fillColor: "#e1000f", fillOpacity: 1 };

  function distanceText(template, km) {
    var format = new Intl.NumberFormat(document.documentElement.lang || "fr", {
      minimumFractionDigits: 1,
      maximumFractionDigits: 1,
    });
    return template.replace("{distance}", format.format(km));
  }

  function popupContent(point, text) {
    var content = document.createElement("p");
    var link = document.createElement("a");
    link.href = point.url;
    link.textContent = point.label;
    content.appendChild(link);
    if (point.distance_km != null) {
      content.appendChild(document.createElement("br"));
      content.appendChild(document.createTextNode(distanceText(text.distance, point.distance_km)));
    }
    return content;
  }

  function newMap(canvas, data) {
    var map = L.map(canvas, { zoomControl: false, scrollWheelZoom: false, maxZoom: 19 });
    L.control.zoom({ zoomInTitle: data.text.zoomIn, zoomOutTitle: data.text.zoomOut }).addTo(map);
    if (data.tiles) {
      L.tileLayer(data.tiles.url, { attribution: data.tiles.attribution, maxZoom: 19 }).addTo(map);
    }
    map.on("popupopen", function (event) {
      var close = event.popup.getElement().querySelector(".leaflet-popup-close-button");
      if (close) close.setAttribute("aria-label", data.text.closePopup);
    });
    return map;
  }

  function draw(container) {
    var data = JSON.parse(container.querySelector(".results-map__data").textContent);
    container.hidden = false; // Leaflet measures the canvas: it must be displayed first.
    L.Icon.Default.imagePath = data.iconPath;
    var map = newMap(container.querySelector(".results-map__canvas"), data);
    var corners = data.points.map(function (point) {
      var at = [point.lat, point.lon];
      L.marker(at, { alt: point.label, title: point.label })
        .bindPopup(popupContent(point, data.text))
        .addTo(map);
      return at;
    });
    if (data.origin) {
      var origin = [data.origin.lat, data.origin.lon];
      L.circleMarker(origin, ORIGIN_STYLE).bindTooltip(data.origin.label).addTo(map);
      corners.push(origin);
    }
    map.fitBounds(corners, { padding: [24, 24], maxZoom: 16 });
  }

  if (!window.L) return; // Leaflet is not installed: the list alone is shown.
  document.querySelectorAll("[data-results-map]").forEach(draw);
})();
