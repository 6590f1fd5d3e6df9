// Draws a network (exploitation intelligence) with Cytoscape.js from the JSON the page holds
// (#network-elements). The page's tables hold the same nodes and links, so without JavaScript
// nothing is lost; the drawing is shown only once it is made.
import cytoscape from "./cytoscape.esm.min.mjs";

const holder = document.getElementById("network-graph");
const data = document.getElementById("network-elements");
if (holder && data) {
  const elements = JSON.parse(data.textContent);
  if (elements.length > 0) {
    holder.hidden = false;
    cytoscape({
      container: holder,
      elements,
      layout: { name: "cose", animate: false },
      style: [
        { selector: "node", style: { label: "data(label)", "font-size": 11, "text-wrap": "wrap", "text-max-width": 120, "background-color": "#1d70b8" } },
        { selector: "node[kind = 'place']", style: { shape: "round-rectangle", "background-color": "#00703c" } },
        { selector: "node[kind = 'group']", style: { shape: "hexagon", "background-color": "#4c2c92" } },
        { selector: "node[kind = 'vehicle']", style: { shape: "diamond", "background-color": "#505a5f" } },
        { selector: "node[kind = 'adult']", style: { shape: "triangle", "background-color": "#d4351c" } },
        { selector: "node[?start]", style: { "border-width": 4, "border-color": "#0b0c0c" } },
        { selector: "edge", style: { width: 2, "line-color": "#b1b4b6" } },
      ],
    });
  }
}
