/**
 * The transcript of a narration: its text in the dialog that the bar's "Transcript" button
 * opens (through the player's DialogHost), one sentence per cue with the one being spoken
 * marked (`aria-current="true"`, highlighted); without cues (text only), the text's paragraphs.
 * @module transcript
 */
import { paragraphs } from "./content.js";
import { el } from "./dom.js";

/**
 * @typedef {Object} Transcript
 * @property {HTMLElement} element
 * @property {function(number):void} highlight Mark the cue of an index (-1: none).
 */

/**
 * The transcript's text.
 * @param {Object} spec
 * @param {Array<{text: string}>} spec.cues The track's cues ([] when it has none).
 * @param {{text: string, lang: string}} spec.text The narration text (used without cues).
 * @param {string} spec.lang The track's language (the page's language).
 * @returns {Transcript}
 */
export function transcript(spec) {
  const element = el("div", { class: "tb-transcript", "data-transcript": "" });
  const spans = [];
  if (spec.cues.length) {
    const p = el("p", { class: "tb-transcript__text", lang: spec.lang });
    spec.cues.forEach((cue, index) => {
      if (index) p.appendChild(document.createTextNode(" "));
      const span = el("span", { class: "tb-transcript__cue", "data-cue": index, text: cue.text });
      spans.push(span);
      p.appendChild(span);
    });
    element.appendChild(p);
  } else {
    for (const p of paragraphs(spec.text, spec.lang)) element.appendChild(p);
  }
  let current = -1;
  return {
    element,
    highlight(index) {
      if (index === current) return;
      if (spans[current]) {
        spans[current].classList.remove("tb-transcript__cue--current");
        spans[current].removeAttribute("aria-current");
      }
      current = index;
      if (spans[current]) {
        spans[current].classList.add("tb-transcript__cue--current");
        spans[current].setAttribute("aria-current", "true");
      }
    },
  };
}
