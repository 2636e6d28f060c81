/**
 * Captions drawn in the page from the cues carried in the tour data (a track's `cues`:
 * `[{start, end, text}]`, seconds of its audio, one per sentence). Never from the `.vtt`
 * file: a `fetch` of it fails when the tour is opened from a folder (file://).
 *
 * The box is an `aria-live="off"` region: screen readers are not interrupted by every
 * sentence (they have the transcript, see transcript.js).
 * @module captions
 */
import { el } from "./dom.js";

/**
 * The index of the cue shown at a time: the last cue that has started (it stays shown in
 * the short pause before the next one, so the text does not flicker); -1 before the first.
 * @param {Array<{start: number, end: number, text: string}>} cues In order.
 * @param {number} time Seconds.
 * @returns {number}
 */
export function cueAt(cues, time) {
  let lo = 0;
  let hi = cues.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (cues[mid].start <= time) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}

/** A caption box: one line of text on a solid backing, hidden while empty. */
export class CaptionBox {
  /**
   * @param {string} className "tb-captions" (over the panorama) or "tb-narration__caption" (in a dialog).
   * @param {string} [tag] "div" (default), or "p" in dialogs (VR panels draw their paragraphs).
   */
  constructor(className, tag) {
    this.text = el("span", { class: "tb-captions__text" });
    this.element = el(tag || "div", { class: className, "aria-live": "off", "data-captions": "", hidden: true }, [this.text]);
  }

  /**
   * Show a text ("" hides the box).
   * @param {string} text
   * @param {string} lang Its language.
   */
  show(text, lang) {
    if (this.text.textContent !== text) this.text.textContent = text;
    if (this.element.getAttribute("lang") !== lang) this.element.setAttribute("lang", lang);
    this.element.hidden = !text;
  }
}
