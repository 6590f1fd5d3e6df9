// Builds the front-end assets into frontend/dist, which Django serves as /static/.
// Sass compiles app.scss (GOV.UK Frontend + MOJ Frontend); the JavaScript bundles,
// fonts and images are copied from the npm packages as published.
import * as sass from "sass";
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");
const nm = join(root, "node_modules");
const out = join(here, "dist");

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, "css"), { recursive: true });
mkdirSync(join(out, "js"), { recursive: true });

const result = sass.compile(join(here, "app.scss"), {
  loadPaths: [root],
  style: "compressed",
  quietDeps: true,
  // GOV.UK Frontend warns about its own deprecated mixins that MOJ Frontend still calls.
  logger: sass.Logger.silent,
  silenceDeprecations: ["import"],
});
writeFileSync(join(out, "css", "app.css"), result.css);

const copies = [
  ["govuk-frontend/dist/govuk/govuk-frontend.min.js", "js/govuk-frontend.min.js"],
  ["@ministryofjustice/frontend/moj/moj-frontend.min.js", "js/moj-frontend.min.js"],
  ["htmx.org/dist/htmx.min.js", "js/htmx.min.js"],
  ["../frontend/init.mjs", "js/init.mjs"],
  // Cytoscape.js (the network drawing), as its published ES module, and the page script that uses it.
  ["cytoscape/dist/cytoscape.esm.min.mjs", "js/cytoscape.esm.min.mjs"],
  ["../frontend/network.mjs", "js/network.mjs"],
  ["govuk-frontend/dist/govuk/assets", "assets"],
  ["@ministryofjustice/frontend/moj/assets/images", "assets/images"],
];
for (const [from, to] of copies) {
  cpSync(join(nm, from), join(out, to), { recursive: true });
}
console.log(`front-end assets built in ${out}`);
