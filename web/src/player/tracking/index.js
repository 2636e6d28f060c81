/**
 * Choosing the tracker for a tracking mode. Every tracker has the same methods:
 * `start()` → boolean (connected), `reportQuiz({scorePercent, passed})`,
 * `reportCompleted()` and `finish()`.
 * @module tracking
 */
import { findApi } from "./api-discovery.js";
import { NoTracker } from "./none.js";
import { Scorm12Tracker } from "./scorm12.js";
import { Scorm2004Tracker } from "./scorm2004.js";

/** The API object's name and tracker class of each SCORM tracking mode. */
const ADAPTERS = {
  scorm12: { apiName: "API", Tracker: Scorm12Tracker },
  scorm2004: { apiName: "API_1484_11", Tracker: Scorm2004Tracker },
};

/**
 * @typedef {Object} TrackerChoice
 * @property {Object} tracker The tracker (a {@link NoTracker} when nothing is recorded).
 * @property {"none"|"connected"|"no-lms"|"lms-failed"} status What happened.
 */

/**
 * Make and start the tracker of a tracking mode.
 * @param {string} mode "none", "scorm12" or "scorm2004".
 * @param {Window} [win] Where to look for the LMS (default: this window).
 * @returns {TrackerChoice}
 */
export function startTracking(mode, win) {
  const adapter = ADAPTERS[mode];
  if (!adapter) return { tracker: new NoTracker(), status: "none" };
  const api = findApi(adapter.apiName, win);
  if (!api) return { tracker: new NoTracker(), status: "no-lms" };
  const tracker = new adapter.Tracker(api, win);
  if (!tracker.start()) return { tracker: new NoTracker(), status: "lms-failed" };
  return { tracker, status: "connected" };
}
