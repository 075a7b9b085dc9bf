import { chmodSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { hostname as osHostname } from 'node:os';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { generate } from 'selfsigned';
import { isMain } from './is-main.js';

export interface CertificateOptions {
  /** where the PEM certificate goes (directories are created) */
  certFile: string;
  /** where the PEM private key goes, mode 0600 */
  keyFile: string;
  /** name the certificate is for (CN and first SAN); default: this machine's hostname */
  hostname?: string;
  /** validity in days from now; default 365 */
  days?: number;
  /** RSA key size; default 4096 */
  bits?: number;
}

/**
 * A self-signed X.509 server certificate (RSA, SHA-256) and its key, as the
 * manual's §8.1 asks: SANs for the hostname, localhost and 127.0.0.1. Existing
 * files are replaced; each file is written beside its target and renamed into
 * place, so a reader never sees half a key. The key is never group- or
 * world-readable, not even for a moment.
 */
export async function generateCertificate(opts: CertificateOptions): Promise<{ certFile: string; keyFile: string; sans: string[] }> {
  const host = (opts.hostname ?? osHostname()).trim() || 'localhost';
  const days = opts.days ?? 365;
  const bits = opts.bits ?? 4096;
  if (!Number.isInteger(days) || days < 1) throw new Error(`days must be a whole number of at least 1 (got ${days})`);
  if (!Number.isInteger(bits) || bits < 2048 || bits % 8 !== 0) throw new Error(`bits must be a multiple of 8 of at least 2048 (got ${bits})`);
  if (!isIP(host) && !/^[A-Za-z0-9*]([A-Za-z0-9-]{0,62})(\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*\.?$/.test(host)) {
    throw new Error(`hostname "${host}" is not a DNS name or an IP address`);
  }

  const altNames: { type: 2 | 7; value?: string; ip?: string }[] = [];
  const sans: string[] = [];
  const add = (name: string): void => {
    const ip = isIP(name) !== 0;
    const san = `${ip ? 'IP' : 'DNS'}:${name}`;
    if (sans.includes(san)) return;
    sans.push(san);
    altNames.push(ip ? { type: 7, ip: name } : { type: 2, value: name });
  };
  add(host);
  add('localhost');
  add('127.0.0.1');

  const notBeforeDate = new Date();
  const notAfterDate = new Date(notBeforeDate.getTime() + days * 86_400_000);
  const pems = await generate([{ name: 'commonName', value: host }], {
    keySize: bits,
    // selfsigned's default is SHA-1, which current TLS clients reject.
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames },
    ],
  });

  const certFile = resolve(opts.certFile);
  const keyFile = resolve(opts.keyFile);
  writeAtomically(keyFile, pems.private, 0o600);
  writeAtomically(certFile, pems.cert, 0o644);
  return { certFile, keyFile, sans };
}

function writeAtomically(file: string, text: string, mode: number): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    // `wx`: a new file, created with its final mode (the umask can only remove bits).
    writeFileSync(tmp, text, { mode, flag: 'wx' });
    chmodSync(tmp, mode);
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

const USAGE = `usage: node dist/src/certs.js --cert-file FILE --key-file FILE [--hostname NAME] [--days N] [--bits N]
Writes a self-signed certificate (RSA 4096, SHA-256, 365 days; SANs NAME, localhost,
127.0.0.1) and its key (mode 0600), replacing existing files.`;

/** The command line of install.sh: one line on success, one line and exit 1 on failure. */
async function main(argv: string[]): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        'cert-file': { type: 'string' }, 'key-file': { type: 'string' }, hostname: { type: 'string' },
        days: { type: 'string' }, bits: { type: 'string' }, help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (e) {
    process.stderr.write(`certs: ${(e as Error).message}\n${USAGE}\n`);
    return 1;
  }
  if (values.help) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  if (typeof values['cert-file'] !== 'string' || typeof values['key-file'] !== 'string') {
    process.stderr.write(`certs: --cert-file and --key-file are required\n${USAGE}\n`);
    return 1;
  }
  const int = (v: unknown): number | undefined => (typeof v === 'string' ? Number(v) : undefined);
  try {
    const r = await generateCertificate({
      certFile: values['cert-file'], keyFile: values['key-file'], hostname: values.hostname as string | undefined,
      days: int(values.days), bits: int(values.bits),
    });
    process.stdout.write(`wrote ${r.certFile} and ${r.keyFile} (mode 0600); SANs ${r.sans.join(', ')}\n`);
    return 0;
  } catch (e) {
    process.stderr.write(`certs: ${(e as Error).message}\n`);
    return 1;
  }
}

if (isMain(import.meta.url)) process.exitCode = await main(process.argv.slice(2));
