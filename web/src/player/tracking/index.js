/**
 * Choosing the tracker for a tracking mode. Every tracker has the same methods:
 * `start()` → boolean (connected), `reportQuiz({scorePercent, passed})`,
 * `reportCompleted()` and `finish()`.
 * @module tracking
 */
import { findApi } from "./api-discovery.js";
import { NoTracker } from "./none.js";
import { SCORM12 } from "./scorm12.js";
import { SCORM2004 } from "./scorm2004.js";
import { ScormSession } from "./scorm-session.js";

/** The API object's name and dialect of each SCORM tracking mode. */
const ADAPTERS = {
  scorm12: { apiName: "API", dialect: SCORM12 },
  scorm2004: { apiName: "API_1484_11", dialect: SCORM2004 },
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
  const tracker = new ScormSession(api, adapter.dialect, win);
  if (!tracker.start()) return { tracker: new NoTracker(), status: "lms-failed" };
  return { tracker, status: "connected" };
}
