import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse as parseYaml, parseAllDocuments } from 'yaml';

/** The repository's root, for tests that read the deployment files shipped beside the code. */
export const repoRoot = resolve(import.meta.dirname, '..', '..');

export function readRepoFile(relative: string): string {
  return readFileSync(join(repoRoot, relative), 'utf8');
}

/** Parses one YAML document strictly: duplicate keys and syntax errors throw with the file's name. */
export function readYaml(relative: string): unknown {
  const documents = parseAllDocuments(readRepoFile(relative), { uniqueKeys: true });
  if (documents.length !== 1)
    throw new Error(`${relative}: expected one YAML document, found ${documents.length}`);
  const [document] = documents;
  if (document!.errors.length > 0) throw new Error(`${relative}: ${document!.errors[0]!.message}`);
  return document!.toJS();
}

export function parseYamlText(text: string, origin: string): unknown {
  try {
    return parseYaml(text, { uniqueKeys: true });
  } catch (error) {
    throw new Error(`${origin}: ${(error as Error).message}`, { cause: error });
  }
}

/** Files of a repository folder whose names end with one of the suffixes, as repository-relative paths. */
export function listRepoFiles(folder: string, ...suffixes: string[]): string[] {
  return readdirSync(join(repoRoot, folder))
    .filter((name) => suffixes.some((suffix) => name.endsWith(suffix)))
    .sort()
    .map((name) => join(folder, name));
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
