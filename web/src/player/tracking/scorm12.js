/**
 * Results to an LMS through the SCORM 1.2 run-time API (`window.API`).
 * @module tracking/scorm12
 */

/**
 * A session time in the SCORM 1.2 format HH:MM:SS.
 * @param {number} ms
 * @returns {string}
 */
export function scorm12Time(ms) {
  const seconds = Math.max(0, Math.round(ms / 1000));
  const pad = (n) => String(n).padStart(2, "0");
  return `${pad(Math.floor(seconds / 3600))}:${pad(Math.floor(seconds / 60) % 60)}:${pad(seconds % 60)}`;
}

/** A tracker talking to a SCORM 1.2 API object. */
export class Scorm12Tracker {
  /**
   * @param {Object} api The LMS's `API` object.
   * @param {Window} [win] Window whose `pagehide` finishes the session.
   */
  constructor(api, win) {
    this.api = api;
    this.window = win || window;
    this.started = false;
    this.finished = false;
    this.done = false;
    this.startTime = Date.now();
    this._onPageHide = () => this.finish();
  }

  /**
   * Open the session (LMSInitialize) and mark the lesson "incomplete" if it was not attempted.
   * @returns {boolean} Whether the LMS accepted the session.
   */
  start() {
    if (this.started) return true;
    if (String(this._call("LMSInitialize", "")) !== "true") return false;
    this.started = true;
    this.startTime = Date.now();
    const status = String(this._call("LMSGetValue", "cmi.core.lesson_status") || "");
    if (status === "" || status === "not attempted") {
      this._set("cmi.core.lesson_status", "incomplete");
    } else if (status === "passed" || status === "completed" || status === "failed") {
      this.done = true;
    }
    this._call("LMSCommit", "");
    this.window.addEventListener("pagehide", this._onPageHide);
    return true;
  }

  /**
   * Record a quiz result: score 0–100 and lesson status passed/failed.
   * @param {{scorePercent: number, passed: boolean}} result
   */
  reportQuiz(result) {
    if (!this._open()) return;
    this._set("cmi.core.score.min", "0");
    this._set("cmi.core.score.max", "100");
    this._set("cmi.core.score.raw", String(result.scorePercent));
    this._set("cmi.core.lesson_status", result.passed ? "passed" : "failed");
    this.done = true;
    this._call("LMSCommit", "");
  }

  /** Record that the lesson is completed (for rules without a quiz). */
  reportCompleted() {
    if (!this._open()) return;
    this._set("cmi.core.lesson_status", "completed");
    this.done = true;
    this._call("LMSCommit", "");
  }

  /** End the session once (LMSFinish); "suspend" when the lesson is not done. */
  finish() {
    if (!this._open()) return;
    this.finished = true;
    this.window.removeEventListener("pagehide", this._onPageHide);
    this._set("cmi.core.session_time", scorm12Time(Date.now() - this.startTime));
    this._set("cmi.core.exit", this.done ? "" : "suspend");
    this._call("LMSCommit", "");
    this._call("LMSFinish", "");
  }

  _open() {
    return this.started && !this.finished;
  }

  _set(element, value) {
    return this._call("LMSSetValue", element, value);
  }

  _call(method, ...args) {
    try {
      return this.api[method](...args);
    } catch (err) {
      return "false";
    }
  }
}
