import t from 'tap';
import { WorldError } from '../engine/errors.js';
import { createResource, deleteResource, resourceConfig, updateResource, type WritableType } from '../engine/resources.js';
import { restoreWorld, snapshotChunks } from '../engine/snapshot.js';
import type { JobRecord } from '../engine/types.js';
import type { World } from '../engine/world.js';
import { world } from './fixtures/world.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A small world of short intervals: every client has several jobs a day. */
const small = (): World => world({ jobIntervalMin: 30, jobIntervalMax: 120 }, { clients: 3, historyDays: 1 });

function jobsOf(w: World, clientName: string): JobRecord[] {
  const c = w.catalog.clientByName(clientName);
  return (c ? w.catalog.jobsByClient.get(c.clientId)?.ids ?? [] : []).map((id) => w.catalog.job(id)!);
}

function jobsNamed(w: World, name: string): JobRecord[] {
  return [...w.catalog.allJobs()].filter((j) => j.name === name);
}

function spawnEntries(w: World, clientName: string): number {
  const id = w.catalog.clientByName(clientName)!.clientId;
  return w.agenda.entries().filter((e) => e.kind === 'spawn' && e.id === id).length;
}

/** Runs `fn` and answers the kind and message of the WorldError it throws. */
function refusal(fn: () => unknown): { kind: string; message: string } {
  try {
    fn();
  } catch (e) {
    if (e instanceof WorldError) return { kind: e.kind, message: e.message };
    throw e;
  }
  throw new Error('no refusal');
}

t.test('a new Client gets its own Backup Job and produces jobs once the clock moves', async (t) => {
  const w = small();
  createResource(w, 'Client', 'extra-01', { Address: 'extra-01.example.com', FDPort: 9202, FileRetention: '30 days' });
  const cfg = resourceConfig(w, 'Client', 'extra-01');
  t.match(cfg?.config, { Name: 'extra-01', Address: 'extra-01.example.com', FdPort: 9202, FileRetention: 30 * 86400, JobRetention: 180 * 86400, Catalog: 'MyCatalog' });
  t.ok(w.jobResources.has('backup-extra-01'), 'its Job backup-extra-01 exists');
  t.equal(jobsOf(w, 'extra-01').length, 0, 'no job yet');
  w.advanceTo(w.now + DAY);
  t.ok(jobsOf(w, 'extra-01').length >= 3, `it ran ${jobsOf(w, 'extra-01').length} jobs in a day`);
});

t.test('a deleted Client stops: no new job, the catalog row and its jobs stay, commands no longer find it', async (t) => {
  const w = small();
  const name = w.catalog.clients[0].name;
  w.advanceTo(w.now + 6 * HOUR);
  const before = jobsOf(w, name).map((j) => j.jobId);
  t.ok(before.length > 0);
  const removed = deleteResource(w, 'Client', name);
  t.same(removed.map((r) => r.type === 'Job' ? r.config.Name : r.type).sort(),
    ['AdminMaintenance', 'Client', 'RestoreFiles', `backup-${name}`, `verify-${name}`].sort(),
    'its Backup and Verify Jobs and the Jobs made with it (AdminMaintenance, RestoreFiles) went with it');
  t.equal(resourceConfig(w, 'Client', name), undefined);
  t.equal(spawnEntries(w, name), 0, 'no spawn is booked');
  w.advanceTo(w.now + 3 * DAY);
  const after = jobsOf(w, name);
  t.same(after.map((j) => j.jobId), before, 'no new job; the old ones stay in the catalog');
  t.ok(after.every((j) => ['T', 'E', 'f', 'A'].includes(j.jobStatus)), 'jobs that were running have finished');
  t.ok(w.catalog.clientByName(name), 'the Client row stays');
  const other = [...w.jobResources.keys()][0];
  t.equal(refusal(() => w.run({ job: other, client: name })).kind, 'not_found', 'run client=<deleted> is refused');
  t.equal(refusal(() => w.estimate({ client: name, level: 'F' })).kind, 'not_found');
  t.equal(refusal(() => updateResource(w, 'Client', name, {}, false)).kind, 'not_found');

  createResource(w, 'Client', name, {});
  t.equal(w.catalog.clients.filter((c) => c.name === name).length, 1, 'created again, it takes its old row back');
  w.advanceTo(w.now + DAY);
  t.ok(jobsOf(w, name).length > after.length, 'and produces jobs again');
});

