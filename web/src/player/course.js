/**
 * The tour as a course: quizzes, checkpoints and locked scenes, the completion rule shown as
 * progress, tracking and resume. One {@link Course} joins a {@link TourPlayer} (its events,
 * dialogs, toolbar and hotspot buttons) to a tracker (tracking/index.js).
 *
 * - Resume: on start the tracker's stored state (SCORM suspend_data, the cmi5 state document,
 *   or the device's copy) gives the scene, the view, the language, the visited scenes, the
 *   opened hotspots and every answer (resume.js). With an LMS the device keeps a copy too: when
 *   the LMS refused the last save, the newer device copy wins at the next launch.
 * - Commits: after every checked answer, scene change and opened hotspot, and when the page is
 *   hidden (`visibilitychange`); `pagehide` and the Finish button end the session. Never
 *   `unload`.
 * - An LMS that refuses a save is said once, plainly (notice "lmsError"); the device copy is
 *   kept and the save is tried again every {@link RETRY_MS} ms until it is accepted.
 * - Quizzes open from quiz hotspots, as checkpoints (a quiz whose `checkpoint` is the scene the
 *   learner leaves by a link to a later scene in tour order: asked until passed or its attempts
 *   are used up, then the learner goes on; going back is never stopped), for locked scenes (a link to a scene in a quiz's `unlocks` opens that quiz until
 *   it is passed) and, the final quiz, from the progress panel.
 *
 * The snapshot a tracker saves: `{suspendData, location, progress (progress.js), quizzes:
 * [{id, objective, description, started, finished, passed, scorePercent, measure}], mode,
 * done}`; an interaction: `{id: "<quiz>.<question>", objective: "quiz-<quiz>", question,
 * answer, correct, weighting, latencyMs, timestamp, description}`.
 * @module course
 */
import { openCertificate } from "./certificate.js";
import { courseLanguage, courseText } from "./course-strings.js";
import { el } from "./dom.js";
import { icon } from "./icons.js";
import { pick } from "./i18n.js";
import { criteriaOf, evaluate, finalQuizId, quizPassMark } from "./progress.js";
import { QuizView } from "./quiz.js";
import { startPointing } from "./questions/point.js";
import { decodeState, emptyState, encodeState } from "./resume.js";
import {
  attemptFinished,
  bestResult,
  emptyQuizState,
  finalCount,
  newAttempt,
  questionStatus,
  quizSettled,
  recordAttempt,
  setAnswer,
} from "./scoring.js";
import { LocalTracker, makeTracker } from "./tracking/index.js";
import { localKey, readLocal, writeLocal } from "./tracking/local.js";

/** Milliseconds between tries of a save the LMS refused. */
export const RETRY_MS = 15000;
/** The longest wait for an asynchronous LMS (cmi5) before the tour starts without it. */
export const START_TIMEOUT_MS = 15000;

function hasOwn(object, key) {
  return !!object && Object.prototype.hasOwnProperty.call(object, key);
}

/** A tour's quizzes, its progress and its tracking, joined to a player. */
export class Course {
  /** @param {import("./player.js").TourPlayer} player */
  constructor(player) {
    this.player = player;
    this.tour = player.tour;
    this.tracker = makeTracker(player.tracking, { win: player.options.trackingWindow || window, tour: this.tour });
    this.state = emptyState(this.tour);
    this.ready = false;
    this.finished = false;
    this.mode = "normal";
    this.passMarkOverride = null;
    this.learner = null;
    this.status = "none";
    this.localKey = null;
    this.errorShown = false;
    this.retryTimer = 0;
    /** Milliseconds before a refused save is tried again. */
    this.retryMs = RETRY_MS;
    this.current = null;
    this.pointing = null;
    this.bypass = null;
    this.progressButton = null;
    this._onVisibility = () => {
      if (document.visibilityState === "hidden") this.save();
    };
    // Leaving the page ends an LMS session; the device's progress is only saved (the page may
    // come back from the back-forward cache and go on).
    this._onPageHide = () => {
      if (this.tracker.kind === "local" || this.tracker.kind === "none") this.save();
      else this.finish({ navigate: false });
    };
    player.on("scenechange", ({ id }) => this._sceneChanged(id));
    player.on("hotspot", ({ id }) => this._hotspotOpened(id));
    player.on("languagechange", () => this._languageChanged());
  }

