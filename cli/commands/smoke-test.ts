import { Flags } from '@oclif/core';
import { ApiCommand } from '../lib/command.js';
import { CliError, exitCode, type CliErrorKind } from '../lib/errors.js';
import { CHECKS, Skip } from '../lib/smoke.js';

/** Errors that end the smoke test at once: the server is not there, or refuses the credentials. */
const STOPS: CliErrorKind[] = ['unreachable', 'unauthorized', 'forbidden', 'rate_limited'];

interface Result {
  check: string;
  result: 'ok' | 'FAIL' | 'skip';
  detail: string;
  ms: number;
}

export default class SmokeTest extends ApiCommand {
  static override summary = 'Call every API endpoint once and check its answer';
  static override description = `Runs ${CHECKS.length} checks: the 24 endpoints of the manual and the rest of the API (BVFS, events, OpenAPI, errors), one line each, then "N passed, N failed". Exits 1 if any check failed; a server that cannot be reached (exit ${exitCode('unreachable')}) or refuses the credentials (exit ${exitCode('unauthorized')}) stops it at once. The checks that change the world leave little behind: the backup and restore they queue are canceled before they run, the volume they label (Smoke-<epoch>) is purged, a pool is updated to the value it has; initialize and reset are only checked to refuse a bad body. --read-only skips the checks that change anything.`;
  static override examples = ['<%= config.bin %> smoke-test', '<%= config.bin %> smoke-test --read-only', '<%= config.bin %> smoke-test --host 10.0.0.5 --port 9101'];
  static override flags = { 'read-only': Flags.boolean({ description: 'skip the checks that change the world (run, cancel, restore, label, update, purge, prune)' }) };

  async run(): Promise<{ passed: number; failed: number; skipped: number; checks: Result[] }> {
    const { flags } = await this.parse(SmokeTest);
    const api = this.connect(flags);
    const json = this.jsonEnabled();
    const found = {};
    const results: Result[] = [];
    const width = Math.max(...CHECKS.map((c) => c.name.length));
    for (const check of CHECKS) {
      const t0 = performance.now();
      let r: Result;
      try {
        if (check.writes && flags['read-only']) throw new Skip('--read-only');
        r = { check: check.name, result: 'ok', detail: await check.run(api, found), ms: 0 };
      } catch (e) {
        // No check can pass after these; one line on stderr says why, with its own exit code.
        if (e instanceof CliError && STOPS.includes(e.kind)) throw e;
        r = { check: check.name, result: e instanceof Skip ? 'skip' : 'FAIL', detail: (e as Error).message, ms: 0 };
      }
      r.ms = Math.round(performance.now() - t0);
      results.push(r);
      if (!json) {
        const color = r.result === 'ok' ? 'green' : r.result === 'FAIL' ? 'red' : 'yellow';
        this.print(`${this.paint(color, r.result.padEnd(4))}  ${check.name.padEnd(width)}  ${r.detail} (${r.ms} ms)`);
      }
    }
    const count = (what: Result['result']): number => results.filter((r) => r.result === what).length;
    const [passed, failed, skipped] = [count('ok'), count('FAIL'), count('skip')];
    if (!json) this.print(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
    if (failed) this.complain(new CliError('failed', `smoke test: ${failed} of ${results.length} checks failed at ${api.base}`));
    return { passed, failed, skipped, checks: results };
  }
}
