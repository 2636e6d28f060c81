/**
 * SCORM 1.2 (`window.API`): the values a {@link ScormSession} writes.
 * @module tracking/scorm12
 */

/**
 * A session time in the SCORM 1.2 format HH:MM:SS.
 * @param {number} ms
 * @returns {string}
 */
export function scorm12Time(ms) {
  const seconds = Math.max(0, Math.round(ms / 1000));
  const pad = (n) => String(n).padStart(2, "0");
  return `${pad(Math.floor(seconds / 3600))}:${pad(Math.floor(seconds / 60) % 60)}:${pad(seconds % 60)}`;
}

/** @type {import("./scorm-session.js").ScormDialect} */
export const SCORM12 = {
  calls: { initialize: "LMSInitialize", getValue: "LMSGetValue", setValue: "LMSSetValue",
           commit: "LMSCommit", finish: "LMSFinish" },
  opening(getValue) {
    const status = getValue("cmi.core.lesson_status");
    if (status === "" || status === "not attempted") {
      return { set: [["cmi.core.lesson_status", "incomplete"]], done: false };
    }
    return { set: [], done: ["passed", "completed", "failed"].includes(status) };
  },
  quizResult: (result) => [
    ["cmi.core.score.min", "0"],
    ["cmi.core.score.max", "100"],
    ["cmi.core.score.raw", String(result.scorePercent)],
    ["cmi.core.lesson_status", result.passed ? "passed" : "failed"],
  ],
  completed: [["cmi.core.lesson_status", "completed"]],
  closing: (elapsedMs, done) => [
    ["cmi.core.session_time", scorm12Time(elapsedMs)],
    ["cmi.core.exit", done ? "" : "suspend"],
  ],
};
