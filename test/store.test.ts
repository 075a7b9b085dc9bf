import t from 'tap';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { world } from './fixtures/world.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataError, readLines, Store } from '../src/store.js';

t.test('lines are read across block boundaries, a last line without newline is flagged', async (t) => {
  const file = join(mkdtempSync(join(tmpdir(), 'lines-')), 'f');
  const long = 'x'.repeat(50) + 'é';
  writeFileSync(file, `a\n${long}\n\nlast`);
  const lines = [...readLines(file, 7)];
  t.same(lines.map((l) => l.text), ['a', long, '', 'last']);
  t.same(lines.map((l) => l.complete), [true, true, true, false]);
  t.same(lines.map((l) => l.bytes), [2, Buffer.byteLength(long) + 1, 1, 4]);
});

t.test('a journal with no header (kill -9 before it was written) is started afresh, and appends follow a header', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'store-'));
  writeFileSync(join(dir, 'world.journal'), '');
  const store = new Store(dir);
  t.same(store.load().records, [], 'an empty journal holds nothing');
  store.append({ op: 'tick' }, 1000);
  store.close();
  const again = new Store(dir).load();
  t.same(again.records.map((r) => [r.op, r.seq, r.t]), [['tick', 1, 1000]], 'the record appended after it reads back');
});

t.test('a half-written header with nothing after it is replaced, with a warning', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'store-'));
  writeFileSync(join(dir, 'world.journal'), '{"format":"bacula-mo');
  const store = new Store(dir);
  const loaded = store.load();
  t.same(loaded.records, []);
  t.match(loaded.warnings, [/half-written/]);
  store.append({ op: 'tick' }, 5);
  store.close();
  t.equal(new Store(dir).load().records.length, 1);
});

t.test('a foreign journal is refused, not replaced', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'store-'));
  writeFileSync(join(dir, 'world.journal'), 'hello world\n');
  t.throws(() => new Store(dir).load(), DataError);
  t.equal(readFileSync(join(dir, 'world.journal'), 'utf8'), 'hello world\n', 'the file is left as it was');
});

t.test('a snapshot written in the background keeps the records appended while it was written, and only those', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'store-'));
  const w = world({}, { clients: 20, historyDays: 2 });
  const store = new Store(dir);
  store.load();
  for (let i = 0; i < 5; i++) store.append({ op: 'tick' }, w.now + i);
  const writing = store.snapshotInBackground(w, { virtual: w.now, speed: 1, paused: true });
  t.ok(store.busy, 'being written');
  store.append({ op: 'cancel', jobid: 1 }, w.now + 10);
  store.append({ op: 'tick' }, w.now + 11);
  const ms = await writing;
  t.ok(ms > 0, `written in ${Math.round(ms)} ms`);
  t.notOk(store.busy);
  t.equal(store.pending, 2, 'the two records appended meanwhile wait for the next snapshot');
  store.append({ op: 'tick' }, w.now + 12);
  store.close();
  const loaded = new Store(dir).load();
  t.ok(loaded.world, 'the snapshot is there');
  t.equal(loaded.world!.catalog.totals.jobs, w.catalog.totals.jobs);
  t.same(loaded.records.map((r) => [r.op, r.seq]), [['cancel', 6], ['tick', 7], ['tick', 8]], 'the journal holds what came after the capture');
  t.notOk(existsSync(join(dir, 'world.snapshot.tmp-bg')));
});

t.test('a background snapshot stopped midway loses nothing and leaves no half-written file', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'store-'));
  const w = world({}, { clients: 50, historyDays: 3 });
  const store = new Store(dir);
  store.load();
  store.append({ op: 'tick' }, w.now);
  await store.snapshotInBackground(w, { virtual: w.now, speed: 1, paused: true });
  store.append({ op: 'tick' }, w.now + 1);
  const second = store.snapshotInBackground(w, { virtual: w.now + 1, speed: 1, paused: true });
  const refused = t.rejects(second, /canceled/, 'whoever started it hears it was canceled');
  await store.cancelBackground();
  await refused;
  t.notOk(existsSync(join(dir, 'world.snapshot.tmp-bg')), 'no half-written file is left');
  store.close();
  // The writer may have put its file in place just before it was stopped: either way record 2 is kept, once.
  const header = JSON.parse(readFileSync(join(dir, 'world.snapshot'), 'utf8').split('\n', 1)[0]);
  const records = new Store(dir).load().records.map((r) => r.seq);
  t.ok(header.seq === 1 ? records.join() === '2' : header.seq === 2 && records.length === 0, `snapshot at ${header.seq}, journal ${JSON.stringify(records)}`);
});

