import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { buildConfig, type ExporterConfig } from '../../src/config/config.js';
import { printableConfig } from '../../src/config/describe.js';
import { envName, settings, type SettingSpec } from '../../src/config/settings.js';
import { parse, scratchFolder } from './fixtures.js';

const scratch = scratchFolder('print-config');
after(scratch.remove);

/** Prints the configuration of this invocation, reads the printout back as the only input, and builds both. */
function roundTrip(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const parsed = parse(argv, env);
  const printed = printableConfig(parsed);
  const file = scratch.write(printed);
  const reread = parse([`--config.file=${file}`]);
  return {
    printed,
    original: buildConfig(parsed),
    reread: buildConfig(reread),
    reprinted: printableConfig(reread),
  };
}

describe('--print-config', () => {
  let certificate: string;
  /** Text for a setting that differs from its default and passes its checks; undefined for free text it cannot know. */
  let sample: (spec: SettingSpec) => string | undefined;
  before(() => {
    certificate = scratch.certificate();
    const texts: Record<string, string> = {
      'web.listen-address': '127.0.0.1:9999',
      'web.telemetry-path': '/harbor-metrics',
      'database.url': `postgresql://reader@db.example:6543/harbor?sslmode=verify-ca&connect_timeout=9`,
      'database.host': 'ignored-for-the-url',
      'database.user': 'reader',
      'database.name': 'harbor',
      'database.ca-file': certificate,
      'harbor.url': 'https://harbor.example/',
      'harbor.username': 'robot$exporter',
      'harbor.ca-file': certificate,
      'kubernetes.namespace': 'registry',
      'kubernetes.release': 'my-harbor',
      'kubernetes.fullname': 'my-harbor-full',
      'storage.local-path': scratch.dir,
      'otlp.endpoint': 'http://collector:4318/v1/metrics',
    };
    sample = (spec) => {
      if (spec.key in texts) return texts[spec.key];
      switch (spec.type) {
        case 'int':
          return String(spec.max ?? (spec.min ?? 0) + 1);
        case 'bool':
          return spec.default === 'true' ? 'false' : 'true';
        case 'duration':
          return '7s';
        case 'enum':
          return spec.choices?.find((choice) => choice !== spec.default);
        case 'list':
          if (spec.choices) return spec.choices.join(',');
          return spec.key === 'reclaimable.unpulled-days' ? '7,45' : 'team-*,infra';
        default:
          return undefined;
      }
    };
  });

  it('reads back, as --config.file, into the same configuration (every setting changed, secrets from files)', () => {
    const env: NodeJS.ProcessEnv = {};
    for (const spec of settings) {
      const text = spec.secret ? undefined : sample(spec);
      if (text !== undefined && spec.key !== 'config.file') env[envName(spec.key)] = text;
    }
    env.HARBOR_EXPORTER_DATABASE_PASSWORD_FILE = scratch.write('db-s3cret\n');
    env.HARBOR_EXPORTER_HARBOR_PASSWORD_FILE = scratch.write('api-s3cret\n');
    env.HARBOR_EXPORTER_OTLP_HEADERS_FILE = scratch.write('authorization=Bearer%20otlp-s3cret\n');
    const { printed, original, reread, reprinted } = roundTrip(
      ['--no-collector.tags', '--collector.jobs=false'],
      env,
    );
    for (const secret of ['db-s3cret', 'api-s3cret', 'otlp-s3cret'])
      assert.ok(!printed.includes(secret), secret);
    assert.deepEqual(reread, original);
    assert.deepEqual(parseYaml(reprinted), parseYaml(printed));
    // Every setting that was given shows up, not only those the test knows by name.
    const document = parseYaml(printed) as Record<string, Record<string, unknown>>;
    for (const spec of settings) {
      if (env[envName(spec.key)] === undefined) continue;
      const [group, name] = spec.key.split('.');
      const shown = name === undefined ? document[group!] : document[group!]?.[name];
      assert.notEqual(shown, undefined, `${spec.key} is not printed`);
    }
  });

  it('shows what the database URL sets, not the discrete defaults it overrides', () => {
    const { printed } = roundTrip([
      '--database.url=postgres://reader@db.example/registry?sslmode=require&connect_timeout=4',
    ]);
    const database = (parseYaml(printed) as { database: Record<string, unknown> }).database;
    assert.equal(database.sslmode, 'require');
    assert.equal(database['connect-timeout'], '4s');
    assert.match(printed, /^ {2}sslmode: require # flag --database\.url$/m);
  });

  it('leaves out secrets given inline, and the configuration read back lacks only them', () => {
    const { printed, original, reread } = roundTrip(
      [
        '--database.url=postgres://reader:url-s3cret@db.example/registry',
        '--harbor.url=https://robot:harbor-s3cret@harbor.example',
        '--harbor.password=api-s3cret',
        '--otlp.endpoint=http://collector:4318/v1/metrics',
        '--otlp.headers=x-token=otlp-s3cret',
      ],
      {},
    );
    for (const secret of ['url-s3cret', 'harbor-s3cret', 'api-s3cret', 'otlp-s3cret']) {
      assert.ok(!printed.includes(secret), `--print-config shows ${secret}`);
    }
    for (const name of ['database.password', 'harbor.password', 'otlp.headers']) {
      assert.match(printed, new RegExp(`^# +${name.replace('.', '\\.')} \\(flag --`, 'm'));
    }
    const withoutSecrets = (built: ExporterConfig) => ({
      ...built,
      database: { ...built.database, password: undefined },
      databaseDefaults: { ...built.databaseDefaults, password: undefined },
      harbor: { ...built.harbor, password: undefined, url: built.harbor?.url.replace(/:[^:@/]*@/, '@') },
      harborDefaults: { ...built.harborDefaults, password: undefined },
      otlp: { ...built.otlp, headers: {} },
    });
    assert.deepEqual(withoutSecrets(reread), withoutSecrets(original));
  });
});
