/**
 * The quiz as the learner takes it, in a dialog (dialogs.js): one question at a time, then
 * the result. Each question is a group (`<fieldset>`) named by its prompt (`<legend>`); its
 * answers are radio buttons or checkboxes named by their text, or buttons (pictures with
 * `aria-pressed`, "Move up"/"Move down" for ordering); "find it in the scene" has a "Point at it
 * in the scene" button and, the keyboard way, a list of places. One clearly named button,
 * "Check answer", checks the answer; feedback follows, right or wrong, with the quiz's tries.
 *
 * Scoring and the quiz's state are in scoring.js (re-exported here); this module only shows
 * them and tells {@link QuizView}'s owner (course.js) what the learner did.
 * @module quiz
 */
import "./quiz.css";
import { courseLanguage } from "./course-strings.js";
import { el, setLocal, uniqueId } from "./dom.js";
import { icon } from "./icons.js";
import { pick } from "./i18n.js";
import { displayOrder, isMultiple, rightAnswer } from "./questions/kinds.js";
import {
  attemptFinished,
  attemptsLeft,
  bestResult,
  checkQuestion,
  questionState,
  questionStatus,
  scoreQuiz,
  answersOf,
  setAnswer,
} from "./scoring.js";

export { scoreQuestion, scoreQuiz } from "./scoring.js";

/**
 * @typedef {Object} QuizViewSpec
 * @property {Object} quiz The tour quiz.
 * @property {string} quizId
 * @property {Object} state The quiz's state (scoring.js); the view changes it.
 * @property {number} seed The learner's shuffle seed.
 * @property {number} passMark
 * @property {string} lang The tour language shown.
 * @property {string[]} languages The tour's languages.
 * @property {function(string, Object=): string} t A course string (course-strings.js).
 * @property {function(string): string} mediaUrl The URL of a media key.
 * @property {string|null} [lead] A line above the questions (why the quiz is asked now).
 * @property {{label: string, go: function(): void}|null} [goOn] Offered once the quiz is passed.
 * @property {boolean} [canPoint] Whether the panorama can be pointed at (WebGL).
 * @property {function(Object): void} onChange An answer changed (not checked yet).
 * @property {function(Object, {correct: boolean, latencyMs: number}): void} onCheck A check counted.
 * @property {function(): void} onRetake A new attempt was started.
 * @property {function(Object): void} onPoint The learner wants to point at a question's answer.
 */

/** A quiz in a dialog, one question at a time. */
export class QuizView {
  /** @param {QuizViewSpec} spec */
  constructor(spec) {
    this.spec = spec;
    this.element = el("div", { class: "tb-quiz", "data-quiz-id": spec.quizId });
    this.page = 0;
    this.shownAt = Date.now();
    this.feedback = null;
  }

  get questions() {
    return this.spec.quiz.questions || [];
  }

  _t(key, params) {
    return this.spec.t(key, params);
  }

  _local(map) {
    return pick(map, this.spec.lang, this.spec.languages);
  }

  /** The page to start at: the first question not final, else the result. */
  startPage() {
    const { quiz, state } = this.spec;
    const open = this.questions.findIndex((q) => !questionStatus(quiz, q, state).final);
    return open >= 0 ? open : this.questions.length;
  }

  /**
   * Show a page: a question's index, or `questions.length` for the result.
   * @param {number} page
   * @param {{focus?: string}} [options] `focus`: "page" (the page's first element), "feedback".
   */
  show(page, options) {
    this.page = Math.max(0, Math.min(page, this.questions.length));
    this.element.textContent = "";
    this.feedback = null;
    if (this.spec.lead) this.element.appendChild(el("p", { class: "tb-quiz__lead", text: this.spec.lead }));
    if (this.page < this.questions.length) this._renderQuestion(this.questions[this.page]);
    else this._renderSummary();
    this.shownAt = Date.now();
    const focus = options && options.focus;
    const pointed = this.element.querySelector("[data-pointed]:not([hidden])");
    if (focus === "feedback" && this.feedback && !this.feedback.hidden) this.feedback.focus();
    else if (focus === "pointed" && pointed) pointed.focus();
    else if (focus === "page") {
      const target = this.element.querySelector("[data-page-start]");
      if (target) target.focus();
    }
  }

  // ---- one question ------------------------------------------------------------------

