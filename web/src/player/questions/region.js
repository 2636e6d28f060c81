/**
 * "Find it in the scene": whether a direction lies inside a region, a polygon of [yaw, pitch]
 * corners (world degrees, as hotspots). The same test as tourbuilder.model.region_contains:
 * even-odd, in the plane of yaw and pitch, every yaw unwrapped to within 180° of the first
 * corner, so a region may cross ±180°. Regions are meant to be small (an object in a scene).
 * @module questions/region
 */

/** `yaw` moved by whole turns to within 180° of `reference`. */
function unwrap(yaw, reference) {
  let d = (yaw - reference + 180) % 360;
  if (d < 0) d += 360;
  return reference + d - 180;
}

/**
 * @param {Array<[number, number]>} region Corners as [yaw, pitch].
 * @param {number} yaw
 * @param {number} pitch
 * @returns {boolean}
 */
export function regionContains(region, yaw, pitch) {
  if (!Array.isArray(region) || region.length < 3 || !Number.isFinite(yaw) || !Number.isFinite(pitch)) return false;
  const ref = region[0][0];
  const corners = region.map(([y, p]) => [unwrap(y, ref), p]);
  const x = unwrap(yaw, ref);
  let inside = false;
  for (let i = 0, j = corners.length - 1; i < corners.length; j = i, i += 1) {
    const [xi, yi] = corners[i];
    const [xj, yj] = corners[j];
    if (yi > pitch !== yj > pitch && x < ((xj - xi) * (pitch - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/**
 * The middle of a region (mean of its corners, yaws unwrapped), e.g. to turn the view to it.
 * @param {Array<[number, number]>} region
 * @returns {{yaw: number, pitch: number}}
 */
export function regionCentre(region) {
  const ref = region[0][0];
  let yaw = 0;
  let pitch = 0;
  for (const [y, p] of region) {
    yaw += unwrap(y, ref);
    pitch += p;
  }
  yaw /= region.length;
  return { yaw: unwrap(yaw, 0), pitch: pitch / region.length };
}
