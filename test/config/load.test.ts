import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { buildConfig } from '../../src/config/config.js';
import { envName, settings, type SettingSpec } from '../../src/config/settings.js';
import { config, configError, parse, scratchFolder } from './fixtures.js';

const scratch = scratchFolder('config');
after(scratch.remove);
const writeTemp = (text: string) => scratch.write(text);

/** A value each setting accepts, different from its default. */
function sampleValue(spec: SettingSpec): string {
  switch (spec.type) {
    case 'string':
      return spec.key === 'web.listen-address' ? '127.0.0.1:9999' : '/sample';
    case 'int':
      return String(spec.min ?? 1);
    case 'bool':
      return spec.default === 'true' ? 'false' : 'true';
    case 'duration':
      return '7s';
    case 'enum':
      return spec.choices!.find((choice) => choice !== spec.default)!;
    case 'list':
      return spec.choices ? spec.choices[0]! : 'a*,b';
    case 'url':
      return spec.key === 'database.url'
        ? 'postgres://sample-host/registry'
        : 'http://sample-host:4318/v1/metrics';
  }
}

describe('configuration loading', () => {
  it('takes a flag over the environment over the YAML file, and says where each value came from', () => {
    const file = writeTemp('refresh:\n  interval: 40s\n  keep-stale-for: 9m\nlog:\n  level: warn\n');
    const env = {
      HARBOR_EXPORTER_CONFIG_FILE: file,
      HARBOR_EXPORTER_REFRESH_INTERVAL: '50s',
      HARBOR_EXPORTER_LOG_LEVEL: 'error',
    };
    const parsed = parse(['--log.level=debug'], env);
    assert.deepEqual(parsed.values.get('log.level'), { value: 'debug', origin: 'flag --log.level' });
    assert.deepEqual(parsed.values.get('refresh.interval'), {
      value: 50_000,
      origin: 'environment HARBOR_EXPORTER_REFRESH_INTERVAL',
    });
    assert.deepEqual(parsed.values.get('refresh.keep-stale-for'), { value: 540_000, origin: `file ${file}` });
    assert.deepEqual(parsed.values.get('log.format'), { value: 'logfmt', origin: 'default' });
    const built = buildConfig(parsed);
    assert.equal(built.logLevel, 'debug');
    assert.equal(built.refreshIntervalMs, 50_000);
    assert.equal(built.keepStaleForMs, 540_000);
  });

  it('accepts `--name value` as well as `--name=value`, and bare boolean flags', () => {
    const built = config([
      '--refresh.interval',
      '2m',
      '--kubernetes.enabled',
      '--harbor.insecure-skip-verify',
      'false',
    ]);
    assert.equal(built.refreshIntervalMs, 120_000);
    assert.ok(built.kubernetes);
    assert.equal(built.harborDefaults.insecureSkipVerify, false);
  });

  it('reads every setting from its HARBOR_EXPORTER_<NAME> variable', () => {
    for (const spec of settings) {
      if (spec.key === 'config.file') continue;
      const variable = envName(spec.key);
      assert.match(variable, /^HARBOR_EXPORTER_[A-Z0-9_]+$/);
      const parsed = parse([], { [variable]: sampleValue(spec) });
      assert.equal(parsed.values.get(spec.key)?.origin, `environment ${variable}`, spec.key);
    }
    const file = writeTemp('log:\n  format: json\n');
    assert.equal(config([], { HARBOR_EXPORTER_CONFIG_FILE: file }).logFormat, 'json');
  });

  it('switches collectors by flag, variable and file', () => {
    const file = writeTemp('collector:\n  database: false\n');
    assert.equal(config(['--config.file', file]).collectors.get('database'), false);
    assert.equal(config(['--no-collector.projects']).collectors.get('projects'), false);
    assert.equal(
      config([], { HARBOR_EXPORTER_COLLECTOR_PROJECTS: 'false' }).collectors.get('projects'),
      false,
    );
    const both = parse(['--collector.projects'], { HARBOR_EXPORTER_COLLECTOR_PROJECTS: 'false' });
    assert.deepEqual(both.collectors.get('projects'), { value: true, origin: 'flag --collector.projects' });
  });

  it('reads secrets from files, without the trailing newline, from a flag, a variable or the YAML file', () => {
    const secret = writeTemp('s3cret pass\n');
    assert.equal(config([`--database.password-file=${secret}`]).databaseDefaults.password, 's3cret pass');
    assert.equal(
      config([], { HARBOR_EXPORTER_HARBOR_PASSWORD_FILE: secret }).harborDefaults.password,
      's3cret pass',
    );
    const file = writeTemp(`database:\n  password-file: ${secret}\n`);
    assert.equal(config([`--config.file=${file}`]).databaseDefaults.password, 's3cret pass');
    // The more specific origin wins between an inline secret and a secret file.
    assert.equal(
      config([`--database.password-file=${secret}`], { HARBOR_EXPORTER_DATABASE_PASSWORD: 'inline' })
        .databaseDefaults.password,
      's3cret pass',
    );
    assert.equal(
      config(['--database.password=inline'], { HARBOR_EXPORTER_DATABASE_PASSWORD_FILE: secret })
        .databaseDefaults.password,
      'inline',
    );
    const missing = configError(() => parse(['--database.password-file=/nonexistent/secret']));
    assert.equal(missing.setting, 'database.password-file');
    assert.equal(missing.origin, 'flag --database.password-file');
  });

  it('splits a database URL into its parts; discrete settings fill what the URL leaves out', () => {
    const built = config([
      '--database.url=postgresql://reader:p%40ss@db.example:6432/harbor?sslmode=require',
      '--database.max-connections=3',
    ]);
    assert.deepEqual(
      {
        host: built.database?.host,
        port: built.database?.port,
        user: built.database?.user,
        password: built.database?.password,
        database: built.database?.database,
        sslmode: built.database?.sslmode,
        max: built.database?.maxConnections,
      },
      {
        host: 'db.example',
        port: 6432,
        user: 'reader',
        password: 'p@ss',
        database: 'harbor',
        sslmode: 'require',
        max: 3,
      },
    );
    assert.equal(config([]).database, undefined);
    assert.equal(config(['--database.host=db']).database?.port, 5432);
  });

  it('takes the OTLP transport, temporality, timeout and OTEL_SDK_DISABLED from the standard variables', () => {
    const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4317' };
    const otlp = config([], {
      ...endpoint,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: 'grpc',
      OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: 'delta',
      OTEL_EXPORTER_OTLP_TIMEOUT: '2500',
    }).otlp;
    assert.deepEqual([otlp?.protocol, otlp?.temporality, otlp?.requestTimeoutMs], ['grpc', 'delta', 2_500]);
    // Every counter is observed, which lowmemory sends as cumulative.
    const lowMemory = { ...endpoint, OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: 'lowmemory' };
    assert.equal(config([], lowMemory).otlp?.temporality, 'cumulative');
    assert.equal(config([], { ...endpoint, OTEL_SDK_DISABLED: 'true' }).otlp, undefined);
    assert.equal(config(['--otlp.protocol=http/json'], endpoint).otlp?.protocol, 'http/json');

    const protocol = configError(() =>
      config([], { ...endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/thrift' }),
    );
    assert.equal(protocol.setting, 'otlp.protocol');
    assert.match(protocol.message, /OTEL_EXPORTER_OTLP_PROTOCOL.*"http\/thrift" is not one of/);
    const temporality = configError(() =>
      config([], { ...endpoint, OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: 'sometimes' }),
    );
    assert.match(
      temporality.message,
      /otlp\.temporality .*OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE/,
    );
    const disabled = configError(() => config([], { ...endpoint, OTEL_SDK_DISABLED: 'perhaps' }));
    assert.match(disabled.message, /otlp\.disabled .*OTEL_SDK_DISABLED/);
    const timeout = configError(() => config([], { ...endpoint, OTEL_EXPORTER_OTLP_TIMEOUT: 'soon' }));
    assert.match(timeout.message, /otlp\.request-timeout .*OTEL_EXPORTER_OTLP_TIMEOUT/);
  });

  it('follows the OpenTelemetry variables for OTLP push', () => {
    assert.equal(config([]).otlp, undefined);
    const generic = config([], {
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/',
      OTEL_METRIC_EXPORT_INTERVAL: '15000',
      OTEL_METRIC_EXPORT_TIMEOUT: '5000',
      OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20abc,x-tenant=ops',
    });
    assert.deepEqual(generic.otlp, {
      endpoint: 'http://collector:4318/v1/metrics',
      intervalMs: 15_000,
      timeoutMs: 5_000,
      headers: { authorization: 'Bearer abc', 'x-tenant': 'ops' },
      protocol: 'http/protobuf',
      temporality: 'cumulative',
      // The request timeout's default (10 s) shortened to the push's.
      requestTimeoutMs: 5_000,
    });
    const specific = config([], {
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://generic:4318',
      OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'http://specific:4318/custom/path',
    });
    assert.equal(specific.otlp?.endpoint, 'http://specific:4318/custom/path');
    const own = config([], {
      OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'http://specific:4318/custom/path',
      HARBOR_EXPORTER_OTLP_ENDPOINT: 'http://own:4318/v1/metrics',
    });
    assert.equal(own.otlp?.endpoint, 'http://own:4318/v1/metrics');
    assert.equal(
      config(['--otlp.endpoint=http://flag:4318/v1/metrics'], { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://g' })
        .otlp?.endpoint,
      'http://flag:4318/v1/metrics',
    );
  });

  it('shortens a default timeout to fit a shorter interval, but rejects a given one that does not fit', () => {
    assert.equal(config(['--refresh.interval=5s']).refreshTimeoutMs, 5_000);
    assert.equal(config(['--refresh.interval=5s', '--refresh.timeout=2s']).refreshTimeoutMs, 2_000);
    const error = configError(() => config(['--refresh.interval=5s', '--refresh.timeout=10s']));
    assert.equal(error.setting, 'refresh.timeout');
    assert.match(error.message, /must not exceed refresh\.interval \(5s\)/);
    const otlp = config([], {
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318',
      OTEL_METRIC_EXPORT_INTERVAL: '2000',
    });
    assert.deepEqual([otlp.otlp?.intervalMs, otlp.otlp?.timeoutMs], [2_000, 2_000]);
  });

  it('names the setting, its origin and what is allowed when a value is bad', () => {
    const cases: Array<[string[], NodeJS.ProcessEnv, string, string, RegExp]> = [
      [['--log.format=xml'], {}, 'log.format', 'flag --log.format', /one of logfmt, json/],
      [
        [],
        { HARBOR_EXPORTER_DATABASE_PORT: '70000' },
        'database.port',
        'environment HARBOR_EXPORTER_DATABASE_PORT',
        /maximum 65535/,
      ],
      [
        ['--database.max-connections=9'],
        {},
        'database.max-connections',
        'flag --database.max-connections',
        /maximum 5/,
      ],
      [['--refresh.interval=10'], {}, 'refresh.interval', 'flag --refresh.interval', /500ms, 30s/],
      [['--harbor.url=ftp://x'], {}, 'harbor.url', 'flag --harbor.url', /http:, https:/],
      [['--compat=seed,prom'], {}, 'compat', 'flag --compat', /one of seed, harbor/],
      [['--collector.nope'], {}, 'collector.nope', 'flag --collector.nope', /known: .*projects/],
      [['--no-such.setting=1'], {}, 'no-such.setting', 'flag --no-such.setting', /unknown setting/],
      [
        [],
        { OTEL_METRIC_EXPORT_INTERVAL: 'often' },
        'otlp.interval',
        'environment OTEL_METRIC_EXPORT_INTERVAL',
        /not a duration/,
      ],
      [['--web.listen-address=9868'], {}, 'web.listen-address', 'flag --web.listen-address', /host:port/],
      [
        ['--database.host=db', '--database.sslmode=verify-full'],
        {},
        'database.ca-file',
        'flag --database.sslmode',
        /needs a CA file/,
      ],
    ];
    for (const [argv, env, setting, origin, allowed] of cases) {
      const error = configError(() => config(argv, env));
      assert.equal(error.setting, setting, argv.join(' '));
      assert.equal(error.origin, origin, argv.join(' '));
      assert.match(error.message, allowed);
      assert.doesNotMatch(error.message, /\n/);
    }
  });

  it('never repeats a secret in an error message', () => {
    const error = configError(() => config(['--database.url=mysql://user:hunter2@db/registry']));
    assert.equal(error.setting, 'database.url');
    assert.doesNotMatch(error.message, /hunter2/);
  });

  it('reports a YAML file that does not parse on one line', () => {
    const file = writeTemp('refresh:\n  interval: [unclosed\n  other: x\n');
    const error = configError(() => parse([`--config.file=${file}`]));
    assert.equal(error.setting, 'config.file');
    assert.doesNotMatch(error.message, /\n/);
    const notMapping = configError(() => parse([`--config.file=${writeTemp('- a\n- b\n')}`]));
    assert.match(notMapping.message, /must hold a mapping/);
  });
});
