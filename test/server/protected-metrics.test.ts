import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { after, before, describe, it } from 'node:test';
import bcrypt from 'bcryptjs';
import { Exporter } from '../../src/exporter.js';
import { silentLogger } from '../../src/log.js';
import { buildSources } from '../../src/wiring.js';
import { ExporterHttpServer } from '../../src/server/http-server.js';
import { WebConfigWatcher } from '../../src/server/web-config-watcher.js';
import { requirePrometheus, PrometheusServer } from '../end-to-end/prometheus-server.js';
import { TestCertificates, type CertificateFiles } from '../harness/certificates.js';
import { testConfig } from '../harness/exporter.js';
import { renderedFromText } from '../harness/rendered-metrics.js';

const TEXT =
  '# HELP harbor_projects Projects.\n# TYPE harbor_projects gauge\nharbor_projects{visibility="public"} 7\n';
const USER = 'prometheus';
const PASSWORD = 'scrape-s3cret';

interface RunningServer {
  url: string;
  port: number;
  watcher: WebConfigWatcher;
  stop(): Promise<void>;
}

const certificates = new TestCertificates();
let ca: CertificateFiles;
let server: CertificateFiles;
let client: CertificateFiles;
let rogueClient: CertificateFiles;
const started: RunningServer[] = [];

/** A web configuration file from YAML lines; its own folder holds it, so relative names would resolve there. */
function webConfigFile(name: string, lines: readonly string[]): string {
  const path = join(certificates.dir, `${name}.yml`);
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

async function startServer(configPath: string): Promise<RunningServer> {
  const watcher = new WebConfigWatcher(configPath, silentLogger, 100);
  const http = new ExporterHttpServer({
    host: '127.0.0.1',
    port: 0,
    telemetryPath: '/metrics',
    version: '1.2.3',
    metrics: () => renderedFromText(TEXT),
    sources: () => [],
    webConfig: () => watcher.current,
  });
  const { port } = await http.listen();
  watcher.start();
  const running = {
    url: `https://127.0.0.1:${port}`,
    port,
    watcher,
    stop: async () => {
      watcher.stop();
      await http.close();
    },
  };
  started.push(running);
  return running;
}

/** The server's certificate, as the web configuration names it. */
function serverTls(): string[] {
  return ['tls_server_config:', `  cert_file: ${server.cert}`, `  key_file: ${server.key}`];
}

/** Lines of tls_server_config asking for a client certificate signed by the test CA. */
function clientCertRequired(): string[] {
  return [`  client_ca_file: ${ca.cert}`, '  client_auth_type: RequireAndVerifyClientCert'];
}

/** The one user, with a bcrypt hash of its password made now (low cost: tests need no strength). */
function basicAuthUsers(): string[] {
  return ['basic_auth_users:', `  ${USER}: ${bcrypt.hashSync(PASSWORD, 4)}`];
}

/** curl as an operator runs it (in another process: the server under test shares this one's event loop). */
function runCurl(args: readonly string[]): Promise<{ stdout: string; exit: number }> {
  return new Promise((resolve) => {
    execFile('curl', ['-sS', '--max-time', '10', '--cacert', ca.cert, ...args], (error, stdout) =>
      resolve({ stdout, exit: error ? Number((error as { code?: number }).code ?? 1) : 0 }),
    );
  });
}

/** The HTTP status (000 when the connection was refused), curl's exit code and the body. */
async function curl(
  url: string,
  args: readonly string[] = [],
): Promise<{ status: string; exit: number; body: string }> {
  const bodyFile = join(certificates.dir, 'curl-body');
  writeFileSync(bodyFile, '');
  const result = await runCurl(['-o', bodyFile, '-w', '%{http_code}', ...args, url]);
  return { status: result.stdout, exit: result.exit, body: readFileSync(bodyFile, 'utf8') };
}

/** The serial number of the certificate the server presents on a new connection. */
function servedSerial(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: '127.0.0.1', port, ca: readFileSync(ca.cert) }, () => {
      resolve(socket.getPeerCertificate().serialNumber);
      socket.end();
    });
    socket.once('error', reject);
  });
}

