// Build for every process: main-side entries (CLI, engine, worker threads, the desktop main) keep their module
// layout so that worker scripts resolve next to the code that spawns them; the preload is one self-contained
// CommonJS file (sandboxed preloads cannot load modules); the renderer is a normal Vite React app.
import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';

const mainEntries = {
  'cli/main': resolve('src-main/cli/main.ts'),
  'engine/runtime/sessionWorker': resolve('src-main/engine/runtime/sessionWorker.ts'),
  'engine/runtime/providerProbeChild': resolve('src-main/engine/runtime/providerProbeChild.ts'),
  'engine/loadtest/loadGeneratorWorker': resolve('src-main/engine/loadtest/loadGeneratorWorker.ts'),
  'engine/loadtest/loadStatsWorker': resolve('src-main/engine/loadtest/loadStatsWorker.ts'),
  'engine/bundles/edge/optimizeWorker': resolve('src-main/engine/bundles/edge/optimizeWorker.ts'),
  // Entries keep every export: benchmarks drive the built runtime and write test models with the encoder.
  'engine/runtime/sessionPool': resolve('src-main/engine/runtime/sessionPool.ts'),
  'engine/onnx/encodeOnnxModel': resolve('src-main/engine/onnx/encodeOnnxModel.ts'),
  'engine/loadtest/loadGenerator': resolve('src-main/engine/loadtest/loadGenerator.ts'),
  'engine/compare/drift/driftBetween': resolve('src-main/engine/compare/drift/driftBetween.ts'),
  'engine/compare/drift/driftWorker': resolve('src-main/engine/compare/drift/driftWorker.ts'),
  'engine/engine': resolve('src-main/engine/engine.ts'),
  'engine/compare/replay/comparisonService': resolve('src-main/engine/compare/replay/comparisonService.ts'),
  'engine/compare/replay/replayRows': resolve('src-main/engine/compare/replay/replayRows.ts'),
  'engine/compare/replay/replayPlan': resolve('src-main/engine/compare/replay/replayPlan.ts'),
  'engine/engineProcess': resolve('src-main/engine/engineProcess.ts'),
  // Electron main (package.json "main"): forks engine/engineProcess.js in a utilityProcess.
  'desktop/main': resolve('src-main/desktop/main.ts'),
};

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      sourcemap: true,
      rollupOptions: {
        input: mainEntries,
        output: { format: 'es', entryFileNames: '[name].js', preserveModules: true, preserveModulesRoot: 'src-main' },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      sourcemap: true,
      // Bundle everything (only `electron` stays external) into out/preload/index.cjs: a sandboxed preload is
      // evaluated as one script with a restricted require.
      isolatedEntries: true,
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve('src-main/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'src-renderer',
    plugins: [react()],
    build: { outDir: 'out/renderer', rollupOptions: { input: resolve('src-renderer/index.html') } },
  },
});