  // ---- start ---------------------------------------------------------------------------

  /**
   * Start tracking, then call `begin` with where the learner resumes (null: the start).
   * Synchronous for SCORM and the device; cmi5 waits for the LMS (at most START_TIMEOUT_MS).
   * @param {function({scene: string, view: Object}|null): void} begin
   */
  begin(begin) {
    const info = this.tracker.start();
    if (info && typeof info.then === "function") {
      if (typeof this.player._setLoading === "function") this.player._setLoading(true);
      let done = false;
      const go = (result) => {
        if (done) return;
        done = true;
        begin(this._started(result));
      };
      const timer = setTimeout(() => go({ status: "lms-failed" }), START_TIMEOUT_MS);
      info.then((result) => {
        clearTimeout(timer);
        go(result);
      }, () => {
        clearTimeout(timer);
        go({ status: "lms-failed" });
      });
      return;
    }
    begin(this._started(info));
  }

  _started(info) {
    const tour = this.tour;
    if (info.status === "lms-failed" && this.tracker.kind !== "local") {
      this.tracker = new LocalTracker(tour.id, "lms-failed");
      info = this.tracker.start();
    }
    this.status = info.status;
    this.mode = info.mode || "normal";
    this.passMarkOverride = typeof info.passMark === "number" ? info.passMark : null;
    this.learner = info.learner || null;
    if (info.status === "no-lms") this.player._addNotice("noLms");
    if (info.status === "lms-failed") this.player._addNotice("lmsFailed");
    let state = decodeState(tour, info.suspendData || "");
    if (["scorm12", "scorm2004", "cmi5"].includes(this.tracker.kind)) {
      this.localKey = localKey(tour.id, `${this.tracker.kind}:${(this.learner && this.learner.id) || "anonymous"}`);
      const local = readLocal(this.localKey);
      const copy = local && !local.synced ? decodeState(tour, local.data) : null;
      if (copy && (!state || copy.seq > state.seq)) state = copy;
    }
    if (state) this.state = state;
    for (const id of this.state.visited) this.player.visited.add(id);
    this.ready = true;
    document.addEventListener("visibilitychange", this._onVisibility);
    window.addEventListener("pagehide", this._onPageHide);
    this._buildProgressButton();
    const lang = state && state.lang ? state.lang : info.language;
    if (lang && lang !== this.player.language && !this.player.config.language) this.player.setLanguage(lang);
    this._updateProgress();
    const scene = state && state.scene && hasOwn(tour.scenes, state.scene) ? state.scene : null;
    if (!scene) return null;
    return { scene, view: state.view || undefined };
  }

  // ---- the learner's moves -------------------------------------------------------------

  _sceneChanged(id) {
    this.state.visited.add(id);
    this._updateLocks();
    this.save();
  }

  _hotspotOpened(id) {
    const scene = this.player.getScene();
    if (scene) this.state.seen.add(`${scene}/${id}`);
    this.save();
  }

  _languageChanged() {
    this.state.lang = this.player.language;
    this._updateLocks();
    this._updateProgress();
  }

