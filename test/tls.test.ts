import t from 'tap';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { get as httpsGet, createServer as createHttps } from 'node:https';
import { connect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { generateCertificate } from '../src/certs.js';
import { MAIN, startServer, tempConfig } from './helpers/server.js';

const SHA256_RSA = Buffer.from('06092a864886f70d01010b', 'hex'); // OID 1.2.840.113549.1.1.11
const SHA1_RSA = Buffer.from('06092a864886f70d010105', 'hex'); // OID 1.2.840.113549.1.1.5

const CONFIG = (extra = ''): string => [
  'server:', '  tls:', '    enabled: true', '    cert_file: certs/server.crt', '    key_file: certs/server.key',
  'simulation:', '  default_clients: 3', '  history_days: 0', 'logging:', '  file: logs/test.log', extra,
].join('\n');

/** A TLS handshake; resolves with the negotiated protocol and whether the peer was verified, rejects with the TLS error. */
function handshake(port: number, opts: ConnectionOptions): Promise<{ protocol: string | null; authorized: boolean; error?: string }> {
  return new Promise((ok, fail) => {
    const s: TLSSocket = connect({ host: '127.0.0.1', port, ...opts }, () => {
      ok({ protocol: s.getProtocol(), authorized: s.authorized, error: s.authorizationError?.message });
      s.end();
    });
    s.once('error', fail);
  });
}

function httpsJson(url: string, ca: Buffer): Promise<{ status: number; body: any }> {
  return new Promise((ok, fail) => {
    httpsGet(url, { ca }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => ok({ status: res.statusCode!, body: JSON.parse(text) }));
    }).once('error', fail);
  });
}

t.test('a generated certificate carries the SANs, SHA-256, 365 days, and a key only its owner reads', async (t) => {
  const { dir } = tempConfig();
  const r = await generateCertificate({ certFile: join(dir, 'deep', 'er', 'server.crt'), keyFile: join(dir, 'deep', 'er', 'server.key'), hostname: 'mock.example.org', bits: 2048 });
  t.same(r.sans, ['DNS:mock.example.org', 'DNS:localhost', 'IP:127.0.0.1']);
  const cert = new X509Certificate(readFileSync(r.certFile));
  t.equal(cert.subjectAltName, 'DNS:mock.example.org, DNS:localhost, IP Address:127.0.0.1', 'the SANs are in the certificate itself');
  t.match(cert.subject, /CN=mock\.example\.org/);
  t.ok(cert.checkHost('mock.example.org') && cert.checkHost('localhost') && cert.checkIP('127.0.0.1'), 'names and address verify');
  t.notOk(cert.ca, 'not a CA certificate');
  t.ok(cert.verify(cert.publicKey), 'self-signed');
  t.ok(cert.raw.includes(SHA256_RSA) && !cert.raw.includes(SHA1_RSA), 'signed sha256WithRSAEncryption, not SHA-1');
  const days = (Date.parse(cert.validTo) - Date.parse(cert.validFrom)) / 86_400_000;
  t.equal(Math.round(days), 365, '365 days');
  t.equal(statSync(r.keyFile).mode & 0o777, 0o600, 'key mode 0600');
  const key = createPrivateKey(readFileSync(r.keyFile));
  t.ok(cert.checkPrivateKey(key), 'the key belongs to the certificate');
  t.equal(key.asymmetricKeyDetails?.modulusLength, 2048);

  const again = await generateCertificate({ certFile: r.certFile, keyFile: r.keyFile, hostname: '10.1.2.3', bits: 2048, days: 30 });
  t.same(again.sans, ['IP:10.1.2.3', 'DNS:localhost', 'IP:127.0.0.1'], 'an IP hostname is an IP SAN');
  const second = new X509Certificate(readFileSync(r.certFile));
  t.not(second.serialNumber, cert.serialNumber, 'existing files are replaced');
  t.equal(Math.round((Date.parse(second.validTo) - Date.parse(second.validFrom)) / 86_400_000), 30);
  t.equal(statSync(r.keyFile).mode & 0o777, 0o600, 'still 0600 after replacing');

  await t.rejects(generateCertificate({ certFile: r.certFile, keyFile: r.keyFile, hostname: 'bad host!', bits: 2048 }), /not a DNS name/);
  await t.rejects(generateCertificate({ certFile: r.certFile, keyFile: r.keyFile, bits: 1024 }), /at least 2048/);
});

t.test('by default the key is 4096-bit RSA and the first SAN is this machine', async (t) => {
  const { dir } = tempConfig();
  const r = await generateCertificate({ certFile: join(dir, 'server.crt'), keyFile: join(dir, 'server.key') });
  t.equal(createPrivateKey(readFileSync(r.keyFile)).asymmetricKeyDetails?.modulusLength, 4096);
  t.match(r.sans[0], /^(DNS|IP):./);
  t.same(r.sans.slice(-2), ['DNS:localhost', 'IP:127.0.0.1']);
});

