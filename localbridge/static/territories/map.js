// A Leaflet map with one point for each element with class "map" and data-lat / data-lon attributes.
// The page shows the coordinates and a link to OpenStreetMap without it; this only adds the map.
(function () {
  "use strict";
  function draw(element) {
    if (typeof L === "undefined" || element.dataset.ready) { return; }
    var lat = parseFloat(element.dataset.lat);
    var lon = parseFloat(element.dataset.lon);
    if (!isFinite(lat) || !isFinite(lon)) { return; }
    element.dataset.ready = "1";
    var map = L.map(element, { scrollWheelZoom: false }).setView([lat, lon], 10);
    L.tileLayer("https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png", {
      subdomains: "abc",
      maxZoom: 18,
      attribution: '&copy; <a href="https://www.openstreetmap.org/copyright">' +
        (element.dataset.attribution || "OpenStreetMap contributors").replace(/[<>&"]/g, "") + "</a>"
    }).addTo(map);
    var marker = L.marker([lat, lon], { title: element.dataset.label || "", alt: element.dataset.label || "" });
    marker.addTo(map);
  }
  function init() {
    document.querySelectorAll(".map[data-lat][data-lon]").forEach(draw);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
  document.body.addEventListener("htmx:afterSettle", init);
})();