  /**
   * Called by the player before a hotspot acts: a link to a locked scene opens the quiz that
   * unlocks it; leaving a scene whose checkpoint is not settled opens the checkpoint.
   * @param {Object} spot
   * @param {HTMLElement|null} button
   * @returns {boolean} Whether the course took over (the player then does nothing more).
   */
  intercept(spot, button) {
    if (!this.ready || spot.kind !== "scene" || !hasOwn(this.tour.scenes, spot.target)) return false;
    if (this.bypass === spot.id) {
      this.bypass = null;
      return false;
    }
    const target = spot.target;
    const goOn = (needsPass) => ({
      label: this._t("goOn", { scene: this._local(this.tour.scenes[target].title).text || target }),
      needsPass,
      go: () => {
        this.player.dialogs.close();
        this.bypass = spot.id;
        if (!this.player.activateHotspot(spot.id)) {
          this.bypass = null;
          this.player.loadScene(target);
        }
      },
    });
    const lock = this.lockOf(target);
    if (lock) {
      const scene = this._local(this.tour.scenes[target].title).text || target;
      this.openQuiz(lock, button, { lead: this._t("lockedLead", { scene }), goOn: goOn(true) });
      return true;
    }
    const here = this.player.getScene();
    const order = Object.keys(this.tour.scenes);
    const checkpoint = order.indexOf(target) > order.indexOf(here) ? this.checkpointOf(here) : null;
    if (checkpoint) {
      this.openQuiz(checkpoint, button, { lead: this._t("checkpointLead"), goOn: goOn(false) });
      return true;
    }
    return false;
  }

  /** The quiz that keeps a scene locked (not passed yet), or null. */
  lockOf(sceneId) {
    for (const [quizId, quiz] of Object.entries(this.tour.quizzes || {})) {
      if ((quiz.unlocks || []).includes(sceneId) && !this.quizPassed(quizId)) return quizId;
    }
    return null;
  }

  /** The checkpoint of a scene that is not settled yet (passed, or its attempts used up), or null. */
  checkpointOf(sceneId) {
    for (const [quizId, quiz] of Object.entries(this.tour.quizzes || {})) {
      if (quiz.checkpoint === sceneId && !quizSettled(quiz, this._quizState(quizId), this._passMark(quizId))) return quizId;
    }
    return null;
  }

  /** Whether a quiz has been passed (its best attempt reaches its pass mark). */
  quizPassed(quizId) {
    const quiz = this.tour.quizzes[quizId];
    const best = quiz ? bestResult(quiz, this._quizState(quizId), this._passMark(quizId)) : null;
    return !!best && best.passed;
  }

  // ---- quizzes -------------------------------------------------------------------------

  /**
   * Open a quiz in a dialog.
   * @param {string} quizId
   * @param {HTMLElement|null} [returnFocus]
   * @param {{lead?: string, goOn?: Object}} [extra]
   * @returns {boolean} Whether the quiz exists.
   */
  openQuiz(quizId, returnFocus, extra) {
    const quiz = (this.tour.quizzes || {})[quizId];
    if (!quiz) {
      console.warn(`tourbuilder: no quiz "${quizId}"`); // eslint-disable-line no-console
      return false;
    }
    const state = this._quizState(quizId);
    const lang = this.player.language;
    const view = new QuizView({
      quiz,
      quizId,
      state,
      seed: this.state.seed,
      passMark: this._passMark(quizId),
      lang,
      languages: this.player.languages,
      t: (key, params) => courseText(lang, key, params),
      mediaUrl: (key) => this.player._mediaUrl(key),
      lead: (extra && extra.lead) || null,
      goOn: (extra && extra.goOn) || null,
      canPoint: !!this.player.viewer,
      onChange: () => {},
      onCheck: (question, info) => this._checked(quizId, question, info),
      onRetake: () => {
        if (newAttempt(quiz, state)) this.save();
        view.show(0, { focus: "page" });
      },
      onPoint: (question) => this._point(quizId, question),
    });
    view.show(view.startPage());
    this.current = { quizId, view, returnFocus: returnFocus || null };
    this._showQuiz();
    return true;
  }

  _showQuiz(focus) {
    const { quizId, view, returnFocus } = this.current;
    const quiz = this.tour.quizzes[quizId];
    this.player.dialogs.open({
      title: this._local(quiz.title),
      content: [view.element],
      kind: "quiz",
      returnFocus,
      onClose: () => {
        if (!this.pointing && this.current && this.current.view === view) this.current = null;
      },
    });
    if (focus) view.show(view.page, { focus });
  }

