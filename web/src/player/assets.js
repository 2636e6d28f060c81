/**
 * Where the panorama pictures come from: the one loader of images drawn by WebGL
 * (viewer.js for the placeholder and preview, tiles.js for the tiles).
 *
 * Over http(s) an image's URL is used as it is, with no extra cost. A tour opened from a
 * folder (file://) cannot draw its own images: Chromium treats every file:// image as
 * cross-origin for WebGL. So the web export writes beside each preview and tile a small
 * script, `<image URL>.js`, that carries the image in base64 and registers it:
 *
 *     window.tourbuilderAssets.register("panoramas/ab12/preview.jpg", "image/jpeg", "/9j/4AAQ…");
 *
 * When they are switched on ({@link useAssetScripts}: index.js does so for pages not served over http(s)
 * whose configuration says `assetScripts: true`), the loader adds that script to the page
 * only when the image is needed (scripts load from file://, fetch does not), waits for its
 * registration and hands out a `blob:` URL of the bytes, which WebGL may draw.
 * @module assets
 */

/** What is appended to an image's URL to get its script twin. */
export const SCRIPT_SUFFIX = ".js";

let scriptsOn = false;
/** Absolute image URL → the load under way ({promise, data}). */
const loading = new Map();

/**
 * Load images through their script twins (true) or by URL (false, the default).
 * @param {boolean} on
 */
export function useAssetScripts(on) {
  scriptsOn = !!on;
}

/** @returns {boolean} Whether images are loaded through their script twins. */
export function assetScriptsInUse() {
  return scriptsOn;
}

/**
 * @typedef {Object} Asset
 * @property {string} url What to give to an `<img>` or a three.js loader.
 * @property {function():void} release Call once the image has loaded (or is given up): frees
 *   the blob URL, if one was made.
 */

const NOTHING = () => {};

/**
 * The URL to load an image from.
 * @param {string} url The image's URL (relative to the page), as in the configuration.
 * @returns {Promise<Asset>} Rejected when the image's script twin is missing or damaged.
 */
export function loadAsset(url) {
  if (!scriptsOn || /^(data|blob):/i.test(url)) return Promise.resolve({ url, release: NOTHING });
  return loadBlob(url).then((blob) => {
    const objectUrl = URL.createObjectURL(blob);
    let released = false;
    return {
      url: objectUrl,
      release: () => {
        if (released) return;
        released = true;
        URL.revokeObjectURL(objectUrl);
      },
    };
  });
}

function absolute(url) {
  try {
    return new URL(url, document.baseURI).href;
  } catch (err) {
    return url;
  }
}

/** The image's bytes from its script twin (one script at a time per image). */
function loadBlob(url) {
  const key = absolute(url);
  const current = loading.get(key);
  if (current) return current.promise;
  const entry = { data: null, promise: null };
  entry.promise = new Promise((resolve, reject) => {
    const script = document.createElement("script");
    const done = () => {
      script.onload = script.onerror = null;
      script.remove();
      loading.delete(key);
    };
    script.onload = () => {
      const data = entry.data;
      done();
      if (!data) {
        reject(new Error(`${url}${SCRIPT_SUFFIX} did not register the picture`));
        return;
      }
      try {
        resolve(toBlob(data.base64, data.type));
      } catch (err) {
        reject(new Error(`${url}${SCRIPT_SUFFIX} holds damaged data`));
      }
    };
    script.onerror = () => {
      done();
      reject(new Error(`could not load ${url}${SCRIPT_SUFFIX}`));
    };
    script.src = url + SCRIPT_SUFFIX;
    document.head.appendChild(script);
  });
  loading.set(key, entry);
  return entry.promise;
}

function toBlob(base64, type) {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return new Blob([bytes], { type: type || "application/octet-stream" });
}

/**
 * Called by a script twin: the picture at `path` (relative to the page), its MIME type and
 * its bytes in base64. Pictures nobody is waiting for are ignored.
 * @param {string} path
 * @param {string} type
 * @param {string} base64
 */
export function register(path, type, base64) {
  const entry = loading.get(absolute(path));
  if (entry) entry.data = { type, base64 };
}

if (typeof window !== "undefined" && !window.tourbuilderAssets) {
  window.tourbuilderAssets = { register };
}
