/**
 * The installable offline web app (web export over http(s) only): registers the export's
 * service worker (`sw.js` beside index.html, see offline/sw.js) and tells when the tour is
 * stored for offline use: `data-offline-ready="true"` on the player's root and the promise
 * returned by {@link startOffline} (also `window.tourbuilder.offline`).
 *
 * Never in SCORM packages (an LMS serves them in its own scope) nor in the authoring app:
 * only when the configuration says `offline: true`, which only the web export writes.
 * @module offline/register
 */

/** The service worker's file, relative to the page (written by the web export). */
export const WORKER_URL = "sw.js";

/**
 * Whether this page should register the service worker.
 * @param {Object} config The player configuration.
 * @returns {boolean}
 */
export function offlineWanted(config) {
  return !!(config && config.offline === true) && /^https?:$/.test(location.protocol) &&
    typeof navigator !== "undefined" && "serviceWorker" in navigator;
}

/** Resolves once the registration has no newer worker installing or waiting. */
function settled(registration) {
  const next = registration.installing || registration.waiting;
  if (!next) return Promise.resolve(registration);
  return new Promise((resolve) => {
    const onChange = () => {
      if (next.state !== "activated" && next.state !== "redundant") return;
      next.removeEventListener("statechange", onChange);
      resolve(settled(registration));
    };
    next.addEventListener("statechange", onChange);
    onChange();
  });
}

/** Resolves once a service worker controls this page. */
function controlled() {
  const container = navigator.serviceWorker;
  if (container.controller) return Promise.resolve();
  return new Promise((resolve) => {
    const onChange = () => {
      container.removeEventListener("controllerchange", onChange);
      resolve();
    };
    container.addEventListener("controllerchange", onChange);
  });
}

/**
 * Register the service worker when the configuration asks for it.
 * @param {HTMLElement} root The player's root: gets `data-offline-ready="true"` once every
 *   precached file is stored (the worker is active: its install stores them all or fails)
 *   and the worker controls the page.
 * @param {Object} config The player configuration.
 * @param {Promise<unknown>} [start] Register only once this settles (index.js: when the first
 *   panorama is drawn, so the precaching does not share a slow link with the first picture).
 * @returns {Promise<boolean>|null} null when offline use is not wanted here; else true once
 *   ready, false when the browser refused (the tour still works online).
 */
export function startOffline(root, config, start) {
  if (!offlineWanted(config)) return null;
  const container = navigator.serviceWorker;
  return Promise.resolve(start)
    .then(() => container.register(WORKER_URL, { scope: "./", updateViaCache: "none" }))
    .then((registration) => settled(registration))
    .then((registration) => {
      if (!registration.active) throw new Error("the service worker did not become active");
      return controlled();
    })
    .then(
      () => {
        root.setAttribute("data-offline-ready", "true");
        return true;
      },
      (err) => {
        console.warn("tourbuilder: the tour cannot be stored for offline use:", err); // eslint-disable-line no-console
        return false;
      },
    );
}
