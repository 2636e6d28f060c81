/**
 * The tour's completion rule, evaluated (no DOM; also imported by the tests in Node).
 *
 * `completion.rule` is "quiz", "visit", "hotspots", "visit_and_quiz" or a list of the criteria
 * "visit", "hotspots", "quiz" that must all hold:
 * - visit: at least ceil(visit_share · scenes) scenes visited;
 * - hotspots: every hotspot of `completion.hotspots` ("scene/hotspot") opened;
 * - quiz: an attempt of the final quiz finished (its success is passed or failed).
 *
 * The tour is completed when every criterion holds. Success is the final quiz's best result
 * against the pass mark; a rule without the quiz has nothing to fail, so it is passed once
 * completed (the packages then carry no pass mark: see tourbuilder/export/scorm_manifest.py).
 * @module progress
 */
import { bestResult, finalCount } from "./scoring.js";

/** The criteria, in the order they are shown. */
export const CRITERIA = ["visit", "hotspots", "quiz"];

/**
 * The rule as a list of criteria.
 * @param {Object} completion The tour's `completion`.
 * @returns {string[]}
 */
export function criteriaOf(completion) {
  const rule = (completion && completion.rule) || "quiz";
  const wanted = Array.isArray(rule) ? rule : rule === "visit_and_quiz" ? ["visit", "quiz"] : [rule];
  return CRITERIA.filter((c) => wanted.includes(c));
}

/** The final quiz's id: completion.quiz, else the first quiz (null without quizzes). */
export function finalQuizId(tour) {
  const completion = tour.completion || {};
  if (completion.quiz && (tour.quizzes || {})[completion.quiz]) return completion.quiz;
  return Object.keys(tour.quizzes || {})[0] || null;
}

/** The tour's pass mark in percent (completion.pass_mark, default 80). */
export function tourPassMark(tour) {
  const mark = (tour.completion || {}).pass_mark;
  return typeof mark === "number" ? mark : 80;
}

/**
 * A quiz's own pass mark: the final quiz's is the tour's (or the LMS's, `override`); another
 * quiz's is its `pass_mark`, else the tour's.
 */
export function quizPassMark(tour, quizId, override) {
  const tourMark = typeof override === "number" ? override : tourPassMark(tour);
  if (quizId === finalQuizId(tour)) return tourMark;
  const quiz = (tour.quizzes || {})[quizId];
  return quiz && typeof quiz.pass_mark === "number" ? quiz.pass_mark : tourMark;
}

/** How many scenes must be visited. */
export function scenesNeeded(tour) {
  const total = Object.keys(tour.scenes || {}).length;
  const share = typeof (tour.completion || {}).visit_share === "number" ? tour.completion.visit_share : 1;
  return Math.min(total, Math.ceil(total * share - 1e-9));
}

/**
 * @typedef {Object} Progress
 * @property {Array<Object>} criteria One entry per criterion: `{kind, done, have, need}`, and for
 *   the quiz `{quiz, finished, passed, scorePercent, answered, total}`.
 * @property {number} measure 0 to 1 (1 only when completed): the mean of the criteria's shares.
 * @property {boolean} completed Every criterion holds.
 * @property {boolean|null} passed The final quiz's best against the pass mark once an attempt is
 *   finished (rules with the quiz); true once completed (rules without); else null.
 * @property {{percent: number, earned: number, total: number}|null} score The final quiz's best.
 */

/**
 * Evaluate the completion rule.
 * @param {Object} tour
 * @param {{visited: Set<string>, seen: Set<string>, quizzes: Object<string, Object>}} state
 * @param {{passMark?: number}} [options] `passMark`: the LMS's mastery score, in percent.
 * @returns {Progress}
 */
export function evaluate(tour, state, options) {
  const override = options && typeof options.passMark === "number" ? options.passMark : undefined;
  const completion = tour.completion || {};
  const criteria = [];
  let sum = 0;
  let score = null;
  let quizPassed = null;
  for (const kind of criteriaOf(completion)) {
    if (kind === "visit") {
      const need = scenesNeeded(tour);
      const have = Object.keys(tour.scenes || {}).filter((id) => state.visited.has(id)).length;
      criteria.push({ kind, done: have >= need, have: Math.min(have, need), need });
      sum += need > 0 ? Math.min(1, have / need) : 1;
    } else if (kind === "hotspots") {
      const refs = completion.hotspots || [];
      const have = refs.filter((ref) => state.seen.has(ref)).length;
      criteria.push({ kind, done: have >= refs.length, have, need: refs.length });
      sum += refs.length ? have / refs.length : 1;
    } else {
      const quizId = finalQuizId(tour);
      const quiz = quizId ? tour.quizzes[quizId] : null;
      const qstate = quizId ? state.quizzes[quizId] : null;
      const best = quiz && qstate ? bestResult(quiz, qstate, quizPassMark(tour, quizId, override)) : null;
      const total = quiz ? (quiz.questions || []).length : 0;
      const answered = quiz && qstate ? finalCount(quiz, qstate) : 0;
      const finished = !!best;
      criteria.push({
        kind, quiz: quizId, done: finished, finished, passed: best ? best.passed : null,
        scorePercent: best ? best.scorePercent : null, answered, total, have: answered, need: total,
      });
      sum += finished ? 1 : total ? answered / total : 0;
      if (best) {
        score = { percent: best.scorePercent, earned: best.earned, total: best.total };
        quizPassed = best.passed;
      }
    }
  }
  const completed = criteria.every((c) => c.done);
  const mean = criteria.length ? sum / criteria.length : 1;
  const measure = completed ? 1 : Math.min(0.99, Math.round(mean * 1000) / 1000);
  const hasQuiz = criteria.some((c) => c.kind === "quiz");
  const passed = hasQuiz ? quizPassed : completed ? true : null;
  return { criteria, measure, completed, passed, score };
}
