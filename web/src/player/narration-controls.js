/**
 * The buttons of a narration, with their strings (mn, en; kept here, not in i18n.js) and
 * icons: big, well-known signs (▶ ❚❚ ↺) whose names screen readers get from hidden text.
 * The same group is drawn in the bar over the panorama (with the captions and transcript
 * buttons), at the top of an info dialog whose hotspot speaks, and in the transcript.
 * @module narration-controls
 */
import { el } from "./dom.js";
import { pathIcon } from "./icons.js";
import { CaptionBox } from "./captions.js";

/** Interface strings of the narration, by language. */
export const NARRATION_STRINGS = {
  mn: {
    narration: "Дуут тайлбар",
    listen: "Сонсох",
    read: "Унших",
    play: "Тоглуулах",
    pause: "Түр зогсоох",
    replay: "Дахин сонсох",
    again: "Дахин эхлүүлэх",
    captions: "Хадмал",
    transcript: "Бичвэр",
    transcriptTitle: "Бичвэр: {title}",
    robot: "Робот дуу хоолой",
    noSound: "Дуугүй, зөвхөн хадмал",
  },
  en: {
    narration: "Narration",
    listen: "Listen",
    read: "Read",
    play: "Play",
    pause: "Pause",
    replay: "Listen again",
    again: "Start again",
    captions: "Captions",
    transcript: "Transcript",
    transcriptTitle: "Transcript: {title}",
    robot: "Robot voice",
    noSound: "No sound, captions only",
  },
};

/**
 * The language the narration's strings are shown in for a tour language.
 * @param {string} lang
 * @returns {string}
 */
export function narrationUiLanguage(lang) {
  return NARRATION_STRINGS[lang] ? lang : "en";
}

/**
 * A narration string.
 * @param {string} lang A tour language (English strings for one without its own).
 * @param {string} key
 * @param {Object<string, string>} [params]
 * @returns {string}
 */
export function say(lang, key, params) {
  const text = NARRATION_STRINGS[narrationUiLanguage(lang)][key];
  return params ? text.replace(/\{(\w+)\}/g, (all, name) => (name in params ? params[name] : all)) : text;
}

/** 24×24 line drawings, drawn like icons.js. */
const PATHS = {
  listen: "M4 9.5h3.5l5-4v13l-5-4H4zM16 9a4 4 0 0 1 0 6M18.5 6.5a7.5 7.5 0 0 1 0 11",
  play: "M7.5 4.5v15l12-7.5z",
  pause: "M8 5v14M16 5v14",
  replay: "M5 12a7 7 0 1 0 2.05-4.95M6.5 3.5V7.5h4",
  captions: "M3.5 5.5h17v13h-17zM10.5 10.2a2 2 0 1 0 0 3.6M16.5 10.2a2 2 0 1 0 0 3.6",
  transcript: "M6.5 3.5h11v17h-11zM9.5 8h5M9.5 12h5M9.5 16h3",
  robot: "M6.5 9h11v10h-11zM12 9V5.5M12 4v.5M9.5 13v1M14.5 13v1M10 16.5h4M4 12.5v3M20 12.5v3",
};

function narrationIcon(name) {
  return pathIcon(PATHS[name], name);
}

/**
 * @typedef {Object} ControlsState What a group of controls shows.
 * @property {"none"|"text"|"timed"|"audio"} mode "none": nothing to show.
 * @property {string} state The item's state ("idle", "playing", "paused", "ended", "stopped").
 * @property {boolean} listen Show the big "Listen" button (nothing has played yet).
 * @property {boolean} captions Whether captions are on.
 * @property {"robot"|"noSound"|null} label
 * @property {string} lang The current language.
 * @property {string} caption The caption line's text ("" when none).
 */

/** One group of narration buttons. */
export class NarrationControls {
  /**
   * @param {Object} spec
   * @param {function(string):void} spec.onAction Gets "play" (play or pause), "replay",
   *   "captions" or "transcript".
   * @param {boolean} [spec.bar] With the captions and transcript buttons.
   * @param {boolean} [spec.caption] With a line of captions under the buttons (in dialogs).
   */
  constructor(spec) {
    const button = (action, extra) => {
      const node = el("button", Object.assign({ type: "button", class: `tb-button tb-narration__${action}`, "data-action": `narration-${action}` }, extra || {}));
      node.addEventListener("click", () => spec.onAction(action));
      return node;
    };
    this.play = button("play");
    this.replay = button("replay");
    this.captionsButton = spec.bar ? button("captions", { "aria-pressed": "true" }) : null;
    this.transcriptButton = spec.bar ? button("transcript", { "aria-haspopup": "dialog" }) : null;
    this.label = el("span", { class: "tb-narration__label", "data-narration-label": "" });
    this.buttons = el("div", { class: "tb-narration__controls", role: "group", "data-narration-controls": "" }, [
      this.play,
      this.replay,
      this.captionsButton,
      this.transcriptButton,
      this.label,
    ]);
    this.caption = spec.caption ? new CaptionBox("tb-narration__caption", "p") : null;
    this.element = this.caption ? el("div", { class: "tb-narration__part" }, [this.buttons, this.caption.element]) : this.buttons;
  }

  /**
   * Draw a state.
   * @param {ControlsState} s
   */
  update(s) {
    const lang = s.lang;
    const uiLang = narrationUiLanguage(lang);
    const mark = uiLang === lang ? null : uiLang;
    this.element.hidden = s.mode === "none";
    this.buttons.setAttribute("aria-label", say(lang, "narration"));
    if (mark) this.buttons.setAttribute("lang", mark);
    else this.buttons.removeAttribute("lang");
    const playable = s.mode === "audio" || s.mode === "timed";
    const playing = s.state === "playing";
    this.play.hidden = !playable;
    this.replay.hidden = !playable || s.listen;
    this.play.classList.toggle("tb-narration__play--listen", s.listen);
    const playKey = s.listen ? (s.mode === "audio" ? "listen" : "read") : playing ? "pause" : "play";
    fill(this.play, s.listen ? "listen" : playing ? "pause" : "play", say(lang, playKey), s.listen);
    this.play.setAttribute("data-state", s.listen ? "listen" : playing ? "playing" : "stopped");
    fill(this.replay, "replay", say(lang, s.mode === "audio" ? "replay" : "again"), false);
    if (this.captionsButton) {
      this.captionsButton.hidden = !playable;
      this.captionsButton.setAttribute("aria-pressed", String(s.captions));
      fill(this.captionsButton, "captions", say(lang, "captions"), true);
      fill(this.transcriptButton, "transcript", say(lang, "transcript"), true);
    }
    this.label.hidden = !s.label;
    if (s.label) fill(this.label, s.label === "robot" ? "robot" : "captions", say(lang, s.label), true);
    this.label.setAttribute("data-narration-label", s.label || "");
    if (this.caption) this.showCaption(s.caption, lang);
  }

  /**
   * Show a caption in this group's own line (when it has one).
   * @param {string} text
   * @param {string} lang
   */
  showCaption(text, lang) {
    if (this.caption) this.caption.show(text, lang);
  }
}

/** An icon and a name (visible, or for screen readers only) as a node's content. */
function fill(node, iconName, name, visible) {
  if (node.getAttribute("data-name") === name && node.firstChild && node.firstChild.getAttribute("data-icon") === iconName) return;
  node.textContent = "";
  node.setAttribute("data-name", name);
  node.appendChild(narrationIcon(iconName));
  node.appendChild(el("span", { class: visible ? "tb-narration__name" : "tb-visually-hidden", text: name }));
}