  _renderQuestion(question) {
    const { quiz, state } = this.spec;
    const status = questionStatus(quiz, question, state);
    const lang = this.spec.lang;
    const positionId = uniqueId("position");
    const hintId = uniqueId("hint");
    const position = el("p", {
      class: "tb-quiz__position", id: positionId, tabindex: "-1", "data-page-start": "",
      lang: courseLanguage(lang) === lang ? null : courseLanguage(lang),
      text: this._t("questionOf", { n: this.page + 1, total: this.questions.length }),
    });
    const legend = el("legend", { class: "tb-question__prompt" });
    setLocal(legend, this._local(question.prompt), lang);
    const form = el("form", { class: "tb-question-form", novalidate: true });
    const fieldset = el("fieldset", {
      class: `tb-question tb-question--${question.kind}`,
      "data-question-id": question.id,
      "data-kind": question.kind,
      "data-final": String(status.final),
      "aria-describedby": hintId,
    }, [legend]);
    const listen = this._listenButton(question);
    if (listen) fieldset.appendChild(listen);
    fieldset.appendChild(el("p", { class: "tb-hint", id: hintId, text: this._hint(question) }));
    const area = this._answerArea(question, status);
    fieldset.appendChild(area);
    form.appendChild(fieldset);

    this.feedback = el("div", { class: "tb-question__result", "data-question-result": "", tabindex: "-1", hidden: true });
    if (status.checked) this._fillFeedback(question, status);
    form.appendChild(this.feedback);

    const check = el("button", {
      type: "submit",
      class: "tb-button tb-button--primary tb-quiz__check",
      "data-action": "check",
      disabled: status.final,
    }, [icon("correct"), el("span", { text: this._t("checkAnswer") })]);
    const previous = el("button", { type: "button", class: "tb-button", "data-action": "previous", disabled: this.page === 0 },
      [el("span", { text: this._t("previous") })]);
    const last = this.page === this.questions.length - 1;
    const next = el("button", {
      type: "button",
      class: `tb-button${status.final ? " tb-button--primary" : ""}`,
      "data-action": "next",
    }, [el("span", { text: this._t(last ? "seeResult" : "next") })]);
    previous.addEventListener("click", () => this.show(this.page - 1, { focus: "page" }));
    next.addEventListener("click", () => this.show(this.page + 1, { focus: "page" }));
    form.appendChild(el("div", { class: "tb-quiz__nav" }, [previous, check, next]));
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      this._check(question);
    });
    this.element.appendChild(position);
    this.element.appendChild(form);
  }

  _hint(question) {
    switch (question.kind) {
      case "true_false":
        return this._t("trueOrFalse");
      case "picture":
        return this._t(question.multiple ? "choosePictures" : "choosePicture");
      case "find":
        return this._t("findHint");
      case "order":
        return this._t("orderHint");
      default:
        return this._t(question.kind === "multiple" ? "chooseAll" : "chooseOne");
    }
  }

  _listenButton(question) {
    const tracks = (question.narration && question.narration.tracks) || {};
    const track = tracks[this.spec.lang] || tracks[this.spec.languages[0]];
    if (!track || !track.audio) return null;
    const audio = el("audio", { preload: "none", src: this.spec.mediaUrl(track.audio) });
    const button = el("button", { type: "button", class: "tb-button tb-question__listen", "data-action": "listen" },
      [icon("audio"), el("span", { text: this._t("listen") })]);
    button.addEventListener("click", () => {
      if (audio.paused) audio.play().catch(() => {});
      else audio.pause();
    });
    return el("div", { class: "tb-question__listen-row" }, [button, audio]);
  }

  _answer(question) {
    return questionState(this.spec.state, question.id).answer;
  }

  _setAnswer(question, answer) {
    if (setAnswer(this.spec.quiz, question, this.spec.state, answer)) this.spec.onChange(question);
  }

  _order(question) {
    return displayOrder(this.spec.quiz, this.spec.quizId, question, this.spec.seed);
  }

  _answerArea(question, status) {
    switch (question.kind) {
      case "picture":
        return this._pictures(question, status);
      case "find":
        return this._find(question, status);
      case "order":
        return this._ordering(question, status);
      case "true_false":
        return this._inputs(question, status, [
          { id: "true", text: { [courseLanguage(this.spec.lang)]: this._t("true") }, value: true },
          { id: "false", text: { [courseLanguage(this.spec.lang)]: this._t("false") }, value: false },
        ]);
      default:
        return this._inputs(question, status, this._order(question).map((c) => ({ id: c.id, text: c.text, value: c.id, image: c.image })));
    }
  }

  /**
   * Radio buttons or checkboxes named by their text (single, multiple, true/false, places).
   * `pick(values)` turns the checked options' values into the answer (default: the value, or
   * the list of values for checkboxes); `current` is the answer in option values.
   */
  _inputs(question, status, options, pick, current) {
    const multiple = isMultiple(question);
    const name = uniqueId(`q-${question.id}`);
    if (current === undefined) current = this._answer(question);
    const choose = pick || ((values) => (multiple ? values : values[0]));
    const list = el("ul", { class: "tb-choices" });
    const inputs = [];
    for (const option of options) {
      const checked = multiple ? Array.isArray(current) && current.includes(option.value) : current === option.value;
      const input = el("input", {
        type: multiple ? "checkbox" : "radio",
        name,
        value: String(option.id),
        class: "tb-choice__input",
        checked,
        disabled: status.final,
        "data-choice-id": option.id,
      });
      input.checked = checked;
      const label = el("span", { class: "tb-choice__text" });
      setLocal(label, this._local(option.text), this.spec.lang);
      const parts = [input];
      if (option.image) parts.push(el("img", { class: "tb-choice__image", src: this.spec.mediaUrl(option.image), alt: "" }));
      parts.push(label);
      list.appendChild(el("li", null, [el("label", { class: "tb-choice" }, parts)]));
      inputs.push({ input, option });
      input.addEventListener("change", () => {
        const values = multiple ? inputs.filter((i) => i.input.checked).map((i) => i.option.value) : [option.value];
        this._setAnswer(question, choose(values));
      });
    }
    return list;
  }

  /** Pictures as toggle buttons (`aria-pressed`), named by their text. */
  _pictures(question, status) {
    const multiple = isMultiple(question);
    const grid = el("ul", { class: "tb-pictures" });
    const buttons = [];
    const current = () => {
      const answer = this._answer(question);
      return new Set(answer === null ? [] : Array.isArray(answer) ? answer : [answer]);
    };
    const render = () => {
      const chosen = current();
      for (const { button, choice } of buttons) button.setAttribute("aria-pressed", String(chosen.has(choice.id)));
    };
    for (const choice of this._order(question)) {
      const label = el("span", { class: "tb-picture__text" });
      setLocal(label, this._local(choice.text), this.spec.lang);
      const button = el("button", {
        type: "button",
        class: "tb-picture",
        "data-choice-id": choice.id,
        "aria-pressed": "false",
        disabled: status.final,
      }, [el("img", { class: "tb-picture__image", src: this.spec.mediaUrl(choice.image), alt: "" }), label]);
      button.addEventListener("click", () => {
        const chosen = current();
        if (multiple) {
          if (chosen.has(choice.id)) chosen.delete(choice.id);
          else chosen.add(choice.id);
          this._setAnswer(question, Array.from(chosen));
        } else {
          this._setAnswer(question, chosen.has(choice.id) ? null : choice.id);
        }
        render();
      });
      buttons.push({ button, choice });
      grid.appendChild(el("li", null, [button]));
    }
    render();
    return grid;
  }

  /** "Find it in the scene": point in the panorama, or choose from the places. */
  _find(question, status) {
    const box = el("div", { class: "tb-find" });
    const answer = this._answer(question);
    const pointed = el("p", { class: "tb-find__pointed", "data-pointed": "", tabindex: "-1", hidden: !(answer && answer.yaw !== undefined) },
      [icon("correct"), el("span", { text: this._t("pointed") })]);
    if (this.spec.canPoint) {
      const point = el("button", { type: "button", class: "tb-button tb-find__point", "data-action": "point", disabled: status.final },
        [icon("scene"), el("span", { text: this._t("point") })]);
      point.addEventListener("click", () => this.spec.onPoint(question));
      box.appendChild(point);
    }
    box.appendChild(pointed);
    const legend = el("legend", { class: "tb-find__legend", text: this._t("placesLegend") });
    const places = this._inputs(
      question,
      status,
      this._order(question).map((p) => ({ id: p.id, text: p.text, value: p.id })),
      (values) => {
        pointed.hidden = true;
        return { place: values[0] };
      },
      answer && answer.place ? answer.place : null,
    );
    box.appendChild(el("fieldset", { class: "tb-find__places" }, [legend, places]));
    return box;
  }

  /** Put the steps in order: a list with "Move up" / "Move down" buttons per item. */
  _ordering(question, status) {
    const list = el("ol", { class: "tb-order" });
    const live = el("p", { class: "tb-visually-hidden", "aria-live": "polite", "data-order-announcer": "" });
    const byId = new Map((question.items || []).map((item) => [item.id, item]));
    const order = () => {
      const answer = this._answer(question);
      return Array.isArray(answer) ? answer.slice() : this._order(question).map((item) => item.id);
    };
    const render = (focus) => {
      list.textContent = "";
      const ids = order();
      ids.forEach((id, index) => {
        const item = byId.get(id);
        const text = this._local(item.text);
        const label = el("span", { class: "tb-order__text" });
        setLocal(label, text, this.spec.lang);
        const move = (delta, key) => {
          const button = el("button", {
            type: "button",
            class: "tb-button tb-order__move",
            "data-action": delta < 0 ? "up" : "down",
            "data-item-id": id,
            disabled: status.final || index + delta < 0 || index + delta >= ids.length,
          }, [el("span", { class: "tb-visually-hidden", text: `${this._t(key)}: ${text.text}` }),
            el("span", { "aria-hidden": "true", text: delta < 0 ? "▲" : "▼" })]);
          button.addEventListener("click", () => {
            const now = order();
            const [moved] = now.splice(index, 1);
            now.splice(index + delta, 0, moved);
            this._setAnswer(question, now);
            render({ id, action: delta < 0 ? "up" : "down" });
            live.textContent = this._t("moved", { item: text.text, n: index + delta + 1, total: now.length });
          });
          return button;
        };
        list.appendChild(el("li", { class: "tb-order__item", "data-item-id": id }, [
          el("span", { class: "tb-order__number", "aria-hidden": "true", text: String(index + 1) }),
          label,
          el("span", { class: "tb-order__buttons" }, [move(-1, "moveUp"), move(1, "moveDown")]),
        ]));
      });
      if (focus) {
        const same = list.querySelector(`[data-item-id="${focus.id}"] [data-action="${focus.action}"]`);
        const other = list.querySelector(`[data-item-id="${focus.id}"] [data-action="${focus.action === "up" ? "down" : "up"}"]`);
        const target = same && !same.disabled ? same : other;
        if (target) target.focus();
      }
    };
    render(null);
    return el("div", { class: "tb-order-box" }, [list, live]);
  }

  // ---- checking -----------------------------------------------------------------------

  _check(question) {
    const { quiz, state } = this.spec;
    if (question.kind === "order" && !Array.isArray(this._answer(question))) {
      this._setAnswer(question, this._order(question).map((item) => item.id));
    }
    const latencyMs = Date.now() - this.shownAt;
    if (!checkQuestion(quiz, question, state)) {
      const status = questionStatus(quiz, question, state);
      if (!status.final) {
        this.feedback.textContent = "";
        this.feedback.className = "tb-question__result tb-question__result--empty";
        this.feedback.appendChild(el("p", { class: "tb-text", text: this._t("noAnswer") }));
        this.feedback.hidden = false;
        this.feedback.focus();
      }
      return;
    }
    const status = questionStatus(quiz, question, state);
    this.spec.onCheck(question, { correct: status.correct, latencyMs });
    this.show(this.page, { focus: "feedback" });
  }

  _fillFeedback(question, status) {
    const box = this.feedback;
    const answer = this._answer(question);
    box.textContent = "";
    box.className = `tb-question__result tb-question__result--${status.correct ? "correct" : "wrong"}`;
    box.setAttribute("data-correct", String(status.correct));
    box.appendChild(el("p", { class: "tb-verdict" }, [
      icon(status.correct ? "correct" : "wrong"),
      el("span", { text: this._t(status.correct ? "correct" : "wrong") }),
    ]));
    const add = (map) => {
      const local = this._local(map);
      if (!local.text) return;
      const p = el("p", { class: "tb-text tb-feedback" });
      setLocal(p, local, this.spec.lang);
      box.appendChild(p);
    };
    const chosen = new Set(answer === null ? [] : Array.isArray(answer) ? answer : [answer]);
    for (const choice of question.choices || []) if (chosen.has(choice.id)) add(choice.feedback);
    if (question.feedback) add(status.correct ? question.feedback.correct : question.feedback.wrong);
    if (!status.correct && !status.final) {
      const left = status.triesLeft;
      box.appendChild(el("p", { class: "tb-text", text: Number.isFinite(left) ? this._t("triesLeft", { n: left }) : this._t("tryAgain") }));
    }
    if (!status.correct && status.final) {
      const right = this._rightText(question);
      if (right) box.appendChild(el("p", { class: "tb-text tb-right-answer", text: right }));
    }
    box.hidden = false;
  }

  /** The right answer in words, shown once a question is answered wrong for good. */
  _rightText(question) {
    const right = rightAnswer(question);
    const text = (map) => this._local(map).text;
    switch (question.kind) {
      case "true_false":
        return this._t("rightAnswer", { answer: this._t(right ? "true" : "false") });
      case "order":
        return this._t("rightAnswer", { answer: question.items.map((item) => text(item.text)).join(" → ") });
      case "find": {
        const place = right && question.places.find((p) => p.id === right.place);
        return place ? this._t("rightPlace", { answer: text(place.text) }) : "";
      }
      default: {
        const ids = Array.isArray(right) ? right : [right];
        const names = (question.choices || []).filter((c) => ids.includes(c.id)).map((c) => text(c.text));
        return this._t("rightAnswer", { answer: names.join("; ") });
      }
    }
  }

  // ---- the result ---------------------------------------------------------------------

  _renderSummary() {
    const { quiz, state, passMark } = this.spec;
    const box = el("div", { class: "tb-quiz__summary" });
    box.appendChild(el("h3", { class: "tb-quiz__heading", tabindex: "-1", "data-page-start": "", text: this._t("summary") }));
    const finished = attemptFinished(quiz, state);
    const best = bestResult(quiz, state, passMark);
    if (finished) {
      const result = scoreQuiz(quiz, answersOf(state), passMark);
      const line = el("p", {
        class: `tb-quiz__result tb-quiz__result--${result.passed ? "passed" : "failed"}`,
        "data-quiz-result": "",
        "data-score": String(result.scorePercent),
        "data-passed": String(result.passed),
        text: this._t("result", { percent: result.scorePercent, verdict: this._t(result.passed ? "passed" : "failed") }),
      });
      box.appendChild(line);
      box.appendChild(el("p", { class: "tb-quiz__detail", text: this._t("points", { earned: result.earned, total: result.total, mark: passMark }) }));
      if (best && best.scorePercent > result.scorePercent) {
        box.appendChild(el("p", { class: "tb-quiz__detail", "data-best": String(best.scorePercent), text: this._t("best", { percent: best.scorePercent }) }));
      }
    } else {
      const answered = this.questions.filter((q) => questionStatus(quiz, q, state).final).length;
      box.appendChild(el("p", { class: "tb-quiz__detail", text: this._t("answeredOf", { n: answered, total: this.questions.length }) }));
      if (best) box.appendChild(el("p", { class: "tb-quiz__detail", "data-best": String(best.scorePercent), text: this._t("best", { percent: best.scorePercent }) }));
    }
    const list = el("ol", { class: "tb-quiz__list" });
    this.questions.forEach((q, index) => {
      const status = questionStatus(quiz, q, state);
      const key = !status.final ? "statusOpen" : status.correct ? "statusRight" : "statusWrong";
      const button = el("button", { type: "button", class: `tb-quiz__goto tb-quiz__goto--${key}`, "data-goto": String(index) }, [
        icon(!status.final ? "quiz" : status.correct ? "correct" : "wrong"),
        el("span", { text: this._t("questionLink", { n: index + 1, prompt: this._local(q.prompt).text, status: this._t(key) }) }),
      ]);
      button.addEventListener("click", () => this.show(index, { focus: "page" }));
      list.appendChild(el("li", null, [button]));
    });
    box.appendChild(list);
    const actions = el("div", { class: "tb-quiz__actions" });
    const passed = !!best && best.passed;
    if (finished && !passed) {
      const left = attemptsLeft(quiz, state);
      if (left > 0) {
        const retake = el("button", { type: "button", class: "tb-button tb-button--primary", "data-action": "retake" },
          [el("span", { text: this._t("retake") })]);
        retake.addEventListener("click", () => this.spec.onRetake());
        actions.appendChild(retake);
        if (Number.isFinite(left)) box.appendChild(el("p", { class: "tb-quiz__detail", text: this._t("attemptsLeft", { n: left }) }));
      } else {
        box.appendChild(el("p", { class: "tb-quiz__detail", text: this._t("noAttemptsLeft") }));
      }
    }
    if (this.spec.goOn && (passed || (finished && attemptsLeft(quiz, state) === 0 && !this.spec.goOn.needsPass))) {
      const go = el("button", { type: "button", class: "tb-button tb-button--primary", "data-action": "go-on" },
        [icon("scene"), el("span", { text: this.spec.goOn.label })]);
      go.addEventListener("click", () => this.spec.goOn.go());
      actions.appendChild(go);
    }
    if (actions.childNodes.length) box.appendChild(actions);
    this.element.appendChild(box);
  }
}
