/**
 * A learner's answer in the formats of each standard (no DOM; also imported by the tests):
 * the interaction type, the learner's response and the right response's pattern.
 *
 * | question   | SCORM 1.2                         | SCORM 2004                   | xAPI / cmi5         |
 * |------------|-----------------------------------|------------------------------|---------------------|
 * | single, multiple, picture | choice: "a,c" (one character a-z, 0-9 per choice, by author order) | choice: "id[,]id" | choice: "id[,]id" |
 * | true_false | true-false: "t" / "f"             | true-false: "true" / "false" | true-false          |
 * | order      | sequencing: "c,a,b"               | sequencing: "id[,]id[,]id"   | sequencing          |
 * | find       | performance: "12.5,-3" (pointed yaw,pitch) or the place's character | other: "12.5,-3" or the place's id | other |
 * @module tracking/responses
 */
import { normaliseAnswer, rightAnswer } from "../questions/kinds.js";

/** SCORM 1.2 names the n-th option of a question by this character. */
export const SCORM12_LETTERS = "abcdefghijklmnopqrstuvwxyz0123456789";

function letter(list, id) {
  const index = list.findIndex((o) => o.id === id);
  return index >= 0 && index < SCORM12_LETTERS.length ? SCORM12_LETTERS[index] : "";
}

function asList(value) {
  if (value === null || value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function round1(n) {
  return String(Math.round(n * 10) / 10);
}

/**
 * @typedef {Object} Formatted
 * @property {string} type The interaction type.
 * @property {string} response The learner's response.
 * @property {string|null} pattern The right response (null when there is none to give).
 */

/**
 * SCORM 1.2 (`cmi.interactions.n.type`, `student_response`, `correct_responses.0.pattern`).
 * @param {Object} question
 * @param {*} answer
 * @returns {Formatted}
 */
export function scorm12Response(question, answer) {
  const given = normaliseAnswer(question, answer);
  const right = rightAnswer(question);
  switch (question.kind) {
    case "true_false":
      return { type: "true-false", response: given === null ? "" : given ? "t" : "f", pattern: right ? "t" : "f" };
    case "order":
      return {
        type: "sequencing",
        response: asList(given).map((id) => letter(question.items, id)).join(","),
        pattern: right.map((id) => letter(question.items, id)).join(","),
      };
    case "find": {
      const places = question.places || [];
      let response = "";
      if (given && given.place) response = letter(places, given.place);
      else if (given) response = `${round1(given.yaw)},${round1(given.pitch)}`;
      return { type: "performance", response, pattern: right ? letter(places, right.place) : null };
    }
    default: {
      const choices = question.choices || [];
      return {
        type: "choice",
        response: asList(given).map((id) => letter(choices, id)).join(","),
        pattern: asList(right).map((id) => letter(choices, id)).join(","),
      };
    }
  }
}

/**
 * SCORM 2004 (`cmi.interactions.n.type`, `learner_response`, `correct_responses.0.pattern`).
 * @param {Object} question
 * @param {*} answer
 * @returns {Formatted}
 */
export function scorm2004Response(question, answer) {
  const given = normaliseAnswer(question, answer);
  const right = rightAnswer(question);
  switch (question.kind) {
    case "true_false":
      return { type: "true-false", response: given === null ? "" : String(given), pattern: String(!!right) };
    case "order":
      return { type: "sequencing", response: asList(given).join("[,]"), pattern: right.join("[,]") };
    case "find": {
      let response = "";
      if (given && given.place) response = given.place;
      else if (given) response = `${round1(given.yaw)},${round1(given.pitch)}`;
      return { type: "other", response, pattern: right ? right.place : null };
    }
    default:
      return { type: "choice", response: asList(given).join("[,]"), pattern: asList(right).join("[,]") };
  }
}

/**
 * The xAPI activity definition and result response of a question (cmi.interaction activity).
 * @param {Object} question
 * @param {*} answer
 * @param {function(Object): Object} languageMap A tour text as an xAPI language map.
 * @returns {{definition: Object, response: string}}
 */
export function xapiInteraction(question, answer, languageMap) {
  const formatted = scorm2004Response(question, answer);
  const definition = {
    type: "http://adlnet.gov/expapi/activities/cmi.interaction",
    name: languageMap(question.prompt),
    interactionType: formatted.type,
  };
  if (formatted.pattern !== null) definition.correctResponsesPattern = [formatted.pattern];
  const component = (o) => ({ id: o.id, description: languageMap(o.text) });
  if (formatted.type === "choice") definition.choices = (question.choices || []).map(component);
  if (formatted.type === "sequencing") definition.choices = (question.items || []).map(component);
  return { definition, response: formatted.response };
}
