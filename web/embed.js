// Layerlab embed: <script type="module" src=".../embed.js"></script> turns
// every <pre data-layerlab> and <layerlab-playground> on the page into a
// widget. It loads the playground's own glue and wasm (next to this file);
// each widget lives in its own open shadow root with its own state.
import init, { mount } from "./layerlab-playground.js";

await init();

// Rule links in the widgets open the playground this file comes from.
const playground = new URL("./", import.meta.url).href;

// The host's colour scheme: data-theme on the element, else the host's
// computed color-scheme, else the system's (the stylesheet's default).
function theme(el) {
  const t = el.getAttribute("data-theme");
  if (t === "light" || t === "dark") return t;
  const cs = getComputedStyle(el.parentElement || document.documentElement).colorScheme;
  return cs === "dark" || cs === "light" ? cs : null;
}

function upgrade(el) {
  if (el.layerlab) return;
  const text = el.textContent.replace(/^\n/, "").replace(/\s+$/, "") + "\n";
  let host = el;
  if (el.localName === "pre") {
    host = document.createElement("div");
    el.replaceWith(host);
  } else {
    el.textContent = "";
  }
  host.layerlab = true;
  host.className = "layerlab-widget";
  const t = theme(host);
  if (t) host.setAttribute("data-theme", t);
  const root = host.attachShadow({ mode: "open" });
  const div = document.createElement("div");
  root.append(div);
  mount(div, text, playground);
}

document.querySelectorAll("pre[data-layerlab], layerlab-playground").forEach(upgrade);
