/* The initiative proposals on an OpenStreetMap map (the page participation/proposals/map/).

   The points come from proposals/map.json as [[id, lat, lon, status], …], the newest first and at most the cap;
   its header X-Map-Truncated says when more matched. Then, each time the map is moved or zoomed, the points of
   the visible area are asked for again (?bbox=south,west,north,east, rounded outwards so that nearby views share
   the server's cache). A marker's title, status and link are fetched only when its popup opens
   (proposals/map/<id>.json). Markers carry their status as a colour and a symbol, read from the page's legend.
   The page's texts come from data- attributes of the map element, already translated by the server.
   Progressive enhancement: without this script the page points to the list with the same filters. */
(function () {
  "use strict";

  var TILES = "https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png";
  var DEFAULT_CENTER = [61.5, 95.0]; // Russia, when no municipality with coordinates is chosen
  var DEFAULT_ZOOM = 3;
  var MOVE_DELAY = 300; // ms: one request once the map stops moving

  function readLegend() {
    var legend = {};
    document.querySelectorAll(".proposal-map-legend [data-status]").forEach(function (item) {
      var symbol = item.querySelector(".proposal-pin");
      var label = item.querySelector(".proposal-map-label");
      legend[item.dataset.status] = {
        symbol: symbol ? symbol.textContent : "•",
        label: label ? label.textContent : item.dataset.status
      };
    });
    return legend;
  }

  function wrapLongitude(lon) {
    return ((((lon + 180) % 360) + 360) % 360) - 180;
  }

  function outwards(value, digits, up) {
    var factor = Math.pow(10, digits);
    return (up ? Math.ceil(value * factor) : Math.floor(value * factor)) / factor;
  }

  // "south,west,north,east" of the visible area, rounded outwards: to 0.1° when zoomed out, to 0.001° close in.
  function bboxOf(map) {
    var bounds = map.getBounds();
    var zoom = map.getZoom();
    var digits = zoom < 8 ? 1 : (zoom < 12 ? 2 : 3);
    var south = Math.max(-90, outwards(bounds.getSouth(), digits, false));
    var north = Math.min(90, outwards(bounds.getNorth(), digits, true));
    var west = bounds.getWest();
    var east = bounds.getEast();
    if (east - west >= 360) {
      west = -180;
      east = 180;
    } else {
      west = Math.max(-180, outwards(wrapLongitude(west), digits, false));
      east = Math.min(180, outwards(wrapLongitude(east), digits, true));
    }
    return [south, west, north, east].map(function (value) { return value.toFixed(digits); }).join(",");
  }

  function start() {
    var element = document.getElementById("proposal-map");
    if (!element || element.dataset.ready || typeof L === "undefined" || !window.fetch) { return; }
    element.dataset.ready = "1";
    var data = element.dataset;
    var statusLine = document.getElementById(data.statusLine);
    var legend = readLegend();
    var markers = {}; // id -> marker on the map
    var details = {}; // id -> {id, title, status, url}, once fetched
    var sequence = 0; // only the latest answer is drawn
    var timer = null;

    element.classList.add("is-ready");
    var map = L.map(element, { scrollWheelZoom: false });
    L.tileLayer(TILES, {
      subdomains: "abc",
      maxZoom: 18,
      attribution: '&copy; <a href="https://www.openstreetmap.org/copyright">' +
        (data.attribution || "OpenStreetMap contributors").replace(/[<>&"]/g, "") + "</a>"
    }).addTo(map);
    var layer = L.layerGroup().addTo(map);
    var lat = parseFloat(data.lat);
    var lon = parseFloat(data.lon);
    var home = isFinite(lat) && isFinite(lon) ? [lat, lon] : DEFAULT_CENTER;
    var homeZoom = isFinite(lat) && isFinite(lon) ? parseInt(data.zoom, 10) || 11 : DEFAULT_ZOOM;
    map.setView(home, homeZoom);

    function say(text) {
      if (statusLine && statusLine.textContent !== (text || "")) { statusLine.textContent = text || ""; }
    }

    function pointsUrl(bbox) {
      var params = new URLSearchParams();
      if (data.municipality) { params.set("municipality", data.municipality); }
      if (data.status) { params.set("status", data.status); }
      if (bbox) { params.set("bbox", bbox); }
      var query = params.toString();
      return data.pointsUrl + (query ? "?" + query : "");
    }

    function popupUrl(id) {
      return data.popupUrl.replace(/0\.json$/, encodeURIComponent(id) + ".json");
    }

    // Resolves to {points, truncated}, or to null when a later request has been made meanwhile.
    function load(bbox) {
      var mine = ++sequence;
      return fetch(pointsUrl(bbox), { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) { throw new Error("HTTP " + response.status); }
          var truncated = response.headers.get("X-Map-Truncated") === "1";
          return response.json().then(function (points) {
            return { points: Array.isArray(points) ? points : [], truncated: truncated };
          });
        })
        .then(function (result) { return mine === sequence ? result : null; });
    }

    function node(tag, className, text) {
      var created = document.createElement(tag);
      if (className) { created.className = className; }
      if (text != null) { created.textContent = String(text); }
      return created;
    }

    function statusOf(status) {
      var known = legend[status];
      return known || { symbol: "•", label: String(status) };
    }

    function statusNode(status) {
      var line = node("p", "proposal-popup-status");
      var pin = node("span", "proposal-pin status-" + String(status).replace(/[^a-z_]/g, ""), statusOf(status).symbol);
      pin.setAttribute("aria-hidden", "true");
      line.appendChild(pin);
      line.appendChild(document.createTextNode(" " + statusOf(status).label));
      return line;
    }

    function popupContent(info) {
      var box = node("div", "proposal-popup");
      var heading = node("p", "proposal-popup-title");
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
      box.appendChild(statusNode(info.status));
      return box;
    }

    function showDetails(marker) {
      var id = marker.proposalId;
      if (details[id]) {
        marker.setPopupContent(popupContent(details[id]));
        return;
      }
      fetch(popupUrl(id), { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) { throw new Error("HTTP " + response.status); }
          return response.json();
        })
        .then(function (info) {
          details[id] = info;
          marker.setPopupContent(popupContent(info));
        })
        .catch(function () {
          marker.setPopupContent(node("p", "proposal-popup-error", data.msgPopupError));
        });
    }

    function makeMarker(point) {
      var id = point[0];
      var status = String(point[3]);
      var symbol = node("span", null, statusOf(status).symbol);
      symbol.setAttribute("aria-hidden", "true");
      var icon = L.divIcon({
        className: "proposal-pin status-" + status.replace(/[^a-z_]/g, ""),
        html: symbol,
        iconSize: [24, 24],
        iconAnchor: [12, 12],
        popupAnchor: [0, -12]
      });
      var title = (data.msgMarker || "{id}: {status}")
        .replace("{id}", String(id))
        .replace("{status}", statusOf(status).label);
      var marker = L.marker([point[1], point[2]], { icon: icon, title: title, keyboard: true, riseOnHover: true });
      marker.proposalId = id;
      marker.bindPopup(node("p", "proposal-popup-loading", data.msgPopupLoading), { minWidth: 180 });
      marker.on("popupopen", function () { showDetails(marker); });
      return marker;
    }

    // Adds the new points and removes those no longer wanted (but not a marker whose popup is open).
    function draw(points) {
      var wanted = {};
      points.forEach(function (point) {
        if (!Array.isArray(point) || !isFinite(point[1]) || !isFinite(point[2])) { return; }
        var id = String(point[0]);
        wanted[id] = true;
        if (!markers[id]) { markers[id] = makeMarker(point).addTo(layer); }
      });
      Object.keys(markers).forEach(function (id) {
        if (!wanted[id] && !markers[id].isPopupOpen()) {
          layer.removeLayer(markers[id]);
          delete markers[id];
        }
      });
      element.dataset.markers = String(Object.keys(markers).length);
    }

    function loadArea() {
      var bbox = bboxOf(map);
      load(bbox)
        .then(function (result) {
          if (!result) { return; }
          draw(result.points);
          element.dataset.area = bbox; // the area drawn last
          say(result.truncated ? data.msgAreaTruncated : data.msgAreaAll);
        })
        .catch(function () { say(data.msgError); });
    }

    say(data.msgLoading);
    load(null)
      .then(function (result) {
        if (!result) { return; }
        draw(result.points);
        if (result.points.length) {
          map.fitBounds(result.points.map(function (point) { return [point[1], point[2]]; }), {
            padding: [24, 24],
            maxZoom: 15,
            animate: false
          });
        }
        if (!result.points.length) {
          say(data.msgEmpty);
        } else if (result.truncated) {
          // Only the newest are drawn: ask again for each area the resident looks at.
          say(data.msgTruncated);
          map.on("moveend", function () {
            window.clearTimeout(timer);
            timer = window.setTimeout(loadArea, MOVE_DELAY);
          });
        } else {
          say("");
        }
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