before(() => {
  ca = certificates.authority('test-ca');
  server = certificates.leaf('exporter', ca, 'server');
  client = certificates.leaf('prometheus-client', ca, 'client');
  rogueClient = certificates.leaf('rogue-client', certificates.authority('other-ca'), 'client');
});
after(async () => {
  for (const running of started) await running.stop();
  certificates.cleanup();
});

describe('a /metrics protected by the web configuration file', () => {
  it('answers 401 without credentials or with a wrong password, 200 with them; probes need none', async () => {
    const running = await startServer(
      webConfigFile('basic-auth', [
        ...serverTls(),
        ...basicAuthUsers(),
        'http_server_config:',
        '  headers:',
        '    Strict-Transport-Security: max-age=31536000',
      ]),
    );
    const url = `${running.url}/metrics`;
    const anonymous = await runCurl(['-i', url]);
    assert.match(anonymous.stdout, /^HTTP\/1\.1 401/);
    assert.match(anonymous.stdout, /www-authenticate: Basic/i);
    assert.equal((await curl(url, ['-u', `${USER}:wrong`])).status, '401');
    assert.equal((await curl(url, ['-u', `nobody:${PASSWORD}`])).status, '401');
    const allowed = await curl(url, ['-u', `${USER}:${PASSWORD}`]);
    assert.equal(allowed.status, '200');
    assert.equal(allowed.body, TEXT);
    // The second request is answered from the cache of checked passwords: same answer.
    assert.equal((await curl(url, ['-u', `${USER}:${PASSWORD}`])).status, '200');
    assert.equal((await curl(`${running.url}/healthz`)).status, '200');
    assert.equal((await curl(`${running.url}/`)).status, '401');
    // Plain HTTP to the TLS port gets no answer.
    assert.equal((await curl(`http://127.0.0.1:${running.port}/metrics`)).status, '000');
    const headers = (await runCurl(['-I', '-u', `${USER}:${PASSWORD}`, url])).stdout;
    assert.match(headers, /strict-transport-security: max-age=31536000/i);
    assert.match(headers, /x-content-type-options: nosniff/i);
  });

  it('refuses a client without a certificate, or with one from another CA, when one is required', async () => {
    const running = await startServer(
      webConfigFile('client-cert', [...serverTls(), ...clientCertRequired(), '  min_version: TLS13']),
    );
    const url = `${running.url}/metrics`;
    const without = await curl(url);
    assert.equal(without.status, '000');
    assert.notEqual(without.exit, 0);
    assert.equal((await curl(url, ['--cert', rogueClient.cert, '--key', rogueClient.key])).status, '000');
    const withCert = await curl(url, ['--cert', client.cert, '--key', client.key]);
    assert.equal(withCert.status, '200');
    assert.equal(withCert.body, TEXT);
    // TLS 1.2 is below the configured minimum.
    assert.equal(
      (await curl(url, ['--cert', client.cert, '--key', client.key, '--tls-max', '1.2'])).status,
      '000',
    );
  });

  it('serves a rotated certificate to new connections without a restart, and keeps it through a broken write', async () => {
    const cert = join(certificates.dir, 'rotating.crt');
    const key = join(certificates.dir, 'rotating.key');
    writeFileSync(cert, readFileSync(server.cert));
    writeFileSync(key, readFileSync(server.key));
    const running = await startServer(
      webConfigFile('rotating', ['tls_server_config:', `  cert_file: ${cert}`, `  key_file: ${key}`]),
    );
    const first = await servedSerial(running.port);
    const renewed = certificates.leaf('exporter-renewed', ca, 'server');
    // A Kubernetes Secret swaps its files at once; rename does the same here.
    writeFileSync(`${cert}.new`, readFileSync(renewed.cert));
    writeFileSync(`${key}.new`, readFileSync(renewed.key));
    renameSync(`${cert}.new`, cert);
    renameSync(`${key}.new`, key);
    const expected = spawnSync('openssl', ['x509', '-noout', '-serial', '-in', renewed.cert], {
      encoding: 'utf8',
    })
      .stdout.trim()
      .replace('serial=', '');
    assert.notEqual(first, expected);
    const deadline = Date.now() + 10_000;
    while ((await servedSerial(running.port)) !== expected) {
      assert.ok(Date.now() < deadline, 'the renewed certificate was not served within 10 s');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // A certificate that cannot be read back leaves the last good one in force.
    writeFileSync(cert, 'not a certificate\n');
    await new Promise((resolve) => setTimeout(resolve, 600));
    assert.equal(await servedSerial(running.port), expected);
    assert.equal((await curl(`${running.url}/metrics`)).status, '200');
  });

  it('is protected by --web.config.file when the whole exporter runs', async () => {
    const config = testConfig([
      `--web.config.file=${webConfigFile('exporter', [...serverTls(), ...basicAuthUsers()])}`,
      `--storage.local-path=${certificates.dir}`,
      '--refresh.interval=1h',
    ]);
    const exporter = new Exporter(config, buildSources(config, silentLogger), silentLogger);
    const { port } = await exporter.start();
    try {
      const url = `https://127.0.0.1:${port}/metrics`;
      assert.equal((await curl(url)).status, '401');
      const scraped = await curl(url, ['-u', `${USER}:${PASSWORD}`]);
      assert.equal(scraped.status, '200');
      assert.match(scraped.body, /^harbor_exporter_source_up\{source="storage"\} /m);
    } finally {
      await exporter.stop();
    }
  });

  it('is scraped by a real Prometheus over TLS with basic auth and with a client certificate, and refused without', async (t) => {
    const binaries = requirePrometheus();
    if ('skip' in binaries) return t.skip(binaries.skip);
    const withAuth = await startServer(
      webConfigFile('prometheus-basic-auth', [...serverTls(), ...basicAuthUsers()]),
    );
    const withClientCert = await startServer(
      webConfigFile('prometheus-client-cert', [...serverTls(), ...clientCertRequired()]),
    );
    const tls = ['scheme: https', 'tls_config:', `  ca_file: ${ca.cert}`];
    const prometheus = await PrometheusServer.start(
      binaries.prometheus,
      {
        basic_auth: `127.0.0.1:${withAuth.port}`,
        no_credentials: `127.0.0.1:${withAuth.port}`,
        client_cert: `127.0.0.1:${withClientCert.port}`,
        no_client_cert: `127.0.0.1:${withClientCert.port}`,
      },
      {
        basic_auth: [...tls, 'basic_auth:', `  username: ${USER}`, `  password: ${PASSWORD}`],
        no_credentials: tls,
        client_cert: [...tls, `  cert_file: ${client.cert}`, `  key_file: ${client.key}`],
        no_client_cert: tls,
      },
    );
    try {
      await prometheus.waitFor(async () => {
        const targets = await prometheus.targets();
        const scraped = Object.values(targets).filter((target) => target.health !== 'unknown');
        return scraped.length === 4;
      }, 'every target scraped once');
      const targets = await prometheus.targets();
      assert.equal(targets.basic_auth?.health, 'up', targets.basic_auth?.lastError);
      assert.equal(targets.client_cert?.health, 'up', targets.client_cert?.lastError);
      assert.equal(targets.no_credentials?.health, 'down');
      assert.match(targets.no_credentials!.lastError, /401/);
      assert.equal(targets.no_client_cert?.health, 'down');
      const samples = await prometheus.query('harbor_projects');
      assert.deepEqual(samples.map((sample) => [sample.labels.job, sample.value]).sort(), [
        ['basic_auth', 7],
        ['client_cert', 7],
      ]);
    } finally {
      await prometheus.stop();
    }
  });
});
