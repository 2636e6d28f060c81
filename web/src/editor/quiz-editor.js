/**
 * The quiz editor, a panel of the editor page: the tour's quizzes (add, rename, delete), the
 * chosen quiz's settings and questions of every kind (quiz/quiz-form.js and the modules per
 * kind), the region of "find it" questions on the live panorama (quiz/region-overlay.js), and
 * the tour's completion rule (quiz/completion.js).
 *
 * Every edit goes through `state.change(label, mutate)`, so undo, redo and autosave see it.
 * A save the server refuses (422) leaves the document as it is; its problems are shown next to
 * the fields they concern, and so are the check's findings after each save.
 * @module editor/quiz-editor
 */
import "./quiz-editor.css";
import { el, uniqueId } from "../player/dom.js";
import { renderCompletion } from "./quiz/completion.js";
import { confirmDeleteQuiz, quizDialog } from "./quiz/dialogs.js";
import { button } from "./quiz/fields.js";
import { criteriaOf, hotspotsOpening, languagesOf, newQuiz, renameQuizId, textOf } from "./quiz/model.js";
import { isQuizPath, problemPath, showProblems } from "./quiz/problems.js";
import { renderQuizForm } from "./quiz/quiz-form.js";
import { RegionOverlay, viewerParts } from "./quiz/region-overlay.js";
import { quizStrings } from "./quiz/strings.js";

/** Milliseconds after a save before the check runs (a burst of saves makes one check). */
const CHECK_DELAY = 1000;

/**
 * Mount the quiz editor.
 * @param {import("./state.js").EditorState} state
 * @param {HTMLElement} element The panel's element.
 * @param {{viewer?: Object, api: Object, strings?: Object, language: string, mediaUrl?: function(string): string}} context
 * @returns {QuizEditor}
 */
export function mount(state, element, context) {
  const editor = new QuizEditor(state, element, context || {});
  editor.render();
  return editor;
}

/** The panel: re-renders on changes it did not make itself while typing. */
export class QuizEditor {
  constructor(state, element, context) {
    this.state = state;
    this.element = element;
    this.context = context;
    this.t = quizStrings(context.language);
    this.selectedQuiz = null;
    this.problems = [];
    this.findings = [];
    this.quiet = 0;
    this.focusKey = null;
    this.lastKind = "single";
    this.checkTimer = 0;
    this.stale = false;
    this.announcer = el("p", { class: "tb-visually-hidden", role: "status", "aria-live": "polite" });
    this.overlay = new RegionOverlay({
      viewer: () => this.context.viewer,
      t: this.t,
      commit: (label, mutate) => this.commit(label, mutate),
      document: () => this.state.document,
      announce: (text) => this.announce(text),
      showScene: (scene) => {
        if (this.state.selection && this.state.selection.scene !== scene) this.state.select({ scene });
      },
    });
    element.classList.add("tbq");
    element.setAttribute("data-panel", "quizzes");
    state.on("change", () => {
      if (element.hidden) {
        // Another tab is shown: render when this one is shown again.
        this.stale = true;
        return;
      }
      if (this.quiet) {
        this.overlay.refresh();
        this.refreshTitles();
        return;
      }
      this.render();
    });
    state.on("saved", () => {
      this.problems = [];
      this.renderProblems();
      this.scheduleCheck();
    });
    state.on("error", (detail) => {
      const error = detail && detail.error;
      if (!error || error.status !== 422) return;
      this.problems = (error.problems || []).map((p) => ({ path: problemPath(p), message: p.message || "" }));
      this.renderProblems();
    });
    state.on("select", (detail) => {
      const quiz = detail && detail.selection && detail.selection.quiz;
      const doc = this.state.document;
      if (quiz && quiz !== this.selectedQuiz && doc && doc.quizzes && doc.quizzes[quiz]) {
        this.selectedQuiz = quiz;
        this.render();
      }
    });
    // The check runs while the panel is shown (it is a tab): now, and whenever it is shown again.
    // Hidden, the panel stops showing (and drawing) a region: clicks on the panorama then belong to other panels.
    if (typeof MutationObserver === "function") {
      new MutationObserver(() => {
        if (element.hidden && this.overlay.target) {
          this.overlay.hide();
          this.render();
        } else if (!element.hidden && this.stale) {
          this.render();
        }
        this.scheduleCheck();
      }).observe(element, { attributes: true, attributeFilter: ["hidden"] });
    }
    if (state.document) this.scheduleCheck();
  }

