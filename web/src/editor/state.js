/**
 * The editor's client-side state (see the API contract): the tour document being edited,
 * undo/redo of whole-document snapshots, autosave with If-Match, conflicts and the selection.
 *
 * Events ({@link EditorState#on}): "change" {label, source: "edit"|"undo"|"redo"|"load"},
 * "saving", "saved" {revision}, "conflict" {current, conflict, mine}, "error" {error, message},
 * "status" {status, message}, "select" {selection}.
 * @module editor/state
 */
import { Emitter } from "../player/events.js";

/** Milliseconds after the last change before the document is saved. */
export const AUTOSAVE_DELAY = 1500;
/** Snapshots kept for undo. */
const UNDO_LIMIT = 200;
/** Changes with the same label within this many ms are one undo step (typing a title). */
const COALESCE_MS = 1200;

function clone(value) {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}

/**
 * The tour document being edited. Its events (`on`, `off`): "change", "saved", "saving",
 * "conflict", "error", "status", "select".
 */
export class EditorState extends Emitter {
  /**
   * @param {{tourId: string, api: Object, autosaveDelay?: number}} options
   */
  constructor({ tourId, api, autosaveDelay }) {
    super();
    this.tourId = tourId;
    this.api = api;
    this.autosaveDelay = autosaveDelay === undefined ? AUTOSAVE_DELAY : autosaveDelay;
    this.revision = null;
    this.selection = { scene: null };
    /** "saved" | "pending" | "saving" | "error" | "conflict" */
    this.status = "saved";
    this.statusMessage = "";
    this._doc = null;
    this._savedJson = null;
    this._undo = [];
    this._redo = [];
    this._timer = 0;
    this._saving = null;
    this._lastChange = { label: null, at: 0 };
  }

  /** GET the tour (the latest revision). */
  async load() {
    const { body } = await this.api.get(`/tours/${encodeURIComponent(this.tourId)}`);
    this._replace(body.document, body.revision);
    return this;
  }

  _replace(document, revision) {
    this._doc = clone(document);
    this.revision = revision;
    this._savedJson = JSON.stringify(this._doc);
    this._setStatus("saved");
    if (!this.selection.scene || !this._doc.scenes[this.selection.scene]) {
      this.selection = { scene: this._doc.start_scene in this._doc.scenes ? this._doc.start_scene : Object.keys(this._doc.scenes)[0] || null };
    }
    this.emit("change", { label: "load", source: "load" });
    this.emit("select", { selection: this.selection });
  }

  /** The current (possibly unsaved) document: treat as read-only. */
  get document() {
    return this._doc;
  }

  get canUndo() {
    return this._undo.length > 0;
  }

  get canRedo() {
    return this._redo.length > 0;
  }

  /** Whether the document differs from the last one the server has. */
  get dirty() {
    return this._doc !== null && JSON.stringify(this._doc) !== this._savedJson;
  }

  /** The label of the change the next undo takes back (or null). */
  get undoLabel() {
    return this._undo.length ? this._undo[this._undo.length - 1].label : null;
  }

  get redoLabel() {
    return this._redo.length ? this._redo[this._redo.length - 1].label : null;
  }

  /**
   * Edit the document: `mutate(draft)` changes a deep copy, which becomes the document.
   * Pushes an undo step (quick repeats of the same label join one step), emits "change" and
   * schedules the autosave. A mutate that throws changes nothing.
   * @param {string} label What the change is, e.g. "move hotspot" (also the revision's message).
   * @param {function(Object):void} mutate
   * @returns {boolean} Whether the document changed.
   */
  change(label, mutate) {
    const draft = clone(this._doc);
    mutate(draft);
    if (JSON.stringify(draft) === JSON.stringify(this._doc)) return false;
    const now = Date.now();
    const joins = this._lastChange.label === label && now - this._lastChange.at < COALESCE_MS && this._undo.length;
    if (!joins) {
      this._undo.push({ label, document: this._doc, selection: clone(this.selection) });
      if (this._undo.length > UNDO_LIMIT) this._undo.shift();
    }
    this._lastChange = { label, at: now };
    this._redo = [];
    this._doc = draft;
    this._afterChange(label, "edit");
    return true;
  }

  /** Take back the last change. */
  undo() {
    const step = this._undo.pop();
    if (!step) return false;
    this._redo.push({ label: step.label, document: this._doc, selection: clone(this.selection) });
    this._doc = step.document;
    this._lastChange = { label: null, at: 0 };
    this._restoreSelection(step.selection);
    this._afterChange(step.label, "undo");
    return true;
  }

