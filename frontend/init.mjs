// Starts GOV.UK Frontend and MOJ Frontend components. Loaded as a module, so it runs only
// in browsers that support them; the pages work without it.
import { initAll as initGovuk } from "./govuk-frontend.min.js";
import { initAll as initMoj } from "./moj-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initGovuk();
initMoj();
