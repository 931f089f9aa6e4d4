/* The projects on an OpenStreetMap map (the page projects/map/).

   The points come from projects/map.json with the page's filters as [[id, lat, lon, stage], …], the newest first
   and at most the cap (the header X-Map-Truncated says when more matched). A marker's title, stage and link are
   fetched only when its popup opens (projects/map/<id>.json). Markers carry their stage as a colour and a symbol,
   read from the page's legend; the page's texts come from data- attributes, translated by the server.
   Progressive enhancement: without this script the page points to the list with the same filters. */
(function () {
  "use strict";

  var TILES = "https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png";
  var DEFAULT_CENTER = [61.5, 95.0];
  var DEFAULT_ZOOM = 3;

  function node(tag, className, text) {
    var created = document.createElement(tag);
    if (className) { created.className = className; }
    if (text != null) { created.textContent = String(text); }
    return created;
  }

  function readLegend() {
    var legend = {};
    document.querySelectorAll(".project-map-legend [data-stage]").forEach(function (item) {
      var symbol = item.querySelector(".project-pin");
      var label = item.querySelector(".project-map-label");
      legend[item.dataset.stage] = {
        symbol: symbol ? symbol.textContent : "•",
        label: label ? label.textContent : item.dataset.stage
      };
    });
    return legend;
  }

  function start() {
    var element = document.getElementById("project-map");
    if (!element || element.dataset.ready || typeof L === "undefined" || !window.fetch) { return; }
    element.dataset.ready = "1";
    var data = element.dataset;
    var statusLine = document.getElementById(data.statusLine);
    var legend = readLegend();
    var details = {};

    function say(text) { if (statusLine) { statusLine.textContent = text || ""; } }
    function stageOf(stage) { return legend[stage] || { symbol: "•", label: String(stage) }; }
    function clean(value) { return String(value).replace(/[^a-z_]/g, ""); }

    element.classList.add("is-ready");
    var map = L.map(element, { scrollWheelZoom: false });
    L.tileLayer(TILES, {
      subdomains: "abc",
      maxZoom: 18,
      attribution: '&copy; <a href="https://www.openstreetmap.org/copyright">' +
        (data.attribution || "OpenStreetMap contributors").replace(/[<>&"]/g, "") + "</a>"
    }).addTo(map);
    map.setView(DEFAULT_CENTER, DEFAULT_ZOOM);

    function popupContent(info) {
      var box = node("div", "project-popup");
      var heading = node("p");
      var strong = node("strong");
      var url = String(info.url || "");
      if (url.charAt(0) === "/" && url.charAt(1) !== "/") {
        var link = node("a", null, info.title);
        link.href = url;
        strong.appendChild(link);
      } else {
        strong.textContent = String(info.title || "");
      }
      heading.appendChild(strong);
      box.appendChild(heading);
      box.appendChild(node("p", null, info.owner));
      var line = node("p");
      var pin = node("span", "project-pin stage-" + clean(info.stage), stageOf(info.stage).symbol);
      pin.setAttribute("aria-hidden", "true");
      line.appendChild(pin);
      line.appendChild(document.createTextNode(" " + (info.stage_display || stageOf(info.stage).label)));
      box.appendChild(line);
      return box;
    }

    function showDetails(marker) {
      var id = marker.projectId;
      if (details[id]) { marker.setPopupContent(popupContent(details[id])); return; }
      fetch(data.popupUrl.replace(/0\.json$/, encodeURIComponent(id) + ".json"), { credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) { throw new Error("HTTP " + response.status); }
          return response.json();
        })
        .then(function (info) { details[id] = info; marker.setPopupContent(popupContent(info)); })
        .catch(function () { marker.setPopupContent(node("p", null, data.msgPopupError)); });
    }

    function makeMarker(point) {
      var stage = String(point[3]);
      var symbol = node("span", null, stageOf(stage).symbol);
      symbol.setAttribute("aria-hidden", "true");
      var icon = L.divIcon({
        className: "project-pin stage-" + clean(stage), html: symbol,
        iconSize: [24, 24], iconAnchor: [12, 12], popupAnchor: [0, -12]
      });
      var title = (data.msgMarker || "{id}: {stage}").replace("{id}", String(point[0])).replace("{stage}", stageOf(stage).label);
      var marker = L.marker([point[1], point[2]], { icon: icon, title: title, keyboard: true });
      marker.projectId = point[0];
      marker.bindPopup(node("p", null, data.msgPopupLoading), { minWidth: 180 });
      marker.on("popupopen", function () { showDetails(marker); });
      return marker;
    }

    say(data.msgLoading);
    fetch(data.pointsUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        var truncated = response.headers.get("X-Map-Truncated") === "1";
        return response.json().then(function (points) { return { points: points, truncated: truncated }; });
      })
      .then(function (result) {
        var points = (Array.isArray(result.points) ? result.points : []).filter(function (point) {
          return Array.isArray(point) && isFinite(point[1]) && isFinite(point[2]);
        });
        var layer = L.layerGroup().addTo(map);
        points.forEach(function (point) { makeMarker(point).addTo(layer); });
        element.dataset.markers = String(points.length);
        if (points.length) {
          map.fitBounds(points.map(function (point) { return [point[1], point[2]]; }), {
            padding: [24, 24], maxZoom: 15, animate: false
          });
        }
        say(!points.length ? data.msgEmpty : (result.truncated ? data.msgTruncated : ""));
        element.dataset.loaded = "1";
      })
      .catch(function () { say(data.msgError); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
