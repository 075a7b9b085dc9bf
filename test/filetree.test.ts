import t from 'tap';
import {
  decodeLStat, encodeLStat, FILEID_STRIDE, FileTrees, JobTree, latestChain, MAX_DIRS, restoreChain, type Skeleton,
} from '../engine/filetree.js';
import { profileRoots, shapeOf, shapeRoots } from '../engine/filetree-shapes.js';
import type { Profile } from '../engine/profiles.js';
import { stream } from '../engine/random.js';
import { createResource, resourceConfig, updateResource, type FileSetConfig } from '../engine/resources.js';
import { restoreWorld, snapshotChunks } from '../engine/snapshot.js';
import type { JobRecord } from '../engine/types.js';
import { filesetName, type World } from '../engine/world.js';
import { loadBuiltinProfiles } from '../src/config.js';
import { testProfile, world } from './fixtures/world.js';

const BUILTIN = loadBuiltinProfiles();
const profile = (key: string): Profile => BUILTIN.find((p) => p.key === key)!;

/** A world of `clients` clients of one profile with `days` of history. */
function worldOf(p: Profile, clients = 1, days = 6, seed = 42): World {
  return world({ profiles: [p], seed }, { clients, historyDays: days, errorRate: 0.2 });
}

function backups(w: World, clientId = 1): JobRecord[] {
  return [...w.catalog.allJobs()].filter((j) => j.type === 'B' && j.clientId === clientId && j.jobFiles > 0);
}

/** Every directory's File records and bytes, added up over the whole skeleton. */
function totals(tree: JobTree): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  for (let i = 0; i < tree.sk.size; i++) {
    const s = tree.split(i);
    files += s.entry + s.own;
    bytes += s.ownBytes;
  }
  return { files, bytes };
}

/** The deepest directory along the first-visible-child path that holds files. */
function deepest(view: ReturnType<FileTrees['view']>): number {
  let node = 0;
  let best = 0;
  for (;;) {
    if (view.trees.some((tr) => tr.split(node).own > 0)) best = node;
    const next = view.sk.kids[node].find((c) => view.visible(c));
    if (next === undefined) return best;
    node = next;
  }
}

t.test('LStat is Bacula base64 and reads the real Director sample back', async (t) => {
  // From real-bacula/50-bvfs-api2.txt: `.bvfs_decode_lstat` of this string.
  const st = decodeLStat('P4A IMRL IGk B A A A a BAA I BrAjO8 BrAjQ4 BrAjQ4 A A C');
  t.match(st, { dev: 65024, ino: 2147403, mode: 33188, nlink: 1, uid: 0, gid: 0, size: 26, blksize: 4096, blocks: 8, atime: 1795306428, mtime: 1795306552, ctime: 1795306552, linkFI: 0, stream: 2 });
  t.equal(encodeLStat(st), 'P4A IMRL IGk B A A A a BAA I BrAjO8 BrAjQ4 BrAjQ4 A A C');
  t.equal(encodeLStat({ ...st, size: 2 ** 40 + 5 }).split(' ')[7], 'QAAAAAF', '64-bit sizes encode');
});

t.test('every backup job: File records number JobFiles and sizes add up to JobBytes', async (t) => {
  for (const key of ['mail_server', 'postgresql_server', 'windows_server', 'vmware_esxi']) {
    const w = worldOf(profile(key));
    const trees = new FileTrees();
    const jobs = backups(w);
    t.ok(jobs.length >= 3, `${key}: some backups (${jobs.length})`);
    for (const job of jobs) {
      const tree = trees.tree(w, job);
      t.same(totals(tree), { files: job.jobFiles, bytes: job.jobBytes }, `${key} JobId ${job.jobId} (${job.level}, ${job.jobFiles} files)`);
    }
    const tree = trees.tree(w, jobs[0]);
    for (let i = 0; i < tree.sk.size; i += 7) {
      const s = tree.split(i);
      t.equal(tree.sizes(i).reduce((a, b) => a + b, 0), s.ownBytes, `${key}: the files of ${tree.sk.path(i)} add up to its bytes`);
    }
  }
});

