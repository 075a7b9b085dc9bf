import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../src/config.js';
import { MAIN, tempConfig } from './helpers/server.js';

const problems = (yaml: string): string[] => {
  const { file } = tempConfig(yaml);
  try {
    loadConfig(file);
  } catch (e) {
    if (e instanceof ConfigError) return e.lines.map((l) => l.replace(file, 'config.yaml'));
    throw e;
  }
  return [];
};

t.test('the defaults load, with the built-in profiles', async (t) => {
  const cfg = loadConfig(tempConfig('').file);
  t.equal(cfg.server.port, 9101);
  t.equal(cfg.authentication.token_ttl, 12);
  t.ok(cfg.profiles.length >= 30, `${cfg.profiles.length} profiles`);
  const byKey = new Map(cfg.profiles.map((p) => [p.key, p]));
  for (const [key, count, prefix] of [['mail_server', 20, 'mail-server'], ['database_server', 15, 'db-server'], ['nfs_server', 10, 'nfs-server'],
    ['linux_server', 30, 'linux-server'], ['windows_server', 15, 'win-server'], ['web_server', 10, 'web-server'], ['sap_hana', 5, 'sap-hana'],
    ['kubernetes_node', 25, 'k8s-node'], ['vmware_esxi', 6, 'esxi-host']] as const) {
    t.equal(byKey.get(key)?.count, count, `${key} count`);
    t.equal(byKey.get(key)?.name_prefix, prefix, `${key} prefix`);
  }
});

t.test('each problem is one line naming file, line and key', async (t) => {
  t.same(problems('server:\n  port: 9101\n  colour: blue\n'), [
    'config.yaml:3: server.colour: unknown key (known keys: host, port, debug, cors_origins, headers_timeout, request_timeout, keepalive_timeout, tls)',
  ]);
  t.same(problems('simulation:\n  error_rate: high\n'), ['config.yaml:2: simulation.error_rate: must be a number between 0 and 1 (got "high")']);
  t.same(problems('simulation:\n  job_interval_min: 50\n  job_interval_max: 10\n'), [
    'config.yaml:2: simulation.job_interval_min: must not exceed job_interval_max (50 > 10)',
  ]);
  const levels = problems([
    'client_profiles:', '  mine:', '    count: 2', '    name_prefix: mine', '    typical_files_min: 10', '    typical_files_max: 5',
    '    typical_bytes_min: 1', '    typical_bytes_max: 2', '    job_levels: {F: 0.5, I: 0.4, D: 0.2}', '    error_types: ["boom"]', '',
  ].join('\n'));
  t.same(levels, [
    'config.yaml:9: client_profiles.mine.job_levels: F + I + D must sum to 1.0 (got 1.1)',
    'config.yaml:5: client_profiles.mine.typical_files_min: must not exceed typical_files_max (10 > 5)',
  ]);
  t.same(problems('server:\n  tls:\n    enabled: true\n    cert_file: /nonexistent/x.crt\n    key_file: /nonexistent/x.key\n'), [
    'config.yaml:4: server.tls.cert_file: cannot read /nonexistent/x.crt',
    'config.yaml:5: server.tls.key_file: cannot read /nonexistent/x.key',
  ]);
  t.same(problems('server: [1, 2\n').length, 1, 'a YAML syntax error is one line');
  t.match(problems('server: [1, 2\n')[0], /^config\.yaml:\d+: /);
});

t.test('the file as a whole and each section must be mappings; one line each, no follow-on problems', async (t) => {
  t.same(problems('- a\n- b\n'), ['config.yaml:1: (top level): must be a mapping of sections (got ["a","b"])']);
  t.same(problems('simulation: 5\n'), ['config.yaml:1: simulation: must be a mapping (got 5)']);
});

