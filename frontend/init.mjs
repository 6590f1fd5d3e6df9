// Starts GOV.UK Frontend and MOJ Frontend components. Loaded as a module, so it runs only
// in browsers that support them; the pages work without it.
import { initAll as initGovuk } from "./govuk-frontend.min.js";
import { initAll as initMoj } from "./moj-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initGovuk();
initMoj();

// A table wider than its container scrolls inside it (.app-table-container, made by the
// {% table %} template tag). While it scrolls, the container is a focusable region named after
// the table, so a keyboard user can reach it and scroll it (WCAG 2.1.1, 1.4.10); while it fits,
// it is a plain container, so it adds no stop to the tab order.
function fitTable(container) {
  const scrolls = container.scrollWidth > container.clientWidth;
  if (scrolls && !container.hasAttribute("tabindex")) {
    const table = container.querySelector("table");
    const caption = table && table.caption;
    const labelledby = table && table.getAttribute("aria-labelledby");
    container.setAttribute("tabindex", "0");
    container.setAttribute("role", "region");
    if (caption && caption.textContent.trim()) {
      container.setAttribute("aria-label", `${caption.textContent.trim()} (scrolls sideways)`);
    } else if (labelledby) {
      container.setAttribute("aria-labelledby", labelledby);
    } else {
      container.setAttribute("aria-label", "Table (scrolls sideways)");
    }
  } else if (!scrolls && container.hasAttribute("tabindex")) {
    for (const name of ["tabindex", "role", "aria-label", "aria-labelledby"]) {
      container.removeAttribute(name);
    }
  }
}

const tableResized = new ResizeObserver((entries) => entries.forEach((entry) => fitTable(entry.target)));
function watchTables(root) {
  root.querySelectorAll(".app-table-container").forEach((container) => {
    fitTable(container);
    tableResized.observe(container);
  });
}
watchTables(document);
// Tables that htmx brings in later.
document.body.addEventListener("htmx:load", (event) => watchTables(event.target));
