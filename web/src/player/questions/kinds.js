/**
 * What each question kind means, without any DOM (also imported by the tests in Node):
 * its answer's shape, whether an answer is complete and right, its right answer, and the
 * learner's own order of choices (seeded shuffle).
 *
 * Answers (JSON values, as the quiz state keeps them):
 * - `single`, and `picture` without `multiple`: the chosen choice's id (a string) or null;
 * - `multiple`, and `picture` with `multiple`: the chosen choices' ids, in author order;
 * - `true_false`: true or false, or null;
 * - `find`: `{yaw, pitch}` (pointed at in the panorama) or `{place: id}` (chosen from the
 *   list of places, the keyboard way), or null;
 * - `order`: the items' ids in the learner's order, or null (not touched yet).
 * @module questions/kinds
 */
import { regionContains } from "./region.js";

/** The question kinds the player knows (the model's QUESTION_KINDS). */
export const KINDS = ["single", "multiple", "true_false", "picture", "find", "order"];

/**
 * Whether several choices may be chosen.
 * @param {Object} question
 * @returns {boolean}
 */
export function isMultiple(question) {
  return question.kind === "multiple" || (question.kind === "picture" && !!question.multiple);
}

/** The question's options in author order: choices, places or items. */
export function optionsOf(question) {
  if (question.kind === "find") return question.places || [];
  if (question.kind === "order") return question.items || [];
  return question.choices || [];
}

function ids(list) {
  return list.map((o) => o.id);
}

/**
 * An answer cleaned for a question: unknown ids dropped, a single choice as one id, several
 * in author order; null when nothing is given.
 * @param {Object} question
 * @param {*} answer
 * @returns {*}
 */
export function normaliseAnswer(question, answer) {
  if (answer === undefined || answer === null) return null;
  switch (question.kind) {
    case "single":
    case "multiple":
    case "picture": {
      const known = ids(question.choices || []);
      const chosen = new Set(Array.isArray(answer) ? answer : typeof answer === "string" ? [answer] : []);
      const inOrder = known.filter((id) => chosen.has(id));
      if (isMultiple(question)) return inOrder.length ? inOrder : null;
      return inOrder.length === 1 ? inOrder[0] : null;
    }
    case "true_false":
      return typeof answer === "boolean" ? answer : null;
    case "find": {
      if (typeof answer !== "object") return null;
      if (typeof answer.place === "string") {
        return ids(question.places || []).includes(answer.place) ? { place: answer.place } : null;
      }
      if (Number.isFinite(answer.yaw) && Number.isFinite(answer.pitch)) {
        return { yaw: answer.yaw, pitch: Math.max(-90, Math.min(90, answer.pitch)) };
      }
      return null;
    }
    case "order": {
      const known = ids(question.items || []);
      if (!Array.isArray(answer) || answer.length !== known.length) return null;
      const given = new Set(answer);
      return given.size === known.length && known.every((id) => given.has(id)) ? answer.slice() : null;
    }
    default:
      return null;
  }
}

/**
 * Whether an answer is given (complete enough to be checked).
 * @param {Object} question
 * @param {*} answer
 * @returns {boolean}
 */
export function isAnswered(question, answer) {
  return normaliseAnswer(question, answer) !== null;
}

/**
 * The right answer, in the shape of an answer (for `find`: the right place, or null).
 * @param {Object} question
 * @returns {*}
 */
export function rightAnswer(question) {
  switch (question.kind) {
    case "single":
    case "multiple":
    case "picture": {
      const right = (question.choices || []).filter((c) => c.correct).map((c) => c.id);
      return isMultiple(question) ? right : right.length === 1 ? right[0] : right;
    }
    case "true_false":
      return !!question.answer;
    case "find": {
      const place = (question.places || []).find((p) => regionContains(question.region || [], p.yaw, p.pitch));
      return place ? { place: place.id } : null;
    }
    case "order":
      return ids(question.items || []);
    default:
      return null;
  }
}

/**
 * Whether an answer is right: the chosen set equals the right set; the statement's truth; the
 * pointed direction (or the chosen place) lies inside the region; the items in author order.
 * @param {Object} question
 * @param {*} answer
 * @returns {boolean}
 */
export function isCorrect(question, answer) {
  const given = normaliseAnswer(question, answer);
  if (given === null) return false;
  switch (question.kind) {
    case "single":
    case "multiple":
    case "picture": {
      const chosen = new Set(Array.isArray(given) ? given : [given]);
      const choices = question.choices || [];
      return choices.length > 0 && choices.every((c) => Boolean(c.correct) === chosen.has(c.id));
    }
    case "true_false":
      return given === !!question.answer;
    case "find": {
      const point = given.place ? (question.places || []).find((p) => p.id === given.place) : given;
      return !!point && regionContains(question.region || [], point.yaw, point.pitch);
    }
    case "order":
      return given.every((id, index) => id === question.items[index].id);
    default:
      return false;
  }
}

// ---- the learner's own order --------------------------------------------------------------

/** A 32-bit hash of a string (FNV-1a). */
export function hash32(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** mulberry32: a small seeded generator of numbers in [0, 1). */
function generator(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The same list in an order fixed by `seed` and `salt` (Fisher-Yates).
 * @template T
 * @param {T[]} list
 * @param {number} seed The learner's seed (kept in the resume state).
 * @param {string} salt E.g. "quiz/question".
 * @returns {T[]}
 */
export function seededShuffle(list, seed, salt) {
  const out = list.slice();
  const next = generator((seed ^ hash32(salt)) >>> 0);
  for (let i = out.length - 1; i > 0; i -= 1) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/**
 * The options as the learner sees them: author order, or the learner's own when the quiz
 * shuffles (never for true/false). An order question always starts shuffled, and never in the
 * right order.
 * @param {Object} quiz
 * @param {string} quizId
 * @param {Object} question
 * @param {number} seed
 * @returns {Object[]}
 */
export function displayOrder(quiz, quizId, question, seed) {
  const options = optionsOf(question);
  if (question.kind === "order") {
    const shuffled = seededShuffle(options, seed, `${quizId}/${question.id}`);
    const same = shuffled.every((item, index) => item === options[index]);
    return same && shuffled.length > 1 ? shuffled.slice(1).concat(shuffled.slice(0, 1)) : shuffled;
  }
  if (question.kind === "true_false" || !quiz.shuffle) return options.slice();
  return seededShuffle(options, seed, `${quizId}/${question.id}`);
}
