/**
 * Tiled multi-resolution cube panoramas (the pyramid written by tourbuilder's panorama
 * pipeline, see tourbuilder/panorama/README.md): six cube faces around the camera, each
 * split into small tiles (≤ tile_size px, one texture per tile, so phones with a 4096-px
 * texture limit never see a big texture). Only the tiles of the level the current zoom
 * needs that lie in the view are loaded, nearest to the view's centre first, a few at a time.
 * @module tiles
 */
import {
  BufferGeometry,
  Float32BufferAttribute,
  Frustum,
  Group,
  LinearFilter,
  Matrix4,
  Mesh,
  MeshBasicMaterial,
  SRGBColorSpace,
  Texture,
  Vector3,
} from "three";
import { loadAsset } from "./assets.js";

/**
 * Cube faces in the three.js frame of the picture (x right = image yaw 90°, y up,
 * −z = image yaw 0°): [centre, direction of growing a, direction of growing b], so that face
 * point (a, b) ∈ [−1, 1]² lies at centre + a·A + b·B. This is the table of the pipeline's
 * README with its Z (forward) turned into three.js's −z.
 */
export const FACES = {
  f: [[0, 0, -1], [1, 0, 0], [0, -1, 0]], // ( a, −b,  1)
  r: [[1, 0, 0], [0, 0, 1], [0, -1, 0]], // ( 1, −b, −a)
  b: [[0, 0, 1], [-1, 0, 0], [0, -1, 0]], // (−a, −b, −1)
  l: [[-1, 0, 0], [0, 0, -1], [0, -1, 0]], // (−1, −b,  a)
  u: [[0, 1, 0], [1, 0, 0], [0, 0, -1]], // ( a,  1,  b): top edge towards yaw 180
  d: [[0, -1, 0], [1, 0, 0], [0, 0, 1]], // ( a, −1, −b): top edge towards yaw 0
};

/**
 * The (not normalised) three.js direction of a point of a cube face.
 * @param {string} face "f", "r", "b", "l", "u" or "d".
 * @param {number} a −1 at the face's left edge, +1 at its right edge (as seen from inside).
 * @param {number} b −1 at the face's top edge, +1 at its bottom edge.
 * @returns {[number, number, number]}
 */
export function faceDirection(face, a, b) {
  const [c, A, B] = FACES[face];
  return [c[0] + a * A[0] + b * B[0], c[1] + a * A[1] + b * B[1], c[2] + a * A[2] + b * B[2]];
}

/**
 * The level a view needs: the smallest whose pixel density (face_size / 90°) is at least the
 * screen's (canvas device pixels / horizontal field of view); the largest when none is.
 * @param {{face_size: number}[]} levels Smallest first.
 * @param {number} screenDensity Canvas device pixels per degree.
 * @returns {number} Index into levels.
 */
export function chooseLevel(levels, screenDensity) {
  for (let i = 0; i < levels.length; i++) {
    if (levels[i].face_size / 90 >= screenDensity) return i;
  }
  return levels.length - 1;
}

/**
 * The URL of a tile.
 * @param {string} pattern `tile_path`, with {level}, {face}, {row} and {col}.
 * @returns {string}
 */
export function tileUrl(pattern, level, face, row, col) {
  return pattern.replace(/\{(level|face|row|col)\}/g, (m, name) => String({ level, face, row, col }[name]));
}

/** Tile states. */
const IDLE = 0;
const LOADING = 1;
const LOADED = 2;
const FAILED = 3;
/** Attempts per tile before it counts as failed. */
const ATTEMPTS = 3;
/** A tile must reach this far (three.js units, the cube's half edge is 5) into the view to count:
 * tiles that only touch the view's edge (e.g. the side faces at exactly 90° fov) are not loaded. */
const EPSILON = 1e-3;

/**
 * Whether a convex polygon (points in world space) has a part inside the frustum: it is
 * clipped by each plane in turn (exact for convex shapes, unlike a bounding-sphere test).
 * @param {number[][]} points
 * @param {import("three").Plane[]} planes
 * @returns {boolean}
 */
