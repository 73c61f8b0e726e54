import { execFileSync } from 'node:child_process';
import path from 'node:path';

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