  /** Make the last undone change again. */
  redo() {
    const step = this._redo.pop();
    if (!step) return false;
    this._undo.push({ label: step.label, document: this._doc, selection: clone(this.selection) });
    this._doc = step.document;
    this._lastChange = { label: null, at: 0 };
    this._restoreSelection(step.selection);
    this._afterChange(step.label, "redo");
    return true;
  }

  _restoreSelection(selection) {
    const scenes = this._doc.scenes;
    const wanted = selection && scenes[selection.scene] ? selection : this.selection;
    const next = { scene: scenes[wanted.scene] ? wanted.scene : Object.keys(scenes)[0] };
    const spots = (scenes[next.scene] && scenes[next.scene].hotspots) || [];
    if (wanted.hotspot && spots.some((h) => h.id === wanted.hotspot)) next.hotspot = wanted.hotspot;
    this.selection = next;
  }

  _afterChange(label, source) {
    this._pendingLabel = label;
    this.emit("change", { label, source });
    if (source !== "edit") this.emit("select", { selection: this.selection });
    this._setStatus(this.dirty ? "pending" : "saved");
    this._schedule();
  }

  _schedule() {
    clearTimeout(this._timer);
    if (!this.dirty || this.status === "conflict") return;
    this._timer = setTimeout(() => this.save(), this.autosaveDelay);
  }

  /**
   * PUT the document with If-Match. On 409 emits "conflict" with the server's current version;
   * on 422 "error" with the problems (the document stays as it is, nothing is lost).
   * @returns {Promise<boolean>} Whether the document is saved.
   */
  async save() {
    clearTimeout(this._timer);
    if (this._saving) {
      await this._saving.catch(() => {});
      return this.dirty ? this.save() : true;
    }
    if (!this.dirty) {
      this._setStatus("saved");
      return true;
    }
    const sent = JSON.stringify(this._doc);
    const message = this._pendingLabel || "edit";
    this._setStatus("saving");
    this.emit("saving", {});
    this._saving = this.api.put(`/tours/${encodeURIComponent(this.tourId)}`, { document: JSON.parse(sent), message },
      { "If-Match": `"${this.revision}"` });
    try {
      const { body } = await this._saving;
      this.revision = body.revision;
      this._savedJson = sent;
      this.emit("saved", { revision: this.revision });
      this._setStatus(this.dirty ? "pending" : "saved");
      this._schedule();
      return !this.dirty;
    } catch (error) {
      if (error.status === 409 && error.body && error.body.current) {
        this._setStatus("conflict", error.message);
        this.emit("conflict", { current: error.body.current, conflict: error.body.conflict || null, mine: clone(this._doc) });
      } else {
        const problems = (error.problems || []).map((p) => (p.path ? `${p.path}: ${p.message}` : p.message));
        this._setStatus("error", [error.message].concat(problems).join(" "));
        this.emit("error", { error, message: this.statusMessage });
        if (error.status === 0 || error.status >= 500) {
          // No connection or a server failure: try again later (a refused document waits for the next edit).
          this._timer = setTimeout(() => this.save(), 10000);
        }
      }
      return false;
    } finally {
      this._saving = null;
    }
  }

  /** Resolve a conflict by saving this document over the server's current revision. */
  async keepMine(current) {
    this.revision = current.revision;
    this._setStatus("pending");
    return this.save();
  }

  /** Resolve a conflict by taking the server's current document (an undo step brings mine back). */
  takeTheirs(current) {
    this._undo.push({ label: "conflict", document: this._doc, selection: clone(this.selection) });
    this._redo = [];
    this._replace(current.document, current.revision);
  }

  /** After the server changed the tour on purpose (a restored revision): load it, keeping undo. */
  async reload(label) {
    const before = this._doc;
    const { body } = await this.api.get(`/tours/${encodeURIComponent(this.tourId)}`);
    if (before) this._undo.push({ label: label || "reload", document: before, selection: clone(this.selection) });
    this._redo = [];
    this._replace(body.document, body.revision);
  }

  _setStatus(status, message) {
    this.status = status;
    this.statusMessage = message || "";
    this.emit("status", { status, message: this.statusMessage });
  }

  /**
   * Choose what is edited: {scene, hotspot?, quiz?, question?}; emits "select".
   * @param {Object} selection
   */
  select(selection) {
    this.selection = Object.assign({}, selection);
    this.emit("select", { selection: this.selection });
  }
}
