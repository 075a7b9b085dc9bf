import { Flags } from '@oclif/core';
import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { BaseCommand } from '../lib/command.js';
import { CliError } from '../lib/errors.js';
import { PACKAGE_ROOT } from '../lib/oclif-options.js';
import { configFile } from '../lib/settings.js';

export default class Cert extends BaseCommand {
  static override summary = 'Generate the TLS certificate and key';
  static override description = `Writes a self-signed certificate (RSA, 4096 bits by default, SHA-256, 365 days) with SANs for the hostname, localhost and 127.0.0.1, and its key (mode 0600), as the manual's section 8 describes. By default they go where the config expects them: certs/server.crt and certs/server.key beside the config file (--config, BACULA_MOCK_CONFIG, else config.yaml in the current directory or the package root). Existing files are kept unless --force: they may be CA-signed.

Then set tls.enabled: true in config.yaml, BACULA_MOCK_TLS=true and BACULA_MOCK_CA=<the certificate> in .env, and restart the server.`;
  static override examples = [
    '<%= config.bin %> cert',
    '<%= config.bin %> cert --hostname backup.example.com --days 730',
    '<%= config.bin %> cert --cert-file /etc/bacula-mock/server.crt --key-file /etc/bacula-mock/server.key --force',
  ];
  static override enableJsonFlag = true;
  static override flags = {
    'cert-file': Flags.string({ description: 'certificate file (default: certs/server.crt beside the config)' }),
    'key-file': Flags.string({ description: 'private key file (default: certs/server.key beside the config)' }),
    hostname: Flags.string({ description: 'name the certificate is for (default: this machine\'s hostname)' }),
    days: Flags.integer({ description: 'days of validity (default 365)', min: 1, max: 36_500 }),
    bits: Flags.integer({ description: 'RSA key size (default 4096)', min: 2048, max: 16_384 }),
    config: Flags.string({ char: 'c', description: 'config file whose directory holds certs/ [env: BACULA_MOCK_CONFIG]' }),
    force: Flags.boolean({ description: 'replace existing files' }),
  };

  async run(): Promise<{ certFile: string; keyFile: string; sans: string[] }> {
    const { flags } = await this.parse(Cert);
    const cwd = process.cwd();
    const config = configFile(flags.config, process.env, cwd, PACKAGE_ROOT);
    // Where the server looks for certs/ by default: beside its config file.
    const base = config !== undefined ? dirname(config) : existsSync(join(cwd, 'config.yaml')) ? cwd : PACKAGE_ROOT;
    const certFile = resolve(cwd, flags['cert-file'] ?? join(base, 'certs', 'server.crt'));
    const keyFile = resolve(cwd, flags['key-file'] ?? join(base, 'certs', 'server.key'));
    const existing = [certFile, keyFile].filter((f) => existsSync(f));
    if (existing.length && !flags.force) {
      throw new CliError('conflict', `${existing.join(' and ')} already exist${existing.length === 1 ? 's' : ''} (they may be CA-signed); give --force to replace them`);
    }
    // Loaded here: only this command needs the certificate generator.
    const { generateCertificate } = await import('../../src/certs.js');
    let r: { certFile: string; keyFile: string; sans: string[] };
    try {
      r = await generateCertificate({ certFile, keyFile, hostname: flags.hostname, days: flags.days, bits: flags.bits });
    } catch (e) {
      throw new CliError('bad_request', `cannot generate the certificate: ${(e as Error).message}`);
    }
    if (!this.jsonEnabled()) {
      const rel = (f: string): string => (relative(cwd, f).startsWith('..') ? f : relative(cwd, f));
      this.print(`Wrote ${rel(r.certFile)} and ${rel(r.keyFile)} (key mode 0600); SANs ${r.sans.join(', ')}`);
      this.print(`To use it: tls.enabled: true in config.yaml, BACULA_MOCK_TLS=true and BACULA_MOCK_CA=${r.certFile} in .env, then restart the server.`);
    }
    return r;
  }
}