t.test('the same seed gives the same tree; another seed another one', async (t) => {
  const p = profile('linux_server');
  const list = (seed: number): string[] => {
    const w = worldOf(p, 1, 4, seed);
    const trees = new FileTrees();
    const view = trees.view(w, [backups(w)[0].jobId]);
    const node = deepest(view);
    return [view.sk.path(node), ...view.files(node).map((f) => `${f.fileId} ${f.lstat} ${f.name}`)];
  };
  const a = list(42);
  t.ok(a.length > 1, 'a directory with files');
  t.same(list(42), a, 'seed 42 twice: identical rows');
  t.not(list(43).join('\n'), a.join('\n'), 'seed 43: a different tree');
});

t.test('lazy: a job of millions of files is answered a directory at a time', async (t) => {
  const w = worldOf(profile('mail_server'));
  const trees = new FileTrees();
  const job = backups(w)[0];
  const sk = trees.skeleton(w, w.catalog.client(job.clientId)!);
  t.ok(sk.size <= MAX_DIRS && sk.size > 1000, `a large skeleton (${sk.size} directories) within MAX_DIRS`);
  const tree = new JobTree(trees.tree(w, job).scope, { jobId: job.jobId, full: true, files: 8_000_000, bytes: 400 * 2 ** 30, start: job.startTime! / 1000, since: 0, seed: w.seed });
  const began = performance.now();
  const cur = Array.from({ length: sk.size }, (_, i) => i).find((i) => sk.path(i).endsWith('/Maildir/cur/'))!;
  t.ok(cur, 'a maildir cur/ directory');
  const s = tree.split(cur);
  const first = tree.file(cur, 0);
  t.ok(s.own > 0 && first.name.length > 0, `${s.own} messages in ${sk.path(cur)}`);
  let depth = 0;
  for (let i = cur; i > 0; i = sk.parent[i]) depth++;
  t.equal(tree.explored, depth + 1, 'only the directories on the path were worked out');
  t.ok(performance.now() - began < 1000, 'quickly');
  t.equal(tree.locate(first.fileIndex)?.node, cur, 'its FileIndex leads back to it');
});

t.test('trees look like the client: maildirs, database files, C:/ paths', async (t) => {
  const names = (key: string): { w: World; sk: Skeleton; paths: string[] } => {
    const w = worldOf(profile(key), 1, 3);
    const sk = new FileTrees().skeleton(w, w.catalog.clients[0]);
    return { w, sk, paths: Array.from({ length: sk.size }, (_, i) => sk.path(i)) };
  };
  const mail = names('mail_server');
  t.ok(mail.paths.some((p) => /^\/var\/vmail\/[^/]+\/[^/]+\/Maildir\/cur\/$/.test(p)), 'mail: /var/vmail/<domain>/<user>/Maildir/cur/');
  t.ok(mail.paths.includes('/etc/postfix/'), 'mail: /etc/postfix/');
  const db = names('postgresql_server');
  t.ok(db.paths.includes('/var/lib/pgsql/16/data/pg_wal/'), 'postgres: pg_wal');
  const walJob = backups(db.w)[0];
  const wal = new FileTrees().view(db.w, [walJob.jobId]).files(db.sk.find('/var/lib/pgsql/16/data/pg_wal/')!);
  t.ok(wal.length > 0 && wal.every((f) => /^[0-9A-F]{24}$/.test(f.name)), 'WAL segments are named like WAL segments');
  t.equal(new Set(wal.map((f) => decodeLStat(f.lstat).size)).size <= 2, true, 'and are (nearly) all one size');
  const my = names('mysql_server');
  t.ok(my.paths.some((p) => p.startsWith('/var/lib/mysql/')), 'mysql: /var/lib/mysql/');
  const win = names('windows_server');
  t.ok(win.paths.includes('C:/') && win.paths.includes('C:/Windows/System32/'), 'windows: C:/Windows/System32/');
  t.notOk(win.paths.includes('/'), 'windows: no /');
  const winJob = backups(win.w)[0];
  const view = new FileTrees().view(win.w, [winJob.jobId]);
  const file = view.files(deepest(view))[0];
  t.equal(decodeLStat(file.lstat).stream, 11, 'Windows files are STREAM_WIN32_DATA');
  t.equal(names('nas_filer').sk.find('/mnt/tank/') !== undefined, true, 'FreeBSD NAS: /mnt/tank/');
  t.ok(names('kvm_host').paths.some((p) => p.startsWith('/var/lib/vz/images/')), 'Proxmox: /var/lib/vz/images/');
  const custom = worldOf(testProfile({ file_tree: 'no-such-shape' }), 1, 2);
  t.ok(new FileTrees().skeleton(custom, custom.catalog.clients[0]).find('/etc/') !== undefined, 'an unknown file_tree gets a general server');
});

