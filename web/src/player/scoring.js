/**
 * Scoring and the state of a quiz, without any DOM (also imported by the tests in Node).
 *
 * A question earns all its points or none: only a right answer (see questions/kinds.js)
 * earns them. The state of one quiz is
 *
 *     {attempt, best, questions: {[questionId]: {answer, tries, checked}}}
 *
 * `attempt` counts the attempts started (1 = the first), `best` is the most points earned
 * by a finished attempt (null: none finished yet), `tries` how many times the question was
 * checked in this attempt, `checked` whether `answer` is the answer last checked (a changed
 * answer waits for its check). A question is final once its checked answer is right or its
 * tries are used up (the quiz's `tries`; 0: no limit); a quiz attempt is finished once every
 * question is final.
 * @module scoring
 */
import { isAnswered, isCorrect, normaliseAnswer } from "./questions/kinds.js";

/**
 * @typedef {Object} QuestionResult
 * @property {string} id The question's id.
 * @property {boolean} correct Whether the answer is right.
 * @property {number} points The question's points.
 * @property {number} earned Points earned (all or nothing).
 * @property {boolean} answered Whether an answer is given.
 * @property {*} answer The answer, normalised.
 */

/**
 * @typedef {Object} QuizResult
 * @property {number} earned
 * @property {number} total
 * @property {number} scorePercent round(100 · earned / total); 100 when no question has points.
 * @property {boolean} passed scorePercent ≥ the pass mark.
 * @property {QuestionResult[]} questions
 */

/**
 * Score one question.
 * @param {Object} question A tour question.
 * @param {*} answer The answer (see questions/kinds.js; for choice questions an iterable of
 *   chosen ids is accepted too).
 * @returns {QuestionResult}
 */
export function scoreQuestion(question, answer) {
  if (answer && typeof answer !== "string" && !Array.isArray(answer) && typeof answer[Symbol.iterator] === "function") {
    answer = Array.from(answer);
  }
  const points = question.points === undefined ? 1 : question.points;
  const correct = isCorrect(question, answer);
  return {
    id: question.id,
    correct,
    points,
    earned: correct ? points : 0,
    answered: isAnswered(question, answer),
    answer: normaliseAnswer(question, answer),
  };
}

/**
 * Percent of points: round(100 · earned / total), 100 when no question has points.
 * @param {number} earned
 * @param {number} total
 * @returns {number}
 */
export function percentOf(earned, total) {
  return total > 0 ? Math.max(0, Math.min(100, Math.round((100 * earned) / total))) : 100;
}

/**
 * Score a whole quiz.
 * @param {Object} quiz A tour quiz ({questions}).
 * @param {Object<string, *>} answers Answers by question id.
 * @param {number} passMark Percent needed to pass.
 * @returns {QuizResult}
 */
export function scoreQuiz(quiz, answers, passMark) {
  const questions = (quiz.questions || []).map((q) => scoreQuestion(q, answers[q.id]));
  const total = questions.reduce((sum, r) => sum + r.points, 0);
  const earned = questions.reduce((sum, r) => sum + r.earned, 0);
  const scorePercent = percentOf(earned, total);
  return { earned, total, scorePercent, passed: scorePercent >= passMark, questions };
}

/** Total points of a quiz. */
export function totalPoints(quiz) {
  return (quiz.questions || []).reduce((sum, q) => sum + (q.points === undefined ? 1 : q.points), 0);
}

// ---- state ---------------------------------------------------------------------------------

/** A quiz's state before anything is done. */
export function emptyQuizState() {
  return { attempt: 1, best: null, questions: {} };
}

/** The state of one question (a fresh one when there is none). */
export function questionState(state, questionId) {
  return (state && state.questions[questionId]) || { answer: null, tries: 0, checked: false };
}

/**
 * Where a question stands.
 * @param {Object} quiz
 * @param {Object} question
 * @param {Object} state The quiz's state.
 * @returns {{final: boolean, correct: boolean, checked: boolean, tries: number, triesLeft: number}}
 *   `triesLeft` is Infinity without a limit.
 */
export function questionStatus(quiz, question, state) {
  const qs = questionState(state, question.id);
  const limit = quiz.tries === undefined ? 1 : quiz.tries;
  const checked = qs.checked && qs.tries > 0;
  const correct = checked && isCorrect(question, qs.answer);
  const triesLeft = limit > 0 ? Math.max(0, limit - qs.tries) : Infinity;
  return { final: checked && (correct || triesLeft === 0), correct, checked, tries: qs.tries, triesLeft };
}

/** Whether every question of the attempt is final. */
export function attemptFinished(quiz, state) {
  return (quiz.questions || []).every((q) => questionStatus(quiz, q, state).final);
}

/** How many questions of the attempt are final. */
export function finalCount(quiz, state) {
  return (quiz.questions || []).filter((q) => questionStatus(quiz, q, state).final).length;
}

/** The answers of the attempt, by question id. */
export function answersOf(state) {
  const answers = {};
  for (const [id, qs] of Object.entries((state && state.questions) || {})) answers[id] = qs.answer;
  return answers;
}

/**
 * Record a check of a question's current answer (a draft set with {@link setAnswer}).
 * Nothing happens to a final question, or without an answer.
 * @returns {boolean} Whether the check counted.
 */
export function checkQuestion(quiz, question, state) {
  const status = questionStatus(quiz, question, state);
  const qs = questionState(state, question.id);
  if (status.final || !isAnswered(question, qs.answer)) return false;
  state.questions[question.id] = { answer: normaliseAnswer(question, qs.answer), tries: qs.tries + 1, checked: true };
  return true;
}

/** Change a question's answer (not once it is final). @returns {boolean} Whether it changed. */
export function setAnswer(quiz, question, state, answer) {
  if (questionStatus(quiz, question, state).final) return false;
  const qs = questionState(state, question.id);
  state.questions[question.id] = { answer: normaliseAnswer(question, answer), tries: qs.tries, checked: false };
  return true;
}

/**
 * Keep the best finished attempt: call when an attempt has just finished.
 * @returns {QuizResult} The finished attempt's result.
 */
export function recordAttempt(quiz, state, passMark) {
  const result = scoreQuiz(quiz, answersOf(state), passMark);
  if (state.best === null || result.earned > state.best) state.best = result.earned;
  return result;
}

/** How many attempts may still be started (Infinity without a limit). */
export function attemptsLeft(quiz, state) {
  const limit = quiz.attempts || 0;
  return limit > 0 ? Math.max(0, limit - state.attempt) : Infinity;
}

/** Start a new attempt: answers cleared, the best result kept. @returns {boolean} */
export function newAttempt(quiz, state) {
  if (attemptsLeft(quiz, state) <= 0) return false;
  state.attempt += 1;
  state.questions = {};
  return true;
}

/**
 * The best result so far.
 * @returns {{earned: number, total: number, scorePercent: number, passed: boolean}|null}
 */
export function bestResult(quiz, state, passMark) {
  if (!state || state.best === null || state.best === undefined) return null;
  const total = totalPoints(quiz);
  const scorePercent = percentOf(state.best, total);
  return { earned: state.best, total, scorePercent, passed: scorePercent >= passMark };
}

/**
 * Whether a quiz is done with: passed, or failed with no attempt left.
 */
export function quizSettled(quiz, state, passMark) {
  const best = bestResult(quiz, state, passMark);
  return !!best && (best.passed || (attemptFinished(quiz, state) && attemptsLeft(quiz, state) === 0));
}
