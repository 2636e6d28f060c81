/**
 * The quiz parts of a tour document as the editor changes them: new questions of each kind,
 * fresh ids, finding a quiz or question in a draft, local texts, and the completion rule as a
 * set of criteria. No DOM here.
 * @module editor/quiz/model
 */

/** The question kinds, in the order the "add question" list offers them (the model's). */
export const KINDS = ["single", "multiple", "true_false", "picture", "find", "order"];

/** The model's Identifier. */
export const ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/** The completion criteria in the model's order. */
export const CRITERIA = ["visit", "hotspots", "quiz"];

/** The most choices, places or items (the model's MAX_CHOICES). */
export const MAX_OPTIONS = 36;

/**
 * An id from `base` that is not in `taken` (base, base-2, base-3…).
 * @param {string} base
 * @param {Iterable<string>} taken
 * @returns {string}
 */
export function freshId(base, taken) {
  const used = new Set(taken);
  const clean = slug(base) || "item";
  if (!used.has(clean)) return clean;
  for (let n = 2; ; n += 1) {
    const id = `${clean.slice(0, 60)}-${n}`;
    if (!used.has(id)) return id;
  }
}

/**
 * An id made of a text: lower case, Latin letters and digits, words joined by "-".
 * @param {string} text
 * @returns {string} May be empty (e.g. for a Cyrillic text).
 */
