/**
 * Trackers without an LMS.
 * @module tracking/none
 */

/** Records nothing (the app's preview: tracking "none"). */
export class NoTracker {
  constructor() {
    this.kind = "none";
    this.limit = Infinity;
  }

  /** @returns {Object} Nothing stored, nothing connected. */
  start() {
    return { status: "none", suspendData: "", learner: null, passMark: null, mode: "normal" };
  }

  /** @returns {boolean} Always true: there is nothing to fail. */
  save() {
    return true;
  }

  record() {
    return true;
  }

  finish() {}
}
