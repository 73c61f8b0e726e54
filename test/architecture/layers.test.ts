import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { it } from 'node:test';

const SRC = resolve(import.meta.dirname, '../../src');

/**
 * The layers of src/, lowest first (docs/architecture.md). A file imports from its own layer or lower ones,
 * never from a higher one: sources know nothing of metrics, collectors nothing of refreshing, and only the
 * exporter, the wiring and the CLI see every part.
 */
const LAYERS: readonly (readonly string[])[] = [
  ['catalog', 'log.ts', 'version.ts', 'runtime'],
  ['config'],
  ['sources'],
  ['collectors'],
  ['refresh'],
  ['telemetry'],
  ['server'],
  ['demo'],
  ['exporter.ts', 'wiring.ts', 'cli.ts'],
];

function layerOf(file: string): number {
  const top = relative(SRC, file).split('/')[0]!;
  const layer = LAYERS.findIndex((parts) => parts.includes(top));
  assert.notEqual(layer, -1, `${relative(SRC, file)} belongs to no layer: list it in LAYERS`);
  return layer;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** The files of src/ a file imports, statically (`import ... from`, `export ... from`) or dynamically. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|^import\s+)'(\.{1,2}\/[^']+)'/gm)];
  return specifiers.map((match) => resolve(dirname(file), match[1]!.replace(/\.js$/, '.ts')));
}

it('imports flow one way: no file of src/ imports from a higher layer', () => {
  const files = sourceFiles(SRC);
  const upward: string[] = [];
  let imports = 0;
  for (const file of files) {
    const own = layerOf(file);
    for (const imported of importsOf(file)) {
      imports++;
      if (layerOf(imported) > own) upward.push(`${relative(SRC, file)} -> ${relative(SRC, imported)}`);
    }
  }
  assert.ok(imports > files.length, `the imports were read (${imports} in ${files.length} files)`);
  assert.deepEqual(upward, []);
});

it('reads imports between layers: the refresh imports the collectors', () => {
  const collector = join(SRC, 'collectors/database/projects.ts');
  const runner = join(SRC, 'refresh/source-runner.ts');
  assert.ok(layerOf(runner) > layerOf(collector));
  assert.ok(importsOf(runner).some((file) => layerOf(file) === layerOf(collector)));
});
