/**
 * The web export's service worker (built by web/build.mjs into
 * tourbuilder/static/build/offline/sw.js; the exporter writes `sw.js` at the export's root as
 * `self.TOURBUILDER_PRECACHE = {...};` followed by this code).
 *
 * - install: stores every file of the precache list in a cache named after the export's
 *   content version; files already stored (an earlier, interrupted attempt, or an older version
 *   that had the same file and revision) are not downloaded again, so a slow, breaking link
 *   gets there in several tries. The install fails (and is tried again on the next visit) until
 *   every file is stored.
 * - activate: deletes this tour's caches of other versions (only those of this worker's scope:
 *   other tours on the same site keep theirs) and takes control of open pages.
 * - fetch: cache first for the precached files, and for tiles and media that were not
 *   precached (finer tile levels), which are stored in this version's cache when first fetched;
 *   a request with a Range header (audio, video) gets a 206 cut from the stored file. Anything
 *   else (embed.html, the file:// twins) is left to the browser.
 * @module offline/sw
 */

/* global self, caches, fetch, Headers, Response, URL */

/**
 * @typedef {Object} Precache
 * @property {string} version Content version of the export (also in the cache's name).
 * @property {Array<[string, string]>} files [path relative to the worker, revision].
 * @property {string[]} runtime Path prefixes stored on first use (content-addressed).
 */

/** @type {Precache} */
const PRECACHE = self.TOURBUILDER_PRECACHE || { version: "0", files: [], runtime: [] };
const SCOPE = self.registration.scope;
const PREFIX = `tourbuilder:${SCOPE}:`;
const CACHE = PREFIX + PRECACHE.version;
/** Downloads at once while precaching. */
const PARALLEL = 4;

/** The cache key of a precached file: its URL with its revision, so equal files are shared. */
function keyOf(path, revision) {
  const url = new URL(path, SCOPE);
  url.searchParams.set("__tb_rev", revision);
  return url.href;
}

/** Path (relative to the scope) → cache key. */
const KEYS = new Map(PRECACHE.files.map(([path, revision]) => [path, keyOf(path, revision)]));

function ourCaches() {
  return caches.keys().then((names) => names.filter((name) => name.startsWith(PREFIX)));
}

/** A stored response for `key` in any of this tour's caches (an older version's copy is as good). */
function findStored(key, names) {
  let found = Promise.resolve(undefined);
  for (const name of names) {
    found = found.then((hit) => hit || caches.open(name).then((cache) => cache.match(key)));
  }
  return found;
}

/**
 * A response as it may be stored and given to any request: a redirected one (some servers send
 * index.html through a redirect) would be refused for a page load, so it is copied without that mark.
 */
function plain(response) {
  if (!response.redirected) return Promise.resolve(response);
  return response.blob().then(
    (body) => new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers }),
  );
}

function precache() {
  return Promise.all([caches.open(CACHE), ourCaches()]).then(([cache, names]) => {
    const others = names.filter((name) => name !== CACHE);
    const todo = PRECACHE.files.slice();
    const worker = () => {
      const next = todo.shift();
      if (!next) return Promise.resolve();
      const [path] = next;
      const key = KEYS.get(path);
      return cache
        .match(key)
        .then((hit) => hit || findStored(key, others))
        .then((stored) => {
          if (stored) return cache.put(key, stored);
          return fetch(new URL(path, SCOPE).href, { cache: "no-cache" }).then((response) => {
            if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
            return plain(response).then((copy) => cache.put(key, copy));
          });
        })
        .then(worker);
    };
    const workers = [];
    for (let i = 0; i < PARALLEL; i++) workers.push(worker());
    return Promise.all(workers);
  });
}

self.addEventListener("install", (event) => {
  event.waitUntil(precache().then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    ourCaches()
      .then((names) => Promise.all(names.filter((name) => name !== CACHE).map((name) => caches.delete(name))))
      .then(() => self.clients.claim()),
  );
});

/** The path of a URL relative to the scope, or null outside it. */
function scopePath(url) {
  if (!url.href.startsWith(SCOPE)) return null;
  const base = new URL(SCOPE).pathname;
  let path = url.pathname.slice(base.length);
  try {
    path = decodeURIComponent(path);
  } catch (err) {
    // keep it as it is
  }
  return path === "" ? "index.html" : path;
}

/** A 206 response with the asked part of a stored response (audio and video ask for ranges). */
function partial(response, range) {
  const match = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
  if (!match) return Promise.resolve(response);
  return response.blob().then((blob) => {
    const size = blob.size;
    let start = match[1] === "" ? size - Number(match[2]) : Number(match[1]);
    let end = match[1] === "" || match[2] === "" ? size - 1 : Number(match[2]);
    start = Math.max(0, start);
    end = Math.min(end, size - 1);
    if (start > end) {
      return new Response(null, { status: 416, headers: { "Content-Range": `bytes */${size}` } });
    }
    const headers = new Headers(response.headers);
    headers.set("Content-Range", `bytes ${start}-${end}/${size}`);
    headers.set("Content-Length", String(end - start + 1));
    return new Response(blob.slice(start, end + 1), { status: 206, statusText: "Partial Content", headers });
  });
}

/** Cache first: the stored copy under `key`, else the network (a full answer is then stored). */
function respond(request, key) {
  const range = request.headers.get("range");
  return caches.open(CACHE).then((cache) =>
    cache.match(key).then((hit) => {
      if (hit) return range ? partial(hit, range) : hit;
      if (range) return fetch(request);
      return fetch(request).then((response) => {
        if (response.status === 200 && !response.redirected) cache.put(key, response.clone()).catch(() => {});
        return response;
      });
    }),
  );
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  const path = scopePath(url);
  if (path === null) return;
  // Precached files under their revision's key; content-addressed ones under their URL; the
  // rest (embed.html, the file:// twins, ...) is left to the browser.
  let key = KEYS.get(path);
  if (!key && PRECACHE.runtime.some((prefix) => path.startsWith(prefix))) key = new URL(path, SCOPE).href;
  if (key) event.respondWith(respond(request, key));
});
