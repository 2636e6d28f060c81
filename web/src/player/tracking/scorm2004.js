/**
 * Results to an LMS through the SCORM 2004 run-time API (`window.API_1484_11`).
 * @module tracking/scorm2004
 */

/**
 * A session time as an ISO 8601 duration, e.g. "PT1H2M3S".
 * @param {number} ms
 * @returns {string}
 */
export function scorm2004Time(ms) {
  const seconds = Math.max(0, Math.round(ms / 1000));
  return `PT${Math.floor(seconds / 3600)}H${Math.floor(seconds / 60) % 60}M${seconds % 60}S`;
}

/** A tracker talking to a SCORM 2004 API object. */
export class Scorm2004Tracker {
  /**
   * @param {Object} api The LMS's `API_1484_11` object.
   * @param {Window} [win] Window whose `pagehide` finishes the session.
   */
  constructor(api, win) {
    this.api = api;
    this.window = win || window;
    this.started = false;
    this.finished = false;
    this.completed = false;
    this.startTime = Date.now();
    this._onPageHide = () => this.finish();
  }

  /**
   * Open the session (Initialize) and mark it "incomplete" if not attempted yet.
   * @returns {boolean} Whether the LMS accepted the session.
   */
  start() {
    if (this.started) return true;
    if (String(this._call("Initialize", "")) !== "true") return false;
    this.started = true;
    this.startTime = Date.now();
    const status = String(this._call("GetValue", "cmi.completion_status") || "");
    if (status === "" || status === "not attempted" || status === "unknown") {
      this._set("cmi.completion_status", "incomplete");
    } else if (status === "completed") {
      this.completed = true;
    }
    this._call("Commit", "");
    this.window.addEventListener("pagehide", this._onPageHide);
    return true;
  }

  /**
   * Record a quiz result: score, success status, and completion.
   * @param {{scorePercent: number, passed: boolean}} result
   */
  reportQuiz(result) {
    if (!this._open()) return;
    this._set("cmi.score.min", "0");
    this._set("cmi.score.max", "100");
    this._set("cmi.score.raw", String(result.scorePercent));
    this._set("cmi.score.scaled", String(result.scorePercent / 100));
    this._set("cmi.success_status", result.passed ? "passed" : "failed");
    this._set("cmi.completion_status", "completed");
    this.completed = true;
    this._call("Commit", "");
  }

  /** Record that the lesson is completed (for rules without a quiz). */
  reportCompleted() {
    if (!this._open()) return;
    this._set("cmi.completion_status", "completed");
    this.completed = true;
    this._call("Commit", "");
  }

  /** End the session once (Terminate); exit "normal" when completed, else "suspend". */
  finish() {
    if (!this._open()) return;
    this.finished = true;
    this.window.removeEventListener("pagehide", this._onPageHide);
    this._set("cmi.session_time", scorm2004Time(Date.now() - this.startTime));
    this._set("cmi.exit", this.completed ? "normal" : "suspend");
    this._call("Commit", "");
    this._call("Terminate", "");
  }

  _open() {
    return this.started && !this.finished;
  }

  _set(element, value) {
    return this._call("SetValue", element, value);
  }

  _call(method, ...args) {
    try {
      return this.api[method](...args);
    } catch (err) {
      return "false";
    }
  }
}
