/* The map of an indicator by municipality (indicators/map/): each municipality is a circle at its point, filled
   with the colour of its value's class. The platform has no municipal boundaries, hence points, not areas.

   The points of a territory come once from map/points.json?region=|country= ({points: [[id, name, lat, lon]]});
   the values of the chosen indicator and year from map/data.json (classes with colour and label, [[id, value,
   class]] for the stored values, "absent": the value and class of a municipality not listed when the indicator
   is a computed count, else such a municipality has no data). Changing the indicator, the year or the region
   fetches the JSON again, recolours the markers, rewrites the legend, replaces the table under the map (the
   server's partial) and puts the selection in the address, without reloading. Without this script the GET form
   reloads the page and the table has the values.

   The page's texts come from data- attributes of the map element, already translated by the server. Markers
   are SVG for a few hundred points and drawn on one canvas for more (a country has 20,000). */
(function () {
  "use strict";

  var TILES = "https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png";
  var CANVAS_FROM = 1500; // points; above this the markers are drawn on a canvas
  var DEFAULT_VIEW = [[61.5, 95.0], 3]; // Russia, when no municipality has a point

  function start() {
    var element = document.getElementById("indicator-map");
    var form = document.getElementById("map-form");
    if (!element || !form || typeof L === "undefined") {
      return;
    }
    var legend = document.getElementById("map-legend");
    var status = document.getElementById("map-status");
    var lang = document.documentElement.lang || "ru";

    var map = L.map(element, { worldCopyJump: true, scrollWheelZoom: false });
    L.tileLayer(TILES, {
      subdomains: "abc",
      maxZoom: 18,
      attribution: '&copy; <a href="https://www.openstreetmap.org/copyright">' +
        (element.dataset.attribution || "OpenStreetMap contributors").replace(/[<>&"]/g, "") + "</a>"
    }).addTo(map);
    map.setView(DEFAULT_VIEW[0], DEFAULT_VIEW[1]);

    var state = { scope: null, points: [], markers: {}, layer: null, data: null, values: {}, request: 0 };

    function selection() {
      var params = new URLSearchParams();
      ["indicator", "year", "region", "country"].forEach(function (name) {
        var field = form.elements.namedItem(name);
        if (field && field.value) {
          params.set(name, field.value);
        }
      });
      if (params.get("region")) {
        params.delete("country");
      }
      return params;
    }

    function scopeOf(params) {
      var scope = new URLSearchParams();
      if (params.get("region")) {
        scope.set("region", params.get("region"));
      } else if (params.get("country")) {
        scope.set("country", params.get("country"));
      }
      return scope;
    }

    function getJson(url) {
      return fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" }).then(function (r) {
        if (!r.ok) {
          throw new Error(r.status);
        }
        return r.json();
      });
    }

    function formatter(decimals) {
      var format = new Intl.NumberFormat(lang, { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
      return function (value) { return format.format(value); };
    }

    function valueOf(id) {
      var known = state.values[id];
      if (known) {
        return known;
      }
      var absent = state.data && state.data.absent;
      return absent ? [absent.value, absent["class"]] : null;
    }

    function popup(layer) {
      var data = state.data;
      var box = document.createElement("div");
      box.className = "indicator-popup";
      var link = document.createElement("a");
      link.href = element.dataset.dashboardUrl.replace("/0/", "/" + layer.options.municipality + "/") +
        "?indicator=" + encodeURIComponent(data.indicator.code);
      link.textContent = layer.options.title;
      box.appendChild(link);
      var line = document.createElement("p");
      var value = valueOf(layer.options.municipality);
      line.textContent = data.indicator.name + ", " + data.year + ": " +
        (value ? formatter(data.indicator.decimals)(value[0]) + " " + data.indicator.unit : element.dataset.noData);
      box.appendChild(line);
      return box;
    }

    function drawPoints(points) {
      if (state.layer) {
        map.removeLayer(state.layer);
      }
      var renderer = points.length > CANVAS_FROM ? L.canvas({ padding: 0.5 }) : L.svg();
      state.layer = L.featureGroup();
      state.markers = {};
      points.forEach(function (point) {
        var marker = L.circleMarker([point[2], point[3]], {
          renderer: renderer,
          radius: 5,
          weight: 1,
          municipality: point[0],
          title: point[1]
        });
        marker.bindPopup(popup);
        marker.bindTooltip(point[1]);
        state.markers[point[0]] = marker;
        state.layer.addLayer(marker);
      });
      state.layer.addTo(map);
      state.points = points;
      if (points.length > 1) {
        map.fitBounds(state.layer.getBounds(), { padding: [20, 20], maxZoom: 9 });
      } else if (points.length === 1) {
        map.setView([points[0][2], points[0][3]], 9);
      } else {
        map.setView(DEFAULT_VIEW[0], DEFAULT_VIEW[1]);
      }
    }

    function colour() {
      var data = state.data;
      var known = 0;
      state.points.forEach(function (point) {
        var value = valueOf(point[0]);
        var marker = state.markers[point[0]];
        if (value) {
          known += 1;
          marker.setStyle({ radius: 6, color: "#222", fillColor: data.classes[value[1]].colour, fillOpacity: 0.9 });
        } else {
          marker.setStyle({ radius: 4, color: "#555", fillColor: data.no_data_colour, fillOpacity: 0.6 });
        }
      });
      element.dataset.drawn = data.indicator.code + ":" + data.year;
      element.dataset.markers = String(state.points.length);
      element.dataset.known = String(known);
      return known;
    }

    function legendItem(colourValue, text, key) {
      var item = document.createElement("li");
      item.dataset["class"] = key;
      item.dataset.colour = colourValue;
      var swatch = document.createElement("span");
      swatch.className = "legend-swatch";
      swatch.setAttribute("aria-hidden", "true");
      swatch.style.backgroundColor = colourValue; // CSSOM, allowed by the Content-Security-Policy
      item.appendChild(swatch);
      item.appendChild(document.createTextNode(" " + text));
      return item;
    }

    function drawLegend(known) {
      var data = state.data;
      legend.hidden = false;
      legend.querySelector("[data-legend-title]").textContent =
        data.indicator.name + " (" + data.indicator.unit + "), " + data.year;
      var list = legend.querySelector("[data-legend-classes]");
      list.textContent = "";
      data.classes.forEach(function (valueClass, index) {
        list.appendChild(legendItem(valueClass.colour, valueClass.label, String(index)));
      });
      if (known < state.points.length || !data.classes.length) {
        list.appendChild(legendItem(data.no_data_colour, element.dataset.noData, "none"));
      }
      status.textContent = element.dataset.statusTemplate
        .replace("{known}", known)
        .replace("{count}", state.points.length);
    }

    function replaceTable(url) {
      fetch(url, { credentials: "same-origin" }).then(function (r) {
        return r.ok ? r.text() : null;
      }).then(function (html) {
        var old = document.getElementById("map-table");
        if (html && old) {
          var holder = document.createElement("div");
          holder.innerHTML = html;
          var fresh = holder.querySelector("#map-table");
          if (fresh) {
            old.replaceWith(fresh);
          }
        }
      });
    }

    function update(initial) {
      var params = selection();
      var scope = scopeOf(params).toString();
      var request = ++state.request;
      var points = scope === state.scope ? Promise.resolve(null) :
        getJson(element.dataset.pointsUrl + "?" + scope);
      var values = getJson(element.dataset.dataUrl + "?" + params.toString());
      Promise.all([points, values]).then(function (results) {
        if (request !== state.request) {
          return; // a later selection is on its way
        }
        if (results[0]) {
          state.scope = scope;
          drawPoints(results[0].points);
        }
        var data = results[1];
        state.data = data;
        state.values = {};
        data.values.forEach(function (row) { state.values[row[0]] = [row[1], row[2]]; });
        drawLegend(colour());
        if (!initial) {
          replaceTable(data.urls.table);
          window.history.replaceState(null, "", data.urls.page);
        }
      }).catch(function () {
        legend.hidden = false;
        status.textContent = element.dataset.failed;
      });
    }

    form.addEventListener("change", function () { update(false); });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      update(false);
    });
    update(true);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