  // ---- changes ------------------------------------------------------------

  /**
   * Change the document (see EditorState#change); a change that cannot be made (its quiz or
   * question is gone) is said and nothing changes.
   * @returns {boolean} Whether the document changed.
   */
  commit(label, mutate) {
    try {
      return this.state.change(label, mutate);
    } catch (err) {
      this.announce(err && err.message ? err.message : String(err));
      return false;
    }
  }

  /** Run commits the panel does not re-render for (see fields.js quietly). */
  quietly(fn) {
    this.quiet += 1;
    try {
      fn();
    } finally {
      this.quiet -= 1;
    }
  }

  announce(text) {
    this.announcer.textContent = "";
    this.announcer.textContent = text;
  }

  /** The panel's context for the forms (see fields.js FieldContext). */
  _ctx(doc) {
    const parts = () => viewerParts(this.context.viewer);
    const editor = this;
    return {
      t: this.t,
      lang: this.context.language || "mn",
      languages: languagesOf(doc),
      doc,
      overlay: this.overlay,
      get lastKind() {
        return editor.lastKind;
      },
      set lastKind(kind) {
        editor.lastKind = kind;
      },
      commit: (label, mutate) => this.commit(label, mutate),
      quietly: (fn) => this.quietly(fn),
      rerender: () => this.render(),
      announce: (text) => this.announce(text),
      focusAfter: (key) => {
        this.focusKey = key;
        this.restoreFocus(null);
      },
      upload: (file) => this.upload(file),
      mediaUrl: (key) => this.mediaUrl(key),
      currentScene: () => {
        const p = parts();
        const scenes = (this.state.document && this.state.document.scenes) || {};
        if (p && p.player.sceneId && scenes[p.player.sceneId]) return p.player.sceneId;
        const selected = this.state.selection && this.state.selection.scene;
        return selected && scenes[selected] ? selected : Object.keys(scenes)[0] || "";
      },
      view: () => {
        const p = parts();
        return p ? (p.edit ? p.edit.getView() : p.player.getView()) : null;
      },
      lookAt: (yaw, pitch) => {
        const p = parts();
        if (p) p.player.lookAt(yaw, pitch);
      },
    };
  }

