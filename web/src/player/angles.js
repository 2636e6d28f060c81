/**
 * Angle conventions (as in Pannellum), in degrees:
 * - yaw grows clockwise seen from above (turning right), pitch grows upwards;
 * - world yaw 0, pitch 0 is the three.js direction (0, 0, -1) (the default
 *   camera's forward direction), yaw +90 is +x, pitch +90 is +y;
 * - in an equirectangular picture, column u ∈ [0, 1) is image yaw (u − 0.5)·360
 *   and row v ∈ [0, 1) (top to bottom) is pitch (0.5 − v)·180;
 * - a scene's `pose` {heading, pitch, roll} says where the picture's centre
 *   faces: world yaw = image yaw + heading (then pitch and roll tilt the sphere).
 * @module angles
 */

const DEG = Math.PI / 180;

/**
 * Fold a yaw into [-180, 180).
 * @param {number} yaw Degrees.
 * @returns {number}
 */
export function wrapYaw(yaw) {
  let folded = (yaw + 180) % 360;
  if (folded < 0) folded += 360;
  return folded - 180;
}

/**
 * Clamp a number into [min, max].
 * @param {number} value
 * @param {number} min
 * @param {number} max
 * @returns {number}
 */
export function clamp(value, min, max) {
  return Math.min(max, Math.max(min, value));
}

/**
 * The unit direction (three.js world coordinates) of a world yaw and pitch.
 * @param {number} yaw Degrees, clockwise from above.
 * @param {number} pitch Degrees above the horizon.
 * @returns {[number, number, number]} x, y, z
 */
export function direction(yaw, pitch) {
  const cp = Math.cos(pitch * DEG);
  return [Math.sin(yaw * DEG) * cp, Math.sin(pitch * DEG), -Math.cos(yaw * DEG) * cp];
}

/**
 * The vertical field of view of a camera from a horizontal one.
 * @param {number} hfov Horizontal field of view, degrees.
 * @param {number} aspect Width / height.
 * @returns {number} Degrees.
 */
export function verticalFov(hfov, aspect) {
  return (2 * Math.atan(Math.tan((hfov * DEG) / 2) / aspect)) / DEG;
}

/**
 * The horizontal field of view of a camera from a vertical one.
 * @param {number} vfov Vertical field of view, degrees.
 * @param {number} aspect Width / height.
 * @returns {number} Degrees.
 */
export function horizontalFov(vfov, aspect) {
  return (2 * Math.atan(Math.tan((vfov * DEG) / 2) * aspect)) / DEG;
}

/** Degrees to radians. */
export const DEG2RAD = DEG;
