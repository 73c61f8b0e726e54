import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { APPLICATION_NAME } from '../../src/config/database-url.js';
import { config, configError, scratchFolder } from './fixtures.js';

const scratch = scratchFolder('inputs');
after(scratch.remove);

describe('CA files', () => {
  let certificate: string;
  before(() => {
    certificate = scratch.certificate();
  });

  it('takes a readable PEM file for either source', () => {
    const built = config([
      `--harbor.ca-file=${certificate}`,
      '--database.host=db',
      '--database.sslmode=verify-full',
      `--database.ca-file=${certificate}`,
    ]);
    assert.equal(built.harborDefaults.caFile, certificate);
    assert.equal(built.database?.caFile, certificate);
  });

  it('refuses at start-up a CA file that is missing, a folder or not PEM, naming the setting and its origin', () => {
    const notPem = scratch.write('just some text\n');
    for (const key of ['harbor.ca-file', 'database.ca-file']) {
      const variable = `HARBOR_EXPORTER_${key.toUpperCase().replace(/[.-]/g, '_')}`;
      const cases: Array<[string, RegExp]> = [
        [`${scratch.dir}/absent.pem`, /cannot read .*absent\.pem: ENOENT/],
        [scratch.dir, /cannot read .*: EISDIR/],
        [notPem, /holds no PEM certificate/],
      ];
      for (const [path, problem] of cases) {
        const fromFlag = configError(() => config([`--${key}=${path}`]));
        assert.equal(fromFlag.setting, key);
        assert.equal(fromFlag.origin, `flag --${key}`);
        assert.match(fromFlag.message, problem);
        const fromEnv = configError(() => config([], { [variable]: path }));
        assert.equal(fromEnv.origin, `environment ${variable}`);
      }
    }
  });
});

describe('URLs in error messages', () => {
  it('never repeats the userinfo of a malformed URL', () => {
    const cases: Array<[string[], NodeJS.ProcessEnv, string, string]> = [
      [['--harbor.url=https://robot:hunter2@harbor example.com'], {}, 'harbor.url', 'hunter2'],
      [['--harbor.url=https://robot:p@ss w/rd@harbor.example'], {}, 'harbor.url', 'ss w/rd'],
      [['--otlp.endpoint=http://tenant:t0ken@collector:99999/v1/metrics'], {}, 'otlp.endpoint', 't0ken'],
      [
        [],
        { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://tenant:s3cret@coll ector:4318' },
        'otlp.endpoint',
        's3cret',
      ],
      [[], { OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'http://tenant:m3tric@[::1' }, 'otlp.endpoint', 'm3tric'],
      [['--database.url=postgres://reader:pg-s3cret@db:99999/registry'], {}, 'database.url', 'pg-s3cret'],
    ];
    for (const [argv, env, setting, secret] of cases) {
      const error = configError(() => config(argv, env));
      assert.equal(error.setting, setting);
      assert.match(error.message, /is not a URL/);
      assert.ok(!error.message.includes(secret), error.message);
      assert.ok(!error.message.includes('tenant:') && !error.message.includes('robot:'), error.message);
    }
    // What the operator needs to find the mistake is still there.
    const error = configError(() => config(['--harbor.url=https://robot:hunter2@harbor example.com']));
    assert.match(error.message, /"https:\/\/<userinfo redacted>@harbor example\.com" is not a URL/);
  });
});

describe('database.url parameters', () => {
  let certificate: string;
  before(() => {
    certificate = scratch.certificate();
  });
  const url = (query: string) => `--database.url=postgres://reader:pw@db.example/registry?${query}`;

  it('honours sslmode, sslrootcert and connect_timeout as the settings they stand for', () => {
    const built = config([
      url(`sslmode=verify-full&sslrootcert=${encodeURIComponent(certificate)}&connect_timeout=7`),
      '--database.sslmode=disable',
      '--database.connect-timeout=30s',
    ]);
    assert.equal(built.database?.sslmode, 'verify-full');
    assert.equal(built.database?.caFile, certificate);
    assert.equal(built.database?.connectTimeoutMs, 7_000);
  });

  it(`accepts application_name only as ${APPLICATION_NAME}`, () => {
    assert.equal(config([url(`application_name=${APPLICATION_NAME}`)]).database?.host, 'db.example');
    const error = configError(() => config([url('application_name=psql')]));
    assert.equal(error.setting, 'database.url');
    assert.match(error.message, new RegExp(`application_name must be ${APPLICATION_NAME}`));
  });

  it('refuses any other parameter, and bad values of the honoured ones, naming the setting they stand for', () => {
    const cases: Array<[string, RegExp]> = [
      [
        'options=-c%20default_transaction_read_only%3Doff',
        /parameter options is not supported; allowed: sslmode/,
      ],
      ['target_session_attrs=any', /parameter target_session_attrs is not supported/],
      ['sslcert=/client.pem', /parameter sslcert is not supported/],
      ['connect_timeout=0', /connect_timeout \(database\.connect-timeout\): "0s" is below the minimum/],
      ['connect_timeout=3600', /connect_timeout \(database\.connect-timeout\): "3600s" is above the maximum/],
      ['connect_timeout=10s', /connect_timeout "10s" is not a whole number of seconds/],
      ['sslmode=prefer', /sslmode \(database\.sslmode\): "prefer" is not one of disable, require/],
      ['sslrootcert=/absent/ca.pem', /cannot read \/absent\/ca\.pem/],
    ];
    for (const [query, problem] of cases) {
      const error = configError(() => config([url(query)]));
      assert.match(error.message, problem, query);
      assert.equal(error.origin, 'flag --database.url', query);
      assert.ok(!error.message.includes('pw@'), error.message);
    }
  });
});

describe("Harbor's robot name prefix", () => {
  it("defaults to Harbor's, takes another, and refuses an empty one that would make every user a robot", () => {
    assert.equal(config([]).robotNamePrefix, 'robot$');
    assert.equal(config(['--robots.name-prefix=harbor@']).robotNamePrefix, 'harbor@');
    const error = configError(() => config([], { HARBOR_EXPORTER_ROBOTS_NAME_PREFIX: ' ' }));
    assert.equal(error.setting, 'robots.name-prefix');
    assert.equal(error.origin, 'environment HARBOR_EXPORTER_ROBOTS_NAME_PREFIX');
    assert.match(error.message, /must not be empty/);
  });
});
