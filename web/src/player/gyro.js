/**
 * Looking around by moving the phone: the view follows the device's orientation
 * (DeviceOrientation events), turned on and off by the toolbar's gyroscope button.
 *
 * - The button shows only where the sensor exists: where a `deviceorientation` event with
 *   angles has arrived (Android), and on touch screens whose browser has
 *   `DeviceOrientationEvent.requestPermission` (iOS 13+, where no event comes before it is
 *   granted; it must be called from a tap, so the button's click asks for it). A desktop
 *   browser without the sensor never gets the button; a touch screen without one loses it
 *   again when no angles arrive within {@link NO_SENSOR_MS} of turning it on.
 * - The phone's turn left and right is added to the view's yaw (the compass zero of `alpha`
 *   differs between devices, so only its changes count): dragging still turns the view, and
 *   the phone carries on from there. Pitch and roll come from the phone as they are, so the
 *   horizon stays level; the view may then reach the poles.
 * - The screen's orientation (portrait, landscape either way) is taken into account at each
 *   event (`screen.orientation.angle`, or `window.orientation` on older iOS).
 * @module gyro
 */
import { Euler, Quaternion, Vector3 } from "three";
import { DEG2RAD, wrapYaw } from "./angles.js";

const Z_AXIS = new Vector3(0, 0, 1);
/** −90° about x: the camera looks out of the back of the phone, not out of its top edge. */
const BACK_OF_PHONE = new Quaternion(-Math.SQRT1_2, 0, 0, Math.SQRT1_2);
/** Turned on, the first angles must come within this time (ms), or there is no sensor. */
export const NO_SENSOR_MS = 2000;
const euler = new Euler();
const quaternion = new Quaternion();
const screenTurn = new Quaternion();

/**
 * The view of a phone's back camera, from DeviceOrientation angles (as three.js's former
 * DeviceOrientationControls: intrinsic Z-X'-Y'' device angles, then the screen's turn).
 * @param {number} alpha Degrees about the vertical (grows turning left).
 * @param {number} beta Degrees about the phone's left-right axis (90 = upright).
 * @param {number} gamma Degrees about the phone's long axis.
 * @param {number} screenAngle Degrees the screen content is turned (0, 90, 180, 270 or −90).
 * @returns {{yaw: number, pitch: number, roll: number}} Degrees, as {@link PanoramaViewer#setView}
 *   takes them.
 */
export function deviceView(alpha, beta, gamma, screenAngle) {
  euler.set(beta * DEG2RAD, alpha * DEG2RAD, -gamma * DEG2RAD, "YXZ");
  quaternion.setFromEuler(euler).multiply(BACK_OF_PHONE);
  quaternion.multiply(screenTurn.setFromAxisAngle(Z_AXIS, -screenAngle * DEG2RAD));
  euler.setFromQuaternion(quaternion, "YXZ");
  return { yaw: wrapYaw(-euler.y / DEG2RAD), pitch: euler.x / DEG2RAD, roll: euler.z / DEG2RAD };
}

/** Degrees the screen's content is turned now. */
function screenAngle() {
  const orientation = window.screen && window.screen.orientation;
  if (orientation && typeof orientation.angle === "number") return orientation.angle;
  return typeof window.orientation === "number" ? window.orientation : 0;
}

/** Whether an orientation event carries angles (desktop browsers send one with nulls). */
function hasAngles(e) {
  return e && Number.isFinite(e.alpha) && Number.isFinite(e.beta) && Number.isFinite(e.gamma);
}