t.test('the script form, as install.sh runs it', async (t) => {
  const { dir } = tempConfig();
  const script = join(MAIN, '..', 'certs.js');
  const ok = spawnSync(process.execPath, [script, '--cert-file', join(dir, 'c', 'server.crt'), '--key-file', join(dir, 'c', 'server.key'), '--hostname', 'box1', '--bits', '2048'], { encoding: 'utf8' });
  t.equal(ok.status, 0, ok.stderr);
  t.match(ok.stdout, /SANs DNS:box1, DNS:localhost, IP:127\.0\.0\.1/);
  t.equal(statSync(join(dir, 'c', 'server.key')).mode & 0o777, 0o600);
  const bad = spawnSync(process.execPath, [script, '--cert-file', join(dir, 'x.crt')], { encoding: 'utf8' });
  t.equal(bad.status, 1);
  t.match(bad.stderr, /--cert-file and --key-file are required/);
});

t.test('the server speaks HTTPS with TLS 1.2 and 1.3 and refuses TLS 1.1', async (t) => {
  const { dir, file } = tempConfig(CONFIG());
  const { certFile, keyFile } = await generateCertificate({ certFile: join(dir, 'certs', 'server.crt'), keyFile: join(dir, 'certs', 'server.key'), hostname: 'mock.test', bits: 2048 });
  const ca = readFileSync(certFile);
  const s = await startServer(file);
  t.teardown(() => s.stop());

  const health = await httpsJson(`https://localhost:${s.port}/mock/health`, ca);
  t.equal(health.status, 200);
  t.equal(health.body.data.status, 'ok', 'health over HTTPS, the certificate verified against itself');

  for (const servername of ['localhost', 'mock.test']) {
    const h = await handshake(s.port, { ca, servername });
    t.ok(h.authorized, `verified for ${servername}`);
  }
  const v12 = await handshake(s.port, { ca, servername: 'localhost', maxVersion: 'TLSv1.2' });
  t.equal(v12.protocol, 'TLSv1.2');
  const v13 = await handshake(s.port, { ca, servername: 'localhost' });
  t.equal(v13.protocol, 'TLSv1.3');
  const stranger = await handshake(s.port, { rejectUnauthorized: false, servername: 'localhost' });
  t.notOk(stranger.authorized, 'a client without the certificate cannot verify it (curl needs -k or --cacert)');

  // A client able to speak TLS 1.1 (proved against a server that allows it),
  // so the refusal below is our server's, not the client's own policy.
  const old: ConnectionOptions = { ca, servername: 'localhost', minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT:@SECLEVEL=0' };
  const lenient = createHttps({ cert: ca, key: readFileSync(keyFile), minVersion: 'TLSv1', ciphers: 'DEFAULT:@SECLEVEL=0' });
  await new Promise<void>((ok) => lenient.listen(0, '127.0.0.1', ok));
  const control = await handshake((lenient.address() as { port: number }).port, old).finally(() => lenient.close());
  t.equal(control.protocol, 'TLSv1.1', 'this client does speak TLS 1.1');
  const refused = await handshake(s.port, old).then(() => null, (e: NodeJS.ErrnoException) => e);
  t.ok(refused, 'TLS 1.1 handshake refused');
  t.match(refused?.code ?? refused?.message, /ALERT_PROTOCOL_VERSION|alert protocol version/i, `with a protocol-version alert from the server (${refused?.code})`);
});

t.test('CA-signed files dropped in place are served', async (t) => {
  const { dir, file } = tempConfig(CONFIG());
  const ca = await generate([{ name: 'commonName', value: 'Test Root CA' }], {
    keySize: 2048, algorithm: 'sha256',
    extensions: [{ name: 'basicConstraints', cA: true, critical: true }, { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true }],
  });
  const leaf = await generate([{ name: 'commonName', value: 'localhost' }], {
    keySize: 2048, algorithm: 'sha256', ca: { key: ca.private, cert: ca.cert },
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }] }],
  });
  // What an administrator does (manual §8.4): replace the two files, chmod 600 the key.
  await generateCertificate({ certFile: join(dir, 'certs', 'server.crt'), keyFile: join(dir, 'certs', 'server.key'), bits: 2048 });
  writeFileSync(join(dir, 'certs', 'server.crt'), leaf.cert);
  writeFileSync(join(dir, 'certs', 'server.key'), leaf.private);
  chmodSync(join(dir, 'certs', 'server.key'), 0o600);
  const s = await startServer(file);
  t.teardown(() => s.stop());
  const h = await handshake(s.port, { ca: ca.cert, servername: 'localhost' });
  t.ok(h.authorized, `a client trusting only the CA verifies the server${h.error ? ` (${h.error})` : ''}`);
  const health = await httpsJson(`https://127.0.0.1:${s.port}/mock/health`, Buffer.from(ca.cert));
  t.equal(health.body.data.status, 'ok');
});

t.test('missing certificate files stop the start with a clear message', async (t) => {
  const { file } = tempConfig(CONFIG());
  const r = spawnSync(process.execPath, [MAIN, '--config', file, '--port', '0'], { encoding: 'utf8', timeout: 20_000 });
  t.equal(r.status, 2);
  t.match(r.stderr, /config error: .*config\.yaml:4: server\.tls\.cert_file: cannot read .*certs\/server\.crt/);
  t.match(r.stderr, /server\.tls\.key_file: cannot read/);
  t.notMatch(r.stderr, /\n\s+at /, 'no stack trace');
});
