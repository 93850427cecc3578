// ESLint rule `slipway/allowed-imports`: a file may import, by relative path, only modules on an allowlist of
// repository paths. A denylist of folders misses modules that reach them indirectly (the engine's composition
// root imports store and library), so the data plane lists what it may use instead (DESIGN.md §2).
import { dirname, relative, resolve, sep } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');
const SOURCE_EXTENSION = /\.(?:[cm]?[jt]s|tsx)$/;

/** 'dir/**' matches dir and everything below it, 'dir/*' the files directly in dir, anything else one module. */
function matches(pattern, target) {
  if (pattern.endsWith('/**')) {
    const dir = pattern.slice(0, -3);
    return target === dir || target.startsWith(`${dir}/`);
  }
  if (pattern.endsWith('/*')) {
    const dir = `${pattern.slice(0, -2)}/`;
    return target.startsWith(dir) && !target.slice(dir.length).includes('/');
  }
  return target === pattern;
}

/** The imported module as a repository path without extension ('src-main/engine/engine'). */
function repositoryPath(filename, specifier) {
  const absolute = resolve(dirname(filename), specifier);
  return relative(ROOT, absolute)
    .split(sep)
    .join('/')
    .replace(SOURCE_EXTENSION, '')
    .replace(/\/index$/, '');
}

/** @type {import('eslint').Rule.RuleModule} */
export const allowedImportsRule = {
  meta: {
    type: 'problem',
    docs: { description: 'Relative imports must resolve to an allowed module (layering by allowlist).' },
    schema: [
      {
        type: 'object',
        properties: {
          allow: { type: 'array', items: { type: 'string' } },
          allowTypes: { type: 'array', items: { type: 'string' } },
          message: { type: 'string' },
        },
        required: ['allow', 'message'],
        additionalProperties: false,
      },
    ],
    messages: { notAllowed: "{{message}}; '{{specifier}}' resolves to {{target}}." },
  },
  create(context) {
    const { allow, allowTypes = [], message } = context.options[0];
    const check = (node, source, typeOnly) => {
      const specifier = source?.type === 'Literal' ? source.value : undefined;
      if (typeof specifier !== 'string' || !specifier.startsWith('.')) return;
      const target = repositoryPath(context.filename, specifier);
      const allowed = [...allow, ...(typeOnly ? allowTypes : [])];
      if (allowed.some((pattern) => matches(pattern, target))) return;
      context.report({ node, messageId: 'notAllowed', data: { message, specifier, target } });
    };
    const typeOnlyImport = (node) =>
      node.importKind === 'type' ||
      (node.specifiers.length > 0 && node.specifiers.every((s) => s.importKind === 'type'));
    return {
      ImportDeclaration: (node) => check(node, node.source, typeOnlyImport(node)),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source, node.exportKind === 'type'),
      ExportAllDeclaration: (node) => check(node, node.source, node.exportKind === 'type'),
      ImportExpression: (node) => check(node, node.source, false),
      TSImportType: (node) => check(node, node.argument?.literal ?? node.argument, true),
    };
  },
};
