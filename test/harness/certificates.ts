import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path, { join } from 'node:path';

/** A certificate and its key as files. */
export interface CertificateFiles {
  cert: string;
  key: string;
}

/**
 * Certificates made with openssl at test time: a CA, and leaf certificates it signs (for the server, with
 * 127.0.0.1 and localhost as names, or for a client). Nothing is kept after cleanup().
 */
export class TestCertificates {
  readonly dir = mkdtempSync(join(tmpdir(), 'harbor-exporter-certs-'));
  private serial = 1;

  /** A self-signed CA. */
  authority(name: string): CertificateFiles {
    const files = this.paths(name);
    this.openssl([
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-days',
      '2',
      '-subj',
      `/CN=${name}`,
      '-keyout',
      files.key,
      '-out',
      files.cert,
    ]);
    return files;
  }

  /** A leaf certificate signed by `ca`, for a server (names 127.0.0.1 and localhost) or a client. */
  leaf(name: string, ca: CertificateFiles, use: 'server' | 'client'): CertificateFiles {
    const files = this.paths(name);
    const request = join(this.dir, `${name}.csr`);
    this.openssl([
      'req',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-subj',
      `/CN=${name}`,
      '-keyout',
      files.key,
      '-out',
      request,
    ]);
    const extensions = join(this.dir, `${name}.ext`);
    writeFileSync(
      extensions,
      use === 'server'
        ? 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n'
        : `subjectAltName=DNS:${name}\nextendedKeyUsage=clientAuth\n`,
    );
    this.openssl([
      'x509',
      '-req',
      '-in',
      request,
      '-CA',
      ca.cert,
      '-CAkey',
      ca.key,
      '-set_serial',
      String(this.serial++),
      '-days',
      '2',
      '-extfile',
      extensions,
      '-out',
      files.cert,
    ]);
    return files;
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  private paths(name: string): CertificateFiles {
    return { cert: join(this.dir, `${name}.crt`), key: join(this.dir, `${name}.key`) };
  }

  private openssl(args: string[]): void {
    execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  }
}

/** A self-signed certificate for 127.0.0.1 made with openssl, valid for a day: the paths of its key and certificate. */
export function selfSignedCertificate(
  dir: string,
  name: string,
  files = { key: path.join(dir, `${name}-key.pem`), cert: path.join(dir, `${name}-cert.pem`) },
): { key: string; cert: string } {
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      `/CN=${name}`,
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      files.key,
      '-out',
      files.cert,
    ],
    { stdio: 'ignore' },
  );
  return files;
}
