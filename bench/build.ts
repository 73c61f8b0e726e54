import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Compiles a checkout of the project as `npm run build` does, into a directory of the benchmark's own. */
export function compileForBench(checkout: string, outDir: string): void {
  const tsc = spawnSync(
    process.execPath,
    [
      join(checkout, 'node_modules/typescript/bin/tsc'),
      '-p',
      join(checkout, 'tsconfig.json'),
      '--outDir',
      outDir,
    ],
    { encoding: 'utf8' },
  );
  // Type errors elsewhere do not stop tsc from writing JavaScript; a missing file would.
  if (!existsSync(join(outDir, 'bench/measure.js')))
    throw new Error(`compiling ${checkout} failed: ${tsc.stdout}${tsc.stderr}`);
}

/** The Node flags the image's ENTRYPOINT starts the exporter with, so that the figures are the image's. */
export function imageNodeFlags(checkout = '.'): string[] {
  const entrypoint = /^ENTRYPOINT (\[.*\])$/m.exec(readFileSync(join(checkout, 'Dockerfile'), 'utf8'));
  if (!entrypoint) throw new Error('Dockerfile has no ENTRYPOINT in exec form');
  return (JSON.parse(entrypoint[1]!) as string[]).filter((argument) => argument.startsWith('--'));
}
