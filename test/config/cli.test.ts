import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parseDocument, type Scalar } from 'yaml';
import { allCollectors } from '../../src/wiring.js';
import { envName, settings } from '../../src/config/settings.js';

/** Runs the command as an operator would, with a clean environment plus `env`. */
function cli(argv: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...argv], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, ...env },
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const dir = mkdtempSync(join(tmpdir(), 'harbor-exporter-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('command line', () => {
  it('stops with exit code 2 and one line naming the setting, its origin and what is allowed', () => {
    const yaml = join(dir, 'bad.yaml');
    writeFileSync(yaml, 'database:\n  sslmode: sometimes\n');
    const cases: Array<[string[], Record<string, string>, RegExp]> = [
      [
        ['--log.level=loud'],
        {},
        /log\.level \(from flag --log\.level\): "loud" is not one of debug, info, warn, error/,
      ],
      [
        [],
        { HARBOR_EXPORTER_REFRESH_INTERVAL: 'soon' },
        /refresh\.interval \(from environment HARBOR_EXPORTER_REFRESH_INTERVAL\): "soon" is not a duration/,
      ],
      [
        [`--config.file=${yaml}`],
        {},
        new RegExp(`database\\.sslmode \\(from file ${yaml}\\): "sometimes" is not one of disable, require`),
      ],
      [['stray'], {}, /stray \(from command line\): unexpected argument/],
    ];
    for (const [argv, env, expected] of cases) {
      const { code, stdout, stderr } = cli(argv, env);
      assert.equal(code, 2, stderr);
      assert.equal(stdout, '');
      const lines = stderr.trimEnd().split('\n');
      assert.equal(lines.length, 1, stderr);
      assert.match(lines[0]!, /^harbor-exporter: invalid setting /);
      assert.match(lines[0]!, expected);
    }
  });

  it('stops with exit code 2 when no source is configured', () => {
    const { code, stderr } = cli([]);
    assert.equal(code, 2);
    assert.match(stderr, /no source configured/);
    assert.equal(stderr.trimEnd().split('\n').length, 1);
  });

  it('lists every setting, its variable and every collector in --help', () => {
    const { code, stdout } = cli(['--help']);
    assert.equal(code, 0);
    for (const spec of settings) {
      assert.ok(stdout.includes(`--${spec.key}=`), `--help lacks --${spec.key}`);
      assert.ok(stdout.includes(envName(spec.key)), `--help lacks ${envName(spec.key)}`);
      if (spec.secret) assert.ok(stdout.includes(`--${spec.key}-file`), `--help lacks --${spec.key}-file`);
    }
    for (const collector of allCollectors) assert.match(stdout, new RegExp(`^  ${collector.name} `, 'm'));
    assert.match(stdout, /--no-collector\.<name>/);
  });

  it('prints the effective configuration as YAML with every secret left out', () => {
    const passwordFile = join(dir, 'harbor-password');
    writeFileSync(passwordFile, 'api-s3cret\n');
    const { code, stdout, stderr } = cli(
      [
        '--print-config',
        '--database.url=postgres://reader:db-s3cret@db.example:5432/registry?sslmode=require',
        '--otlp.headers=authorization=Bearer%20otlp-s3cret',
        `--harbor.password-file=${passwordFile}`,
        '--refresh.interval=45s',
        '--harbor.url=https://robot:url-s3cret@harbor.example',
      ],
      {
        HARBOR_EXPORTER_DATABASE_PASSWORD: 'env-s3cret',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
      },
    );
    assert.equal(code, 0, stderr);
    for (const secret of ['db-s3cret', 'otlp-s3cret', 'api-s3cret', 'env-s3cret', 'url-s3cret']) {
      assert.ok(!stdout.includes(secret), `--print-config shows ${secret}`);
    }
    const printed = parseDocument(stdout);
    assert.deepEqual(printed.errors, []);
    const at = (path: string) => printed.getIn(path.split('.'));
    const commentAt = (path: string) => (printed.getIn(path.split('.'), true) as Scalar).comment?.trim();
    assert.equal(at('database.url'), 'postgres://reader@db.example:5432/registry?sslmode=require');
    assert.equal(commentAt('database.url'), 'flag --database.url; password not printed');
    // The URL's parts are the values in effect, whatever the discrete settings say.
    assert.equal(at('database.sslmode'), 'require');
    assert.equal(commentAt('database.sslmode'), 'flag --database.url');
    assert.equal(at('database.password'), undefined);
    assert.match(stdout, /^# +database\.password \(flag --database\.url\)$/m);
    assert.match(stdout, /^# +otlp\.headers \(flag --otlp\.headers\)$/m);
    assert.equal(at('harbor.password-file'), passwordFile);
    assert.equal(at('otlp.endpoint'), 'http://collector:4318/v1/metrics');
    assert.equal(commentAt('otlp.endpoint'), 'environment OTEL_EXPORTER_OTLP_ENDPOINT');
    assert.equal(at('refresh.interval'), '45s');
    assert.equal(commentAt('refresh.interval'), 'flag --refresh.interval');
    assert.equal(at('harbor.url'), 'https://robot@harbor.example/');
    assert.equal(at('collector.projects'), true);
    assert.equal(commentAt('collector.projects'), 'default');
  });

  it('prints its version', () => {
    const { code, stdout } = cli(['--version']);
    assert.equal(code, 0);
    assert.match(stdout, /^harbor-exporter \d+\.\d+\.\d+\n$/);
  });
});
