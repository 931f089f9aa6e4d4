/* A municipality's twin cities on an OpenStreetMap map (cooperation/network/<id>/).

   The points come from the page's JSON (#network-map-data: {home: {name, lat, lon}, partners: [{name, lat,
   lon, url}]}); a line joins the municipality to each partner. Progressive enhancement: the list of partners
   under the map has them all. */
(function () {
  "use strict";

  function init() {
    var element = document.getElementById("network-map");
    var source = document.getElementById("network-map-data");
    if (!element || !source || typeof L === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    var map = L.map(element, { worldCopyJump: true });
    L.tileLayer("https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png", {
      maxZoom: 18,
      attribution: "&copy; " + element.dataset.attribution
    }).addTo(map);
    var bounds = [];
    var home = data.home;
    if (home) {
      L.circleMarker([home.lat, home.lon], { radius: 9, color: "#b3261e" }).addTo(map).bindTooltip(home.name);
      bounds.push([home.lat, home.lon]);
    }
    data.partners.forEach(function (partner) {
      var marker = L.circleMarker([partner.lat, partner.lon], { radius: 6, color: "#1d4ed8" }).addTo(map);
      marker.bindTooltip(partner.name);
      var link = document.createElement("a");
      link.href = partner.url;
      link.textContent = partner.name;
      marker.bindPopup(link);
      if (home) {
        L.polyline([[home.lat, home.lon], [partner.lat, partner.lon]], { weight: 1, opacity: 0.5 }).addTo(map);
      }
      bounds.push([partner.lat, partner.lon]);
    });
    if (bounds.length > 1) {
      map.fitBounds(bounds, { padding: [20, 20] });
    } else if (bounds.length === 1) {
      map.setView(bounds[0], 8);
    } else {
      map.setView([50, 20], 3);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
