import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { repoRoot } from './repo-files.js';

/**
 * Private members of the exporter's dependencies, which change without notice between their releases. Each entry
 * names what it catches; add one when a new way of reaching inside a dependency is found.
 */
const FORBIDDEN: readonly { pattern: RegExp; what: string }[] = [
  {
    pattern: /\._[A-Za-z]\w*/,
    what: 'a member whose name starts with an underscore (private by convention)',
  },
  { pattern: /\b_accumulateRows\b/, what: "pg's Query._accumulateRows" },
  { pattern: /\b_canceledDueToError\b/, what: "pg's Query._canceledDueToError" },
  { pattern: /\b_result\b/, what: "pg's Query._result" },
  {
    pattern: /\bhandle(RowDescription|DataRow|CommandComplete|ReadyForQuery|Error)\b/,
    what: "pg's Query message handlers",
  },
  { pattern: /\bconnection\??\.stream\b/, what: "pg's Client.connection.stream" },
  { pattern: /\bextends\s+pg\.Query\b/, what: "a subclass of pg's Query (overrides its internals)" },
  {
    pattern: /import\s*\{[^}]*\binternal\b[^}]*\}\s*from\s*'@opentelemetry\//,
    what: "@opentelemetry/core's `internal` namespace",
  },
  { pattern: /\b_export\b/, what: "@opentelemetry/core's internal._export" },
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

describe("the exporter's code", () => {
  const files = sourceFiles(join(repoRoot, 'src'));

  it('is found', () => {
    assert.ok(files.length > 50, `only ${files.length} files under src/`);
  });

  for (const { pattern, what } of FORBIDDEN) {
    it(`never uses ${what}`, () => {
      const uses = files.flatMap((file) =>
        readFileSync(file, 'utf8')
          .split('\n')
          .flatMap((line, index) =>
            pattern.test(line) ? [`${relative(repoRoot, file)}:${index + 1}: ${line.trim()}`] : [],
          ),
      );
      assert.deepEqual(uses, []);
    });
  }
});