t.test('an Incremental holds changed files: fewer, newer than its since, most of them files the Full has', async (t) => {
  const w = worldOf(profile('linux_server'), 1, 8);
  const trees = new FileTrees();
  const incr = backups(w).find((j) => j.level === 'I' && restoreChain(w, j.jobId).length >= 2)!;
  t.ok(incr, 'an Incremental with a chain');
  const chain = restoreChain(w, incr.jobId);
  const full = w.catalog.job(chain[0])!;
  t.equal(full.level, 'F', 'the chain starts with a Full');
  t.equal(chain[chain.length - 1], incr.jobId, 'and ends with the job');
  t.ok(chain.filter((id) => w.catalog.job(id)!.level === 'D').length <= 1, 'with at most one Differential');
  const it = trees.tree(w, incr);
  const ft = trees.tree(w, full);
  const since = incr.plan.since! / 1000;
  let changed = 0;
  let known = 0;
  const outside: string[] = [];
  for (let i = 0; i < it.sk.size; i++) {
    const own = it.split(i).own;
    for (let k = 0; k < Math.min(own, 20); k++) {
      const f = it.file(i, k);
      if (f.stat.mtime < since || f.stat.mtime >= incr.startTime! / 1000) outside.push(it.sk.path(i) + f.name);
      changed++;
      if (!it.sk.spec[i]!.append && ft.indexOf(i, f.key) >= 0) known++;
    }
  }
  t.ok(changed > 0, `${changed} changed files looked at`);
  t.same(outside, [], 'every one changed since the job it builds on, before the job started');
  t.ok(known / changed > 0.5, `most are files of the Full (${known}/${changed})`);
  t.ok(incr.jobFiles < full.jobFiles, 'an Incremental is smaller than its Full');
});

t.test('ids: PathIds are per client and unique, FileIds decode to their job and file', async (t) => {
  const w = worldOf(profile('web_server'), 2, 4);
  const trees = new FileTrees();
  const [a, b] = w.catalog.clients.map((c) => trees.skeleton(w, c));
  const idsA = new Set(Array.from({ length: a.size }, (_, i) => a.pathId(i)));
  t.equal(idsA.size, a.size, 'unique within a client');
  t.notOk(Array.from({ length: b.size }, (_, i) => b.pathId(i)).some((id) => idsA.has(id)), 'disjoint between clients');
  t.equal(a.node(a.pathId(5)), 5, 'a PathId decodes to its directory');
  t.equal(b.node(a.pathId(5)), undefined, "and is not the other client's");
  const job = backups(w, 1)[0];
  const view = trees.view(w, [job.jobId]);
  const node = deepest(view);
  for (const f of view.files(node).slice(0, 20)) {
    t.equal(Math.floor(f.fileId / FILEID_STRIDE), job.jobId);
    const at = view.trees[0].locate(f.fileId % FILEID_STRIDE)!;
    t.equal(view.trees[0].file(at.node, at.k).name, f.name);
  }
});

t.test('a restore of a whole Full selects exactly its JobFiles and JobBytes', async (t) => {
  const w = worldOf(profile('database_server'), 1, 4);
  const trees = new FileTrees();
  const full = backups(w).find((j) => j.level === 'F')!;
  const view = trees.view(w, [full.jobId]);
  t.same(view.select([], [view.sk.pathId(0)]), { files: full.jobFiles, bytes: full.jobBytes });
  const node = deepest(view);
  const files = view.files(node);
  const sel = view.select(files.slice(0, 3).map((f) => f.fileId), []);
  t.equal(sel.files, 3, 'three files picked: three selected');
  t.equal(sel.bytes, files.slice(0, 3).reduce((n, f) => n + decodeLStat(f.lstat).size, 0), 'with their sizes');
  t.throws(() => view.select([full.jobId * FILEID_STRIDE + full.jobFiles + 1], []), /not a file of JobIds/);
});