  /** Upload a picture through the media API: {key, info}. */
  async upload(file) {
    const form = new FormData();
    form.append("file", file, file.name);
    // A key of its own: the server would otherwise store a picture of the same name over another.
    const media = (this.state.document && this.state.document.media) || {};
    const name = file.name.toLowerCase().replace(/[^a-z0-9._-]+/g, "-").replace(/^[-.]+|[-.]+$/g, "") || "picture.jpg";
    const dot = name.lastIndexOf(".");
    const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ""];
    let key = `media/${name}`;
    for (let n = 2; Object.prototype.hasOwnProperty.call(media, key); n += 1) key = `media/${stem}-${n}${ext}`;
    form.append("key", key);
    const { body } = await this.context.api.upload(`/tours/${encodeURIComponent(this.state.tourId)}/media`, form);
    if (!body || !body.key || !body.info) throw new Error("no key");
    return { key: body.key, info: body.info };
  }

  /** The URL of a media file of the document (the app serves them by content hash). */
  mediaUrl(key) {
    if (typeof this.context.mediaUrl === "function") return this.context.mediaUrl(key);
    const info = this.state.document && this.state.document.media && this.state.document.media[key];
    if (!info) return null;
    const dot = key.lastIndexOf(".");
    return `/media/${info.sha256}${dot > key.lastIndexOf("/") ? key.slice(dot).toLowerCase() : ""}`;
  }

  // ---- the check ----------------------------------------------------------

  scheduleCheck() {
    clearTimeout(this.checkTimer);
    if (this.element.hidden || !this.element.isConnected) return;
    this.checkTimer = setTimeout(() => this.runCheck(), CHECK_DELAY);
  }

  async runCheck() {
    const api = this.context.api;
    if (!api || typeof api.post !== "function") return;
    try {
      const { body } = await api.post(`/tours/${encodeURIComponent(this.state.tourId)}/check`, {});
      this.findings = ((body && body.findings) || []).filter((f) => isQuizPath(f.path));
    } catch (err) {
      return; // the check is a help; without it the editor works the same
    }
    this.renderProblems();
  }

  // ---- rendering ----------------------------------------------------------

  render() {
    this.stale = false;
    const doc = this.state.document;
    const root = this.element;
    const active = document.activeElement;
    const focus = active && root.contains(active) && active.getAttribute("data-key")
      ? { key: active.getAttribute("data-key"), start: active.selectionStart, end: active.selectionEnd }
      : null;
    const scroll = root.scrollTop;
    while (root.firstChild) root.removeChild(root.firstChild);
    const t = this.t;
    const headingId = uniqueId("tbq-heading");
    root.append(el("h2", { id: headingId, class: "tbq-heading", tabindex: "-1", text: t("panel") }), this.announcer);
    if (!doc) return;
    const quizzes = doc.quizzes || {};
    if (!this.selectedQuiz || !quizzes[this.selectedQuiz]) this.selectedQuiz = Object.keys(quizzes)[0] || null;
    const ctx = this._ctx(doc);
    this.summary = el("div", { class: "tbq-summary", role: "alert", "data-role": "quiz-problems" });
    root.append(this.summary, el("div", { class: "tbq-layout" }, [this.renderList(doc), this.renderQuiz(ctx)]), renderCompletion(ctx));
    this.overlay.refresh();
    this.renderProblems();
    root.scrollTop = scroll;
    this.restoreFocus(focus);
  }

  restoreFocus(focus) {
    const key = this.focusKey || (focus && focus.key);
    this.focusKey = null;
    if (!key) return;
    let node = this.element.querySelector(`[data-key="${cssEscape(key)}"]`);
    if (node && node.disabled) {
      const tools = node.parentElement;
      node = tools ? Array.from(tools.querySelectorAll("button")).find((b) => !b.disabled) || null : null;
    }
    if (!node) return;
    node.focus({ preventScroll: true });
    if (focus && focus.key === key && typeof focus.start === "number" && typeof node.setSelectionRange === "function") {
      try {
        node.setSelectionRange(focus.start, focus.end);
      } catch (err) {
        // number inputs have no selection
      }
    }
  }

  renderList(doc) {
    const t = this.t;
    const lang = this.context.language || "mn";
    const headingId = uniqueId("tbq-list");
    const ids = Object.keys(doc.quizzes || {});
    const list = el("ul", { class: "tbq-quiz-list", "aria-labelledby": headingId });
    for (const id of ids) {
      const quiz = doc.quizzes[id];
      const current = id === this.selectedQuiz;
      const choose = button(`${textOf(quiz.title, lang) || t("untitled")} (${id})`, {
        class: "tbq-button tbq-quiz-list__item", "aria-current": current ? "true" : null, "data-key": `quiz-list#${id}`, "data-quiz": id, "data-quiz-title": id,
      }, () => {
        this.selectedQuiz = id;
        this.overlay.hide();
        this.render();
      });
      list.appendChild(el("li", {}, [
        choose,
        el("span", { class: "tbq-quiz-list__count", text: t("questionCount", { n: (quiz.questions || []).length }) }),
      ]));
    }
    return el("div", { class: "tbq-list" }, [
      el("h3", { id: headingId, text: t("quizzes") }),
      ids.length ? list : el("p", { class: "tbq-help", text: t("noQuizzes") }),
      button(t("addQuiz"), { "data-key": "quiz-list#add", "data-action": "add-quiz" }, () => this.addQuiz()),
    ]);
  }

  renderQuiz(ctx) {
    const id = this.selectedQuiz;
    if (!id) return el("div", { class: "tbq-quiz" });
    const quiz = ctx.doc.quizzes[id];
    const t = this.t;
    const headingId = uniqueId("tbq-quiz");
    return el("section", { class: "tbq-quiz", "aria-labelledby": headingId, "data-path": `quizzes.${id}`, "data-quiz-id": id }, [
      el("div", { class: "tbq-quiz__head" }, [
        el("h3", { id: headingId, "data-quiz-title": id, text: t("quizHeading", { title: textOf(quiz.title, ctx.lang) || id }) }),
        el("div", { class: "tbq-tools" }, [
          button(t("renameQuiz"), { "data-key": `quizzes.${id}#rename`, "data-action": "rename-quiz" }, () => this.renameQuiz(id)),
          button(t("deleteQuiz"), { "data-key": `quizzes.${id}#delete`, "data-action": "delete-quiz" }, () => this.deleteQuiz(id)),
        ]),
      ]),
      ...renderQuizForm(ctx, id),
    ]);
  }

  /** After a quiet change: the quiz's name where it is shown besides the field being typed in. */
  refreshTitles() {
    const doc = this.state.document;
    if (!doc) return;
    const lang = this.context.language || "mn";
    for (const node of this.element.querySelectorAll("[data-quiz-title]")) {
      const id = node.getAttribute("data-quiz-title");
      const quiz = doc.quizzes && doc.quizzes[id];
      if (!quiz) continue;
      const title = textOf(quiz.title, lang);
      node.textContent = node.hasAttribute("data-quiz")
        ? `${title || this.t("untitled")} (${id})`
        : this.t("quizHeading", { title: title || id });
    }
  }

  /** Put the problems and findings next to their fields; the rest into the summary. */
  renderProblems() {
    const root = this.element;
    const doc = this.state.document;
    if (!doc || !this.summary) return;
    for (const node of root.querySelectorAll(".tbq-problem:not(.tbq-problem--local)")) {
      if (this.summary.contains(node)) continue;
      const field = node.parentElement;
      node.remove();
      const control = field && field.querySelector("[aria-invalid='true']");
      if (control && !field.querySelector(".tbq-problem--local:not([hidden])")) control.removeAttribute("aria-invalid");
      if (control) {
        const described = (control.getAttribute("aria-describedby") || "").split(" ").filter((d) => d && document.getElementById(d));
        if (described.length) control.setAttribute("aria-describedby", described.join(" "));
        else control.removeAttribute("aria-describedby");
      }
    }
    const mine = this.problems.filter((p) => isQuizPath(p.path));
    const left = showProblems(root, mine.concat(this.findings), doc);
    while (this.summary.firstChild) this.summary.removeChild(this.summary.firstChild);
    const errors = left.filter((p) => !p.level);
    if (mine.length) this.summary.appendChild(el("p", { class: "tbq-summary__title", text: this.t("problemsTitle", { n: mine.length }) }));
    if (errors.length) {
      this.summary.appendChild(el("ul", {}, errors.map((p) =>
        el("li", { text: this.t("problemElsewhere", { path: p.path || "—", message: p.message }) }))));
    }
  }

  // ---- quizzes ------------------------------------------------------------

  async addQuiz() {
    const doc = this.state.document;
    const result = await quizDialog({ t: this.t, languages: languagesOf(doc), taken: Object.keys(doc.quizzes || {}), quiz: null });
    if (!result) return;
    const changed = this.commit(this.t("addQuiz"), (d) => {
      d.quizzes = d.quizzes || {};
      d.quizzes[result.id] = newQuiz(result.title);
      // The first quiz of a tour whose rule asks for one becomes its final quiz.
      const completion = d.completion || {};
      if (criteriaOf(completion.rule).has("quiz") && !(completion.quiz && d.quizzes[completion.quiz])) {
        d.completion = Object.assign({}, completion, { quiz: result.id });
      }
    });
    if (!changed) return;
    this.selectedQuiz = result.id;
    this.focusKey = `quizzes.${result.id}.title#${languagesOf(doc)[0]}`;
    this.render();
  }

  async renameQuiz(id) {
    const doc = this.state.document;
    const quiz = doc.quizzes[id];
    const result = await quizDialog({
      t: this.t, languages: languagesOf(doc), taken: Object.keys(doc.quizzes).filter((k) => k !== id), quiz: { id, title: quiz.title || {} },
    });
    if (!result) return;
    this.overlay.hide();
    this.commit(this.t("renameQuiz"), (d) => {
      renameQuizId(d, id, result.id);
      d.quizzes[result.id].title = result.title;
    });
    this.selectedQuiz = result.id;
    this.focusKey = `quizzes.${result.id}#rename`;
    this.render();
  }

  async deleteQuiz(id) {
    const doc = this.state.document;
    const quiz = doc.quizzes[id];
    const confirmed = await confirmDeleteQuiz({
      t: this.t,
      title: textOf(quiz.title, this.context.language) || id,
      questions: (quiz.questions || []).length,
      spots: hotspotsOpening(doc, id),
    });
    if (!confirmed) return;
    this.overlay.hide();
    this.commit(this.t("deleteQuiz"), (d) => {
      delete d.quizzes[id];
      if (d.completion && d.completion.quiz === id) delete d.completion.quiz;
    });
    this.selectedQuiz = null;
    this.focusKey = "quiz-list#add";
    this.render();
  }
}

/** CSS.escape where there is one (keys hold only ids, dots, '#' and '-'). */
function cssEscape(text) {
  return typeof CSS !== "undefined" && CSS.escape ? CSS.escape(text) : String(text).replace(/["\\]/g, "\\$&");
}
