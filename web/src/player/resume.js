/**
 * The resume state and its compact text form (no DOM; also imported by the tests in Node).
 *
 * The state of a learner's visit:
 *
 *     {seq, scene, view: {yaw, pitch, fov}, lang, visited: Set<sceneId>,
 *      seen: Set<"scene/hotspot">, seed, quizzes: {[quizId]: quiz state (scoring.js)},
 *      completedOn: day number|null}
 *
 * `seq` counts the commits (the newest copy wins between the LMS's and the device's), `seed`
 * fixes the learner's order of shuffled choices. The text form fits SCORM 1.2's 4096
 * characters for tours far larger than 40 scenes and 60 questions. It uses only the
 * characters A-Z a-z 0-9 - . _ ~ , : and is, section by section (joined by "~"):
 *
 *     T1               format version
 *     <fp>             the tour's fingerprint (4 base-36 digits of a hash of its scene, hotspot,
 *                      quiz and question ids): a state of another tour, or of a tour changed
 *                      since, is not used
 *     n<seq>           commit counter
 *     s<scene>         index of the current scene in tour order
 *     w<yaw>,<pitch>,<fov>   the view, whole degrees
 *     l<lang>          index of the language in tour.languages
 *     v<bits>          visited scenes (bit i = scene i), base64url, 6 bits a character, low bit first
 *     h<bits>          opened hotspots (every hotspot of the tour, in order)
 *     r<seed>          shuffle seed
 *     d<day>           the day the tour was completed (days since 1970-01-01), once it is
 *     q<quiz>:<attempt>:<best>:<question>.<question>…   one per quiz with any state: the quiz's
 *                      index, the attempt number, the best points (empty: none), and per question
 *                      (in author order) its tries (decimal), "x" when the answer is the one
 *                      checked, then the answer: s<i> one choice, m<mask> several (bit i =
 *                      choice i), t / f, p<yaw>,<pitch> a pointed direction (tenths of a
 *                      degree), c<i> a place, o<i><i>… an order of items; nothing for none
 *
 * Integers are base 36 (with "-" for negative numbers) except tries; choice, place and item
 * indexes are one base-36 digit (a question has at most 36 options).
 * @module resume
 */
import { hash32 } from "./questions/kinds.js";

const VERSION = "T1";
const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** SCORM 1.2's limit of cmi.suspend_data. */
export const SCORM12_LIMIT = 4096;

/** A fresh state for a tour. */
export function emptyState(tour, seed) {
  return {
    seq: 0,
    scene: null,
    view: null,
    lang: null,
    visited: new Set(),
    seen: new Set(),
    seed: seed === undefined ? Math.floor(Math.random() * 2147483647) : seed,
    quizzes: {},
    completedOn: null,
  };
}

/** Every hotspot of the tour as "scene/hotspot", in tour order. */
export function hotspotRefs(tour) {
  const refs = [];
  for (const [sceneId, scene] of Object.entries(tour.scenes || {})) {
    for (const spot of scene.hotspots || []) refs.push(`${sceneId}/${spot.id}`);
  }
  return refs;
}

function optionCount(q) {
  return (q.choices || q.places || q.items || []).length;
}

/** The tour's fingerprint: 4 base-36 digits. */
export function fingerprint(tour) {
  const parts = [Object.keys(tour.scenes || {}).join(","), hotspotRefs(tour).join(",")];
  for (const [quizId, quiz] of Object.entries(tour.quizzes || {})) {
    parts.push(quizId + ":" + (quiz.questions || []).map((q) => `${q.id}/${q.kind}/${optionCount(q)}`).join(","));
  }
  return (hash32(parts.join("|")) % 1679616).toString(36).padStart(4, "0");
}

function int36(n) {
  return Math.round(n).toString(36);
}

function parseInt36(text) {
  if (!/^-?[0-9a-z]+$/.test(text)) throw new Error(`not a number: ${text}`);
  return parseInt(text, 36);
}

function encodeBits(flags) {
  let last = flags.length - 1;
  while (last >= 0 && !flags[last]) last -= 1;
  let out = "";
  for (let i = 0; i <= last; i += 6) {
    let v = 0;
    for (let b = 0; b < 6; b += 1) if (flags[i + b]) v |= 1 << b;
    out += B64[v];
  }
  return out;
}

function decodeBits(text, count) {
  const flags = new Array(count).fill(false);
  for (let c = 0; c < text.length; c += 1) {
    const v = B64.indexOf(text[c]);
    if (v < 0) throw new Error("bad bits");
    for (let b = 0; b < 6; b += 1) if (v & (1 << b) && c * 6 + b < count) flags[c * 6 + b] = true;
  }
  return flags;
}

