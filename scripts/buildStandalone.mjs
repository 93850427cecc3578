#!/usr/bin/env node
// Builds the standalone server: Slipway's serving and runtime code in one ES module, out/standalone/server.js,
// with every dependency inlined except onnxruntime-node (native; the bundle's package.json installs it). The
// file plays every role (server, inference worker, provider probe child): __SLIPWAY_SINGLE_FILE__ makes
// siblingScript start it with a role argument. Fails when the bundle pulls in the library or the store.
import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const outfile = process.argv[2] ?? `${root}out/standalone/server.js`;

// CommonJS dependencies bundled into an ES module still call require() for Node built-ins.
const banner = [
  '// Slipway standalone server, built by scripts/buildStandalone.mjs from the serving and runtime sources.',
  "import { createRequire as __slipwayCreateRequire } from 'node:module';",
  'const require = __slipwayCreateRequire(import.meta.url);',
].join('\n');

mkdirSync(dirname(outfile), { recursive: true });
const result = await build({
  absWorkingDir: root,
  entryPoints: ['src-main/engine/bundles/standalone/standaloneServer.ts'],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['onnxruntime-node'],
  define: { __SLIPWAY_SINGLE_FILE__: 'true' },
  banner: { js: banner },
  legalComments: 'eof',
  metafile: true,
  logLevel: 'warning',
});

const forbidden = Object.keys(result.metafile.inputs).filter((input) =>
  /src-main\/engine\/(store|library)\/|node_modules\/(better-sqlite3|commander|electron)\//.test(input),
);
if (forbidden.length > 0) {
  console.error(`buildStandalone: the standalone server must not include ${forbidden.join(', ')}`);
  process.exit(1);
}
const kib = Math.round(statSync(outfile).size / 1024);
if (process.env.SLIPWAY_BUILD_VERBOSE) console.log(`buildStandalone: ${outfile} (${kib} KiB)`);
