/* The drawing of a case: its subjects, assets and countries, from the page's own JSON. */
(function () {
  "use strict";

  var box = document.getElementById("case-graph");
  if (!box || typeof window.cytoscape !== "function") {
    return;
  }

  var COLOURS = {
    "case": "#0b2e5c",
    person: "#1d4f91",
    organisation: "#4c2c92",
    country: "#00703c"
  };

  function elements(graph) {
    var nodes = graph.nodes.map(function (n) {
      return { data: { id: n.id, label: n.label, type: n.type, colour: COLOURS[n.type] || "#8a4b00" } };
    });
    var edges = graph.edges.map(function (e, i) {
      return { data: { id: "e" + i, source: e.source, target: e.target, label: e.type.replace(/_/g, " ") } };
    });
    return nodes.concat(edges);
  }

  function draw(graph) {
    window.cytoscape({
      container: box,
      elements: elements(graph),
      autoungrabify: false,
      wheelSensitivity: 0.3,
      style: [
        { selector: "node", style: {
          "background-color": "data(colour)", label: "data(label)", color: "#1b1b1b",
          "font-size": 10, "text-valign": "bottom", "text-margin-y": 4, "text-wrap": "wrap",
          "text-max-width": 140, width: 22, height: 22 } },
        { selector: "node[type = 'case']", style: { shape: "round-rectangle", width: 34, height: 22 } },
        { selector: "node[type = 'country']", style: { shape: "diamond" } },
        { selector: "edge", style: {
          width: 1.5, "line-color": "#8a8f94", "target-arrow-color": "#8a8f94",
          "target-arrow-shape": "triangle", "curve-style": "bezier", label: "data(label)",
          "font-size": 8, color: "#505a5f", "text-rotation": "autorotate" } }
      ],
      layout: { name: "cose", animate: false, padding: 20 }
    });
    box.setAttribute("data-state", "drawn");
    box.setAttribute("data-nodes", String(graph.nodes.length));
  }

  fetch(box.getAttribute("data-graph-url"), {
    credentials: "same-origin",
    headers: { Accept: "application/json" }
  })
    .then(function (response) {
      if (!response.ok) {
        throw new Error("HTTP " + response.status);
      }
      return response.json();
    })
    .then(draw)
    .catch(function () {
      box.setAttribute("data-state", "failed");
      box.textContent = box.getAttribute("data-failed");
    });
}());
