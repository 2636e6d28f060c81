/**
 * One SCORM session with an LMS: the lifecycle both SCORM versions share
 * (initialise once, commit after each report, finish once, also on `pagehide`,
 * never on `unload`). What differs between versions is a {@link ScormDialect}.
 * @module tracking/scorm-session
 */

/**
 * @typedef {Object} ScormDialect
 * @property {{initialize: string, getValue: string, setValue: string, commit: string, finish: string}} calls
 *   The API's method names.
 * @property {(getValue: (element: string) => string) => {set: Array<[string, string]>, done: boolean}} opening
 *   What to write when a session opens, and whether the lesson is already done.
 * @property {(result: {scorePercent: number, passed: boolean}) => Array<[string, string]>} quizResult
 * @property {Array<[string, string]>} completed Values that mark the lesson completed.
 * @property {(elapsedMs: number, done: boolean) => Array<[string, string]>} closing
 *   Values written just before the session ends.
 */

/** A tracker talking to a SCORM API object in the language of one version. */
export class ScormSession {
  /**
   * @param {Object} api The LMS's API object (`API` or `API_1484_11`).
   * @param {ScormDialect} dialect
   * @param {Window} [win] Window whose `pagehide` finishes the session.
   */
  constructor(api, dialect, win) {
    this.api = api;
    this.dialect = dialect;
    this.window = win || window;
    this.started = false;
    this.finished = false;
    this.done = false;
    this.startTime = Date.now();
    this._onPageHide = () => this.finish();
  }

  /**
   * Open the session and mark the lesson incomplete if it was not attempted.
   * @returns {boolean} Whether the LMS accepted the session.
   */
  start() {
    if (this.started) return true;
    const { calls } = this.dialect;
    if (String(this._call(calls.initialize, "")) !== "true") return false;
    this.started = true;
    this.startTime = Date.now();
    const opening = this.dialect.opening((element) => String(this._call(calls.getValue, element) || ""));
    this.done = opening.done;
    this._write(opening.set);
    this.window.addEventListener("pagehide", this._onPageHide);
    return true;
  }

  /**
   * Record a quiz result (score and passed/failed).
   * @param {{scorePercent: number, passed: boolean}} result
   */
  reportQuiz(result) {
    if (!this._open()) return;
    this.done = true;
    this._write(this.dialect.quizResult(result));
  }

  /** Record that the lesson is completed (for rules without a quiz). */
  reportCompleted() {
    if (!this._open()) return;
    this.done = true;
    this._write(this.dialect.completed);
  }

  /** End the session once; a lesson that is not done is suspended for resume. */
  finish() {
    if (!this._open()) return;
    this.finished = true;
    this.window.removeEventListener("pagehide", this._onPageHide);
    this._write(this.dialect.closing(Date.now() - this.startTime, this.done));
    this._call(this.dialect.calls.finish, "");
  }

  _open() {
    return this.started && !this.finished;
  }

  /** Set each value, then commit, so nothing waits for the end of the session. */
  _write(values) {
    for (const [element, value] of values) this._call(this.dialect.calls.setValue, element, value);
    this._call(this.dialect.calls.commit, "");
  }

  _call(method, ...args) {
    try {
      return this.api[method](...args);
    } catch (err) {
      return "false";
    }
  }
}