export function slug(text) {
  return String(text || "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 64)
    .replace(/-+$/, "");
}

/** "a", "b", … "z", then "a1"…: the next free choice id. */
function nextLetterId(list) {
  const taken = new Set(list.map((o) => o.id));
  const letters = "abcdefghijklmnopqrstuvwxyz";
  for (const letter of letters) if (!taken.has(letter)) return letter;
  return freshId("choice", taken);
}

/** The letter a choice is shown with (A, B, …), by its position. */
export function letterOf(index) {
  const letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  return index < letters.length ? letters[index] : String(index + 1);
}

/**
 * A new empty option of a list: a choice (id "a", "b"…), a place ("place-1"…) or a step ("step-1"…).
 * @param {"choice"|"place"|"item"} what
 * @param {Object[]} list The list it will join (for a fresh id).
 * @param {Object} [extra] More keys (e.g. yaw, pitch of a place).
 * @returns {Object}
 */
export function newOption(what, list, extra) {
  const taken = list.map((o) => o.id);
  const id = what === "choice" ? nextLetterId(list) : freshId(`${what === "place" ? "place" : "step"}-${list.length + 1}`, taken);
  return Object.assign({ id, text: {} }, extra || {});
}

/**
 * A new question of a kind, as complete as the kind allows without the author's words:
 * two choices, two steps, "true"; a "find" question on `scene` with no region yet.
 * @param {string} kind
 * @param {Object[]} questions The quiz's questions (for a fresh id).
 * @param {{scene?: string}} [where]
 * @returns {Object}
 */
export function newQuestion(kind, questions, where) {
  const id = freshId(`q${questions.length + 1}`, questions.map((q) => q.id));
  const base = { id, kind, prompt: {}, points: 1 };
  switch (kind) {
    case "single":
    case "multiple":
      return Object.assign(base, { choices: [{ id: "a", text: {} }, { id: "b", text: {} }] });
    case "true_false":
      return Object.assign(base, { answer: true });
    case "picture":
      // Pictures are required: the document is incomplete (and says so) until both are chosen.
      return Object.assign(base, { choices: [{ id: "a", text: {} }, { id: "b", text: {} }] });
    case "find":
      return Object.assign(base, { scene: (where && where.scene) || "", region: [], places: [] });
    case "order":
      return Object.assign(base, { items: [{ id: "step-1", text: {} }, { id: "step-2", text: {} }] });
    default:
      throw new Error(`unknown question kind ${kind}`);
  }
}

/**
 * A new quiz with one single-choice question (the model wants at least one question).
 * @param {Object} title LocalText.
 * @returns {Object}
 */
export function newQuiz(title) {
  return { title, questions: [newQuestion("single", [])] };
}

/**
 * The quiz `quizId` of a draft.
 * @throws {Error} When it is gone (e.g. deleted meanwhile): the change is then not made.
 */
export function quizIn(doc, quizId) {
  const quiz = doc.quizzes && Object.prototype.hasOwnProperty.call(doc.quizzes, quizId) ? doc.quizzes[quizId] : null;
  if (!quiz) throw new Error(`the quiz “${quizId}” is gone`);
  return quiz;
}

/** The question `questionId` of quiz `quizId` of a draft (throws when gone). */
export function questionIn(doc, quizId, questionId) {
  const question = (quizIn(doc, quizId).questions || []).find((q) => q.id === questionId);
  if (!question) throw new Error(`the question “${questionId}” is gone`);
  return question;
}

/** The option `id` of a list (choices, places, items) of a draft question (throws when gone). */
export function optionIn(list, id) {
  const option = (list || []).find((o) => o.id === id);
  if (!option) throw new Error(`“${id}” is gone`);
  return option;
}

/**
 * Set one language of a local text in place; an empty text removes the language.
 * @param {Object} map LocalText.
 * @param {string} lang
 * @param {string} value
 */
export function setText(map, lang, value) {
  const text = String(value || "").trim();
  if (text) map[lang] = text;
  else delete map[lang];
}

/**
 * Move an element of a list by `delta` places (in place).
 * @returns {boolean} Whether it moved.
 */
export function move(list, index, delta) {
  const to = index + delta;
  if (index < 0 || index >= list.length || to < 0 || to >= list.length) return false;
  const [item] = list.splice(index, 1);
  list.splice(to, 0, item);
  return true;
}

/**
 * The completion rule as the set of criteria it asks for.
 * @param {string|string[]|undefined} rule
 * @returns {Set<string>}
 */
export function criteriaOf(rule) {
  if (Array.isArray(rule)) return new Set(rule);
  if (rule === "visit_and_quiz") return new Set(["visit", "quiz"]);
  return new Set([rule || "quiz"]);
}

/**
 * A rule for a set of criteria: the old rule when it means the same, else one name, or the
 * list (in the model's order).
 * @param {Set<string>} criteria Not empty.
 * @param {string|string[]|undefined} old
 * @returns {string|string[]}
 */
export function ruleOf(criteria, old) {
  const same = (a, b) => a.size === b.size && [...a].every((c) => b.has(c));
  if (old !== undefined && same(criteriaOf(old), criteria)) return old;
  const list = CRITERIA.filter((c) => criteria.has(c));
  return list.length === 1 ? list[0] : list;
}

/**
 * Rename a quiz everywhere it is named: the quizzes map (keeping its place), quiz hotspots
 * and the completion's final quiz.
 * @param {Object} doc A draft.
 * @param {string} from
 * @param {string} to
 */
export function renameQuizId(doc, from, to) {
  if (from === to) return;
  const renamed = {};
  for (const [id, quiz] of Object.entries(doc.quizzes || {})) renamed[id === from ? to : id] = quiz;
  doc.quizzes = renamed;
  for (const scene of Object.values(doc.scenes || {})) {
    for (const spot of scene.hotspots || []) if (spot.kind === "quiz" && spot.quiz === from) spot.quiz = to;
  }
  if (doc.completion && doc.completion.quiz === from) doc.completion.quiz = to;
}

/**
 * The hotspots that open a quiz, as "scene/hotspot".
 * @param {Object} doc
 * @param {string} quizId
 * @returns {string[]}
 */
export function hotspotsOpening(doc, quizId) {
  const found = [];
  for (const [sceneId, scene] of Object.entries(doc.scenes || {})) {
    for (const spot of scene.hotspots || []) if (spot.kind === "quiz" && spot.quiz === quizId) found.push(`${sceneId}/${spot.id}`);
  }
  return found;
}

/**
 * A localised text in the wanted language, else the first there is.
 * @param {Object} map LocalText.
 * @param {string} lang
 * @returns {string}
 */
export function textOf(map, lang) {
  if (!map) return "";
  if (map[lang]) return map[lang];
  const first = Object.values(map).find((t) => t);
  return first || "";
}

/**
 * The tour's languages, Mongolian first (then in the tour's order).
 * @param {Object} doc
 * @returns {string[]}
 */
export function languagesOf(doc) {
  const languages = Array.isArray(doc.languages) && doc.languages.length ? doc.languages.slice() : ["mn", "en"];
  return languages.includes("mn") ? ["mn"].concat(languages.filter((l) => l !== "mn")) : languages;
}

/** Round an angle to 0.1°. */
export function round1(value) {
  return Math.round(value * 10) / 10;
}

/** Fold a yaw into [-180, 180) (the model's normalise_degrees). */
export function wrapYaw(yaw) {
  let folded = (yaw + 180) % 360;
  if (folded < 0) folded += 360;
  return round1(folded - 180);
}
