/**
 * SCORM 2004 4th edition (`window.API_1484_11`): the values a {@link ScormSession} writes.
 * @module tracking/scorm2004
 */

/**
 * A session time as an ISO 8601 duration, e.g. "PT1H2M3S".
 * @param {number} ms
 * @returns {string}
 */
export function scorm2004Time(ms) {
  const seconds = Math.max(0, Math.round(ms / 1000));
  return `PT${Math.floor(seconds / 3600)}H${Math.floor(seconds / 60) % 60}M${seconds % 60}S`;
}

/** @type {import("./scorm-session.js").ScormDialect} */
export const SCORM2004 = {
  calls: { initialize: "Initialize", getValue: "GetValue", setValue: "SetValue",
           commit: "Commit", finish: "Terminate" },
  opening(getValue) {
    const status = getValue("cmi.completion_status");
    if (status === "" || status === "not attempted" || status === "unknown") {
      return { set: [["cmi.completion_status", "incomplete"]], done: false };
    }
    return { set: [], done: status === "completed" };
  },
  // The score is written only when the learner finishes the quiz: a score.scaled
  // written earlier lets the LMS decide "failed" against the passing score too soon.
  quizResult: (result) => [
    ["cmi.score.min", "0"],
    ["cmi.score.max", "100"],
    ["cmi.score.raw", String(result.scorePercent)],
    ["cmi.score.scaled", String(result.scorePercent / 100)],
    ["cmi.success_status", result.passed ? "passed" : "failed"],
    ["cmi.completion_status", "completed"],
  ],
  completed: [["cmi.completion_status", "completed"]],
  closing: (elapsedMs, done) => [
    ["cmi.session_time", scorm2004Time(elapsedMs)],
    ["cmi.exit", done ? "normal" : "suspend"],
  ],
};
