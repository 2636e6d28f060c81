/**
 * SCORM 2004 4th edition (`window.API_1484_11`): the values a {@link ScormSession} writes.
 *
 * - opening: completion_status incomplete when not attempted; reads suspend_data, the learner,
 *   `cmi.mode`, `cmi.entry` and `cmi.scaled_passing_score` (the LMS's pass mark wins);
 * - every save: suspend_data, location (the scene), progress_measure, completion_status; once
 *   the final quiz has a finished attempt (never earlier: a score.scaled written mid-attempt lets
 *   the LMS decide "failed" too soon), score.scaled/raw/min/max and success_status; a rule
 *   without the quiz reports success_status passed once completed (its package has no pass
 *   mark); one objective per quiz (score, success, completion, progress);
 * - interactions, one per question (updated on each check): id, type, objectives.0.id,
 *   timestamp, correct_responses.0.pattern, weighting, learner_response, result (correct |
 *   incorrect), latency, description;
 * - closing: session_time, exit "suspend" unless done ("normal"): only a suspended attempt
 *   resumes with its suspend_data.
 * @module tracking/scorm2004
 */
import { scorm2004Response } from "./responses.js";

/**
 * A duration as ISO 8601, e.g. "PT1H2M3S" (fractions of seconds to two digits).
 * @param {number} ms
 * @returns {string}
 */
export function scorm2004Time(ms) {
  const centis = Math.max(0, Math.round(ms / 10));
  const seconds = Math.floor(centis / 100);
  const rest = centis % 100;
  const s = rest ? `${seconds % 60}.${String(rest).padStart(2, "0")}` : String(seconds % 60);
  return `PT${Math.floor(seconds / 3600)}H${Math.floor(seconds / 60) % 60}M${s}S`;
}

/**
 * A timestamp as SCORM 2004 wants it: "YYYY-MM-DDThh:mm:ss.ssZ" (UTC; the time zone may only
 * follow a fraction of a second, which has at most two digits).
 */
export function scorm2004Timestamp(date) {
  return date.toISOString().slice(0, 22) + "Z";
}

/** A tour text as localized_string_type: "{lang=mn}text", at most 250 characters of text. */
export function localizedString(local) {
  const text = (local.text || "").replace(/\s+/g, " ").trim().slice(0, 250);
  return local.lang ? `{lang=${local.lang}}${text}` : text;
}

function measure(value) {
  return String(Math.round(Math.max(0, Math.min(1, value)) * 1000) / 1000);
}

/** @type {import("./scorm-session.js").ScormDialect} */
export const SCORM2004 = {
  name: "scorm2004",
  limit: 64000,
  journal: false,
  calls: { initialize: "Initialize", getValue: "GetValue", setValue: "SetValue",
           commit: "Commit", finish: "Terminate", lastError: "GetLastError", errorString: "GetErrorString" },
  opening(get) {
    const status = get("cmi.completion_status");
    const mode = get("cmi.mode") || "normal";
    const scaled = parseFloat(get("cmi.scaled_passing_score"));
    const info = {
      suspendData: get("cmi.suspend_data"),
      learner: { id: get("cmi.learner_id"), name: get("cmi.learner_name") },
      passMark: Number.isFinite(scaled) && scaled >= 0 && scaled <= 1 ? Math.round(scaled * 1000) / 10 : null,
      mode,
      entry: get("cmi.entry"),
    };
    const fresh = status === "" || status === "not attempted" || status === "unknown";
    return { set: fresh && mode === "normal" ? [["cmi.completion_status", "incomplete"]] : [], info };
  },
  snapshot(snapshot, objective) {
    const values = [["cmi.suspend_data", snapshot.suspendData]];
    if (snapshot.location) values.push(["cmi.location", snapshot.location]);
    if (snapshot.mode !== "normal") return values;
    const { progress } = snapshot;
    values.push(["cmi.progress_measure", measure(progress.measure)]);
    values.push(["cmi.completion_status", progress.completed ? "completed" : "incomplete"]);
    if (progress.score) {
      const { percent } = progress.score;
      values.push(["cmi.score.min", "0"], ["cmi.score.max", "100"], ["cmi.score.raw", String(percent)],
        ["cmi.score.scaled", String(percent / 100)]);
    }
    if (progress.passed !== null) values.push(["cmi.success_status", progress.passed ? "passed" : "failed"]);
    for (const quiz of snapshot.quizzes) {
      if (!quiz.started) continue;
      const prefix = objective(quiz.objective);
      if (!prefix) continue;
      if (quiz.scorePercent !== null) {
        values.push([`${prefix}.score.min`, "0"], [`${prefix}.score.max`, "100"],
          [`${prefix}.score.raw`, String(quiz.scorePercent)], [`${prefix}.score.scaled`, String(quiz.scorePercent / 100)]);
      }
      if (quiz.passed !== null) values.push([`${prefix}.success_status`, quiz.passed ? "passed" : "failed"]);
      values.push([`${prefix}.completion_status`, quiz.finished ? "completed" : "incomplete"],
        [`${prefix}.progress_measure`, measure(quiz.measure)]);
      if (quiz.description) values.push([`${prefix}.description`, localizedString(quiz.description)]);
    }
    return values;
  },
  interaction(prefix, interaction) {
    const formatted = scorm2004Response(interaction.question, interaction.answer);
    const values = [
      [`${prefix}.id`, interaction.id],
      [`${prefix}.type`, formatted.type],
      [`${prefix}.objectives.0.id`, interaction.objective],
      [`${prefix}.timestamp`, scorm2004Timestamp(interaction.timestamp)],
    ];
    if (formatted.pattern) values.push([`${prefix}.correct_responses.0.pattern`, formatted.pattern]);
    values.push(
      [`${prefix}.weighting`, String(interaction.weighting)],
      [`${prefix}.learner_response`, formatted.response],
      [`${prefix}.result`, interaction.correct ? "correct" : "incorrect"],
      [`${prefix}.latency`, scorm2004Time(interaction.latencyMs)],
      [`${prefix}.description`, localizedString(interaction.description)],
    );
    return values;
  },
  closing: (elapsedMs, done) => [
    ["cmi.session_time", scorm2004Time(elapsedMs)],
    ["cmi.exit", done ? "normal" : "suspend"],
  ],
};