/** The shallowest directories a view holds something in (an entry or files): where the backed-up trees begin. */
function savedTops(view: ReturnType<FileTrees['view']>): string[] {
  const tops: string[] = [];
  const walk = (i: number): void => {
    if (!view.visible(i)) return;
    if (view.trees.some((tr) => tr.split(i).entry || tr.split(i).own)) tops.push(view.sk.path(i));
    else for (const k of view.sk.kids[i]) walk(k);
  };
  walk(0);
  return tops;
}

/** `line` as a directory prefix: `/etc` → `/etc/`, `C:/` stays. */
const asDir = (line: string): string => (line.endsWith('/') ? line : `${line}/`);

const MINUTE = 60_000;
/** A world of one client of `p` that makes no jobs of its own. */
const quiet = (p: Profile): World => world({ profiles: [p], jobIntervalMin: 1e6, jobIntervalMax: 1e6 }, { clients: 1, errorRate: 0 });

function finish(w: World, job: JobRecord): JobRecord {
  for (let i = 0; i < 100_000 && !['T', 'E', 'f', 'A'].includes(w.catalog.job(job.jobId)!.jobStatus); i++) w.advanceTo(w.now + MINUTE);
  return w.catalog.job(job.jobId)!;
}

t.test("every built-in profile: its FileSet's Include lines are where its clients' trees begin", async (t) => {
  for (const p of BUILTIN) {
    const w = quiet(p);
    const client = w.catalog.clients[0];
    const lines = (resourceConfig(w, 'FileSet', filesetName(p))!.config as FileSetConfig).Include.flatMap((b) => b.File);
    const trees = new FileTrees();
    const full = finish(w, w.run({ job: `backup-${client.name}`, level: 'F' }));
    const view = trees.view(w, [full.jobId]);
    const tops = savedTops(view);
    t.same(tops.filter((top) => !lines.some((l) => top.startsWith(asDir(l)))), [], `${p.key}: every top of the tree (${tops.join(' ')}) lies under an Include line`);
    t.same(lines.filter((l) => { const i = view.sk.find(l); return i === undefined || !view.visible(i); }), [], `${p.key}: every Include line (${lines.join(' ')}) is in the tree`);
    t.equal(totals(trees.tree(w, full)).files, full.jobFiles, `${p.key}: and the tree holds the job's ${full.jobFiles} files`);
  }
});

t.test("a profile's Include lines are the same for every client of it", async (t) => {
  for (const p of BUILTIN) {
    const seen = new Set<string>();
    for (let seed = 1; seed <= 12; seed++) {
      const tops = shapeOf({ rng: stream(seed, 'tree-shape', seed), profile: p, host: `host${seed}`, scale: p.typical_files_max });
      seen.add(shapeRoots(tops, p.os === 'windows').join(' '));
    }
    t.same([...seen], [profileRoots(p).join(' ')], `${p.key}: ${profileRoots(p).join(' ')}`);
  }
  t.same(profileRoots(profile('mail_server')).slice(0, 3), ['/var/vmail', '/var/spool/postfix', '/var/lib/dovecot'], 'a mail server backs up its maildirs and queue');
  t.ok(profileRoots(profile('oracle_db')).includes('/u01/app/oracle'), 'an Oracle server its ORACLE_BASE');
  t.same(profileRoots(profile('exchange_server')), ['C:/', 'E:/'], 'Exchange its system and database drives');
});

