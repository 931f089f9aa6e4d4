/* "Where it spread": the practice's place and the places that adopted it, on an OpenStreetMap map. The points come
   from a JSON data island (<script type="application/json" id="practice-map-data">), which the page's
   Content-Security-Policy allows because it is never executed. Progressive enhancement: the table beside the map
   lists the same adoptions. */
(function () {
  "use strict";

  var TILES = "https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png";
  var ATTRIBUTION = "&copy; OpenStreetMap contributors";

  function text(value) {
    var span = document.createElement("span");
    span.textContent = value == null ? "" : String(value);
    return span.innerHTML;
  }

  function popup(point) {
    var html = "<strong>" + text(point.name) + "</strong>";
    if (point.place) { html += "<br>" + text(point.place); }
    if (point.date) { html += "<br>" + text(point.date); }
    if (point.url && point.url.charAt(0) === "/") {
      html = "<a href=\"" + text(point.url) + "\">" + html + "</a>";
    }
    return html;
  }

  function start() {
    var element = document.getElementById("practice-map");
    if (!element || typeof L === "undefined") { return; }
    var source = document.getElementById(element.dataset.source);
    if (!source) { return; }
    var data;
    try { data = JSON.parse(source.textContent); } catch (error) { return; }
    var points = (data && data.points) || [];
    if (!points.length) { return; }
    element.classList.add("is-ready");
    var map = L.map(element, { scrollWheelZoom: false });
    L.tileLayer(TILES, { maxZoom: 18, attribution: ATTRIBUTION }).addTo(map);
    var bounds = [];
    if (data.origin) {
      L.circleMarker([data.origin.lat, data.origin.lng], { radius: 9, color: "#8d5a00", fillOpacity: 0.9 })
        .bindPopup(popup(data.origin)).addTo(map);
      bounds.push([data.origin.lat, data.origin.lng]);
    }
    points.forEach(function (point) {
      L.circleMarker([point.lat, point.lng], { radius: 7, color: "#1565c0", fillOpacity: 0.8 })
        .bindPopup(popup(point)).addTo(map);
      bounds.push([point.lat, point.lng]);
    });
    if (bounds.length === 1) {
      map.setView(bounds[0], 8);
    } else {
      map.fitBounds(bounds, { padding: [24, 24], maxZoom: 10 });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
