/**
 * The bar above the panorama: tour and scene titles, the "things in this scene"
 * button, language switch, full-screen button and (when results are recorded) the
 * Finish button; and the polite live region that says the new scene's title.
 * @module toolbar
 */
import { el, setLocal } from "./dom.js";
import { icon } from "./icons.js";
import { languageName, uiLanguage } from "./i18n.js";

/** The page's full-screen functions, with the WebKit-prefixed ones as a fallback. */
function fullscreenApi(target) {
  const doc = document;
  if (target.requestFullscreen) {
    return {
      request: () => target.requestFullscreen(),
      exit: () => doc.exitFullscreen(),
      element: () => doc.fullscreenElement,
      event: "fullscreenchange",
    };
  }
  if (target.webkitRequestFullscreen) {
    return {
      request: () => target.webkitRequestFullscreen(),
      exit: () => doc.webkitExitFullscreen(),
      element: () => doc.webkitFullscreenElement,
      event: "webkitfullscreenchange",
    };
  }
  return null;
}

/** The player's toolbar. */
export class Toolbar {
  /**
   * @param {HTMLElement} bar The toolbar element (a `<header>`).
   * @param {Object} spec
   * @param {string[]} spec.languages The tour's languages.
   * @param {function():void} spec.onSceneList The "things in this scene" button was pressed.
   * @param {function(string):void} spec.onLanguage A language button was pressed.
   * @param {HTMLElement} spec.fullscreenTarget The element shown full screen.
   * @param {boolean} spec.showFinish Whether to show the Finish button.
   * @param {function():void} spec.onFinish The Finish button was pressed.
   */
  constructor(bar, spec) {
    this.bar = bar;
    this.title = el("h1", { class: "tb-title" });
    this.sceneTitle = el("h2", { class: "tb-scene-title" });
    // Says a new scene's title to screen readers (the visible title is not live: it also
    // changes with the language).
    this.announcer = el("p", { class: "tb-visually-hidden", "aria-live": "polite", "data-announcer": "" });
    this._scene = null;
    this.sceneListButton = el("button", {
      type: "button",
      class: "tb-button tb-scene-list",
      "data-action": "scene-list",
      "aria-haspopup": "dialog",
    });
    this.sceneListButton.addEventListener("click", () => spec.onSceneList());
    this.languageGroup = el("div", { class: "tb-languages", role: "group" });
    this.languageButtons = spec.languages.map((code) => {
      const button = el("button", {
        type: "button",
        class: "tb-button tb-language",
        lang: code,
        "data-lang": code,
        "aria-pressed": "false",
        text: languageName(code),
      });
      button.addEventListener("click", () => spec.onLanguage(code));
      return button;
    });
    if (this.languageButtons.length > 1) {
      this.languageGroup.appendChild(icon("language", "tb-languages__icon"));
      for (const button of this.languageButtons) this.languageGroup.appendChild(button);
    } else {
      this.languageGroup.hidden = true;
    }

    this.fullscreen = fullscreenApi(spec.fullscreenTarget);
    this.fullscreenButton = null;
    if (this.fullscreen) {
      this.fullscreenButton = el("button", { type: "button", class: "tb-button tb-fullscreen", "data-action": "fullscreen" });
      this.fullscreenButton.addEventListener("click", () => this._toggleFullscreen());
      document.addEventListener(this.fullscreen.event, () => this._renderFullscreen());
    }
    this.finishButton = null;
    if (spec.showFinish) {
      this.finishButton = el("button", { type: "button", class: "tb-button tb-finish", "data-action": "finish" });
      this.finishButton.addEventListener("click", () => spec.onFinish());
    }
    bar.appendChild(el("div", { class: "tb-titles" }, [this.title, this.sceneTitle]));
    bar.appendChild(
      el("div", { class: "tb-actions" }, [this.sceneListButton, this.languageGroup, this.fullscreenButton, this.finishButton]),
    );
    bar.appendChild(this.announcer);
  }

  /**
   * Show texts in a language.
   * @param {Object} texts
   * @param {string} texts.lang The current language.
   * @param {{text: string, lang: string}} texts.tourTitle
   * @param {{text: string, lang: string}} texts.sceneTitle
   * @param {string|null} [texts.scene] The current scene's id: when it changes from one scene
   *   to another, the live region says the new scene's title.
   * @param {function(string):string} texts.ui Interface string of a key.
   */
  update(texts) {
    this._ui = texts.ui;
    // A tour language without interface strings shows them in English: mark them so.
    const uiLang = uiLanguage(texts.lang);
    this._uiLang = uiLang === texts.lang ? null : uiLang;
    setLocal(this.title, texts.tourTitle, texts.lang);
    setLocal(this.sceneTitle, texts.sceneTitle, texts.lang);
    const scene = texts.scene === undefined ? null : texts.scene;
    if (scene !== this._scene) {
      // Not on the first scene: the page is being read from its start then.
      if (this._scene !== null && scene !== null) setLocal(this.announcer, texts.sceneTitle, texts.lang);
      this._scene = scene;
    }
    this.sceneListButton.textContent = "";
    this.sceneListButton.appendChild(icon("list"));
    this.sceneListButton.appendChild(this._text("sceneList"));
    this.languageGroup.setAttribute("aria-label", texts.ui("language"));
    for (const button of this.languageButtons) {
      button.setAttribute("aria-pressed", String(button.getAttribute("data-lang") === texts.lang));
    }
    this._renderFullscreen();
    if (this.finishButton) {
      this.finishButton.textContent = "";
      this.finishButton.appendChild(icon("finish"));
      this.finishButton.appendChild(this._text("finish"));
    }
  }

  /** Disable the Finish button (after finishing). */
  disableFinish() {
    if (this.finishButton) this.finishButton.disabled = true;
  }

  /** The text of a button: an interface string, with its `lang` when it is not the page's. */
  _text(key) {
    return el("span", { class: "tb-button__text", text: this._ui(key), lang: this._uiLang });
  }

  _toggleFullscreen() {
    const api = this.fullscreen;
    const result = api.element() ? api.exit() : api.request();
    if (result && typeof result.catch === "function") result.catch(() => {});
  }

  _renderFullscreen() {
    if (!this.fullscreenButton || !this._ui) return;
    const active = Boolean(this.fullscreen.element());
    this.fullscreenButton.textContent = "";
    this.fullscreenButton.appendChild(icon(active ? "exitFullscreen" : "fullscreen"));
    this.fullscreenButton.appendChild(
      this._text(active ? "exitFullscreen" : "fullscreen"),
    );
  }
}
