import t from 'tap';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
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
