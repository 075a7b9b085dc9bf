import t from 'tap';
import { JobQueue } from '../engine/queue.js';

t.test('jobs come out by priority, then JobId, whatever the insertion order', async (t) => {
  const q = new JobQueue();
  q.insert(5, 10);
  q.insert(3, 10);
  q.insert(9, 5);
  q.insert(7, 20);
  q.insert(4, 10);
  t.same(q.toArray(), [9, 3, 4, 5, 7]);
  t.equal(q.size, 5);
});

t.test('removing while walking the queue visits every other job once', async (t) => {
  const q = new JobQueue();
  for (let id = 1; id <= 200; id++) q.insert(id, 10);
  const seen: number[] = [];
  q.walk((id) => {
    seen.push(id);
    if (id % 2) q.remove(id);
    return true;
  });
  t.equal(seen.length, 200);
  t.same(q.toArray(), Array.from({ length: 100 }, (_, i) => 2 * (i + 1)));
  t.notOk(q.has(1));
  t.notOk(q.remove(1), 'a second remove is a no-op');
});

t.test('a job inserted after the head was emptied is still found (holes at the front)', async (t) => {
  const q = new JobQueue();
  for (let id = 1; id <= 100; id++) q.insert(id, 10);
  for (let id = 1; id <= 100; id++) q.remove(id);
  t.equal(q.size, 0);
  q.insert(101, 10);
  q.insert(102, 1);
  t.same(q.toArray(), [102, 101]);
  q.remove(102);
  q.insert(103, 10);
  t.same(q.toArray(), [101, 103]);
});
