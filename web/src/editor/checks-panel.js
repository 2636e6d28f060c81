/**
 * The checks panel: after every save (and on demand, with the unsaved document) it asks the
 * server to check the tour (POST /api/tours/<id>/check) and lists the findings, each with a
 * button that selects the scene, hotspot or question concerned, and each scene's bandwidth
 * budget on a slow mobile link, with a warning when a scene takes longer than the threshold.
 * @module editor/checks-panel
 */
import "./checks-panel.css";
import { button, clear, el, localText, uniqueId } from "./dom.js";
import { translator } from "./narration-strings.js";

/**
 * What a finding's path points at, as an editor selection: {scene, hotspot?} or {quiz, question?}
 * (with the current scene kept), or null.
 * @param {string} path e.g. "scenes.mill.hotspots.to-yard", "quizzes.final.questions.q1.choices"
 * @param {Object} doc
 * @param {Object} current The current selection.
 */
export function selectionForPath(path, doc, current) {
  const parts = String(path || "").split(".");
  if (parts[0] === "scenes" && doc.scenes[parts[1]]) {
    const selection = { scene: parts[1] };
    const spots = doc.scenes[parts[1]].hotspots || [];
    if (parts[2] === "hotspots" && spots.some((h) => h.id === parts[3])) selection.hotspot = parts[3];
    return selection;
  }
  if (parts[0] === "quizzes" && doc.quizzes && doc.quizzes[parts[1]]) {
    const selection = { scene: current && current.scene, quiz: parts[1] };
    if (parts[2] === "questions" && parts[3]) selection.question = parts[3];
    return selection;
  }
  if (parts[0] === "start_scene" && doc.scenes[doc.start_scene]) return { scene: doc.start_scene };
  return null;
}

function kib(bytes) {
  return Math.round(bytes / 1024);
}

/**
 * Mount the panel.
 * @param {import("./state.js").EditorState} state
 * @param {HTMLElement} element
 * @param {{api: Object, language: string}} context
 */