  _checked(quizId, question, info) {
    const quiz = this.tour.quizzes[quizId];
    const state = this._quizState(quizId);
    const qs = state.questions[question.id];
    this.tracker.record({
      id: `${quizId}.${question.id}`,
      objective: `quiz-${quizId}`,
      question,
      answer: qs.answer,
      correct: info.correct,
      weighting: question.points === undefined ? 1 : question.points,
      latencyMs: info.latencyMs,
      timestamp: new Date(),
      description: this._local(question.prompt),
    });
    const final = questionStatus(quiz, question, state).final;
    if (final && attemptFinished(quiz, state)) {
      const result = recordAttempt(quiz, state, this._passMark(quizId));
      this.player._events.emit("quizfinished", {
        quiz: quizId, scorePercent: result.scorePercent, passed: result.passed, earned: result.earned, total: result.total,
      });
    }
    this.save();
    this._updateLocks();
  }

  /** Point at a "find it in the scene" answer: in the question's scene, then back. */
  _point(quizId, question) {
    const player = this.player;
    const quiz = this.tour.quizzes[quizId];
    const state = this._quizState(quizId);
    const back = { scene: player.getScene(), view: player.getView() };
    const away = question.scene && hasOwn(this.tour.scenes, question.scene) && question.scene !== back.scene;
    this.pointing = true;
    player.dialogs.close();
    const lang = player.language;
    const done = () => {
      const reopen = () => {
        this.pointing = null;
        if (this.current) this._showQuiz("pointed");
      };
      if (away) player.loadScene(back.scene, back.view).then(reopen, reopen);
      else reopen();
    };
    const begin = () => {
      this.pointing = startPointing(player, {
        prompt: this._local(question.prompt),
        lang,
        t: (key, params) => courseText(lang, key, params),
        onPoint: (direction) => {
          setAnswer(quiz, question, state, direction);
          done();
        },
        onCancel: done,
      });
    };
    if (away) player.loadScene(question.scene).then(begin, begin);
    else begin();
  }

  _quizState(quizId) {
    if (!this.state.quizzes[quizId]) this.state.quizzes[quizId] = emptyQuizState();
    return this.state.quizzes[quizId];
  }

  _passMark(quizId) {
    return quizPassMark(this.tour, quizId, this.passMarkOverride);
  }

  // ---- progress ------------------------------------------------------------------------

  /**
   * Where the learner stands (the completion rule evaluated).
   * @returns {import("./progress.js").Progress}
   */
  progress() {
    return evaluate(this.tour, this.state, { passMark: this.passMarkOverride === null ? undefined : this.passMarkOverride });
  }

  _buildProgressButton() {
    const toolbar = this.player.toolbar;
    if (!toolbar || !toolbar.actions || this.progressButton) return;
    this.progressFill = el("span", { class: "tb-progress-button__fill" });
    this.progressLabel = el("span", { class: "tb-button__text" });
    this.progressButton = el("button", {
      type: "button",
      class: "tb-button tb-progress-button",
      "data-action": "progress",
      "aria-haspopup": "dialog",
    }, [el("span", { class: "tb-progress-button__bar", "aria-hidden": "true" }, [this.progressFill]), this.progressLabel]);
    this.progressButton.addEventListener("click", () => this.openProgress());
    toolbar.actions.insertBefore(this.progressButton, toolbar.finishButton || null);
  }

  _updateProgress() {
    const progress = this.progress();
    if (progress.completed && !Number.isFinite(this.state.completedOn)) {
      this.state.completedOn = Math.floor(Date.now() / 86400000);
    }
    if (!this.progressButton) return progress;
    const percent = Math.round(progress.measure * 100);
    this.progressFill.style.width = `${percent}%`;
    const lang = this.player.language;
    this.progressLabel.textContent = `${percent}%`;
    this.progressButton.setAttribute("aria-label", `${courseText(lang, "progress")}: ${courseText(lang, "progressValue", { percent })}`);
    this.progressButton.setAttribute("data-percent", String(percent));
    this.progressButton.setAttribute("data-completed", String(progress.completed));
    return progress;
  }

