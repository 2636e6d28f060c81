/**
 * Entry point of the player bundle: reads the configuration written by
 * tourbuilder into `#tourbuilder-config`, starts a {@link TourPlayer} in
 * `#tourbuilder-player` and exposes it as `window.tourbuilder.player` (and, for the web
 * export over http(s), `window.tourbuilder.offline`: see offline/register.js).
 * @module index
 */
import "./player.css";
import { useAssetScripts } from "./assets.js";
import { addOpenInNewWindow } from "./embed.js";
import { ui } from "./i18n.js";
import { startOffline } from "./offline/register.js";
import { TourPlayer } from "./player.js";

/** Ids of the elements of the host page. */
const PAGE = { root: "tourbuilder-player", config: "tourbuilder-config" };

/**
 * Show a message when the player cannot start at all (in both interface languages,
 * since the tour's language is unknown then).
 * @param {HTMLElement} root
 * @param {string} key
 */
function showFatal(root, key) {
  root.textContent = "";
  root.classList.add("tb-player");
  root.setAttribute("data-error", "true");
  for (const lang of ["mn", "en"]) {
    const p = document.createElement("p");
    p.className = "tb-message tb-message--fatal";
    p.setAttribute("role", "alert");
    p.setAttribute("lang", lang);
    p.textContent = ui(lang, key);
    root.appendChild(p);
  }
}

/**
 * Read the configuration and start the player.
 * @returns {TourPlayer|null}
 */
export function boot() {
  const root = document.getElementById(PAGE.root);
  if (!root) return null;
  let config;
  try {
    const script = document.getElementById(PAGE.config);
    config = JSON.parse(script ? script.textContent : "");
    if (!config || !config.tour || !config.tour.scenes || !Object.keys(config.tour.scenes).length) {
      throw new Error("no tour in the configuration");
    }
  } catch (err) {
    console.error("tourbuilder:", err); // eslint-disable-line no-console
    showFatal(root, "configError");
    return null;
  }
  // Opened from a folder (file:, or e.g. content: on Android), pictures come from their script
  // twins (see assets.js); over http(s) never.
  useAssetScripts(config.assetScripts === true && !/^https?:$/.test(window.location.protocol));
  const player = new TourPlayer(root, config);
  addOpenInNewWindow(player, root, config);
  // The offline copy is stored once the first picture is drawn (or could not be).
  const firstPicture = new Promise((resolve) => {
    player.on("ready", resolve);
    player.on("error", resolve);
  });
  window.tourbuilder = { player, offline: startOffline(root, config, firstPicture) };
  return player;
}

/** Start once the page's elements exist. */
function whenReady(fn) {
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", fn, { once: true });
  else fn();
}

whenReady(boot);
