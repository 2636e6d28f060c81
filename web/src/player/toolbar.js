/**
 * The bar above the panorama: tour and scene titles, the "things in this scene"
 * button, language switch, the gyroscope button (only where the phone has the sensor, see
 * controls.js), the VR and cardboard buttons (only where they work, see vr/), full-screen button
 * and (when results are recorded) the Finish button; and the polite live region that says the
 * new scene's title.
 * @module toolbar
 */
import { el, setLocal } from "./dom.js";
import { icon, pathIcon } from "./icons.js";
import { languageName, uiLanguage } from "./i18n.js";

/** A phone between two curved arrows (24×24, drawn like icons.js). */
const GYRO_ICON = "M8.5 3.5h7v17h-7zM11 17.5h2M4.5 8a7 7 0 0 0 0 8M19.5 8a7 7 0 0 1 0 8";

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
      this.fullscreenButton = el("button", { type: "button", class: "tb-button tb-button--icon-narrow tb-fullscreen", "data-action": "fullscreen" });
      this.fullscreenButton.addEventListener("click", () => this._toggleFullscreen());
      document.addEventListener(this.fullscreen.event, () => this._renderFullscreen());
    }
    this.finishButton = null;
    if (spec.showFinish) {
      this.finishButton = el("button", { type: "button", class: "tb-button tb-finish", "data-action": "finish" });
      this.finishButton.addEventListener("click", () => spec.onFinish());
    }
    this.gyroButton = null;
    /** Buttons other modules add (see {@link Toolbar#addButton}). */
    this.extraButtons = [];
    bar.appendChild(el("div", { class: "tb-titles" }, [this.title, this.sceneTitle]));
    this.actions = el("div", { class: "tb-actions" }, [
      this.sceneListButton,
      this.languageGroup,
      this.fullscreenButton,
      this.finishButton,
    ]);
    bar.appendChild(this.actions);
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
    this._renderGyro();
    for (const entry of this.extraButtons) this._renderButton(entry);
    this._renderFullscreen();
    if (this.finishButton) {
      this.finishButton.textContent = "";
      this.finishButton.appendChild(icon("finish"));
      this.finishButton.appendChild(this._text("finish"));
    }
  }

  /**
   * Add the (hidden) gyroscope toggle before the full-screen button; {@link Toolbar#showGyro}
   * shows it once the device turns out to have the sensor.
   * @param {function():void} onClick Called inside the click (iOS asks for the sensor there).
   */
  addGyroButton(onClick) {
    if (this.gyroButton) return;
    this.gyroButton = el("button", {
      type: "button",
      class: "tb-button tb-button--icon-narrow tb-gyro",
      "data-action": "gyro",
      "aria-pressed": "false",
      hidden: true,
    });
    this.gyroButton.addEventListener("click", () => onClick());
    this.actions.insertBefore(this.gyroButton, this.fullscreenButton || this.finishButton || null);
    this._renderGyro();
  }

  /**
   * Add a (hidden) button before the full-screen button: an icon and an interface string,
   * kept in the current language.
   * @param {Object} spec
   * @param {string} spec.action Its `data-action` (and class `tb-<action>`); like the full-screen
   *   button it shows only its icon on narrow screens (`tb-button--icon-narrow`).
   * @param {function():Element} spec.icon Makes its icon.
   * @param {string} spec.text The key of its text (its accessible name).
   * @param {function():void} spec.onClick Called inside the click.
   * @returns {{button: HTMLButtonElement, setText: function(string):void}} `setText` changes
   *   the key of its text.
   */
  addButton(spec) {
    const button = el("button", { type: "button", class: `tb-button tb-button--icon-narrow tb-${spec.action}`, "data-action": spec.action, hidden: true });
    button.addEventListener("click", () => spec.onClick());
    const entry = { button, spec: Object.assign({}, spec) };
    this.extraButtons.push(entry);
    this.actions.insertBefore(button, this.fullscreenButton || this.finishButton || null);
    this._renderButton(entry);
    return {
      button,
      setText: (key) => {
        entry.spec.text = key;
        this._renderButton(entry);
      },
    };
  }

  /**
   * Show (or hide again) the gyroscope button.
   * @param {boolean} [show]
   */
  showGyro(show) {
    if (this.gyroButton) this.gyroButton.hidden = show === false;
  }

  /**
   * Show the gyroscope button pressed (the view follows the phone) or not.
   * @param {boolean} active
   */
  setGyroActive(active) {
    if (this.gyroButton) this.gyroButton.setAttribute("aria-pressed", String(!!active));
  }

  /** Disable the Finish button (after finishing). */
  disableFinish() {
    if (this.finishButton) this.finishButton.disabled = true;
  }

  /** The text of a button: an interface string, with its `lang` when it is not the page's. */
  _text(key) {
    return el("span", { class: "tb-button__text", text: this._ui(key), lang: this._uiLang });
  }

  _renderButton(entry) {
    if (!this._ui) return;
    entry.button.textContent = "";
    entry.button.appendChild(entry.spec.icon());
    entry.button.appendChild(this._text(entry.spec.text));
  }

  _renderGyro() {
    if (!this.gyroButton || !this._ui) return;
    this.gyroButton.textContent = "";
    this.gyroButton.appendChild(pathIcon(GYRO_ICON, "gyro"));
    this.gyroButton.appendChild(this._text("gyro"));
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
