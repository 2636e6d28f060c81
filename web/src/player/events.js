/**
 * A minimal event emitter (`on`, `off`, `emit`).
 * @module events
 */

/** Keeps listeners by event name. */
export class Emitter {
  constructor() {
    /** @type {Map<string, Set<function(Object):void>>} */
    this._listeners = new Map();
  }

  /**
   * Listen to an event.
   * @param {string} event
   * @param {function(Object):void} fn Gets the event's detail object.
   * @returns {this}
   */
  on(event, fn) {
    if (!this._listeners.has(event)) this._listeners.set(event, new Set());
    this._listeners.get(event).add(fn);
    return this;
  }

  /**
   * Stop listening. Without `fn`, removes every listener of the event.
   * @param {string} event
   * @param {function(Object):void} [fn]
   * @returns {this}
   */
  off(event, fn) {
    const set = this._listeners.get(event);
    if (set) {
      if (fn) set.delete(fn);
      else set.clear();
    }
    return this;
  }

  /**
   * Call the listeners of an event. A failing listener does not stop the others.
   * @param {string} event
   * @param {Object} [detail]
   */
  emit(event, detail) {
    const set = this._listeners.get(event);
    if (!set) return;
    for (const fn of Array.from(set)) {
      try {
        fn(detail || {});
      } catch (err) {
        console.error(err); // eslint-disable-line no-console
      }
    }
  }
}
