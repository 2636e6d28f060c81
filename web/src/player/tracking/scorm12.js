/**
 * SCORM 1.2 (`window.API`): the values a {@link ScormSession} writes.
 *
 * - opening: `lesson_status` incomplete when not attempted; reads suspend_data, the learner, the
 *   lesson mode and `cmi.student_data.mastery_score` (the LMS's pass mark wins over the tour's);
 * - every save: suspend_data (≤ 4096 characters), lesson_location (the scene), lesson_status
 *   and, once the result is decided, score.raw/min/max (0-100); one objective per quiz;
 * - interactions (write-only, appended at `_count`): id, objectives.0.id, time, type,
 *   correct_responses.0.pattern, weighting, student_response, result (correct | wrong), latency;
 * - closing: session_time, exit "suspend" unless the lesson is done.
 * @module tracking/scorm12
 */
import { scorm12Response } from "./responses.js";

function pad(n, width = 2) {
  return String(n).padStart(width, "0");
}

/**
 * A session time in the SCORM 1.2 format HH:MM:SS (CMITimespan).
 * @param {number} ms
 * @returns {string}
 */
export function scorm12Time(ms) {
  const seconds = Math.max(0, Math.round(ms / 1000));
  return `${pad(Math.floor(seconds / 3600))}:${pad(Math.floor(seconds / 60) % 60)}:${pad(seconds % 60)}`;
}

/** A latency as CMITimespan HHHH:MM:SS.SS. */
export function scorm12Latency(ms) {
  const centis = Math.max(0, Math.round(ms / 10));
  const seconds = Math.floor(centis / 100);
  return `${pad(Math.floor(seconds / 3600), 4)}:${pad(Math.floor(seconds / 60) % 60)}:${pad(seconds % 60)}.${pad(centis % 100)}`;
}

/** A time of day as CMITime HH:MM:SS (the learner's clock). */
export function scorm12ClockTime(date) {
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/**
 * `cmi.core.lesson_status` for a progress (progress.js): failed as soon as the final quiz is
 * failed; passed once it is passed and every other criterion holds; completed for a rule
 * without the quiz once it holds; else incomplete.
 * @param {import("../progress.js").Progress} progress
 * @returns {string}
 */
export function lessonStatus(progress) {
  const scored = progress.criteria.some((c) => c.kind === "quiz");
  if (!scored) return progress.completed ? "completed" : "incomplete";
  if (progress.passed === false) return "failed";
  return progress.completed && progress.passed ? "passed" : "incomplete";
}

function objectiveStatus(quiz) {
  if (quiz.passed === true) return "passed";
  if (quiz.passed === false) return "failed";
  return quiz.started ? "incomplete" : "not attempted";
}

/** @type {import("./scorm-session.js").ScormDialect} */
export const SCORM12 = {
  name: "scorm12",
  limit: 4096,
  journal: true,
  calls: { initialize: "LMSInitialize", getValue: "LMSGetValue", setValue: "LMSSetValue",
           commit: "LMSCommit", finish: "LMSFinish", lastError: "LMSGetLastError", errorString: "LMSGetErrorString" },
  opening(get) {
    const status = get("cmi.core.lesson_status");
    const mode = get("cmi.core.lesson_mode") || "normal";
    const mastery = parseFloat(get("cmi.student_data.mastery_score"));
    const info = {
      suspendData: get("cmi.suspend_data"),
      learner: { id: get("cmi.core.student_id"), name: get("cmi.core.student_name") },
      passMark: Number.isFinite(mastery) && mastery >= 0 && mastery <= 100 ? mastery : null,
      mode,
      entry: get("cmi.core.entry"),
    };
    const fresh = status === "" || status === "not attempted";
    return { set: fresh && mode === "normal" ? [["cmi.core.lesson_status", "incomplete"]] : [], info };
  },
  snapshot(snapshot, objective) {
    const values = [["cmi.suspend_data", snapshot.suspendData]];
    if (snapshot.location) values.push(["cmi.core.lesson_location", snapshot.location.slice(0, 255)]);
    if (snapshot.mode !== "normal") return values;
    const status = lessonStatus(snapshot.progress);
    if ((status === "passed" || status === "failed") && snapshot.progress.score) {
      values.push(["cmi.core.score.min", "0"], ["cmi.core.score.max", "100"],
        ["cmi.core.score.raw", String(snapshot.progress.score.percent)]);
    }
    values.push(["cmi.core.lesson_status", status]);
    for (const quiz of snapshot.quizzes) {
      if (!quiz.started) continue;
      const prefix = objective(quiz.objective);
      if (!prefix) continue;
      if (quiz.scorePercent !== null) {
        values.push([`${prefix}.score.min`, "0"], [`${prefix}.score.max`, "100"],
          [`${prefix}.score.raw`, String(quiz.scorePercent)]);
      }
      values.push([`${prefix}.status`, objectiveStatus(quiz)]);
    }
    return values;
  },
  interaction(prefix, interaction) {
    const formatted = scorm12Response(interaction.question, interaction.answer);
    const values = [
      [`${prefix}.id`, interaction.id],
      [`${prefix}.objectives.0.id`, interaction.objective],
      [`${prefix}.time`, scorm12ClockTime(interaction.timestamp)],
      [`${prefix}.type`, formatted.type],
    ];
    if (formatted.pattern) values.push([`${prefix}.correct_responses.0.pattern`, formatted.pattern]);
    values.push(
      [`${prefix}.weighting`, String(interaction.weighting)],
      [`${prefix}.student_response`, formatted.response.slice(0, 255)],
      [`${prefix}.result`, interaction.correct ? "correct" : "wrong"],
      [`${prefix}.latency`, scorm12Latency(interaction.latencyMs)],
    );
    return values;
  },
  closing: (elapsedMs, done) => [
    ["cmi.core.session_time", scorm12Time(elapsedMs)],
    ["cmi.core.exit", done ? "" : "suspend"],
  ],
};
