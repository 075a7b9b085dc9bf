import t from 'tap';
import { SortedIds } from '../engine/catalog.js';

t.test('ids stay ascending through adds and deletes anywhere', async (t) => {
  const s = new SortedIds();
  const ref = new Set<number>();
  let x = 7;
  for (let i = 0; i < 5000; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    const id = 1 + (x % 3000);
    if (x % 3 === 0) {
      s.delete(id);
      ref.delete(id);
    } else {
      s.add(id);
      ref.add(id);
    }
    if (i % 7 === 0) {
      const oldest = [...ref].sort((a, b) => a - b)[0];
      if (oldest !== undefined) {
        s.delete(oldest);
        ref.delete(oldest);
      }
    }
  }
  t.same(s.ids, [...ref].sort((a, b) => a - b));
  t.equal(s.size, ref.size);
});

t.test('deleting from the front then adding before it keeps order', async (t) => {
  const s = new SortedIds();
  for (const id of [1, 2, 3, 4, 5]) s.add(id);
  s.delete(1);
  s.delete(2);
  s.add(2);
  s.add(0);
  t.same(s.ids, [0, 2, 3, 4, 5]);
});
