/**
 * Choosing the tracker of a tracking mode. Every tracker has one interface:
 *
 * - `kind`: "none", "local", "scorm12", "scorm2004" or "cmi5"; `limit`: the most characters
 *   of the resume state it can keep;
 * - `start()` → StartInfo, or a promise of one (cmi5): `{status, suspendData, learner: {id,
 *   name}|null, passMark: percent|null (the LMS's mastery score, which wins over the tour's),
 *   mode: "normal"|"browse"|"review", language?, returnUrl?, entry?}`; status is "none",
 *   "local", "connected", "no-lms" or "lms-failed";
 * - `save(snapshot)` → boolean, or a promise of one: write the resume state and the progress,
 *   then commit (see course.js for the snapshot);
 * - `record(interaction)`: one checked answer (see course.js);
 * - `finish(snapshot, {navigate})`: save and end the session, once;
 * - `lastError`: {element, code, text} of the last refusal, for the message.
 *
 * A SCORM or cmi5 package that finds no LMS keeps the learner's progress on the device
 * ({@link LocalTracker} with status "no-lms"), as the web export does (mode "local").
 * @module tracking
 */
import { findApi } from "./api-discovery.js";
import { Cmi5Tracker, cmi5Launch } from "./cmi5.js";
import { LocalTracker } from "./local.js";
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
 * Make the tracker of a tracking mode (not started).
 * @param {string} mode "none", "local", "scorm12", "scorm2004" or "cmi5".
 * @param {Object} options
 * @param {Window} [options.win] Where to look for the LMS (default: this window).
 * @param {Object} options.tour The tour (its id and languages).
 * @returns {Object} The tracker.
 */
export function makeTracker(mode, options) {
  const win = options.win || window;
  const tour = options.tour;
  if (mode === "local") return new LocalTracker(tour.id, "local");
  const adapter = ADAPTERS[mode];
  if (adapter) {
    const api = findApi(adapter.apiName, win);
    return api ? new ScormSession(api, adapter.dialect) : new LocalTracker(tour.id, "no-lms");
  }
  if (mode === "cmi5") {
    const launch = cmi5Launch(window.location.search);
    return launch ? new Cmi5Tracker(launch, { languages: tour.languages || [] }) : new LocalTracker(tour.id, "no-lms");
  }
  return new NoTracker();
}

export { LocalTracker, NoTracker };