function indexOfId(list, id) {
  return list.findIndex((o) => o.id === id);
}

function encodeAnswer(q, answer) {
  if (answer === null || answer === undefined) return "";
  switch (q.kind) {
    case "true_false":
      return answer ? "t" : "f";
    case "find":
      if (typeof answer.place === "string") {
        const i = indexOfId(q.places || [], answer.place);
        return i >= 0 ? "c" + i.toString(36) : "";
      }
      return `p${int36(answer.yaw * 10)},${int36(answer.pitch * 10)}`;
    case "order":
      return "o" + answer.map((id) => indexOfId(q.items, id).toString(36)).join("");
    default: {
      const choices = q.choices || [];
      if (Array.isArray(answer)) {
        let mask = 0;
        for (const id of answer) {
          const i = indexOfId(choices, id);
          if (i >= 0) mask += 2 ** i;
        }
        return "m" + mask.toString(36);
      }
      const i = indexOfId(choices, answer);
      return i >= 0 ? "s" + i.toString(36) : "";
    }
  }
}

/** The answer marks each question kind writes (a damaged text must not give a kind another's answer). */
const MARKS = { single: "s", multiple: "m", true_false: "tf", find: "pc", order: "o" };

function decodeAnswer(q, text) {
  if (!text) return null;
  const mark = text[0];
  const body = text.slice(1);
  const choices = q.choices || [];
  const marks = q.kind === "picture" ? (q.multiple ? "m" : "s") : MARKS[q.kind] || "";
  if (!marks.includes(mark)) throw new Error(`answer ${text} is not one of a ${q.kind} question`);
  const at = (list, digit) => {
    const item = list[parseInt36(digit)];
    if (!item || digit.length !== 1) throw new Error("bad index");
    return item.id;
  };
  switch (mark) {
    case "s":
      return at(choices, body);
    case "m": {
      let mask = parseInt36(body);
      const ids = [];
      for (let i = 0; i < choices.length && mask > 0; i += 1) {
        if (mask % 2 === 1) ids.push(choices[i].id);
        mask = Math.floor(mask / 2);
      }
      return ids;
    }
    case "t":
      return true;
    case "f":
      return false;
    case "c":
      return { place: at(q.places || [], body) };
    case "p": {
      const [yaw, pitch] = body.split(",").map(parseInt36);
      if (!Number.isFinite(yaw) || !Number.isFinite(pitch)) throw new Error("bad point");
      return { yaw: yaw / 10, pitch: pitch / 10 };
    }
    case "o": {
      const ids = Array.from(body).map((digit) => at(q.items || [], digit));
      if (new Set(ids).size !== ids.length) throw new Error("an item twice");
      return ids;
    }
    default:
      throw new Error(`unknown answer ${text}`);
  }
}

function encodeQuiz(quiz, qstate, keepDrafts) {
  const tokens = (quiz.questions || []).map((q) => {
    const s = qstate.questions[q.id];
    if (!s) return "";
    const answer = s.checked || keepDrafts ? s.answer : null;
    if (!s.tries && (answer === null || answer === undefined)) return "";
    return `${s.tries || 0}${s.checked ? "x" : ""}${encodeAnswer(q, answer)}`;
  });
  while (tokens.length && tokens[tokens.length - 1] === "") tokens.pop();
  const best = qstate.best === null || qstate.best === undefined ? "" : int36(qstate.best);
  return `${int36(qstate.attempt || 1)}:${best}:${tokens.join(".")}`;
}

function quizHasState(qstate) {
  return !!qstate && (qstate.attempt > 1 || (qstate.best !== null && qstate.best !== undefined)
    || Object.values(qstate.questions || {}).some((s) => s.tries || s.answer !== null));
}

/**
 * The state as text.
 * @param {Object} tour
 * @param {Object} state
 * @param {{limit?: number, keepSeen?: function(string): boolean}} [options] `limit`: the most
 *   characters (e.g. {@link SCORM12_LIMIT}); when the full state is longer, unchecked answers are
 *   left out first, then opened hotspots that `keepSeen` does not keep, then every question's
 *   answers (the quizzes' best results stay).
 * @returns {string}
 */
