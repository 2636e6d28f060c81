/**
 * Progress kept on the device (tracking "local": the web export, and a SCORM or cmi5 package
 * opened without its LMS): the resume state in `localStorage`, under a key of the tour's id.
 * @module tracking/local
 */

/** The key of a tour's state on the device. */
export function localKey(tourId, learner) {
  return `tourbuilder:progress:${tourId}:${learner || "device"}`;
}

/**
 * Read a stored copy.
 * @returns {{data: string, synced: boolean, at: number}|null}
 */
export function readLocal(key) {
  try {
    const record = JSON.parse(window.localStorage.getItem(key) || "null");
    return record && typeof record.data === "string" ? record : null;
  } catch (err) {
    return null;
  }
}

/**
 * Store a copy. `synced`: the LMS has accepted this same state.
 * @returns {boolean} Whether the device kept it (false: storage full or refused).
 */
export function writeLocal(key, data, synced) {
  try {
    window.localStorage.setItem(key, JSON.stringify({ data, synced: !!synced, at: Date.now() }));
    return true;
  } catch (err) {
    return false;
  }
}

/** Forget a stored copy. */
export function removeLocal(key) {
  try {
    window.localStorage.removeItem(key);
  } catch (err) {
    // Nothing to do: storage refused.
  }
}

/** The learner's progress on this device. */
export class LocalTracker {
  /**
   * @param {string} tourId
   * @param {string} status "local", or "no-lms" / "lms-failed" for a package without its LMS.
   */
  constructor(tourId, status) {
    this.kind = "local";
    this.limit = 64000;
    this.key = localKey(tourId);
    this.status = status || "local";
  }

  start() {
    const record = readLocal(this.key);
    return { status: this.status, suspendData: record ? record.data : "", learner: null, passMark: null, mode: "normal" };
  }

  save(snapshot) {
    return writeLocal(this.key, snapshot.suspendData, true);
  }

  record() {
    return true;
  }

  finish(snapshot) {
    if (snapshot) this.save(snapshot);
  }
}