t.test('disabling a Client stops its jobs; enabling starts one chain of spawns again', async (t) => {
  const w = small();
  const name = w.catalog.clients[1].name;
  updateResource(w, 'Client', name, { Enabled: false }, false);
  w.advanceTo(w.now + 4 * HOUR); // a running spawned job ends without booking the next
  const quiet = jobsOf(w, name).length;
  w.advanceTo(w.now + 2 * DAY);
  t.equal(jobsOf(w, name).length, quiet, 'nothing new while disabled');
  updateResource(w, 'Client', name, { Enabled: true }, false);
  updateResource(w, 'Client', name, { Enabled: true }, false);
  t.equal(spawnEntries(w, name), 1, 'one spawn booked, however often it is enabled');
  for (let i = 0; i < 24; i++) {
    w.advanceTo(w.now + HOUR);
    t.ok(spawnEntries(w, name) <= 1, 'never two chains');
  }
  t.ok(jobsOf(w, name).length > quiet, 'jobs again');
});

t.test('a Job on a Schedule runs at its times; a changed Schedule re-plans it; a deleted Job stops', async (t) => {
  const w = small();
  const client = w.catalog.clients[2].name;
  createResource(w, 'Schedule', 'Nightly', { Run: ['at 02:00'] });
  createResource(w, 'Job', 'nightly-admin', { Type: 'Admin', Client: client, Schedule: 'Nightly', Priority: 5 });
  t.match(resourceConfig(w, 'Job', 'nightly-admin')?.config, { Type: 'Admin', Level: null, Client: client, Schedule: 'Nightly', Priority: 5, Pool: 'Default' });
  w.advanceTo(w.now + 3 * DAY);
  const runs = jobsNamed(w, 'nightly-admin');
  t.equal(runs.length, 3, 'three nights, three jobs');
  t.ok(runs.every((j) => j.schedTime % DAY === 2 * HOUR && j.type === 'D'), 'each at 02:00');

  updateResource(w, 'Schedule', 'Nightly', { Run: [{ Hour: [5], Minute: 30 }] }, false);
  w.advanceTo(w.now + 2 * DAY);
  const later = jobsNamed(w, 'nightly-admin').slice(runs.length);
  t.equal(later.length, 2);
  t.ok(later.every((j) => j.schedTime % DAY === 5.5 * HOUR), 'now at 05:30');

  t.equal(refusal(() => deleteResource(w, 'Schedule', 'Nightly')).kind, 'conflict', 'a Schedule in use is not deleted');
  deleteResource(w, 'Job', 'nightly-admin');
  w.advanceTo(w.now + 2 * DAY);
  t.equal(jobsNamed(w, 'nightly-admin').length, runs.length + later.length, 'no run after the Job is deleted');
  deleteResource(w, 'Schedule', 'Nightly');
  t.notOk(w.schedules.has('Nightly'));
});

t.test('Pools: a change reaches the catalog row and new volumes; a new Pool takes jobs; only unused Pools go', async (t) => {
  const w = small();
  updateResource(w, 'Pool', 'Default', { MaximumVolumeBytes: '1G', VolumeRetention: '2 months' }, false);
  t.match(w.catalog.poolByName('Default'), { maxVolBytes: 1024 ** 3, volRetention: 60 * 86400 });
  createResource(w, 'Pool', 'Archive', { LabelFormat: 'Arch-', MaximumVolumeBytes: 10 * 1024 ** 3, NextPool: 'Full' });
  const archive = w.catalog.poolByName('Archive')!;
  t.match(archive, { labelFormat: 'Arch-', maxVolBytes: 10 * 1024 ** 3, nextPoolId: w.catalog.poolByName('Full')!.poolId, volRetention: 365 * 86400 });
  const job = w.run({ job: `backup-${w.catalog.clients[0].name}`, level: 'F', pool: 'Archive' });
  w.advanceTo(w.now + DAY);
  const done = w.catalog.job(job.jobId)!;
  t.equal(done.poolId, archive.poolId, 'the job wrote to the new pool');
  t.ok(done.volumes.every((v) => v.volumeName.startsWith('Arch-')), 'on volumes labelled by its LabelFormat');
  t.equal(refusal(() => deleteResource(w, 'Pool', 'Archive')).kind, 'conflict', 'a Pool with volumes stays');
  t.match(refusal(() => deleteResource(w, 'Pool', 'Full')).message, /Full backup pool of Job/);
  createResource(w, 'Pool', 'Spare', {});
  deleteResource(w, 'Pool', 'Spare');
  t.equal(w.catalog.poolByName('Spare'), undefined, 'an unused Pool is deleted');
});

