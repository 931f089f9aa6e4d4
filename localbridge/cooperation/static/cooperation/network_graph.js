/* Graphs of the twin-city network, drawn with the vendored Cytoscape.js from the JSON API:

   - data-kind="municipalities": /api/v1/cooperation/network?municipality=ID&depth=N or ?country=CC, nodes
     {id, name, level} (0: the municipality or the country's own, 1: partners, 2: partners of partners) and edges
     {source, target, source_kind} (a link from an agreement on the platform is drawn green);
   - data-kind="countries": /api/v1/cooperation/network/countries?min_weight=N, nodes {id, name, links} sized by
     their links and edges {source, target, weight} drawn thicker for more links; the select #graph-min-weight
     changes N.

   A click on a node opens its page (data-node-url, with 0 or XX standing for the id). The page has the same data
   in tables, so nothing depends on this script. */
(function () {
  "use strict";

  var LEVEL_COLOURS = { 0: "#b3261e", 1: "#1d4ed8", 2: "#78909c" };

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_match, key) {
      return String(values[key]);
    });
  }

  function municipalityElements(data, nodeUrl) {
    var elements = [];
    data.nodes.forEach(function (node) {
      elements.push({
        group: "nodes",
        data: {
          id: String(node.id),
          label: node.name,
          level: node.level,
          colour: LEVEL_COLOURS[node.level] || LEVEL_COLOURS[2],
          size: node.level === 0 ? 26 : node.level === 1 ? 16 : 10,
          url: nodeUrl.replace("/0/", "/" + node.id + "/")
        }
      });
    });
    data.edges.forEach(function (edge, i) {
      elements.push({
        group: "edges",
        data: {
          id: "e" + i,
          source: String(edge.source),
          target: String(edge.target),
          colour: edge.source_kind === "agreement" ? "#2e7d32" : "#7b8794",
          width: edge.source_kind === "agreement" ? 3 : 1
        }
      });
    });
    return elements;
  }

  function countryElements(data, nodeUrl) {
    var shown = {};
    var elements = [];
    data.edges.forEach(function (edge, i) {
      shown[edge.source] = true;
      shown[edge.target] = true;
      elements.push({
        group: "edges",
        data: {
          id: "e" + i,
          source: edge.source,
          target: edge.target,
          colour: "#7b8794",
          width: 0.5 + Math.log(edge.weight)
        }
      });
    });
    data.nodes.forEach(function (node) {
      if (!shown[node.id]) {
        return;
      }
      elements.unshift({
        group: "nodes",
        data: {
          id: node.id,
          label: node.name,
          level: 1,
          colour: "#1d4ed8",
          size: 6 + 3 * Math.log(1 + node.links),
          url: nodeUrl.replace("/XX/", "/" + node.id + "/")
        }
      });
    });
    return elements;
  }

  function draw(container, elements) {
    var cy = cytoscape({
      container: container,
      elements: elements,
      minZoom: 0.1,
      maxZoom: 4,
      style: [
        {
          selector: "node",
          style: {
            "background-color": "data(colour)",
            width: "data(size)",
            height: "data(size)",
            label: "data(label)",
            "font-size": 11,
            "min-zoomed-font-size": 7,
            "text-valign": "bottom",
            "text-margin-y": 2,
            "text-outline-color": "#fff",
            "text-outline-width": 2,
            color: "#1f2933"
          }
        },
        {
          selector: "edge",
          style: { width: "data(width)", "line-color": "data(colour)", opacity: 0.45, "curve-style": "haystack" }
        },
        // The municipality itself and its partners are always named; partners of partners when zoomed in.
        { selector: "node[level <= 1]", style: { "min-zoomed-font-size": 0, "font-size": 12 } },
        { selector: "node:selected", style: { "border-width": 3, "border-color": "#111" } }
      ],
      layout: {
        name: "cose",
        animate: false,
        randomize: true,
        nodeRepulsion: function () {
          return 400000;
        },
        idealEdgeLength: function () {
          return 60;
        },
        numIter: 1500
      }
    });
    cy.on("tap", "node", function (event) {
      var url = event.target.data("url");
      if (url) {
        window.location.assign(url);
      }
    });
    return cy;
  }

  function init() {
    var container = document.getElementById("network-graph");
    var status = document.getElementById("graph-status");
    if (!container || typeof cytoscape === "undefined") {
      return;
    }
    var kind = container.dataset.kind;
    var select = document.getElementById("graph-min-weight");
    var cy = null;

    function load() {
      var url = container.dataset.source;
      if (kind === "countries") {
        var weight = select ? select.value : container.dataset.minWeight;
        url += (url.indexOf("?") < 0 ? "?" : "&") + "min_weight=" + encodeURIComponent(weight);
      }
      if (status) {
        status.textContent = container.dataset.loading;
      }
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) {
            throw new Error(response.status);
          }
          return response.json();
        })
        .then(function (data) {
          var elements =
            kind === "countries"
              ? countryElements(data, container.dataset.nodeUrl)
              : municipalityElements(data, container.dataset.nodeUrl);
          if (cy) {
            cy.destroy();
          }
          cy = draw(container, elements);
          container.dataset.drawn = String(cy.nodes().length);
          if (status) {
            status.textContent = format(container.dataset.summary, {
              nodes: cy.nodes().length,
              edges: cy.edges().length
            });
          }
        })
        .catch(function () {
          if (status) {
            status.textContent = container.dataset.failed;
          }
        });
    }

    if (select) {
      select.addEventListener("change", load);
    }
    load();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
