/**
 * The chart rendered as `helm install` would render it, for the tests: the values are merged over values.yaml as
 * Helm merges them, checked against values.schema.json as Helm checks them, and rendered by a small Go program
 * (chart-render/main.go) built here with Go's text/template and sprig, Helm's own template engine and functions,
 * from Debian's Go sources (no network).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { parseAllDocuments } from 'yaml';
import { isRecord, readRepoFile, readYaml, repoRoot } from './repo-files.js';

export const chartDir = 'charts/harbor-exporter';

/** Where Debian's golang-*-dev packages put their sources; GOPATH mode reads them without a module proxy. */
const DEBIAN_GOPATH = '/usr/share/gocode';

export interface RenderedObject {
  /** The template it came from, e.g. templates/deployment.yaml. */
  template: string;
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [field: string]: unknown;
}

export interface RenderedChart {
  objects: RenderedObject[];
  notes: string;
}

/** Helm's merge of user values over the chart's: maps merge key by key, null removes a key, the rest replaces. */
export function mergeValues(base: unknown, override: unknown): unknown {
  if (!isRecord(base) || !isRecord(override)) return override;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    if (value === null) delete merged[key];
    else merged[key] = key in base ? mergeValues(base[key], value) : value;
  }
  return merged;
}

/** Problems values.schema.json finds in the merged values, as "/path message" strings; empty when valid. */
export function schemaProblems(values: unknown): string[] {
  // Required properties of items (extraEnv's name) are checked without declaring the items' every property.
  const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
  const validate = ajv.compile(JSON.parse(readRepoFile(`${chartDir}/values.schema.json`)) as object);
  if (validate(values)) return [];
  return (validate.errors ?? []).map((error) => {
    const extra = 'additionalProperty' in error.params ? ` (${String(error.params.additionalProperty)})` : '';
    return `${error.instancePath || '/'} ${error.message ?? error.keyword}${extra}`;
  });
}

export class ChartRenderer {
  private constructor(
    private readonly binary: string,
    private readonly scratch: string,
  ) {}

  /** Builds the renderer, or says why it cannot be built here (no Go, or Debian's sprig sources missing). */
  static build(): ChartRenderer | string {
    const scratch = mkdtempSync(join(tmpdir(), 'harbor-exporter-chart-'));
    const binary = join(scratch, 'chart-render');
    const result = spawnSync('go', ['build', '-o', binary, '.'], {
      cwd: join(repoRoot, 'test/deploy/chart-render'),
      encoding: 'utf8',
      timeout: 300_000,
      env: {
        ...process.env,
        GO111MODULE: 'off',
        GOPATH: DEBIAN_GOPATH,
        GOFLAGS: '',
        // Go needs a build cache; a CI environment without HOME gets one in the temporary folder.
        ...(process.env.HOME || process.env.XDG_CACHE_HOME || process.env.GOCACHE
          ? {}
          : { GOCACHE: join(tmpdir(), 'harbor-exporter-go-build') }),
      },
    });
    if (result.error || result.status !== 0) {
      rmSync(scratch, { recursive: true, force: true });
      return `go build of the chart renderer failed: ${result.error?.message ?? ''}${result.stderr ?? ''}`;
    }
    return new ChartRenderer(binary, scratch);
  }

  /** Renders with these values over values.yaml; throws with the schema's problems when Helm would refuse them. */
  render(overrides: unknown = {}, release = 'hub', namespace = 'harbor'): RenderedChart {
    const values = mergeValues(readYaml(`${chartDir}/values.yaml`), overrides);
    const problems = schemaProblems(values);
    if (problems.length > 0)
      throw new Error(`values.schema.json rejects the values:\n${problems.join('\n')}`);
    const valuesFile = join(this.scratch, 'values.json');
    writeFileSync(valuesFile, JSON.stringify(values));
    const result = spawnSync(this.binary, [join(repoRoot, chartDir), valuesFile, release, namespace], {
      encoding: 'utf8',
      maxBuffer: 16 * 1024 * 1024,
    });
    if (result.status !== 0) throw new Error(`rendering failed: ${result.stderr}`);
    const rendered = JSON.parse(result.stdout) as Record<string, string>;
    const objects: RenderedObject[] = [];
    for (const [template, text] of Object.entries(rendered)) {
      if (!template.endsWith('.yaml')) continue;
      for (const document of parseAllDocuments(text, { uniqueKeys: true })) {
        if (document.errors.length > 0)
          throw new Error(`${template}: ${document.errors[0]!.message}\n${text}`);
        const object: unknown = document.toJS();
        if (object === null || object === undefined) continue;
        if (!isRecord(object) || typeof object.kind !== 'string')
          throw new Error(`${template}: not an object`);
        objects.push({ ...object, template } as RenderedObject);
      }
    }
    return { objects, notes: rendered['templates/NOTES.txt'] ?? '' };
  }

  remove(): void {
    rmSync(this.scratch, { recursive: true, force: true });
  }
}
