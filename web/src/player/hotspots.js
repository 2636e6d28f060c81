/**
 * Hotspots as real buttons in a layer above the canvas, placed at each drawing
 * by projecting their direction through the camera. Buttons out of sight shrink
 * to nothing but stay in the Tab order (author order); focusing one turns the view to it.
 * The "things in this scene" list (scene-list.js) draws its buttons with the same
 * marker and accessible name ({@link hotspotMarker}, {@link setHotspotName}).
 * @module hotspots
 */
import { mediaKind } from "./content.js";
import { el, setLocal } from "./dom.js";
import { icon } from "./icons.js";

/** The hotspot kinds the player knows; any other is shown as "info". */
const KINDS = ["scene", "info", "media", "quiz", "narration"];

/**
 * @typedef {Object} HotspotTexts
 * @property {{text: string, lang: string}} label The visible label (the title).
 * @property {string} name The accessible name (e.g. "Go to: …" for scene links); it contains
 *   the label's text.
 */

/**
 * The kind a hotspot is shown as.
 * @param {Object} spot
 * @returns {string} "scene", "info", "media" or "quiz".
 */
export function hotspotKind(spot) {
  return KINDS.includes(spot.kind) ? spot.kind : "info";
}

/**
 * The icon of a hotspot, understood without reading: an arrow for a scene link, "i" for
 * information, a picture, a play sign or a loudspeaker for a picture, a video or a sound
 * (and a loudspeaker for "listen again", a narration hotspot),
 * a question mark for a quiz.
 * @param {Object} spot
 * @returns {string} A key of icons.js.
 */
export function hotspotIcon(spot) {
  const kind = hotspotKind(spot);
  if (kind === "narration") return "audio"; // a loudspeaker: "listen again"
  if (kind !== "media") return kind;
  const media = mediaKind(spot.media);
  return media === "video" || media === "audio" ? media : "media";
}

/**
 * The round coloured marker of a hotspot (its icon on the colour of its kind).
 * @param {Object} spot
 * @param {string} className "tb-hotspot__marker" or the list's class.
 * @returns {HTMLElement}
 */
export function hotspotMarker(spot, className) {
  return el("span", { class: `tb-marker tb-marker--${hotspotKind(spot)} ${className}` }, [icon(hotspotIcon(spot))]);
}

/**
 * Give a button the accessible name of a hotspot: the visible label keeps its own `lang`,
 * the rest of the name (e.g. "Go to: ") is in visually hidden text around it, so the name is
 * read from the content in the right languages. A name that does not contain the label
 * becomes `aria-label`.
 * @param {HTMLElement} button
 * @param {HTMLElement} label The element with the visible label (a child of the button).
 * @param {HotspotTexts} texts
 * @param {string} lang The current language.
 */
export function setHotspotName(button, label, texts, lang) {
  setLocal(label, texts.label, lang);
  for (const extra of button.querySelectorAll(":scope > .tb-hotspot__extra")) extra.remove();
  button.removeAttribute("aria-label");
  const { name } = texts;
  const text = texts.label.text;
  const at = text ? name.indexOf(text) : -1;
  if (name === text) return;
  if (at < 0) {
    button.setAttribute("aria-label", name);
    return;
  }
  const extra = (part) => el("span", { class: "tb-visually-hidden tb-hotspot__extra", text: part });
  if (at > 0) button.insertBefore(extra(name.slice(0, at)), label);
  if (at + text.length < name.length) label.after(extra(name.slice(at + text.length)));
}

/** The layer of hotspot buttons of the current scene. */
export class HotspotLayer {
  /**
   * @param {HTMLElement} layer The overlay element (as big as the canvas).
   * @param {Object} callbacks
   * @param {function(Object, HTMLButtonElement):void} callbacks.onActivate A hotspot was clicked
   *   or activated with Enter/Space; gets the hotspot and its button.
   * @param {function(Object):void} callbacks.onFocusOutOfSight A hotspot that is out of sight got
   *   the keyboard focus.
   */
  constructor(layer, callbacks) {
    this.layer = layer;
    this.callbacks = callbacks;
    /** @type {Array<{spot: Object, button: HTMLButtonElement, label: HTMLElement, onScreen: boolean}>} */
    this.items = [];
    // Focusing a button near an edge must not scroll the layer away from the canvas.
    this.layer.addEventListener("scroll", () => {
      this.layer.scrollTop = 0;
      this.layer.scrollLeft = 0;
    });
  }

  /**
   * Replace the buttons with those of a scene, in author order.
   * @param {Object[]} spots The scene's hotspots.
   * @param {function(Object):HotspotTexts} describe Texts of a hotspot in the current language.
   * @param {string} lang The current language.
   */
  setHotspots(spots, describe, lang) {
    this.layer.textContent = "";
    this.items = spots.map((spot) => {
      const kind = hotspotKind(spot);
      const label = el("span", { class: "tb-hotspot__label" });
      const button = el(
        "button",
        {
          type: "button",
          class: `tb-hotspot tb-hotspot--${kind} tb-hotspot--offscreen`,
          "data-hotspot-id": spot.id,
          "data-kind": spot.kind,
          "data-visible": "false",
          "aria-haspopup": spot.kind === "scene" ? null : "dialog",
        },
        [hotspotMarker(spot, "tb-hotspot__marker"), label],
      );
      const item = { spot, button, label, onScreen: false };
      button.addEventListener("click", () => this.callbacks.onActivate(spot, button));
      button.addEventListener("focus", () => {
        if (!item.onScreen) this.callbacks.onFocusOutOfSight(spot);
      });
      this.layer.appendChild(button);
      return item;
    });
    this.updateTexts(describe, lang);
  }

  /**
   * Rewrite the labels and names (after a language change), keeping the buttons and focus.
   * @param {function(Object):HotspotTexts} describe
   * @param {string} lang
   */
  updateTexts(describe, lang) {
    for (const item of this.items) setHotspotName(item.button, item.label, describe(item.spot), lang);
  }

  /**
   * Move each button to where its direction appears.
   * @param {function(number, number):{x: number, y: number, onScreen: boolean}} project
   */
  place(project) {
    for (const item of this.items) {
      const { x, y, onScreen } = project(item.spot.yaw, item.spot.pitch);
      if (onScreen !== item.onScreen) {
        item.onScreen = onScreen;
        item.button.classList.toggle("tb-hotspot--offscreen", !onScreen);
        item.button.setAttribute("data-visible", String(onScreen));
      }
      if (onScreen) {
        item.button.style.transform = `translate(${Math.round(x)}px, ${Math.round(y)}px) translate(-50%, -50%)`;
      }
    }
  }

  /**
   * The button of a hotspot.
   * @param {string} id
   * @returns {HTMLButtonElement|null}
   */
  button(id) {
    const item = this.items.find((i) => i.spot.id === id);
    return item ? item.button : null;
  }
}