t.test('a FileSet written through the API shapes the jobs that start after it; the jobs before keep their trees', async (t) => {
  const p = profile('linux_server');
  const w = quiet(p);
  const client = w.catalog.clients[0];
  const job = `backup-${client.name}`;
  const before = finish(w, w.run({ job, level: 'F' }));
  const listed = (world: World, id: number): string[] => {
    const view = new FileTrees().view(world, [id]);
    const node = deepest(view);
    return [...savedTops(view), view.sk.path(node), ...view.files(node).map((f) => `${f.pathId} ${f.fileId} ${f.lstat} ${f.name}`)];
  };
  const was = listed(w, before.jobId);
  const skBefore = new FileTrees().skeleton(w, client);
  /** Records of the job in each directory the client had before the change. */
  const spread = (world: World): number[] => {
    const tree = new FileTrees().tree(world, world.catalog.job(before.jobId)!);
    return Array.from({ length: skBefore.size }, (_, i) => tree.split(i).total);
  };
  const spreadWas = spread(w);

  // /srv/api is new on this client, below /srv, which its profile's FileSet (the one `before` read) includes.
  updateResource(w, 'FileSet', filesetName(p), { Include: [{ File: ['/etc', '/data/projects', '/srv/api'] }], Exclude: { File: ['/etc/ssh'] } }, false);
  w.advanceTo(w.now + MINUTE);
  const after = finish(w, w.run({ job, level: 'F' }));
  const trees = new FileTrees();
  const view = trees.view(w, [after.jobId]);
  t.same(savedTops(view).sort(), ['/data/projects/', '/etc/', '/srv/api/'], 'the new job backs up what the FileSet now names');
  t.notOk(view.visible(view.sk.find('/etc/ssh/')!), 'and not what it excludes');
  t.notOk(view.sk.find('/data/') !== undefined && view.trees[0].split(view.sk.find('/data/')!).entry, '/data/ is only the way down, not saved');
  t.ok(view.files(view.sk.find('/data/projects/')!).length > 0, '/data/projects/ (the client had none) holds files');
  t.same(totals(trees.tree(w, after)), { files: after.jobFiles, bytes: after.jobBytes }, 'File records still number JobFiles and add up to JobBytes');

  t.same(listed(w, before.jobId), was, 'the job before the change lists exactly as it did');
  t.same(spread(w), spreadWas, 'with the same files in every directory (none moved to /srv/api/)');
  const skAfter = trees.skeleton(w, client);
  t.ok(skAfter.size > skBefore.size, `the skeleton grew (${skBefore.size} → ${skAfter.size} directories)`);
  t.same(Array.from({ length: skBefore.size }, (_, i) => skAfter.path(i)), Array.from({ length: skBefore.size }, (_, i) => skBefore.path(i)), 'and every PathId still names its directory');

  const copy = restoreWorld(snapshotChunks(w));
  t.same(listed(copy, after.jobId), listed(w, after.jobId), 'a saved and reloaded world lists the new job the same');
  t.same(listed(copy, before.jobId), was, 'and the old one too');
});

t.test('a job of another FileSet: its own tree, its own restore chain', async (t) => {
  const p = profile('linux_server');
  const w = quiet(p);
  const client = w.catalog.clients[0];
  const own = finish(w, w.run({ job: `backup-${client.name}`, level: 'F' }));
  createResource(w, 'FileSet', 'WebData', { Include: { File: ['/srv/www', 'C:/Data'] } });
  createResource(w, 'Job', 'backup-web', { Type: 'Backup', Client: client.name, Fileset: 'WebData', Pool: 'Default', Storage: 'File' });
  const web = finish(w, w.run({ job: 'backup-web', level: 'F' }));
  const incr = finish(w, w.run({ job: `backup-${client.name}`, level: 'I' }));
  const view = new FileTrees().view(w, [web.jobId]);
  t.same(savedTops(view), ['/srv/www/'], 'the other FileSet backs up its line; a drive letter names nothing on a Unix client');
  t.same(restoreChain(w, incr.jobId), [own.jobId, incr.jobId], "an Incremental's chain keeps to its FileSet");
  t.same(restoreChain(w, incr.jobId, true), [own.jobId, web.jobId, incr.jobId], 'all FileSets: the other one too');
  t.same(latestChain(w, client.clientId, web.filesetId), [web.jobId], "a client's latest chain of one FileSet");

  createResource(w, 'FileSet', 'Elsewhere', { Include: { File: ['D:/Archive'] } });
  const odd = finish(w, w.run({ job: `backup-${client.name}`, level: 'F', fileset: 'Elsewhere' }));
  t.same(savedTops(new FileTrees().view(w, [odd.jobId])), savedTops(new FileTrees().view(w, [own.jobId])), "a FileSet naming nothing on the client falls back to the client's own");
});
