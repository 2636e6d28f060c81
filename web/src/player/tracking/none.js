/**
 * The tracker used when results are not recorded (tracking "none", or no LMS found).
 * @module tracking/none
 */

/** A tracker that records nothing. */
export class NoTracker {
  /** @returns {boolean} Always false: nothing is connected. */
  start() {
    return false;
  }

  /** Does nothing. */
  reportQuiz() {}

  /** Does nothing. */
  reportCompleted() {}

  /** Does nothing. */
  finish() {}
}
