/* The linked municipalities of a country or a region on an OpenStreetMap map (cooperation/network/country/<code>/
   and region/<code>/).

   The points come from the page's JSON (#network-area-map-data: {points: [{id, name, lat, lon, links}]}); a
   point's page is the map's data-node-url with the point's id for the 0. A circle's size grows with the number of
   links. Progressive enhancement: the page lists the most linked municipalities and every link. */
(function () {
  "use strict";

  function init() {
    var element = document.getElementById("network-area-map");
    var source = document.getElementById("network-area-map-data");
    if (!element || !source || typeof L === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    var map = L.map(element, { worldCopyJump: true, preferCanvas: true });
    L.tileLayer("https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png", {
      maxZoom: 18,
      attribution: "&copy; " + element.dataset.attribution
    }).addTo(map);
    var bounds = [];
    data.points.forEach(function (point) {
      var radius = 4 + Math.min(14, 3 * Math.log(1 + point.links));
      var marker = L.circleMarker([point.lat, point.lon], {
        radius: radius,
        color: "#1d4ed8",
        weight: 1,
        fillOpacity: 0.5
      }).addTo(map);
      marker.bindTooltip(point.name + " (" + point.links + " " + element.dataset.linksLabel + ")");
      var link = document.createElement("a");
      link.href = element.dataset.nodeUrl.replace("/0/", "/" + point.id + "/");
      link.textContent = point.name;
      marker.bindPopup(link);
      bounds.push([point.lat, point.lon]);
    });
    element.dataset.drawn = String(bounds.length);
    if (bounds.length > 1) {
      map.fitBounds(bounds, { padding: [20, 20] });
    } else if (bounds.length === 1) {
      map.setView(bounds[0], 8);
    } else {
      map.setView([55, 40], 3);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
