/**
 * Finding the LMS's SCORM API object, as the SCORM run-time documents describe:
 * this window and its parents (at most 500 levels), then the opener and its parents.
 * Windows of another origin throw on access; they are skipped.
 * @module tracking/api-discovery
 */

/** The most parent windows looked at, as in the SCORM reference code. */
export const MAX_LEVELS = 500;

/**
 * The API object named `name` in a window or one of its parents.
 * @param {Window|null} start
 * @param {string} name "API" (SCORM 1.2) or "API_1484_11" (SCORM 2004).
 * @returns {Object|null}
 */
export function scanWindows(start, name) {
  let win = start;
  for (let level = 0; win && level <= MAX_LEVELS; level += 1) {
    try {
      const api = win[name];
      if (api && typeof api === "object") return api;
    } catch (err) {
      // Another origin: cannot look inside; its parents may still be reachable.
    }
    let parent = null;
    try {
      parent = win.parent;
    } catch (err) {
      parent = null;
    }
    if (!parent || parent === win) break;
    win = parent;
  }
  return null;
}

/**
 * Look for the SCORM API: this window and its parents, then `window.opener` and its parents.
 * @param {string} name "API" or "API_1484_11".
 * @param {Window} [win] The window to start from (default: this one).
 * @returns {Object|null}
 */
export function findApi(name, win) {
  const start = win || window;
  const found = scanWindows(start, name);
  if (found) return found;
  let opener = null;
  try {
    opener = start.opener;
  } catch (err) {
    opener = null;
  }
  return opener ? scanWindows(opener, name) : null;
}
