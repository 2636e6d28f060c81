/**
 * The one dialog mechanism of the player: info pop-ups, media and quizzes all
 * open through {@link DialogHost#open}. A dialog is a native modal `<dialog>`
 * labelled by its heading, with a close button; Escape closes it and the focus
 * goes back to the element that opened it.
 *
 * In VR and in the cardboard mode (vr/) a mirror shows the same dialog as a panel in space:
 * the DOM dialog is still built here and stays the source of truth, opened without being
 * modal and kept out of sight (`tb-dialog--mirrored`); the panel draws its content and its
 * buttons click the DOM's (see {@link DialogHost#setMirror}).
 * @module dialogs
 */
import { el, setLocal, uniqueId } from "./dom.js";
import { icon } from "./icons.js";

/**
 * @typedef {Object} DialogHandle
 * @property {HTMLElement} dialog The dialog element.
 * @property {HTMLElement} body The dialog's content area.
 * @property {function():void} close Close the dialog.
 * @property {function():void} remount Open it again as it should be now: modal on the page, or
 *   out of sight and not modal while mirrored (see {@link DialogHost#setMirror}).
 */

/**
 * @typedef {Object} DialogMirror
 * @property {function(DialogHandle):void} show A dialog opened (or was open when the mirror was set).
 * @property {function(DialogHandle):void} hide It closed (or the mirror was taken away).
 */

/** Opens dialogs inside the player element (so they also show in full screen). */
export class DialogHost {
  /**
   * @param {HTMLElement} container Where dialogs are put (the player element).
   * @param {function(string):string} text The interface string of a key in the current language.
   * @param {function():string} language The current interface language.
   */
  constructor(container, text, language) {
    this.container = container;
    this.text = text;
    this.language = language;
    /** @type {DialogHandle|null} */
    this.current = null;
    /** @type {DialogMirror|null} */
    this.mirror = null;
  }

  /**
   * Show dialogs as panels in space too (a mirror), or (null) on the page again. An open
   * dialog moves over: out of sight and not modal while mirrored, modal again after.
   * @param {DialogMirror|null} mirror
   */
  setMirror(mirror) {
    const handle = this.current;
    if (this.mirror && handle) this.mirror.hide(handle);
    this.mirror = mirror || null;
    if (handle) {
      handle.remount();
      if (this.mirror) this.mirror.show(handle);
    }
  }

  /**
   * Open a dialog (closing any open one first).
   * @param {Object} spec
   * @param {{text: string, lang: string}} spec.title The heading (also the dialog's name).
   * @param {Array<Node>} spec.content The dialog's content.
   * @param {string} [spec.kind] Added as `data-dialog` and a class, e.g. "info", "media", "quiz".
   * @param {HTMLElement|null} [spec.returnFocus] Gets the focus back on closing
   *   (default: the focused element at opening).
   * @param {function():void} [spec.onClose] Called after closing.
   * @returns {DialogHandle}
   */
  open(spec) {
    if (this.current) this.current.close();
    const lang = this.language();
    const returnFocus = spec.returnFocus || document.activeElement;
    const headingId = uniqueId("dialog-title");
    const heading = el("h2", { id: headingId, class: "tb-dialog__title" });
    setLocal(heading, spec.title, lang);
    const closeButton = el("button", { type: "button", class: "tb-button tb-dialog__close", "data-dialog-close": "" }, [
      icon("close"),
      el("span", { text: this.text("close") }),
    ]);
    const body = el("div", { class: "tb-dialog__body" }, spec.content);
    const dialog = el(
      "dialog",
      {
        class: `tb-dialog tb-dialog--${spec.kind || "plain"}`,
        "aria-labelledby": headingId,
        "data-dialog": spec.kind || "plain",
      },
      [el("div", { class: "tb-dialog__header" }, [heading, closeButton]), body],
    );
    const native = typeof dialog.showModal === "function";
    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      if (native && dialog.open) dialog.close();
      document.removeEventListener("keydown", onFallbackKey, true);
      dialog.remove();
      if (this.current === handle) {
        this.current = null;
        if (this.mirror) this.mirror.hide(handle);
      }
      if (returnFocus && returnFocus.isConnected && typeof returnFocus.focus === "function") {
        returnFocus.focus({ preventScroll: true });
      }
      if (spec.onClose) spec.onClose();
    };
    const onFallbackKey = (e) => {
      if (e.key === "Escape") {
        e.preventDefault();
        close();
      } else if (e.key === "Tab") {
        trapFocus(dialog, e);
      }
    };
    /** Open modal on the page, or (mirrored) not modal and out of sight. */
    const show = () => {
      const mirrored = !!this.mirror;
      dialog.classList.toggle("tb-dialog--mirrored", mirrored);
      if (!native) return;
      if (dialog.open) dialog.close(); // its "close" event finds it open again: ignored
      if (mirrored) dialog.show();
      else dialog.showModal();
    };
    const handle = { dialog, body, close, remount: show };
    closeButton.addEventListener("click", close);
    dialog.addEventListener("close", () => {
      if (!dialog.open) close();
    });
    dialog.addEventListener("cancel", (e) => {
      e.preventDefault();
      close();
    });
    this.container.appendChild(dialog);
    if (native) {
      show();
    } else {
      // Browsers without <dialog> (Safari before 15.4): an ordinary modal box.
      dialog.setAttribute("open", "");
      dialog.setAttribute("role", "dialog");
      dialog.setAttribute("aria-modal", "true");
      dialog.classList.add("tb-dialog--fallback");
      document.addEventListener("keydown", onFallbackKey, true);
      show();
    }
    // Start at the heading so the whole dialog is read; the close button is one Tab away.
    heading.setAttribute("tabindex", "-1");
    heading.focus({ preventScroll: true });
    this.current = handle;
    if (this.mirror) this.mirror.show(handle);
    return handle;
  }

  /** Close the open dialog, if any. */
  close() {
    if (this.current) this.current.close();
  }
}

/** Keep Tab inside an element (for browsers without native modal dialogs). */
function trapFocus(container, e) {
  const focusable = Array.from(
    container.querySelectorAll("button, [href], input, select, textarea, video, audio, [tabindex]"),
  ).filter((node) => !node.disabled && node.getAttribute("tabindex") !== "-1");
  if (!focusable.length) return;
  const first = focusable[0];
  const last = focusable[focusable.length - 1];
  if (e.shiftKey && document.activeElement === first) {
    e.preventDefault();
    last.focus();
  } else if (!e.shiftKey && document.activeElement === last) {
    e.preventDefault();
    first.focus();
  } else if (!container.contains(document.activeElement)) {
    e.preventDefault();
    first.focus();
  }
}