  /** Open the progress panel: the rule's criteria, the quizzes, the certificate. */
  openProgress() {
    const progress = this._updateProgress();
    const lang = this.player.language;
    const t = (key, params) => courseText(lang, key, params);
    const percent = Math.round(progress.measure * 100);
    const valueId = `tb-progress-value`;
    const content = [];
    content.push(el("p", { id: valueId, class: "tb-progress__value", text: t("progressValue", { percent }) }));
    content.push(el("progress", { class: "tb-progress__meter", max: "100", value: String(percent), "aria-labelledby": valueId }));
    const list = el("ul", { class: "tb-progress__criteria" });
    for (const c of progress.criteria) {
      let text;
      if (c.kind === "visit") text = t("visitCriterion", { have: c.have, need: c.need });
      else if (c.kind === "hotspots") text = t("hotspotsCriterion", { have: c.have, need: c.need });
      else if (c.finished) text = t("quizDone", { percent: c.scorePercent, verdict: t(c.passed ? "passed" : "failed") });
      else if (c.answered) text = t("quizOngoing", { have: c.answered, total: c.total });
      else text = t("quizNotTaken");
      list.appendChild(el("li", {
        class: `tb-progress__criterion tb-progress__criterion--${c.done ? "done" : "open"}`,
        "data-criterion": c.kind,
        "data-done": String(c.done),
      }, [c.done ? icon("correct") : el("span", { class: "tb-progress__open", "aria-hidden": "true" }),
        el("span", { text: `${text} — ${t(c.done ? "done" : "notDone")}` })]));
    }
    content.push(list);
    content.push(el("p", { class: "tb-progress__status", "data-completed": String(progress.completed),
      text: t(progress.completed ? "completed" : "notCompleted") }));
    const actions = el("div", { class: "tb-quiz__actions" });
    const finalId = criteriaOf(this.tour.completion).includes("quiz") ? finalQuizId(this.tour) : null;
    if (finalId) {
      const take = el("button", { type: "button", class: "tb-button tb-button--primary", "data-action": "take-final" },
        [icon("quiz"), el("span", { text: t("takeFinal") })]);
      take.addEventListener("click", () => this.openQuiz(finalId, this.progressButton));
      actions.appendChild(take);
    }
    const certificate = el("button", { type: "button", class: "tb-button", "data-action": "certificate" },
      [icon("finish"), el("span", { text: t("summaryAndCertificate") })]);
    certificate.addEventListener("click", () => openCertificate(this, this.progressButton));
    actions.appendChild(certificate);
    content.push(actions);
    const box = el("div", { class: "tb-progress", "data-progress": "" }, content);
    if (courseLanguage(lang) !== lang) box.setAttribute("lang", courseLanguage(lang));
    this.player.dialogs.open({ title: { text: t("progressTitle"), lang: courseLanguage(lang) }, content: [box], kind: "progress",
      returnFocus: this.progressButton });
  }

  /** Mark links to locked scenes on the current scene's hotspot buttons. */
  _updateLocks() {
    const scene = this.tour.scenes[this.player.getScene()];
    const lang = this.player.language;
    for (const spot of (scene && scene.hotspots) || []) {
      const button = this.player.hotspots.button(spot.id);
      if (!button) continue;
      const old = button.querySelector(":scope > .tb-lock");
      if (old) old.remove();
      const locked = spot.kind === "scene" && !!this.lockOf(spot.target);
      if (locked) {
        button.setAttribute("data-locked", "true");
        button.appendChild(el("span", { class: "tb-lock" }, [
          el("span", { class: "tb-visually-hidden", text: ` (${courseText(lang, "locked")})` }),
        ]));
      } else {
        button.removeAttribute("data-locked");
      }
    }
  }

