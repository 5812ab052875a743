/* The drawing of a trace: the paths from the start, reference data apart from case data; a
   row of the table highlights its path. The data is a JSON block of the page (no inline script). */
(function () {
  "use strict";

  var box = document.getElementById("trace-graph");
  var source = document.getElementById("trace-data");
  if (!box || !source || typeof window.cytoscape !== "function") {
    return;
  }

  var COLOURS = { subject: "#1d4f91", asset: "#8a4b00", reference: "#6f777b", "case": "#0b2e5c" };
  var data;
  try {
    data = JSON.parse(source.textContent);
  } catch (e) {
    box.setAttribute("data-state", "failed");
    box.textContent = box.getAttribute("data-failed");
    return;
  }

  var elements = data.nodes.map(function (n) {
    var label = n.label + (n.more ? " (+" + n.more + ")" : "");
    return { data: { id: n.id, label: label, kind: n.kind, colour: COLOURS[n.kind] || "#505a5f",
                     rows: (n.rows || []).join(" ") } };
  }).concat(data.edges.map(function (e, i) {
    return { data: { id: "e" + i, source: e.source, target: e.target, label: e.label } };
  }));

  var cy = window.cytoscape({
    container: box,
    elements: elements,
    wheelSensitivity: 0.3,
    style: [
      { selector: "node", style: {
        "background-color": "data(colour)", label: "data(label)", color: "#1b1b1b",
        "font-size": 10, "text-valign": "bottom", "text-margin-y": 4, "text-wrap": "wrap",
        "text-max-width": 140, width: 20, height: 20 } },
      { selector: "node[kind = 'reference']", style: {
        "border-width": 2, "border-style": "dashed", "border-color": "#1b1b1b" } },
      { selector: "node[kind = 'case']", style: { shape: "square" } },
      { selector: "edge", style: {
        width: 1.5, "line-color": "#8a8f94", "target-arrow-color": "#8a8f94",
        "target-arrow-shape": "triangle", "curve-style": "bezier", label: "data(label)",
        "font-size": 8, color: "#505a5f", "text-rotation": "autorotate" } },
      { selector: ".on-path", style: {
        "line-color": "#d4351c", "target-arrow-color": "#d4351c", width: 3,
        "border-color": "#d4351c", "border-width": 3 } }
    ],
    layout: { name: "breadthfirst", directed: true, padding: 20, spacingFactor: 1.1 }
  });
  box.setAttribute("data-state", "drawn");
  box.setAttribute("data-nodes", String(data.nodes.length));

  function highlight(row) {
    cy.elements().removeClass("on-path");
    var target = cy.nodes().filter(function (n) {
      return (" " + n.data("rows") + " ").indexOf(" " + row + " ") >= 0;
    });
    if (target.length === 0) {
      return;
    }
    var roots = cy.nodes().roots();
    var path = cy.elements().aStar({ root: roots.length ? roots[0] : cy.nodes()[0], goal: target[0], directed: true });
    if (path.found) {
      path.path.addClass("on-path");
    }
  }

  Array.prototype.forEach.call(document.querySelectorAll("table.trace tbody tr"), function (tr) {
    tr.setAttribute("tabindex", "0");
    tr.addEventListener("focus", function () { highlight(tr.getAttribute("data-row")); });
    tr.addEventListener("mouseenter", function () { highlight(tr.getAttribute("data-row")); });
  });
}());
