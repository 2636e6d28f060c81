/**
 * Prefetch of the linked scenes' previews: once the current scene is sharp (every tile its
 * view needs has arrived) and the browser is idle, the previews of the scenes its scene
 * links lead to are loaded into the browser's cache, one at a time, at low priority, so that
 * following a link shows the next picture at once.
 *
 * - Only tiled scenes' previews (≤ 120 KB each), never a plain scene's full photo or tiles.
 * - Nothing starts while tiles of the current view are still loading; a new scene stops the
 *   rest of the list (a preview under way finishes; it is the next scene's anyway).
 * - Skipped when pictures come from script twins (a tour opened from a folder, file://: the
 *   disk is fast and there is no HTTP cache) and when the browser asks to save data
 *   (`navigator.connection.saveData`).
 * - Requested like the viewer requests them (an image, CORS mode "anonymous"), so the
 *   viewer's later request is served from the cache.
 * @module prefetch
 */
import { assetScriptsInUse } from "./assets.js";

/** Fallback of requestIdleCallback (Safari): a short pause. */
const IDLE_FALLBACK_MS = 200;
/** requestIdleCallback's latest start, ms. */
const IDLE_TIMEOUT_MS = 2000;

function whenIdle(fn) {
  if (typeof window.requestIdleCallback === "function") window.requestIdleCallback(fn, { timeout: IDLE_TIMEOUT_MS });
  else setTimeout(fn, IDLE_FALLBACK_MS);
}

/** Loads the previews of the scenes linked from the current one. */
export class Prefetcher {
  /**
   * @param {Object} spec
   * @param {function(): string[]} spec.linkedPreviews The preview URLs of the scenes the current
   *   scene links to, in the order of its hotspots.
   * @param {function(): boolean} spec.busy True while tiles of the current view are loading.
   */
  constructor(spec) {
    this.spec = spec;
    /** URLs loaded (or under way) in this page. */
    this.done = new Set();
    this._round = 0;
    this._loading = false;
    this.enabled =
      !assetScriptsInUse() && !(navigator.connection && navigator.connection.saveData === true);
  }

  /** The current scene changed: forget the rest of the last scene's list. */
  sceneChanged() {
    this._round += 1;
    this._queue = null;
  }

  /** The current scene is sharp: start (or carry on with) its list when the browser is idle. */
  sharp() {
    if (!this.enabled) return;
    const round = this._round;
    if (!this._queue) this._queue = this.spec.linkedPreviews().filter((url) => !this.done.has(url));
    whenIdle(() => {
      if (round === this._round) this._next();
    });
  }

  _next() {
    if (this._loading || !this._queue || this.spec.busy()) return;
    const url = this._queue.find((u) => !this.done.has(u));
    if (!url) return;
    this.done.add(url);
    this._loading = true;
    const round = this._round;
    const image = new Image();
    image.decoding = "async";
    if ("fetchPriority" in image) image.fetchPriority = "low";
    if (!/^(data|blob):/i.test(url)) image.crossOrigin = "anonymous";
    // Held until it settles, so the request is not collected with the element.
    this._image = image;
    const finished = () => {
      image.onload = image.onerror = null;
      this._image = null;
      this._loading = false;
      if (round === this._round) this._next();
    };
    image.onload = finished;
    image.onerror = finished;
    image.src = url;
  }
}
