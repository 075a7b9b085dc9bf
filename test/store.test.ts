import t from 'tap';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readLines } from '../src/store.js';

t.test('lines are read across block boundaries, a last line without newline is flagged', async (t) => {
  const file = join(mkdtempSync(join(tmpdir(), 'lines-')), 'f');
  const long = 'x'.repeat(50) + 'é';
  writeFileSync(file, `a\n${long}\n\nlast`);
  const lines = [...readLines(file, 7)];
  t.same(lines.map((l) => l.text), ['a', long, '', 'last']);
  t.same(lines.map((l) => l.complete), [true, true, true, false]);
  t.same(lines.map((l) => l.bytes), [2, Buffer.byteLength(long) + 1, 1, 4]);
});