export function mount(state, element, context) {
  const t = translator(context.language);
  const tourPath = `/tours/${encodeURIComponent(state.tourId)}`;
  const headingId = uniqueId("checks");
  const budgetId = uniqueId("budget");
  const summary = el("p", { class: "tbe-checks__summary", role: "status", "aria-live": "polite", "data-role": "check-summary" });
  const findings = el("ul", { class: "tbe-checks__findings", "data-role": "findings", "aria-labelledby": headingId });
  const budget = el("div", { class: "tbe-checks__budget", "data-role": "budget" });
  const run = button(t("checkNow"), () => check(true), "", { "data-role": "check-now" });
  element.classList.add("tbe-checks");
  element.setAttribute("aria-labelledby", headingId);
  element.append(el("div", { class: "tbe-checks__head" }, [el("h2", { id: headingId, text: t("checks") }), run]),
    summary, findings, el("h3", { id: budgetId, text: t("budget") }), budget);

  let asked = 0;

  function placeName(path, doc) {
    const parts = path.split(".");
    if (parts[0] === "scenes" && doc.scenes[parts[1]]) {
      const scene = doc.scenes[parts[1]];
      const name = localText(scene.title, context.language) || parts[1];
      const spot = parts[2] === "hotspots" && (scene.hotspots || []).find((h) => h.id === parts[3]);
      return spot ? `${name} › ${localText(spot.title, context.language) || spot.id}` : name;
    }
    return path;
  }

  function drawFindings(list, doc) {
    clear(findings);
    if (!list.length) {
      findings.appendChild(el("li", { class: "tbe-checks__none", text: t("noFindings") }));
      return;
    }
    const ordered = list.slice().sort((a, b) => (a.level === b.level ? 0 : a.level === "error" ? -1 : 1));
    for (const finding of ordered) {
      const target = selectionForPath(finding.path, doc, state.selection);
      const item = el("li", { class: `tbe-checks__finding tbe-checks__finding--${finding.level}`, "data-level": finding.level, "data-path": finding.path }, [
        el("span", { class: "tbe-checks__level", text: t(finding.level === "error" ? "error" : "warning") }),
        " ",
        el("span", { class: "tbe-checks__path", text: finding.path }),
        ": ",
        el("span", { class: "tbe-checks__message", text: finding.message }),
      ]);
      if (target) {
        item.append(" ", button(t("goTo", { place: placeName(finding.path, doc) }), () => state.select(target), "tbe-checks__go", { "data-role": "go-to" }));
      }
      findings.appendChild(item);
    }
  }

  function drawBudget(data, doc) {
    clear(budget);
    if (!data || !data.scenes) return;
    budget.appendChild(el("p", { class: "tbe-hint", text: t("budgetLink", { link: data.link.name, screen: data.link.screen.name }) }));
    const head = el("tr", {}, [t("scene"), t("size"), t("toSharp"), t("fromAnother")].map((text) => el("th", { scope: "col", text })));
    const rows = Object.keys(data.scenes).map((id) => {
      const scene = data.scenes[id];
      const title = (doc.scenes[id] && localText(doc.scenes[id].title, context.language)) || id;
      const name = el("th", { scope: "row" }, [button(title, () => state.select({ scene: id }), "tbe-checks__go")]);
      if (scene.bytes === null || scene.bytes === undefined) {
        return el("tr", { "data-scene": id }, [name, el("td", { colspan: 3, text: t("noNumbers", { note: scene.note || "" }) })]);
      }
      const cells = [
        name,
        el("td", { text: t("kib", { n: kib(scene.bytes) }) }),
        el("td", { text: t("seconds", { n: scene.seconds.toFixed(1) }) }),
        el("td", { text: `${t("kib", { n: kib(scene.arrival.bytes) })}, ${t("seconds", { n: scene.arrival.seconds.toFixed(1) })}` }),
      ];
      const row = el("tr", { "data-scene": id, "data-over": scene.over ? "true" : "false", class: scene.over ? "tbe-checks__over" : "" }, cells);
      if (scene.over) {
        cells[2].append(" ", el("strong", { class: "tbe-checks__warn", text: `⚠ ${t("overBudget", { limit: data.threshold_seconds })}` }));
      }
      return row;
    });
    budget.appendChild(el("table", { class: "tbe-checks__table", "aria-describedby": budgetId }, [
      el("thead", {}, [head]), el("tbody", {}, rows)]));
  }

  /**
   * Check the tour: the document as it is in the editor (`unsaved`), else the stored one.
   * @param {boolean} unsaved
   */
  async function check(unsaved) {
    const number = ++asked;
    const doc = state.document;
    summary.textContent = t("checking");
    element.setAttribute("aria-busy", "true");
    try {
      const payload = unsaved && state.dirty ? { document: doc } : {};
      const { body } = await context.api.post(`${tourPath}/check`, payload);
      if (number !== asked) return;
      const errors = body.findings.filter((f) => f.level === "error").length;
      const time = new Date().toLocaleTimeString(context.language === "mn" ? "mn-MN" : "en-GB");
      summary.textContent = t("checkedAt", { time, errors, warnings: body.findings.length - errors });
      element.dataset.errors = String(errors);
      drawFindings(body.findings, state.document);
      drawBudget(body.budget, state.document);
    } catch (error) {
      if (number !== asked) return;
      const problems = (error.problems || []).map((p) => (p.path ? `${p.path}: ${p.message}` : p.message));
      summary.textContent = t("checkFailed", { message: [error.message].concat(problems).join(" ") });
    } finally {
      if (number === asked) element.removeAttribute("aria-busy");
    }
  }

  state.on("saved", () => check(false));
  state.on("change", (event) => event && event.source === "load" && check(false));
  if (state.document) check(false);
  return { check };
}