  // ---- saving --------------------------------------------------------------------------

  /** The snapshot a tracker saves (see the module's documentation). */
  snapshot() {
    const player = this.player;
    const state = this.state;
    state.seq += 1;
    if (player.getScene()) state.scene = player.getScene();
    const view = player.getView();
    state.view = { yaw: Math.round(view.yaw), pitch: Math.round(view.pitch), fov: Math.round(view.fov) };
    state.lang = player.language;
    const progress = this._updateProgress();
    const required = new Set((this.tour.completion && this.tour.completion.hotspots) || []);
    const suspendData = encodeState(this.tour, state, { limit: this.tracker.limit, keepSeen: (ref) => required.has(ref) });
    const quizzes = Object.entries(this.tour.quizzes || {}).map(([id, quiz]) => {
      const qstate = state.quizzes[id];
      const best = qstate ? bestResult(quiz, qstate, this._passMark(id)) : null;
      const total = (quiz.questions || []).length;
      const answered = qstate ? finalCount(quiz, qstate) : 0;
      return {
        id,
        objective: `quiz-${id}`,
        description: this._local(quiz.title),
        started: !!qstate && (answered > 0 || !!best || Object.keys(qstate.questions).length > 0),
        finished: !!best,
        passed: best ? best.passed : null,
        scorePercent: best ? best.scorePercent : null,
        measure: best ? 1 : total ? answered / total : 0,
      };
    });
    const done = progress.completed && progress.passed !== false;
    return { suspendData, location: state.scene, progress, quizzes, mode: this.mode, done };
  }

  /** Save now (after an answer, a scene change, an opened hotspot, a hidden page). */
  save() {
    if (!this.ready || this.finished) return;
    const snapshot = this.snapshot();
    if (this.localKey) writeLocal(this.localKey, snapshot.suspendData, false);
    this._settle(this.tracker.save(snapshot), snapshot);
  }

  _settle(result, snapshot) {
    const after = (ok) => {
      if (ok) {
        if (this.localKey) writeLocal(this.localKey, snapshot.suspendData, true);
        if (this.retryTimer) {
          clearTimeout(this.retryTimer);
          this.retryTimer = 0;
        }
        return;
      }
      this._lmsError();
    };
    if (result && typeof result.then === "function") result.then(after, () => after(false));
    else after(result !== false);
  }

  _lmsError() {
    const error = this.tracker.lastError;
    if (error) console.warn("tourbuilder: the LMS refused", error); // eslint-disable-line no-console
    if (!this.errorShown) {
      this.errorShown = true;
      this.player._addNotice("lmsError");
    }
    if (!this.retryTimer && !this.finished) {
      this.retryTimer = setTimeout(() => {
        this.retryTimer = 0;
        this.save();
      }, this.retryMs);
    }
  }

  /**
   * Save and end the session, once (the Finish button, and `pagehide`).
   * @param {{navigate?: boolean}} [options] `navigate`: go to the LMS's return address (cmi5).
   */
  finish(options) {
    if (!this.ready || this.finished) return;
    const snapshot = this.snapshot();
    if (this.localKey) writeLocal(this.localKey, snapshot.suspendData, false);
    this.finished = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    document.removeEventListener("visibilitychange", this._onVisibility);
    window.removeEventListener("pagehide", this._onPageHide);
    const result = this.tracker.finish(snapshot, { navigate: !!(options && options.navigate) });
    const ok = () => {
      if (this.localKey && !this.tracker.lastError) writeLocal(this.localKey, snapshot.suspendData, true);
    };
    if (result && typeof result.then === "function") result.then(ok, () => {});
    else ok();
  }

  // ---- texts ---------------------------------------------------------------------------

  _t(key, params) {
    return courseText(this.player.language, key, params);
  }

  _local(map) {
    return pick(map, this.player.language, this.player.languages);
  }
}

