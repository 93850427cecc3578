// Build for every process: main-side entries (CLI, engine, worker threads) keep their module layout so that
// worker scripts resolve next to the code that spawns them; the renderer is a normal Vite React app.
import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';

const mainEntries = {
  'cli/main': resolve('src-main/cli/main.ts'),
  'engine/runtime/sessionWorker': resolve('src-main/engine/runtime/sessionWorker.ts'),
  'engine/runtime/providerProbeChild': resolve('src-main/engine/runtime/providerProbeChild.ts'),
  // Entries keep every export: benchmarks drive the built runtime and write test models with the encoder.
  'engine/runtime/sessionPool': resolve('src-main/engine/runtime/sessionPool.ts'),
  'engine/onnx/encodeOnnxModel': resolve('src-main/engine/onnx/encodeOnnxModel.ts'),
  'engine/engineProcess': resolve('src-main/engine/engineProcess.ts'),
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
  renderer: {
    root: 'src-renderer',
    plugins: [react()],
    build: { outDir: 'out/renderer', rollupOptions: { input: resolve('src-renderer/index.html') } },
  },
});
