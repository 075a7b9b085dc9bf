import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import t from 'tap';
import { DAMAGES, pristineDataDir, probeDamage, truncatedTail } from '../bench/crash-damage.js';
import { Drill, oddWarnings, type EndMode } from '../bench/crash-drill.js';
import { MAIN } from './helpers/server.js';

/**
 * A handful of the cycles bench/crash.ts runs by the dozen: SIGKILL just
 * after a command was sent, while a snapshot is written, before the server
 * listens, at any moment; then SIGTERM under load (a graceful stop must lose
 * nothing either); then a last start, checked.
 */
const MODES: EndMode[] = ['request', 'snapshot', 'startup', 'random', 'term'];

/**
 * Damaged data files, probed meanwhile (while the drill waits on its servers):
 * every damage against start() of the compiled server run in this process
 * (a start of the real server takes seconds), and one of them against the
 * real server, for its exit code and its one line on stderr.
 */
const damaged = (async () => {
  const source = await pristineDataDir(MAIN);
  const byProcess = await probeDamage(MAIN, source, DAMAGES[0]);
  const inProcess = [];
  for (const damage of DAMAGES) inProcess.push(await probeDamage(MAIN, source, damage, true));
  const tail = await truncatedTail(MAIN, source);
  rmSync(dirname(source), { recursive: true, force: true });
  return { byProcess, inProcess, tail };
})();
damaged.catch(() => {});

t.test('kill -9 at random moments, and a stop under load, lose no acknowledged command and leave a catalog that holds together', async (t) => {
  const seed = Number(process.env.CRASH_SEED ?? Date.now() % 1_000_000);
  t.comment(`seed ${seed} (CRASH_SEED=${seed} draws the same moments again)`);
  const drill = new Drill({ main: MAIN, seed, maxLoadMs: 2500, log: (l) => t.comment(l) });
  const acked: Record<string, number> = {};
  for (const mode of MODES) {
    const r = await drill.cycle(mode);
    for (const [k, n] of Object.entries(r.acked)) acked[k] = (acked[k] ?? 0) + n;
    for (const c of r.checks) t.same(c.problems, [], `${mode}: ${c.name}`);
    t.same(oddWarnings(r), [], `${mode}: no warning but a half-written last record dropped`);
    if (mode === 'snapshot') t.ok(r.snapshotsSeen > 0, 'the kill came at most 250 ms after a snapshot began');
    if (mode === 'request') t.ok(r.inflightAtKill > 0, `the kill came with requests in flight (${r.inflightAtKill})`);
  }
  t.ok(Object.values(acked).every((n) => n > 0), `every kind of command was acknowledged at some point (${JSON.stringify(acked)})`);
  for (const c of await drill.finish()) t.same(c.problems, [], `last start: ${c.name}`);
  if (t.passing()) drill.remove();
  else t.comment(`kept for a look: ${drill.dir}`);
});

t.test('a damaged snapshot or journal is refused, naming it, and left as it was', async (t) => {
  const { byProcess, inProcess, tail } = await damaged;
  t.test(`the real server over a ${byProcess.damage}: exit 2 and one "data error:" line naming the file`, async (t) => {
    t.notOk(byProcess.started, 'the server did not start over it');
    t.equal(byProcess.exitCode, 2, 'exit code 2');
    t.ok(byProcess.reported, `one line: ${byProcess.stderr.trim()}`);
    t.ok(byProcess.untouched, 'every file of the data dir is as it was');
  });
  for (const r of inProcess) {
    t.test(r.damage, async (t) => {
      t.notOk(r.started, 'the server did not start over it');
      t.ok(r.reported, `refused with a data error naming the file: ${r.stderr}`);
      t.ok(r.untouched, 'every file of the data dir is as it was');
    });
  }
  t.test("the journal's last record cut short (what kill -9 mid-append leaves) is dropped with a warning naming it", async (t) => {
    t.ok(tail.started, 'the server starts');
    t.match(tail.warning, /world\.journal:\d+: dropped a half-written last record/);
    t.ok(tail.keptWholeLines, 'the whole lines before it are kept, byte for byte');
  });
});