t.test('a record the disk refuses leaves nothing in the journal and gives its number back', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'store-'));
  const journal = join(dir, 'world.journal');
  // A child limited to 4 KB files (ulimit -f, 1024-byte blocks in bash; node ignores SIGXFSZ): the
  // long record's first write takes part of it, the next fails with EFBIG; the short ones fit.
  const script = `
    import { statSync } from 'node:fs';
    import { Store } from ${JSON.stringify(new URL('../dist/src/store.js', import.meta.url).href)};
    const [dir, journal] = process.argv.slice(1);
    const store = new Store(dir);
    store.load();
    store.append({ op: 'tick' }, 1);
    const before = statSync(journal).size;
    let error = null;
    try {
      store.append({ op: 'label', volume: 'V'.repeat(6000), pool: 'Default' }, 2);
    } catch (e) {
      error = e.code;
    }
    const after = statSync(journal).size;
    const next = store.append({ op: 'tick' }, 3).seq;
    store.close();
    process.stdout.write(JSON.stringify({ before, after, error, next }));
  `;
  // Plain node on the compiled code (`npm test` builds first): tap's hooks catch SIGXFSZ and die of it.
  const env = { ...process.env, NODE_OPTIONS: '' };
  const child = spawnSync('bash', ['-c', 'ulimit -f 4 && exec "$@"', '--', process.execPath, '--input-type=module', '-e', script, dir, journal], { encoding: 'utf8', env });
  t.equal(child.status, 0, `${child.signal ?? ''} ${child.stderr}`);
  const seen = JSON.parse(child.stdout);
  t.equal(seen.error, 'EFBIG', 'the append threw what the disk said');
  t.equal(seen.after, seen.before, 'the part of the record that was written is cut off again');
  t.equal(seen.next, 2, 'the next record takes the number of the refused one');
  const loaded = new Store(dir).load();
  t.same(loaded.warnings, [], 'no half-written line to drop');
  t.same(loaded.records.map((r) => [r.op, r.seq, r.t]), [['tick', 1, 1], ['tick', 2, 3]], 'the journal reads back whole, without a gap');
  t.equal(statSync(journal).size, readFileSync(journal, 'utf8').length);
});

t.test('a snapshot whose last line the disk cuts short is not put in place', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'store-'));
  const path = join(dir, 'world.snapshot');
  // Under a 4 KB file size limit, 40 bytes short of it before the ~100-byte trailer: its write takes part, the next fails.
  const script = `
    import { writeSnapshotFile } from ${JSON.stringify(new URL('../dist/src/snapshot-file.js', import.meta.url).href)};
    const [dir, path] = process.argv.slice(1);
    let error = null;
    try {
      writeSnapshotFile(dir + '/tmp', path, { h: 1 }, ['x'.repeat(4096 - 40 - 9)]);
    } catch (e) {
      error = e.code;
    }
    process.stdout.write(JSON.stringify({ error }));
  `;
  const env = { ...process.env, NODE_OPTIONS: '' };
  const child = spawnSync('bash', ['-c', 'ulimit -f 4 && exec "$@"', '--', process.execPath, '--input-type=module', '-e', script, dir, path], { encoding: 'utf8', env });
  t.equal(child.status, 0, `${child.signal ?? ''} ${child.stderr}`);
  t.same(JSON.parse(child.stdout), { error: 'EFBIG' }, 'writing it failed');
  t.notOk(existsSync(path), 'no short file was renamed into place');
});
