/**
 * One SCORM session with an LMS: the lifecycle both SCORM versions share. It initialises once,
 * writes only what changed since the last accepted write and commits after each save (after
 * every answer and scene change: see course.js), records interactions, and finishes once. What
 * differs between versions is a {@link ScormDialect}. It never listens to `unload`: the course
 * saves on `visibilitychange` and finishes on `pagehide` and with the Finish button.
 * @module tracking/scorm-session
 */

/**
 * @typedef {Object} ScormDialect
 * @property {string} name "scorm12" or "scorm2004".
 * @property {number} limit The most characters of cmi.suspend_data.
 * @property {{initialize: string, getValue: string, setValue: string, commit: string, finish: string,
 *   lastError: string, errorString: string}} calls The API's method names.
 * @property {(get: (element: string) => string) => {set: Array<[string, string]>, info: Object}} opening
 *   What to write when a session opens, and what the LMS says (suspend data, learner, mode, pass mark).
 * @property {(snapshot: Object, objective: (id: string) => string) => Array<[string, string]>} snapshot
 *   The values of a snapshot of the learner's progress; `objective(id)` gives the prefix of an
 *   objective ("cmi.objectives.3"), setting its id first when new.
 * @property {(prefix: string, interaction: Object) => Array<[string, string]>} interaction
 * @property {boolean} journal Interactions are appended (1.2, write-only) rather than updated by id.
 * @property {(elapsedMs: number, done: boolean) => Array<[string, string]>} closing
 */

/** A tracker talking to a SCORM API object in the language of one version. */
export class ScormSession {
  /**
   * @param {Object} api The LMS's API object (`API` or `API_1484_11`).
   * @param {ScormDialect} dialect
   */
  constructor(api, dialect) {
    this.api = api;
    this.dialect = dialect;
    this.kind = dialect.name;
    this.limit = dialect.limit;
    this.started = false;
    this.finished = false;
    this.startTime = Date.now();
    /** Values the LMS accepted, by element: unchanged values are not written again. */
    this.written = new Map();
    this.objectives = new Map();
    this.interactions = new Map();
    this.interactionCount = 0;
    this.objectiveCount = 0;
    /** @type {{element: string, code: string, text: string}|null} The last refusal. */
    this.lastError = null;
  }

  /**
   * Open the session.
   * @returns {Object} {status: "connected"|"lms-failed", suspendData, learner, passMark, mode, entry}
   */
  start() {
    if (this.started) return { status: "connected" };
    const { calls } = this.dialect;
    if (String(this._call(calls.initialize, "")) !== "true") return { status: "lms-failed" };
    this.started = true;
    this.startTime = Date.now();
    const get = (element) => {
      const value = this._call(calls.getValue, element);
      return value === undefined || value === null ? "" : String(value);
    };
    const { set, info } = this.dialect.opening(get);
    this.objectiveCount = Number(get("cmi.objectives._count")) || 0;
    for (let i = 0; i < this.objectiveCount; i += 1) this.objectives.set(get(`cmi.objectives.${i}.id`), i);
    this.interactionCount = Number(get("cmi.interactions._count")) || 0;
    if (!this.dialect.journal) {
      for (let i = 0; i < this.interactionCount; i += 1) this.interactions.set(get(`cmi.interactions.${i}.id`), i);
    }
    this._set(set);
    this._call(calls.commit, "");
    return Object.assign({ status: "connected" }, info);
  }

  /**
   * Write a snapshot of the learner's progress and commit.
   * @param {Object} snapshot See course.js.
   * @returns {boolean} Whether the LMS accepted every value and the commit.
   */
  save(snapshot) {
    if (!this._open()) return false;
    const values = this.dialect.snapshot(snapshot, (id) => this._objective(id));
    const ok = this._set(values);
    return this._commit() && ok;
  }

  /**
   * Record one checked answer (SCORM 1.2: appended, the element is write-only; 2004: one per
   * question, updated).
   * @param {Object} interaction See course.js.
   * @returns {boolean}
   */
  record(interaction) {
    if (!this._open()) return false;
    let index;
    const update = !this.dialect.journal && this.interactions.has(interaction.id);
    if (update) {
      index = this.interactions.get(interaction.id);
    } else {
      index = this.interactionCount;
      this.interactionCount += 1;
      if (!this.dialect.journal) this.interactions.set(interaction.id, index);
    }
    const prefix = `cmi.interactions.${index}`;
    // An interaction's id is written once; an update changes the rest.
    const values = this.dialect.interaction(prefix, interaction).filter(([element]) => !update || element !== `${prefix}.id`);
    return this._set(values, false);
  }

  /**
   * Save, then end the session once; a lesson that is not done is suspended for resume.
   * @param {Object} [snapshot]
   */
  finish(snapshot) {
    if (!this._open()) return;
    if (snapshot) this._set(this.dialect.snapshot(snapshot, (id) => this._objective(id)));
    this.finished = true;
    const done = !!(snapshot && snapshot.done);
    this._set(this.dialect.closing(Date.now() - this.startTime, done), false);
    this._call(this.dialect.calls.finish, "");
  }

  _open() {
    return this.started && !this.finished;
  }

  /** The prefix of an objective, its id written first when it is new. */
  _objective(id) {
    if (!this.objectives.has(id)) {
      const index = this.objectiveCount;
      if (!this._setOne(`cmi.objectives.${index}.id`, id)) return null;
      this.objectiveCount += 1;
      this.objectives.set(id, index);
    }
    return `cmi.objectives.${this.objectives.get(id)}`;
  }

  /** Set values in order (skipping those already accepted when `cache`). */
  _set(values, cache = true) {
    let ok = true;
    for (const [element, value] of values) {
      if (cache && this.written.get(element) === value) continue;
      if (this._setOne(element, value)) {
        if (cache) this.written.set(element, value);
      } else {
        ok = false;
      }
    }
    return ok;
  }

  _setOne(element, value) {
    const result = String(this._call(this.dialect.calls.setValue, element, value));
    if (result === "true") return true;
    this._noteError(element);
    return false;
  }

  _commit() {
    if (String(this._call(this.dialect.calls.commit, "")) === "true") return true;
    this._noteError("commit");
    return false;
  }

  _noteError(element) {
    const code = String(this._call(this.dialect.calls.lastError) || "");
    const text = code ? String(this._call(this.dialect.calls.errorString, code) || "") : "";
    this.lastError = { element, code, text };
  }

  _call(method, ...args) {
    try {
      return this.api[method](...args);
    } catch (err) {
      return "false";
    }
  }
}
