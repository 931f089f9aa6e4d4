/* ТОС boundary maps: a live preview of the GeoJSON typed in the registration form, and the territory on the
   ТОС page. Progressive enhancement only: without JavaScript the text and the data stay usable. */
(function () {
  "use strict";

  var TILES = "https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png";
  var ATTRIBUTION = "&copy; OpenStreetMap contributors";

  function makeMap(element) {
    element.classList.add("is-ready");
    var map = L.map(element, { scrollWheelZoom: false });
    L.tileLayer(TILES, { maxZoom: 19, attribution: ATTRIBUTION }).addTo(map);
    map.setView([55.75, 37.62], 3);
    return map;
  }

  function draw(map, layer, geojson) {
    if (layer) { map.removeLayer(layer); }
    if (!geojson) { return null; }
    try {
      var shape = L.geoJSON(geojson);
      var bounds = shape.getBounds();
      if (!bounds.isValid()) { return null; }
      shape.addTo(map);
      map.fitBounds(bounds, { padding: [16, 16] });
      return shape;
    } catch (error) {
      return null;
    }
  }

  function preview(element) {
    // The preview map appears once the field holds a drawable GeoJSON shape.
    var input = document.getElementById(element.dataset.input);
    if (!input) { return; }
    var map = null;
    var layer = null;
    var timer = null;
    function update() {
      var text = input.value.trim();
      var value = null;
      if (text) {
        try { value = JSON.parse(text); } catch (error) { value = null; }
      }
      if (!value && !map) { return; }
      if (!map) { map = makeMap(element); }
      layer = draw(map, layer, value);
    }
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(update, 400);
    });
    update();
  }

  function display(element) {
    var source = document.getElementById(element.dataset.source);
    if (!source) { return; }
    var map = makeMap(element);
    draw(map, null, JSON.parse(source.textContent));
  }

  function start() {
    if (typeof L === "undefined") { return; }
    var previewElement = document.getElementById("tos-boundary-preview");
    if (previewElement) { preview(previewElement); }
    var mapElement = document.getElementById("tos-boundary-map");
    if (mapElement) { display(mapElement); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
