// An esbuild plugin that leaves out of the player bundle the GLSL of the three.js materials the
// player never uses. three.js's WebGL renderer keeps every material's shader source in one
// object (ShaderChunk), so bundlers cannot drop the unused ones: about 26 KB of gzip, a sixth of
// the player. The player draws only with MeshBasicMaterial and LineBasicMaterial (ShaderLib
// "basic"). Every chunk that those shaders, and the renderer itself, can #include is kept; any
// other chunk is replaced by an `#error` line, so a material added later without updating
// KEEP_MATERIALS fails loudly when its shader compiles (the browser tests draw pixels).
// The three.js file itself is read from node_modules and never changed on disk.
import { readFile } from "node:fs/promises";

/** ShaderLib entries whose shaders the player uses (see web/src/player: Mesh/LineBasicMaterial). */
export const KEEP_MATERIALS = ["basic"];

const PRUNED = "#error tourbuilder left this three.js shader chunk out of the bundle (web/tools/prune-shaders.mjs)";

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The end (index after the closing `};`) of the object literal that starts at `start`. */
function objectEnd(source, start) {
  const end = source.indexOf("\n};", start);
  if (end < 0) throw new Error("three.js layout changed: no end of object literal");
  return end + 3;
}

/**
 * Replace the unused shader chunks of three.module.js.
 * @param {string} source The text of three/build/three.module.js.
 * @param {string[]} keepMaterials ShaderLib names to keep.
 * @returns {{contents: string, kept: number, pruned: number, bytesSaved: number}}
 */
export function pruneShaderChunks(source, keepMaterials = KEEP_MATERIALS) {
  const chunkStart = source.indexOf("const ShaderChunk = {");
  const libStart = source.indexOf("const ShaderLib = {");
  const physicalStart = source.indexOf("ShaderLib.physical = {");
  if (chunkStart < 0 || libStart < 0 || physicalStart < 0) {
    throw new Error("three.js layout changed: ShaderChunk / ShaderLib not found; update web/tools/prune-shaders.mjs");
  }
  const chunkEnd = objectEnd(source, chunkStart);
  const libEnd = objectEnd(source, physicalStart);

  // chunk name -> the variable holding its GLSL, and that variable's string literal
  const chunks = new Map();
  for (const [, name, ident] of source.slice(chunkStart, chunkEnd).matchAll(/^\s*(\w+): ([\w$]+),?$/gm)) {
    const literal = new RegExp(`(?:var|const) ${escapeRegExp(ident)} = ("(?:[^"\\\\]|\\\\.)*");`).exec(source);
    if (!literal) throw new Error(`three.js layout changed: no string for shader chunk ${name}`);
    chunks.set(name, { ident, index: literal.index + literal[0].indexOf('"'), text: literal[1] });
  }
  if (chunks.size < 50) throw new Error(`three.js layout changed: only ${chunks.size} shader chunks found`);

  const roots = new Set();
  const library = source.slice(libStart, libEnd);
  for (const material of keepMaterials) {
    const block = new RegExp(`\\n\\t${material}: \\{[\\s\\S]*?vertexShader: ShaderChunk\\.(\\w+),\\s*fragmentShader: ShaderChunk\\.(\\w+)`).exec(library);
    if (!block) throw new Error(`three.js layout changed: ShaderLib.${material} not found`);
    roots.add(block[1]);
    roots.add(block[2]);
  }
  // What the renderer itself includes or reads, outside the chunk strings and the material library.
  const literalRanges = [...chunks.values()].map((c) => [c.index, c.index + c.text.length]);
  let rest = source.slice(0, libStart) + source.slice(libEnd);
  for (const [from, to] of literalRanges.sort((a, b) => b[0] - a[0])) {
    if (from < libStart) rest = rest.slice(0, from) + rest.slice(to);
  }
  for (const [, name] of rest.matchAll(/#include <(\w+)>/g)) roots.add(name);
  for (const [, name] of rest.matchAll(/ShaderChunk\[ '(\w+)' \]/g)) roots.add(name);

  const keep = new Set();
  const visit = (name) => {
    if (keep.has(name) || !chunks.has(name)) return;
    keep.add(name);
    for (const [, inner] of JSON.parse(chunks.get(name).text).matchAll(/#include <(\w+)>/g)) visit(inner);
  };
  roots.forEach(visit);

  let contents = source;
  let bytesSaved = 0;
  const replacement = JSON.stringify(PRUNED);
  // Back to front, so earlier indices stay valid.
  for (const [name, chunk] of [...chunks.entries()].sort((a, b) => b[1].index - a[1].index)) {
    if (keep.has(name)) continue;
    contents = contents.slice(0, chunk.index) + replacement + contents.slice(chunk.index + chunk.text.length);
    bytesSaved += chunk.text.length - replacement.length;
  }
  return { contents, kept: keep.size, pruned: chunks.size - keep.size, bytesSaved };
}

/** The esbuild plugin. */
export function pruneShadersPlugin(keepMaterials = KEEP_MATERIALS) {
  return {
    name: "tourbuilder-prune-three-shaders",
    setup(build) {
      build.onLoad({ filter: /[\\/]three[\\/]build[\\/]three\.module\.js$/ }, async (args) => {
        const { contents } = pruneShaderChunks(await readFile(args.path, "utf8"), keepMaterials);
        return { contents, loader: "js" };
      });
    },
  };
}