t.test('FileSets: a change shows in the catalog MD5; one in use is not deleted; a deleted one can come back', async (t) => {
  const w = small();
  const used = w.catalog.filesets[0];
  const md5 = used.md5;
  w.advanceTo(w.now + HOUR);
  updateResource(w, 'FileSet', used.fileset, { Include: [{ File: ['/srv/data'], Options: [{ Signature: 'SHA256' }] }], Exclude: { File: ['/srv/data/tmp'] } }, false);
  t.not(used.md5, md5, 'a new MD5');
  t.equal(used.createTime, w.now, 'and CreateTime');
  t.match(resourceConfig(w, 'FileSet', used.fileset)?.config, { Include: [{ File: ['/srv/data'], Options: [{ Signature: 'SHA256' }] }], Exclude: ['/srv/data/tmp'] });
  t.equal(refusal(() => deleteResource(w, 'FileSet', used.fileset)).kind, 'conflict');

  createResource(w, 'FileSet', 'Scratch', { Include: { File: '/scratch' } });
  const id = w.catalog.filesets.find((f) => f.fileset === 'Scratch')!.filesetId;
  deleteResource(w, 'FileSet', 'Scratch');
  t.equal(resourceConfig(w, 'FileSet', 'Scratch'), undefined);
  t.equal(refusal(() => createResource(w, 'Job', 'j', { Client: w.catalog.clients[0].name, Fileset: 'Scratch' })).kind, 'bad_request', 'a deleted FileSet cannot be referred to');
  createResource(w, 'FileSet', 'Scratch', { Include: { File: ['/scratch2'] } });
  t.equal(w.catalog.filesets.filter((f) => f.fileset === 'Scratch').length, 1, 'created again on its old row');
  t.equal(w.catalog.filesets.find((f) => f.fileset === 'Scratch')!.filesetId, id);
});

t.test('writes are validated whole and a refusal changes nothing', async (t) => {
  const w = small();
  const client = w.catalog.clients[0].name;
  const cases: Array<[WritableType, string, Record<string, unknown>, string, RegExp]> = [
    ['Client', 'x', { Adress: '1.2.3.4' }, 'bad_request', /unknown directive "Adress"/],
    ['Client', 'x', { FdPort: '9102' }, 'bad_request', /"FdPort" must be an integer/],
    ['Client', 'x', { AutoPrune: 'yes' }, 'bad_request', /"AutoPrune" must be true or false/],
    ['Client', 'x', { Catalog: 'Other' }, 'bad_request', /"Catalog" is "MyCatalog"/],
    ['Client', 'x', { FdPort: 1, fdport: 2 }, 'bad_request', /given twice/],
    ['Client', 'x', { Profile: 'no_such_profile' }, 'bad_request', /"Profile" must be one of/],
    ['Client', client, {}, 'conflict', /already exists/],
    ['Client', 'bad name!', {}, 'bad_request', /"Name" must be a name/],
    ['Job', 'j', { Client: client }, 'bad_request', /"Fileset" is required for a Backup Job/],
    ['Job', 'j', { Client: 'nobody', Fileset: 'TestServerSet' }, 'bad_request', /"Client" refers to Client "nobody", which is not defined/],
    ['Job', 'j', { Client: client, Type: 'Restore', Level: 'Full' }, 'bad_request', /"Level" is not used by Restore Jobs/],
    ['Job', 'j', { Client: client, Type: 'Admin', Storage: ['File', 'Other'] }, 'bad_request', /"Storage" must name one Storage/],
    ['Job', 'j', { Client: client, Type: 'Admin', Name: 'k' }, 'bad_request', /resources are not renamed/],
    ['Pool', 'p', { MaximumVolumeBytes: '5 parsecs' }, 'bad_request', /"MaximumVolumeBytes" must be bytes/],
    ['Pool', 'p', { VolumeRetention: -1 }, 'bad_request', /"VolumeRetention" must be seconds/],
    ['Pool', 'Default', {}, 'conflict', /already exists/],
    ['Schedule', 's', { Run: ['Full on someday at 25:00'] }, 'bad_request', /"Run" is not a valid Run/],
    ['Schedule', 's', { Run: [{ Hour: [1, 2] }] }, 'bad_request', /"Run.Hour" must be one hour or every hour/],
    ['Schedule', 's', { Run: ['Pool=Nope daily at 01:00'] }, 'bad_request', /refers to Pool "Nope"/],
    ['FileSet', 'f', {}, 'bad_request', /"Include" is required/],
    ['FileSet', 'f', { Include: [{ File: ['/x'], Options: [{ Colour: 'red' }] }] }, 'bad_request', /unknown option "Colour"/],
  ];
  for (const [type, name, directives, kind, message] of cases) {
    const r = refusal(() => createResource(w, type, name, directives));
    t.equal(r.kind, kind, `${type} ${JSON.stringify(directives)} → ${kind}`);
    t.match(r.message, message);
  }
  const job = `backup-${client}`;
  const before = resourceConfig(w, 'Job', job);
  const agenda = w.agenda.size;
  t.equal(refusal(() => updateResource(w, 'Job', job, { Type: 'Verify', Level: 'Full' }, false)).kind, 'bad_request');
  t.same(resourceConfig(w, 'Job', job), before, 'the Job is as it was');
  t.equal(w.agenda.size, agenda, 'and nothing was booked or dropped');
});

