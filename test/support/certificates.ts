import { chmod, chown, copyFile, stat } from 'node:fs/promises';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runChecked } from '../../core/child-process.js';

/** PEM files a TLS test needs, made with the machine's `openssl`. */
export interface TestCertificates {
  /** The CA that signed both server certificates. */
  ca: string;
  /** A CA that signed nothing the server presents. */
  otherCa: string;
  /** Server certificate for 127.0.0.1 (IP SAN) and localhost (DNS SAN). */
  server: { cert: string; key: string };
  /** Server certificate for 127.0.0.1 only. */
  serverIpOnly: { cert: string; key: string };
}

const openssl = (args: string[], cwd: string) => runChecked('openssl', args, { cwd, timeoutMs: 60_000 });

async function makeCa(dir: string, name: string): Promise<void> {
  await openssl(
    [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2',
      '-keyout', `${name}.key`, '-out', `${name}.crt`, '-subj', `/CN=${name}`,
      '-addext', 'basicConstraints=critical,CA:TRUE',
      '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
    ],
    dir,
  );
}

async function makeServerCert(dir: string, name: string, commonName: string, altNames: string): Promise<{ cert: string; key: string }> {
  await openssl(['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${commonName}`], dir);
  writeFileSync(join(dir, `${name}.ext`), `subjectAltName=${altNames}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`);
  await openssl(
    ['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2', '-out', `${name}.crt`, '-extfile', `${name}.ext`],
    dir,
  );
  return { cert: join(dir, `${name}.crt`), key: join(dir, `${name}.key`) };
}

/** A CA, an unrelated CA, and two server certificates signed by the first, in `dir`. */
export async function makeTestCertificates(dir: string): Promise<TestCertificates> {
  await makeCa(dir, 'ca');
  await makeCa(dir, 'other-ca');
  const server = await makeServerCert(dir, 'server', '127.0.0.1', 'IP:127.0.0.1,DNS:localhost');
  const serverIpOnly = await makeServerCert(dir, 'server-ip', '127.0.0.1', 'IP:127.0.0.1');
  return { ca: join(dir, 'ca.crt'), otherCa: join(dir, 'other-ca.crt'), server, serverIpOnly };
}

/**
 * Copies a certificate and its key into a data directory, owned by the directory's owner (the
 * server's user when the harness is root) with mode 0600: PostgreSQL refuses a key others can read.
 */
export async function installServerCertificate(dataDir: string, pair: { cert: string; key: string }, name: string): Promise<void> {
  const owner = await stat(dataDir);
  for (const [from, to] of [
    [pair.cert, `${name}.crt`],
    [pair.key, `${name}.key`],
  ] as const) {
    const target = join(dataDir, to);
    await copyFile(from, target);
    await chown(target, owner.uid, owner.gid);
    await chmod(target, 0o600);
  }
}
