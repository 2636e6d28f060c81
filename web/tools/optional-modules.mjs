// esbuild plugin: `import * as panel from "optional:./narration-panel.js"` bundles the file when it
// exists and otherwise an empty module (`mount` is null), so the editor builds before (or
// without) the panels other people write.
import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";

export function optionalModulesPlugin() {
  return {
    name: "tourbuilder-optional-modules",
    setup(b) {
      b.onResolve({ filter: /^optional:/ }, (args) => {
        const path = resolve(dirname(args.importer), args.path.slice("optional:".length));
        return existsSync(path) ? { path } : { path, namespace: "tourbuilder-missing" };
      });
      b.onLoad({ filter: /.*/, namespace: "tourbuilder-missing" }, () => ({
        contents: "export const mount = null;",
        loader: "js",
      }));
    },
  };
}
