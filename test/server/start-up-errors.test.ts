import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { testConfig } from '../harness/exporter.js';
import { demoServerSettings, DEMO_LISTEN_HOST } from '../../src/demo/demo.js';
import { readWebConfig } from '../../src/server/web-config.js';
import { TestCertificates } from '../harness/certificates.js';

const dir = mkdtempSync(join(tmpdir(), 'harbor-exporter-start-up-'));
const certificates = new TestCertificates();
after(() => {
  rmSync(dir, { recursive: true, force: true });
  certificates.cleanup();
});

/** The command as an operator runs it (asynchronously: a test may hold a port in this process meanwhile). */
function cli(argv: readonly string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...argv], {
      env: { PATH: process.env.PATH },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('start-up errors of the HTTP server', () => {
  it('names the field of a web configuration file that cannot be used', () => {
    const ca = certificates.authority('ca');
    const cert = certificates.leaf('server', ca, 'server');
    const cases: Array<[string, RegExp]> = [
      [`tls_server_config:\n  cert_file: ${cert.cert}\n`, /tls_server_config\.key_file is missing/],
      ['tls_server_config:\n  cert_file: missing.pem\n', /cert_file: cannot read .*missing\.pem: ENOENT/],
      [
        `tls_server_config:\n  cert_file: ${cert.cert}\n  key_file: ${ca.key}\n`,
        /certificate, key or client CA cannot be used/,
      ],
      [
        `tls_server_config:\n  cert_file: ${cert.cert}\n  key_file: ${cert.key}\n  client_auth_type: Sometimes\n`,
        /client_auth_type "Sometimes" is not one of NoClientCert, RequestClientCert/,
      ],
      [
        `tls_server_config:\n  cert_file: ${cert.cert}\n  key_file: ${cert.key}\n  client_auth_type: RequireAndVerifyClientCert\n`,
        /RequireAndVerifyClientCert needs client_ca_file/,
      ],
      [
        `tls_server_config:\n  cert_file: ${cert.cert}\n  key_file: ${cert.key}\n  min_version: TLS99\n`,
        /min_version "TLS99" is not one of TLS10, TLS11, TLS12, TLS13/,
      ],
      ['basic_auth_users:\n  alice: secret\n', /basic_auth_users\.alice is not a bcrypt hash/],
      ['http_server_config:\n  headers:\n    Server: mine\n', /headers: Server cannot be set/],
      [
        'http_server_config:\n  headers:\n    X-Frame-Options: allow\n',
        /X-Frame-Options "allow" is not one of deny/,
      ],
      ['rate_limit:\n  interval: 1s\n', /rate_limit is not supported/],
      ['tls_server_confg: {}\n', /tls_server_confg is not a known field/],
      ['basic_auth_users: [\n', /is not valid YAML/],
    ];
    for (const [text, expected] of cases) {
      assert.throws(() => readWebConfig(file('web.yml', text)), expected, text);
    }
    // Relative file names are relative to the configuration file's folder, as in the exporter toolkit.
    const relative = join(certificates.dir, 'relative.yml');
    writeFileSync(relative, 'tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n');
    assert.equal(readWebConfig(relative).tls?.clientAuthType, 'NoClientCert');
  });

  it('stops with exit code 2 and one line naming the setting for a bad web configuration or telemetry path', async () => {
    const bad = file('bad-web.yml', 'basic_auth_users:\n  alice: plain-text\n');
    const cases: Array<[string[], RegExp]> = [
      [
        [`--web.config.file=${bad}`, `--storage.local-path=${dir}`],
        /^harbor-exporter: invalid setting web\.config\.file \(from flag --web\.config\.file\): basic_auth_users\.alice is not a bcrypt hash/,
      ],
      [
        ['--web.config.file=/nonexistent/web.yml'],
        /invalid setting web\.config\.file .*cannot read \/nonexistent\/web\.yml: ENOENT/,
      ],
      [
        ['--web.telemetry-path=/healthz', `--storage.local-path=${dir}`],
        /invalid setting web\.telemetry-path \(from flag --web\.telemetry-path\): \/healthz is one of the server's own routes/,
      ],
      [['--web.telemetry-path=/'], /invalid setting web\.telemetry-path/],
    ];
    for (const [argv, expected] of cases) {
      const { code, stderr } = await cli(argv);
      assert.equal(code, 2, stderr);
      assert.equal(stderr.trimEnd().split('\n').length, 1, stderr);
      assert.match(stderr, expected);
    }
  });

  it('stops with exit code 2 naming web.listen-address when the port is in use', async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = holder.address() as AddressInfo;
      const { code, stderr } = await cli([
        `--web.listen-address=127.0.0.1:${port}`,
        `--storage.local-path=${dir}`,
      ]);
      assert.equal(code, 2, stderr);
      assert.match(
        stderr,
        new RegExp(
          `invalid setting web\\.listen-address \\(from flag --web\\.listen-address\\): 127\\.0\\.0\\.1:${port} is in use`,
        ),
      );
    } finally {
      holder.close();
    }
  });

  it('binds the demo to loopback and shows it the detailed page, unless either is given', () => {
    const config = testConfig();
    assert.deepEqual(demoServerSettings({ ...config, listenHost: '' }, new Set()), {
      demo: true,
      listenHost: DEMO_LISTEN_HOST,
      statusPage: 'detailed',
    });
    assert.equal(DEMO_LISTEN_HOST, '127.0.0.1');
    const given = demoServerSettings(
      { ...config, listenHost: '', statusPage: 'off' },
      new Set(['web.listen-address', 'web.status-page']),
    );
    assert.deepEqual(given, { demo: true, listenHost: '', statusPage: 'off' });
  });
});
