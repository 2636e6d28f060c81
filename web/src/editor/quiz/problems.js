/**
 * Problems next to the fields they concern: the model's validation problems (a refused save,
 * 422, `{path, message}`) and the check's findings (`{level, path, message}`). Paths come as
 * `quizzes.final.questions[0].choices[1].text` (the model) or `quizzes.final.questions.q1`
 * (the check, by question id); both are read as segments, list entries by index or by id,
 * and shown at the deepest field `[data-path]` of the panel that contains them.
 * @module editor/quiz/problems
 */
import { el, uniqueId } from "../../player/dom.js";

/** Lists whose entries the check names by id. */
const LISTS = ["questions", "choices", "places", "items"];

/**
 * A path as segments with list entries as indexes.
 * @param {string} path
 * @param {Object} doc The document the path is about.
 * @returns {string[]}
 */
export function pathSegments(path, doc) {
  const parts = String(path || "")
    .replace(/\[(\d+)\]/g, ".$1")
    .split(".")
    .filter((p) => p !== "");
  const out = [];
  let node = doc;
  for (let i = 0; i < parts.length; i += 1) {
    let part = parts[i];
    const list = i > 0 && LISTS.includes(parts[i - 1]) && Array.isArray(node) ? node : null;
    if (list && !/^\d+$/.test(part)) {
      const index = list.findIndex((entry) => entry && entry.id === part);
      if (index >= 0) part = String(index);
    }
    out.push(part);
    node = node && typeof node === "object" ? node[part] : undefined;
  }
  return out;
}

/**
 * A problem's path, read from its message when the server gave none (the model's messages
 * start with their place: "quizzes.q.questions[0].region is required but missing").
 * @param {{path?: string, message?: string}} problem
 * @returns {string}
 */
export function problemPath(problem) {
  if (problem.path) return problem.path;
  const message = String(problem.message || "");
  const found = /^([a-z0-9_][a-z0-9_.[\]-]*)(?:: | is required)/.exec(message) || /^unknown key '[^']*' at ([a-z0-9_][a-z0-9_.[\]-]*)/.exec(message);
  return found ? found[1] : "";
}

/** Whether a path is the quiz panel's: quizzes and the completion rule. */
export function isQuizPath(path) {
  return /^(quizzes|completion)(\.|\[|$)/.test(String(path || ""));
}

/** The message without the path in front (the model's messages start with their place). */
function bare(problem) {
  const message = String(problem.message || "");
  const path = String(problem.path || "");
  return path && message.startsWith(`${path}: `) ? message.slice(path.length + 2) : message;
}

/**
 * Show problems in a panel.
 * @param {HTMLElement} root The panel.
 * @param {Array<{path: string, message: string, level?: string}>} problems
 * @param {Object} doc
 * @returns {Array<Object>} The problems no field of the panel could take (for a summary).
 */
export function showProblems(root, problems, doc) {
  const fields = new Map();
  for (const node of root.querySelectorAll("[data-path]")) {
    const path = node.getAttribute("data-path");
    if (!fields.has(path)) fields.set(path, node);
  }
  const left = [];
  for (const problem of problems) {
    const segments = pathSegments(problem.path, doc);
    let target = null;
    for (let k = segments.length; k > 0 && !target; k -= 1) target = fields.get(segments.slice(0, k).join(".")) || null;
    if (!target) {
      left.push(problem);
      continue;
    }
    const warning = problem.level === "warning";
    const note = el("p", {
      class: `tbq-problem ${warning ? "tbq-problem--warning" : ""} ${problem.level ? "tbq-problem--finding" : ""}`.trim(),
      id: uniqueId("tbq-problem"),
      "data-problem-path": problem.path,
      text: bare(problem),
    });
    target.appendChild(note);
    const control = target.querySelector("input, select, textarea");
    if (control) {
      if (!warning) control.setAttribute("aria-invalid", "true");
      const described = control.getAttribute("aria-describedby");
      control.setAttribute("aria-describedby", described ? `${described} ${note.id}` : note.id);
    }
  }
  return left;
}
