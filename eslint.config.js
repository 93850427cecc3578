// Lint + the layering rules of DESIGN.md §2, enforced as import restrictions per folder.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { allowedImportsRule } from './scripts/eslint/allowedImportsRule.mjs';

const forbid = (groups, message) => ['error', { patterns: groups.map((group) => ({ group, message })) }];

const engineMustNotImport = [
  ['electron', 'electron/*'],
  ['**/desktop', '**/desktop/**', '**/cli', '**/cli/**', '**/preload', '**/preload/**', '**/src-renderer/**'],
];
const engineMessage =
  'Layering (DESIGN.md §2): the engine never imports electron, desktop, cli, preload or renderer code.';
const dataPlaneMessage =
  'Layering (DESIGN.md §2): serving and runtime never import store or library (nor the database driver); the standalone bundle reuses them with only a model file and a config.';
const dataPlaneAllowlistMessage =
  'Layering (DESIGN.md §2): serving and runtime never import store or library, not even through other engine modules (engine.ts, modelRunner, ...). Outside the data plane they import only src-shared, onnx, userError, appVersion, untilStopSignal and compare/replay/choosePrediction';
// What the data plane may import by relative path: its own folders and modules that reach neither store nor
// library (test/unit/lint/layering.test.ts checks that transitively). Anything else is refused, so a new
// engine-root module that wires the library in cannot slip through.
const dataPlaneFiles = [
  'src-main/engine/serving/**/*.ts',
  'src-main/engine/runtime/**/*.ts',
  'src-main/engine/traffic/*.ts',
  'src-main/engine/bundles/standalone/**/*.ts',
];
const dataPlaneMayImport = [
  'src-shared/**',
  'src-main/engine/serving/**',
  'src-main/engine/runtime/**',
  'src-main/engine/traffic/*',
  'src-main/engine/bundles/standalone/**',
  'src-main/engine/onnx/**',
  'src-main/engine/userError',
  'src-main/engine/appVersion',
  'src-main/engine/untilStopSignal',
  'src-main/engine/compare/replay/choosePrediction',
];
// Types vanish from the built bundle: the standalone writer describes its input with the exporters' types.
const dataPlaneMayImportTypes = ['src-main/engine/bundles/bundleFolder', 'src-main/engine/bundles/exportSource'];

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'scratch/**', '.gpu/**', 'resources/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', { selector: 'TSEnumDeclaration', message: 'Use a union of string literals.' }],
    },
  },
  {
    files: ['bin/**/*.js', 'bench/**/*.mjs', 'scripts/**/*.mjs', '.ci/**/*.mjs'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        performance: 'readonly',
        Buffer: 'readonly',
        SharedArrayBuffer: 'readonly',
        Atomics: 'readonly',
        fetch: 'readonly',
      },
    },
  },
  {
    files: ['src-shared/**/*.ts'],
    rules: {
      'no-restricted-imports': forbid(
        [
          ['node:*', 'fs', 'path', 'os', 'electron', 'react', 'react-dom'],
          ['**/src-main/**', '**/src-renderer/**'],
        ],
        'Layering (DESIGN.md §2): src-shared is pure TypeScript (no Node, no DOM) and imports nothing from main or renderer.',
      ),
    },
  },
  {
    files: ['src-main/engine/**/*.ts'],
    ignores: [
      'src-main/engine/serving/**',
      'src-main/engine/runtime/**',
      'src-main/engine/traffic/*.ts',
      'src-main/engine/bundles/standalone/**',
    ],
    rules: { 'no-restricted-imports': forbid(engineMustNotImport, engineMessage) },
  },
  {
    // traffic/*.ts (the router, not rollout/) is part of the data plane: serving imports it. The standalone
    // bundle's server is built from the data plane alone, so it follows the same rule.
    files: dataPlaneFiles,
    plugins: { slipway: { rules: { 'allowed-imports': allowedImportsRule } } },
    rules: {
      // Packages: no Electron, and no database (the store's driver). Relative paths: the allowlist below, which
      // also keeps out desktop, cli, preload and renderer code.
      'no-restricted-imports': forbid([[...engineMustNotImport[0], 'better-sqlite3']], dataPlaneMessage),
      'slipway/allowed-imports': [
        'error',
        { allow: dataPlaneMayImport, allowTypes: dataPlaneMayImportTypes, message: dataPlaneAllowlistMessage },
      ],
    },
  },
  {
    // The engine runs in its own process (utilityProcess): the desktop main may use its types, never its code.
    files: ['src-main/desktop/**/*.ts', 'src-main/preload/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/engine', '**/engine/**', '**/cli', '**/cli/**', '**/src-renderer/**'],
              allowTypeImports: true,
              message:
                'Layering (DESIGN.md §1): the desktop main starts the engine in a utilityProcess and talks to it over the control API; import its types only.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src-renderer/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': forbid(
        [['node:*', 'electron', 'onnxruntime-node', 'better-sqlite3'], ['**/src-main/**']],
        'Layering (DESIGN.md §1): the renderer talks to the engine only through the control API.',
      ),
    },
  },
);
