/**
 * Hotspots as real buttons in a layer above the canvas, placed at each drawing
 * by projecting their direction through the camera. Buttons out of sight shrink
 * to nothing but stay in the Tab order (author order); focusing one turns the view to it.
 * @module hotspots
 */
import { el, setLocal } from "./dom.js";
import { icon } from "./icons.js";

/** The icon of each hotspot kind. */
const KIND_ICONS = { scene: "scene", info: "info", media: "media", quiz: "quiz" };

/**
 * @typedef {Object} HotspotTexts
 * @property {{text: string, lang: string}} label The visible label (the title).
 * @property {string} name The accessible name (e.g. "Go to: …" for scene links).
 */

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
      const kind = KIND_ICONS[spot.kind] ? spot.kind : "info";
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
        [el("span", { class: "tb-hotspot__marker" }, [icon(KIND_ICONS[kind])]), label],
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
    for (const item of this.items) {
      const texts = describe(item.spot);
      setLocal(item.label, texts.label, lang);
      if (texts.name !== texts.label.text) item.button.setAttribute("aria-label", texts.name);
      else item.button.removeAttribute("aria-label");
    }
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