t.test('TLS files must be a readable certificate and the private key that belongs to it', async (t) => {
  const { generate } = await import('selfsigned');
  const a = await generate([{ name: 'commonName', value: 'a' }], { keySize: 2048, algorithm: 'sha256' });
  const b = await generate([{ name: 'commonName', value: 'b' }], { keySize: 2048, algorithm: 'sha256' });
  const { dir } = tempConfig('');
  const put = (name: string, text: string): string => (writeFileSync(join(dir, name), text), name);
  const tls = (cert: string, key: string): string[] => {
    writeFileSync(join(dir, 'config.yaml'), `server:\n  tls:\n    enabled: true\n    cert_file: ${cert}\n    key_file: ${key}\n`);
    try {
      loadConfig(join(dir, 'config.yaml'));
      return [];
    } catch (e) {
      return (e as ConfigError).lines.map((l) => l.replaceAll(dir + '/', ''));
    }
  };
  put('a.crt', a.cert);
  put('a.key', a.private);
  put('b.key', b.private);
  put('junk', 'not pem\n');
  mkdirSync(join(dir, 'adir'));
  t.same(tls('a.crt', 'a.key'), [], 'a matching pair loads');
  t.same(tls('adir', 'a.key'), ['config.yaml:4: server.tls.cert_file: cannot read adir (a directory)']);
  t.same(tls('junk', 'a.key'), ['config.yaml:4: server.tls.cert_file: is not a PEM certificate (junk)']);
  t.same(tls('a.crt', 'a.crt'), ['config.yaml:5: server.tls.key_file: is not a PEM private key (a.crt)']);
  t.same(tls('a.crt', 'b.key'), ['config.yaml:5: server.tls.key_file: does not belong to the certificate of cert_file']);
});

t.test('job_defaults ids must be those of the pool and storage named', async (t) => {
  t.same(problems('job_defaults:\n  pool: Full\n  poolid: 1\n  storageid: 42\n'), [
    'config.yaml:3: job_defaults.poolid: must be the PoolId of pool "Full", 2 (pools: 1 Default, 2 Full, 3 Incremental, 4 Differential)',
    'config.yaml:4: job_defaults.storageid: must be 1: the Director has one Storage, "File", StorageId 1 (got 42)',
  ]);
  t.same(problems('job_defaults:\n  pool: Full\n  poolid: 2\n'), []);
});

t.test('custom profiles override built-ins field by field and add new ones', async (t) => {
  const cfg = loadConfig(tempConfig('client_profiles:\n  mail_server:\n    count: 3\n').file);
  const mail = cfg.profiles.find((p) => p.key === 'mail_server')!;
  t.equal(mail.count, 3);
  t.equal(mail.name_prefix, 'mail-server', 'other fields keep the built-in values');
});

t.test('the server refuses to start on a bad config, exit non-zero, one line per problem', async (t) => {
  const { file } = tempConfig('server:\n  port: lots\nsimulation:\n  bogus: 1\n');
  const r = spawnSync(process.execPath, [MAIN, '--config', file], { encoding: 'utf8', timeout: 20_000 });
  t.not(r.status, 0);
  const lines = r.stderr.trim().split('\n');
  t.equal(lines.length, 2);
  t.match(lines[0], /config\.yaml:2: server\.port: must be an integer/);
  t.match(lines[1], /config\.yaml:4: simulation\.bogus: unknown key/);
});

t.test('a new custom profile must give the manual\'s required fields', async (t) => {
  t.same(problems('client_profiles:\n  tiny:\n    name_prefix: tiny\n    job_levels: {F: 1}\n'), [
    'config.yaml:2: client_profiles.tiny.count: is required',
    'config.yaml:2: client_profiles.tiny.typical_files_min: is required',
    'config.yaml:2: client_profiles.tiny.typical_files_max: is required',
    'config.yaml:2: client_profiles.tiny.typical_bytes_min: is required',
    'config.yaml:2: client_profiles.tiny.typical_bytes_max: is required',
    'config.yaml:2: client_profiles.tiny.error_types: is required',
  ]);
  const ok = loadConfig(tempConfig([
    'client_profiles:', '  tiny:', '    count: 1', '    name_prefix: tiny', '    typical_files_min: 1', '    typical_files_max: 2',
    '    typical_bytes_min: 1', '    typical_bytes_max: 2', '    job_levels: {F: 1}', '    error_types: ["Fatal error: boom"]', '',
  ].join('\n')).file);
  const tiny = ok.profiles.find((p) => p.key === 'tiny')!;
  t.match(tiny, { count: 1, fdversion: '13.0.2', warning_types: [], error_types: [{ daemon: 'fd', message: 'Fatal error: boom' }] });
});

t.test('docs/configuration.md is the reference generated from the schema', async (t) => {
  const { configReference, CONFIG_DOC } = await import('../src/config-doc.js');
  const { readFileSync } = await import('node:fs');
  t.equal(readFileSync(CONFIG_DOC, 'utf8'), configReference(), 'run `npm run docs` after changing src/config.ts');
});