t.test('PUT replaces (left-out directives take their defaults), PATCH changes only what it names', async (t) => {
  const w = small();
  const name = w.catalog.clients[0].name;
  updateResource(w, 'Client', name, { FdPort: 9300, JobRetention: '1 year' }, false);
  t.match(resourceConfig(w, 'Client', name)?.config, { FdPort: 9300, JobRetention: 365 * 86400, FileRetention: 60 * 86400 });
  updateResource(w, 'Client', name, { FileRetention: 86400 }, true);
  t.match(resourceConfig(w, 'Client', name)?.config, { FdPort: 9102, JobRetention: 180 * 86400, FileRetention: 86400 });
  updateResource(w, 'Client', name, { FileRetention: null }, false);
  t.match(resourceConfig(w, 'Client', name)?.config, { FileRetention: 60 * 86400 }, 'null asks for the default');
});

t.test('a snapshot keeps every resource written, and the restored world obeys them', async (t) => {
  const w = small();
  const gone = w.catalog.clients[0].name;
  createResource(w, 'Client', 'kept-01', { FdPort: 9555, Password: 'secret', Enabled: true });
  createResource(w, 'FileSet', 'KeptSet', { Include: { File: ['/kept'], Options: { Compression: 'LZO' } }, EnableVss: true });
  createResource(w, 'Pool', 'KeptPool', { MaximumVolumes: 7, LabelFormat: 'Kept-' });
  createResource(w, 'Schedule', 'KeptSchedule', { Run: ['Level=Full mon-fri at 21:15'] });
  createResource(w, 'Job', 'kept-job', { Client: 'kept-01', Fileset: 'KeptSet', Pool: 'KeptPool', Schedule: 'KeptSchedule', Level: 'Differential' });
  updateResource(w, 'Pool', 'Incremental', { MaximumVolumeJobs: 3 }, false);
  deleteResource(w, 'Client', gone);
  const copy = restoreWorld(snapshotChunks(w));
  const names: Array<[WritableType, string]> = [
    ['Client', 'kept-01'], ['FileSet', 'KeptSet'], ['Pool', 'KeptPool'], ['Pool', 'Incremental'], ['Schedule', 'KeptSchedule'], ['Job', 'kept-job'],
  ];
  for (const [type, name] of names) t.same(resourceConfig(copy, type, name), resourceConfig(w, type, name), `${type} ${name}`);
  t.equal(resourceConfig(copy, 'Client', gone), undefined, 'a deleted Client stays deleted');
  t.match(resourceConfig(copy, 'Client', 'kept-01')?.config, { FdPort: 9555, Password: 'secret' });
  w.advanceTo(w.now + 2 * DAY);
  copy.advanceTo(copy.now + 2 * DAY);
  t.same(jobsNamed(copy, 'kept-job').map((j) => j.schedTime), jobsNamed(w, 'kept-job').map((j) => j.schedTime), 'the scheduled Job runs at the same times');
  t.ok(jobsNamed(w, 'kept-job').length >= 1, 'the scheduled Job ran');
  t.ok(jobsOf(copy, 'kept-01').length >= 1, 'the new Client produces jobs in the restored world');
  t.equal(jobsOf(copy, gone).length, jobsOf(w, gone).length, 'the deleted one none');
});

t.test("raising a Client's Maximum Concurrent Jobs starts its waiting job at once", async (t) => {
  const w = small();
  const client = w.catalog.clients[0];
  const running = (): JobRecord[] => jobsOf(w, client.name).filter((j) => j.jobStatus === 'R');
  const job = `backup-${client.name}`;
  // Two runs of the client's job: with one slot, the second waits for the client ('c').
  const first = w.run({ job, level: 'F' });
  const second = w.run({ job, level: 'F' });
  const busy = running().length;
  t.ok(busy >= 1, 'the client runs one job');
  t.equal(w.catalog.job(second.jobId)!.jobStatus, 'C', 'the other waits');
  t.equal(w.waitReason(w.catalog.job(second.jobId)!), 'c', 'for the client');
  updateResource(w, 'Client', client.name, { MaximumConcurrentJobs: 5 }, false);
  t.equal(w.catalog.job(second.jobId)!.jobStatus, 'R', 'it starts without waiting for the clock to move');
  t.ok(w.catalog.job(first.jobId)!.jobStatus === 'R' || w.catalog.job(first.jobId)!.jobStatus === 'T');
});
