// Serves the player's resume-state functions (web/src/player/resume.js) to a Python test, one
// JSON line in, one JSON line out, so one Node.js process serves a whole hypothesis run:
//   {"op": "decode", "tour": {...}, "text": "..."}          -> {"state": {...}|null}
//   {"op": "encode", "tour": {...}, "state": {...}, "limit"?} -> {"text": "..."}
//   {"op": "roundtrip", "tour": {...}, "text": "..."}        -> {"state", "again": text, "state2"}
// A function that throws answers {"threw": "<stack>"}: decoding must never throw.
// Usage: node tests/node/resume_worker.mjs web/src/player
import readline from "node:readline";
import { pathToFileURL } from "node:url";
import path from "node:path";

const base = pathToFileURL(path.resolve(process.argv[2] || "web/src/player")).href;
const resume = await import(base + "/resume.js");

// JSON carries no Set: states travel with `visited` and `seen` as sorted arrays.
const toState = (s) => Object.assign({}, s, { visited: new Set(s.visited), seen: new Set(s.seen) });
const fromState = (s) => s && Object.assign({}, s, { visited: [...s.visited].sort(), seen: [...s.seen].sort() });

const ops = {
  decode: ({ tour, text }) => ({ state: fromState(resume.decodeState(tour, text)) }),
  encode: ({ tour, state, limit }) => ({ text: resume.encodeState(tour, toState(state), { limit: limit || undefined }) }),
  roundtrip: ({ tour, text }) => {
    const state = resume.decodeState(tour, text);
    if (!state) return { state: null };
    const again = resume.encodeState(tour, state);
    return { state: fromState(state), again, state2: fromState(resume.decodeState(tour, again)) };
  },
};

const rl = readline.createInterface({ input: process.stdin });
for await (const line of rl) {
  let out;
  try {
    const request = JSON.parse(line);
    out = ops[request.op](request);
  } catch (err) {
    out = { threw: String(err && err.stack ? err.stack : err) };
  }
  process.stdout.write(JSON.stringify(out) + "\n");
}
