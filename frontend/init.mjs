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
// The name of a table: its caption, the element that labels it, or else the heading before it.
function tableName(container) {
  const table = container.querySelector("table");
  const caption = table && table.caption && table.caption.textContent.trim();
  if (caption) return caption;
  const labelledby = table && table.getAttribute("aria-labelledby");
  const label = labelledby && document.getElementById(labelledby);
  if (label && label.textContent.trim()) return label.textContent.trim();
  for (let node = container; node && node !== document.body; node = node.parentElement) {
    for (let before = node.previousElementSibling; before; before = before.previousElementSibling) {
      const headings = /^H[1-6]$/.test(before.tagName) ? [before] : before.querySelectorAll("h1, h2, h3, h4, h5, h6");
      if (headings.length) return headings[headings.length - 1].textContent.trim();
    }
  }
  return "Table";
}

// A region's name is unique on the page (WCAG 1.3.1; axe's landmark-unique): a table in a
// summary card is named with the card's title too (several cards may each have "Actions"), and a
// name still taken is numbered.
function regionName(container) {
  const card = container.closest(".govuk-summary-card");
  const cardTitle = card && card.querySelector(".govuk-summary-card__title");
  let name = tableName(container);
  if (cardTitle && cardTitle.textContent.trim() && !name.includes(cardTitle.textContent.trim())) {
    name = `${name}: ${cardTitle.textContent.trim()}`;
  }
  const taken = (label) =>
    [...document.querySelectorAll('[role="region"][aria-label]')].some(
      (other) => other !== container && other.getAttribute("aria-label") === label,
    );
  let label = `${name} (scrolls sideways)`;
  for (let n = 2; taken(label); n += 1) label = `${name}, table ${n} (scrolls sideways)`;
  return label;
}

function fitTable(container) {
  const scrolls = container.scrollWidth > container.clientWidth;
  if (scrolls && !container.hasAttribute("tabindex")) {
    container.setAttribute("tabindex", "0");
    container.setAttribute("role", "region");
    container.setAttribute("aria-label", regionName(container));
  } else if (!scrolls && container.hasAttribute("tabindex")) {
    for (const name of ["tabindex", "role", "aria-label"]) {
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