function polygonInFrustum(points, planes) {
  let poly = points;
  for (const plane of planes) {
    const n = plane.normal;
    const distance = (p) => n.x * p[0] + n.y * p[1] + n.z * p[2] + plane.constant;
    const kept = [];
    for (let i = 0; i < poly.length; i++) {
      const p = poly[i];
      const q = poly[(i + 1) % poly.length];
      const dp = distance(p);
      const dq = distance(q);
      if (dp > EPSILON) kept.push(p);
      if (dp > EPSILON !== dq > EPSILON) {
        const t = (dp - EPSILON) / (dp - dq);
        kept.push([p[0] + (q[0] - p[0]) * t, p[1] + (q[1] - p[1]) * t, p[2] + (q[2] - p[2]) * t]);
      }
    }
    if (!kept.length) return false;
    poly = kept;
  }
  return true;
}

/**
 * @typedef {Object} Pyramid The `config.panoramas` entry of a panorama.
 * @property {string} [placeholder] Tiny equirect (data: URL).
 * @property {string} [preview] Equirect preview URL.
 * @property {number} tile_size
 * @property {string[]} faces Face names, of "f", "r", "b", "l", "u", "d".
 * @property {{face_size: number, tiles: number}[]} levels Smallest first.
 * @property {string} tile_path URL pattern with {level} (index into levels), {face}, {row}, {col}.
 */

/**
 * @typedef {Object} TileStats
 * @property {number} level Index of the level the view needs (-1 without a tiled panorama).
 * @property {number} levels Number of levels.
 * @property {number} faceSize face_size of that level (0 without one).
 * @property {number} requested Tile requests started for this panorama (retries included).
 * @property {number} loaded Tiles that arrived for this panorama.
 * @property {number} failed Tiles given up after retries.
 * @property {number} resident Tile textures held now (all levels).
 * @property {number} inFlight Requests under way.
 * @property {number} queued Tiles of the view waiting for a request.
 * @property {number} visible Tiles of the needed level that intersect the view.
 * @property {number} visibleLoaded How many of those are loaded.
 * @property {boolean} sharp visible > 0 and visibleLoaded === visible.
 */

/** The cube of tiles of one panorama at a time. */
export class TileLayer {
  /**
   * @param {Object} parts
   * @param {import("three").Object3D} parts.parent Gets the cube (the pose group of the sphere).
   * @param {number} parts.radius Half the cube's edge (inside the preview sphere).
   * @param {function():void} parts.requestRender
   * @param {function(boolean):void} parts.onSharpChange
   * @param {{tileConcurrency?: number, maxTiles?: number}} [options]
   */
  constructor(parts, options) {
    this.parent = parts.parent;
    this.radius = parts.radius;
    this.requestRender = parts.requestRender;
    this.onSharpChange = parts.onSharpChange;
    this.concurrency = Math.max(1, (options && options.tileConcurrency) || 4);
    this.maxTiles = Math.max(1, (options && options.maxTiles) || 64);
    this.group = new Group();
    this.parent.add(this.group);
    this.pyramid = null;
    this._session = 0;
    this._frustum = new Frustum();
    this._matrix = new Matrix4();
    this._forward = new Vector3();
    this._point = new Vector3();
    this._reset();
  }

  /**
   * Start drawing a pyramid (the previous one is freed).
   * @param {Pyramid} pyramid
   */
  open(pyramid) {
    this.close();
    const levels = (pyramid && pyramid.levels) || [];
    if (!levels.length || !pyramid.tile_path) return;
    this.pyramid = pyramid;
    this.faces = (pyramid.faces || Object.keys(FACES)).filter((f) => FACES[f]);
    this.requestRender();
  }

  /** Stop: forget the pyramid, cancel its requests and free its textures. */
  close() {
    this._session += 1;
    for (const levelTiles of this._levels) {
      if (!levelTiles) continue;
      for (const tile of levelTiles) {
        if (tile.img) {
          tile.img.onload = tile.img.onerror = null;
          tile.img.removeAttribute("src"); // abandons the download
          tile.img = null;
        }
        this._release(tile);
        if (tile.timer) clearTimeout(tile.timer);
        this._drop(tile);
      }
    }
    this.pyramid = null;
    this._reset();
  }