/** The view follows the phone while on. */
export class GyroControl {
  /**
   * @param {import("./viewer.js").PanoramaViewer} viewer
   * @param {Object} callbacks
   * @param {function(boolean):void} callbacks.onAvailable The device has the sensor (true: show
   *   the button) or turned out not to have it (false).
   * @param {function(boolean):void} callbacks.onChange Turned on (true) or off (false).
   * @param {function():void} callbacks.onDenied The person (or the browser) refused the sensor.
   */
  constructor(viewer, callbacks) {
    this.viewer = viewer;
    this.callbacks = callbacks;
    this.available = false;
    this.active = false;
    this.needsPermission = false;
    this._last = null;
    this._onEvent = (e) => this._onOrientation(e);
    this._onScreenTurn = () => {
      this._last = null;
    };
    this._probe = (e) => {
      if (hasAngles(e)) this._setAvailable();
    };
    const api = window.DeviceOrientationEvent;
    if (typeof api !== "function") return;
    this.needsPermission = typeof api.requestPermission === "function";
    window.addEventListener("deviceorientation", this._probe);
    if (this.needsPermission && navigator.maxTouchPoints > 0) {
      // Reported after the constructor returns, so the caller has its button ready.
      Promise.resolve().then(() => this._setAvailable());
    }
  }

  /**
   * Turn on (asking for permission first on iOS: call this from a click or tap handler,
   * not after an await, or iOS refuses).
   * @returns {Promise<boolean>} Whether it is on.
   */
  enable() {
    if (this.active) return Promise.resolve(true);
    if (!this.needsPermission) {
      this._start();
      return Promise.resolve(true);
    }
    let answer;
    try {
      answer = Promise.resolve(window.DeviceOrientationEvent.requestPermission());
    } catch (err) {
      answer = Promise.reject(err);
    }
    return answer.then(
      (state) => {
        if (state === "granted") {
          this._start();
          return true;
        }
        this.callbacks.onDenied();
        return false;
      },
      () => {
        this.callbacks.onDenied();
        return false;
      },
    );
  }

  /** Turn off: the view stays where it is, level again, and back within its pitch limits. */
  disable() {
    if (!this.active) return;
    this.active = false;
    clearTimeout(this._sensorTimer);
    window.removeEventListener("deviceorientation", this._onEvent);
    this._listenScreen(false);
    this.viewer.freePitch = false;
    this.viewer.setView({ roll: 0 });
    this.callbacks.onChange(false);
  }

  /**
   * Turn on or off.
   * @returns {Promise<boolean>} Whether it is on afterwards.
   */
  toggle() {
    if (this.active) {
      this.disable();
      return Promise.resolve(false);
    }
    return this.enable();
  }

  /** Stop listening for good. */
  dispose() {
    this.disable();
    window.removeEventListener("deviceorientation", this._probe);
  }

  _setAvailable() {
    window.removeEventListener("deviceorientation", this._probe);
    if (this.available) return;
    this.available = true;
    this.callbacks.onAvailable(true);
  }

  _start() {
    this.available = true;
    this.active = true;
    this._last = null;
    this._sensed = false;
    this.viewer.freePitch = true;
    window.addEventListener("deviceorientation", this._onEvent);
    this._listenScreen(true);
    this.callbacks.onChange(true);
    clearTimeout(this._sensorTimer);
    this._sensorTimer = setTimeout(() => {
      if (!this.active || this._sensed) return;
      this.disable();
      this.available = false;
      this.callbacks.onAvailable(false);
    }, NO_SENSOR_MS);
  }

  _listenScreen(on) {
    const orientation = window.screen && window.screen.orientation;
    const method = on ? "addEventListener" : "removeEventListener";
    if (orientation && typeof orientation.addEventListener === "function") {
      orientation[method]("change", this._onScreenTurn);
    } else {
      window[method]("orientationchange", this._onScreenTurn);
    }
  }

  _onOrientation(e) {
    if (!this.active || !hasAngles(e)) return;
    this._sensed = true;
    const view = deviceView(e.alpha, e.beta, e.gamma, screenAngle());
    const viewer = this.viewer;
    // Only the phone's turn since the last event moves the yaw: a drag in between is kept.
    const yaw = this._last === null ? viewer.yaw : viewer.yaw + wrapYaw(view.yaw - this._last);
    this._last = view.yaw;
    viewer.setView({ yaw, pitch: view.pitch, roll: view.roll });
  }
}