export function encodeState(tour, state, options) {
  const limit = (options && options.limit) || Infinity;
  const keepSeen = (options && options.keepSeen) || (() => true);
  const attempts = [
    { drafts: true, seen: () => true, answers: true },
    { drafts: false, seen: () => true, answers: true },
    { drafts: false, seen: keepSeen, answers: true },
    { drafts: false, seen: keepSeen, answers: false },
  ];
  let text = "";
  for (const how of attempts) {
    text = encodeWith(tour, state, how);
    if (text.length <= limit) return text;
  }
  return text;
}

function encodeWith(tour, state, how) {
  const sceneIds = Object.keys(tour.scenes || {});
  const parts = [VERSION, fingerprint(tour), "n" + int36(state.seq || 0)];
  const sceneIndex = sceneIds.indexOf(state.scene);
  if (sceneIndex >= 0) parts.push("s" + int36(sceneIndex));
  if (state.view) parts.push(`w${int36(state.view.yaw)},${int36(state.view.pitch)},${int36(state.view.fov)}`);
  const langIndex = (tour.languages || []).indexOf(state.lang);
  if (langIndex >= 0) parts.push("l" + int36(langIndex));
  parts.push("v" + encodeBits(sceneIds.map((id) => state.visited.has(id))));
  const refs = hotspotRefs(tour);
  const seen = encodeBits(refs.map((ref) => state.seen.has(ref) && how.seen(ref)));
  if (seen) parts.push("h" + seen);
  parts.push("r" + int36(state.seed || 0));
  if (Number.isFinite(state.completedOn)) parts.push("d" + int36(state.completedOn));
  Object.keys(tour.quizzes || {}).forEach((quizId, index) => {
    const qstate = state.quizzes[quizId];
    if (!quizHasState(qstate)) return;
    const kept = how.answers ? qstate : Object.assign({}, qstate, { questions: {} });
    parts.push(`q${int36(index)}:${encodeQuiz(tour.quizzes[quizId], kept, how.drafts)}`);
  });
  return parts.join("~");
}

/**
 * The state from its text; null when the text is empty, damaged, of another format, or of
 * another (or a since changed) tour.
 * @param {Object} tour
 * @param {string} text
 * @returns {Object|null}
 */
export function decodeState(tour, text) {
  if (typeof text !== "string" || !text.startsWith(VERSION + "~")) return null;
  try {
    const parts = text.split("~");
    if (parts[1] !== fingerprint(tour)) return null;
    const sceneIds = Object.keys(tour.scenes || {});
    const quizIds = Object.keys(tour.quizzes || {});
    const state = emptyState(tour, 0);
    for (const part of parts.slice(2)) {
      const key = part[0];
      const body = part.slice(1);
      if (key === "n") state.seq = parseInt36(body);
      else if (key === "s") state.scene = sceneIds[parseInt36(body)] || null;
      else if (key === "w") {
        const [yaw, pitch, fov] = body.split(",").map(parseInt36);
        if ([yaw, pitch, fov].every(Number.isFinite)) state.view = { yaw, pitch, fov };
      } else if (key === "l") state.lang = (tour.languages || [])[parseInt36(body)] || null;
      else if (key === "v") {
        decodeBits(body, sceneIds.length).forEach((on, i) => on && state.visited.add(sceneIds[i]));
      } else if (key === "h") {
        const refs = hotspotRefs(tour);
        decodeBits(body, refs.length).forEach((on, i) => on && state.seen.add(refs[i]));
      } else if (key === "r") state.seed = parseInt36(body);
      else if (key === "d") state.completedOn = parseInt36(body);
      else if (key === "q") {
        const fields = body.split(":");
        if (fields.length !== 4) throw new Error("bad quiz");
        const [index, attempt, best, tokens] = fields;
        const quizId = quizIds[parseInt36(index)];
        if (!quizId) throw new Error("unknown quiz");
        const quiz = tour.quizzes[quizId];
        const qstate = { attempt: parseInt36(attempt), best: best === "" ? null : parseInt36(best), questions: {} };
        (tokens ? tokens.split(".") : []).forEach((token, i) => {
          const q = (quiz.questions || [])[i];
          if (!q) throw new Error("too many questions");
          if (!token) return;
          const m = /^(\d+)(x?)(.*)$/.exec(token);
          if (!m) throw new Error("bad question");
          const entry = { tries: Number(m[1]), checked: m[2] === "x", answer: decodeAnswer(q, m[3]) };
          // The encoder writes nothing for an untried question without an answer: such a token is damage.
          if (!entry.tries && entry.answer === null) throw new Error("empty question");
          qstate.questions[q.id] = entry;
        });
        state.quizzes[quizId] = qstate;
      } else throw new Error(`unknown section ${part}`);
    }
    return state;
  } catch (err) {
    return null;
  }
}
