/* A municipality's twin cities on an OpenStreetMap map (cooperation/network/<id>/).

   The points come from the page's JSON (#network-map-data: {home: {name, lat, lon}, partners: [{name, lat,
   lon, url, agreements: [{title, url, status, next, late}]}]}: a partner under an agreement is drawn in green and
   its popup shows the agreement, the next action of its roadmap and how many are late); a line joins the
   municipality to each partner. Progressive enhancement: the list of partners under the map has them all. */
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
      var agreed = (partner.agreements || []).length > 0;
      var marker = L.circleMarker([partner.lat, partner.lon], {
        radius: agreed ? 8 : 6,
        color: agreed ? "#15803d" : "#1d4ed8",
        weight: agreed ? 3 : 2
      }).addTo(map);
      marker.bindTooltip(partner.name);
      var popup = document.createElement("div");
      popup.className = "network-popup";
      var link = document.createElement("a");
      link.href = partner.url;
      link.textContent = partner.name;
      popup.appendChild(link);
      (partner.agreements || []).forEach(function (agreement) {
        var line = document.createElement("p");
        line.dataset.agreement = agreement.url;
        var title = document.createElement("a");
        title.href = agreement.url;
        title.textContent = agreement.title;
        line.appendChild(title);
        line.appendChild(document.createTextNode(" (" + agreement.status + ")"));
        [agreement.next, agreement.late].forEach(function (text) {
          if (text) {
            line.appendChild(document.createElement("br"));
            line.appendChild(document.createTextNode(text));
          }
        });
        popup.appendChild(line);
      });
      marker.bindPopup(popup);
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