  /** Free everything (the viewer is going away). */
  dispose() {
    this.close();
    this.parent.remove(this.group);
  }

  /**
   * Choose the level, find the tiles in the view, queue the missing ones. Called before each
   * drawing, after the camera's matrices are up to date.
   * @param {import("three").Camera} camera
   * @param {number} screenDensity Canvas device pixels per degree of horizontal field of view.
   */
  update(camera, screenDensity) {
    if (!this.pyramid) return;
    const level = chooseLevel(this.pyramid.levels, screenDensity);
    this.level = level;
    this.parent.updateMatrixWorld(true);
    const toWorld = this.group.matrixWorld;
    this._frustum.setFromProjectionMatrix(this._matrix.multiplyMatrices(camera.projectionMatrix, camera.matrixWorldInverse));
    const planes = this._frustum.planes;
    camera.getWorldDirection(this._forward);
    const stamp = ++this._stamp;
    const needed = [];
    for (const tile of this._tilesOf(level)) {
      const world = tile.corners.map((c) => this._point.set(c[0], c[1], c[2]).applyMatrix4(toWorld).toArray());
      if (!polygonInFrustum(world, planes)) continue;
      const centre = this._point.set(tile.centre[0], tile.centre[1], tile.centre[2]).applyMatrix4(toWorld).normalize();
      tile.score = centre.dot(this._forward);
      tile.used = stamp;
      needed.push(tile);
    }
    this.visible = needed.length;
    this.visibleLoaded = needed.filter((t) => t.state === LOADED).length;
    this._queue = needed.filter((t) => t.state === IDLE).sort((p, q) => q.score - p.score);
    // Coarser levels stay under the finer ones (renderOrder); finer ones than needed would
    // shimmer (no mipmaps), so they wait hidden.
    for (const tile of this._resident) tile.mesh.visible = tile.level <= level;
    this._pump();
    const sharp = this.visible > 0 && this.visibleLoaded === this.visible;
    if (sharp !== this.sharp) {
      this.sharp = sharp;
      this.onSharpChange(sharp);
    }
  }

  /** @returns {TileStats} */
  stats() {
    const has = !!this.pyramid;
    return {
      level: has ? this.level : -1,
      levels: has ? this.pyramid.levels.length : 0,
      faceSize: has && this.level >= 0 ? this.pyramid.levels[this.level].face_size : 0,
      requested: this.requested,
      loaded: this.loaded,
      failed: this.failed,
      resident: this._resident.size,
      inFlight: this._inFlight,
      queued: this._queue.length,
      visible: this.visible,
      visibleLoaded: this.visibleLoaded,
      sharp: this.sharp,
    };
  }

  _reset() {
    this._levels = [];
    this._resident = new Set();
    this._queue = [];
    this._inFlight = 0;
    this._stamp = 0;
    this.level = -1;
    this.requested = 0;
    this.loaded = 0;
    this.failed = 0;
    this.visible = 0;
    this.visibleLoaded = 0;
    this.sharp = false;
  }

  /** The tiles of a level (made on first use): where they are and where they come from. */
  _tilesOf(level) {
    if (this._levels[level]) return this._levels[level];
    const { face_size: size, tiles: count } = this.pyramid.levels[level];
    const tileSize = this.pyramid.tile_size || Math.ceil(size / count);
    const r = this.radius;
    const tiles = [];
    for (const face of this.faces) {
      for (let row = 0; row < count; row++) {
        for (let col = 0; col < count; col++) {
          const x0 = col * tileSize;
          const y0 = row * tileSize;
          const x1 = Math.min(x0 + tileSize, size);
          const y1 = Math.min(y0 + tileSize, size);
          if (x0 >= size || y0 >= size) continue;
          const at = (x, y) => faceDirection(face, (2 * x) / size - 1, (2 * y) / size - 1).map((v) => v * r);
          tiles.push({
            level,
            face,
            row,
            col,
            url: tileUrl(this.pyramid.tile_path, level, face, row, col),
            // Top left, top right, bottom right, bottom left as seen from inside (round the edge).
            corners: [at(x0, y0), at(x1, y0), at(x1, y1), at(x0, y1)],
            centre: at((x0 + x1) / 2, (y0 + y1) / 2),
            state: IDLE,
            attempts: 0,
            used: 0,
            score: 0,
            mesh: null,
            img: null,
            release: null,
            timer: 0,
          });
        }
      }
    }
    this._levels[level] = tiles;
    return tiles;
  }

