/**
 * What the cardboard mode must ask for inside the learner's tap, before vr.js is loaded
 * (see load.js): the motion sensor (iOS asks for permission only during a gesture) and full
 * screen with the landscape lock. In the player bundle, so the tap can start them at once.
 * @module vr/gesture
 */
import { GyroControl } from "../gyro.js";

/**
 * @typedef {Object} CardboardStart
 * @property {GyroControl} gyro The gyroscope the mode turns the view with (now enabled).
 * @property {boolean} ownGyro Whether it was made for the mode (no toolbar gyroscope).
 * @property {boolean} gyroWasOn Whether it was on before (leaving the mode keeps it on then).
 * @property {Promise<boolean>} fullscreen Resolves true once full screen was entered here.
 */

/**
 * Call inside the tap that starts the cardboard mode.
 * @param {import("../player.js").TourPlayer} player
 * @returns {CardboardStart}
 */
export function beginCardboard(player) {
  const controls = player.controls;
  const ownGyro = !(controls && controls.gyro);
  const gyro = ownGyro
    ? new GyroControl(player.viewer, { onAvailable() {}, onChange() {}, onDenied: () => player._addNotice("gyroDenied") })
    : controls.gyro;
  const gyroWasOn = gyro.active;
  gyro.enable();
  const root = player.root;
  const request = root.requestFullscreen || root.webkitRequestFullscreen;
  let fullscreen = Promise.resolve(false);
  if (request && !(document.fullscreenElement || document.webkitFullscreenElement)) {
    try {
      fullscreen = Promise.resolve(request.call(root)).then(
        () => {
          const orientation = window.screen && window.screen.orientation;
          if (orientation && orientation.lock) orientation.lock("landscape").catch(() => {});
          return true;
        },
        () => false,
      );
    } catch (err) {
      // Full screen is a comfort: the mode fills the window anyway.
    }
  }
  return { gyro, ownGyro, gyroWasOn, fullscreen };
}