  _pump() {
    while (this._inFlight < this.concurrency && this._queue.length) {
      const tile = this._queue.shift();
      if (tile.state === IDLE) this._load(tile);
    }
  }

  _load(tile) {
    const session = this._session;
    const img = new Image();
    img.decoding = "async";
    tile.img = img;
    tile.state = LOADING;
    this._inFlight += 1;
    this.requested += 1;
    const settle = (ok) => {
      if (session !== this._session || tile.img !== img) return;
      tile.img = null;
      this._release(tile);
      this._inFlight -= 1;
      if (ok) {
        this._show(tile, img);
      } else if (++tile.attempts < ATTEMPTS) {
        tile.state = FAILED;
        tile.timer = setTimeout(() => {
          tile.timer = 0;
          if (session !== this._session) return;
          tile.state = IDLE;
          this.requestRender();
        }, 1000 * tile.attempts);
      } else {
        tile.state = FAILED;
        this.failed += 1;
      }
      this._pump();
      this.requestRender();
    };
    img.onload = () => {
      // Decode before the texture upload, off the main thread where the browser can.
      if (img.decode) img.decode().then(() => settle(true), () => settle(true));
      else settle(true);
    };
    img.onerror = () => settle(false);
    // The URL comes from the asset loader: the tile's own, or a blob: URL from file:// (assets.js).
    loadAsset(tile.url).then(
      (asset) => {
        if (session !== this._session || tile.img !== img) {
          asset.release();
          return;
        }
        tile.release = asset.release;
        if (!/^(blob|data):/i.test(asset.url)) img.crossOrigin = "anonymous";
        img.src = asset.url;
      },
      () => settle(false),
    );
  }

  /** Free the blob URL of a tile's load, if any. */
  _release(tile) {
    if (!tile.release) return;
    const release = tile.release;
    tile.release = null;
    release();
  }

  _show(tile, img) {
    const texture = new Texture(img);
    texture.colorSpace = SRGBColorSpace;
    texture.generateMipmaps = false;
    texture.minFilter = LinearFilter;
    texture.needsUpdate = true;
    const [tl, tr, br, bl] = tile.corners;
    const geometry = new BufferGeometry();
    geometry.setAttribute("position", new Float32BufferAttribute([...tl, ...tr, ...bl, ...br], 3));
    // flipY: v = 1 is the picture's top row.
    geometry.setAttribute("uv", new Float32BufferAttribute([0, 1, 1, 1, 0, 0, 1, 0], 2));
    geometry.setIndex([0, 2, 1, 1, 2, 3]); // counter-clockwise seen from inside
    const material = new MeshBasicMaterial({ map: texture, toneMapped: false, depthTest: false, depthWrite: false });
    const mesh = new Mesh(geometry, material);
    mesh.renderOrder = 1 + tile.level;
    mesh.visible = tile.level <= this.level;
    tile.mesh = mesh;
    tile.state = LOADED;
    this.group.add(mesh);
    this._resident.add(tile);
    this.loaded += 1;
    this._evict();
  }

  /** Keep at most maxTiles textures: free the longest unneeded ones (never those of the view). */
  _evict() {
    if (this._resident.size <= this.maxTiles) return;
    const spare = Array.from(this._resident)
      .filter((t) => t.used !== this._stamp)
      .sort((p, q) => p.used - q.used);
    while (this._resident.size > this.maxTiles && spare.length) this._drop(spare.shift());
  }

  _drop(tile) {
    if (tile.mesh) {
      this.group.remove(tile.mesh);
      tile.mesh.material.map.dispose();
      tile.mesh.material.dispose();
      tile.mesh.geometry.dispose();
      tile.mesh = null;
    }
    this._resident.delete(tile);
    if (tile.state === LOADED) tile.state = IDLE;
  }
}
