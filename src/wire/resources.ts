import { DIRECTOR } from '../../engine/joblog.js';
import {
  clientConfig, derivedPassword, filesetConfig, jobConfig, jobDefsConfig, poolConfig, resourceConfig, scheduleConfig,
  WRITABLE_TYPES, type ClientConfig, type FileSetConfig, type JobConfig, type PoolConfig, type RemovedResource,
  type ScheduleConfig, type WritableType,
} from '../../engine/resources.js';
import { parseRun } from '../../engine/schedule.js';
import type { ClientRecord, StorageRecord } from '../../engine/types.js';
import type { World } from '../../engine/world.js';

/**
 * Configuration resources as the Bacula Enterprise REST API serves them under
 * `/res/<daemon>`: the shape of bdirjson / bfdjson / bsdjson
 * (reference/real-bacula/60-62): directive names in CamelCase as keys,
 * sizes and durations as numbers (bytes, seconds), booleans as JSON
 * booleans, lists as arrays. Like bdirjson, an optional directive that is
 * not set is left out (a Job without Schedule, a Pool without LabelFormat).
 */

export type View = Record<string, unknown>;
export type Daemon = 'director' | 'filedaemon' | 'storagedaemon';

/** Which File daemon or Storage daemon a request is about (the Director has one configuration). */
export interface Target {
  client?: ClientRecord;
  storage?: StorageRecord;
}

/** `{ ... }` without the keys whose value is null (not set). */
function compact(o: Record<string, unknown>): View {
  const out: View = {};
  for (const [k, v] of Object.entries(o)) if (v !== null && v !== undefined) out[k] = v;
  return out;
}

/** Keeps a number only when it is not zero (bdirjson leaves unset limits out). */
const nonZero = (n: number): number | null => (n ? n : null);

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
const WORKING = '/opt/bacula/working';
/** A MsgTypes list: `All` but the types given (`["All", "!Debug", "!Saved"]`). */
const allBut = (...not: string[]): string[] => ['All', ...not.map((t) => `!${t}`)];

// ------------------------------------------------------------- Director

function clientView(cfg: ClientConfig): View {
  return {
    Name: cfg.Name, Address: cfg.Address, FdPort: cfg.FdPort, Password: cfg.Password, Catalog: cfg.Catalog,
    FileRetention: cfg.FileRetention, JobRetention: cfg.JobRetention, AutoPrune: cfg.AutoPrune,
    MaximumConcurrentJobs: cfg.MaximumConcurrentJobs, Enabled: cfg.Enabled,
  };
}

/** Directives in JobConfig's order, which is bdirjson's (Name, Type, Level, Messages, Storage, Pool, ...). */
function jobView(cfg: JobConfig): View {
  return compact({ ...cfg });
}

function filesetView(cfg: FileSetConfig): View {
  return compact({
    Name: cfg.Name,
    Include: cfg.Include.map((b) => (b.Options.length ? { File: b.File, Options: b.Options } : { File: b.File })),
    Exclude: cfg.Exclude.length ? { File: cfg.Exclude } : null,
    IgnoreFileSetChanges: cfg.IgnoreFileSetChanges || null,
    EnableVss: cfg.EnableVss || null,
  });
}

function poolView(cfg: PoolConfig): View {
  return compact({
    Name: cfg.Name, PoolType: cfg.PoolType, LabelFormat: cfg.LabelFormat, MaximumVolumes: cfg.MaximumVolumes,
    MaximumVolumeBytes: cfg.MaximumVolumeBytes, MaximumVolumeJobs: nonZero(cfg.MaximumVolumeJobs),
    MaximumVolumeFiles: nonZero(cfg.MaximumVolumeFiles), VolumeRetention: cfg.VolumeRetention,
    VolumeUseDuration: nonZero(cfg.VolumeUseDuration), AutoPrune: cfg.AutoPrune, Recycle: cfg.Recycle,
    ActionOnPurge: cfg.ActionOnPurge, ScratchPool: cfg.ScratchPool, RecyclePool: cfg.RecyclePool, NextPool: cfg.NextPool,
    CacheRetention: nonZero(cfg.CacheRetention), MigrationTime: nonZero(cfg.MigrationTime),
    MigrationHighBytes: nonZero(cfg.MigrationHighBytes), MigrationLowBytes: nonZero(cfg.MigrationLowBytes),
  });
}

/**
 * A Run line as bdirjson prints it: every field a list of the values it
 * fires on, zero-based (Day 0 = the 1st, Month 0 = January, DayOfWeek 0 =
 * Sunday, WeekOfMonth 0-4 = 1st-5th and 5 = last).
 */
function runView(line: string): View {
  const r = parseRun(line);
  return compact({
    Level: r.level === null ? null : { F: 'Full', I: 'Incremental', D: 'Differential' }[r.level],
    Pool: r.pool, Priority: r.priority,
    Hour: r.hourly ? range(24) : [r.hour],
    Minute: r.minute,
    Day: r.monthDays.length ? [...r.monthDays].sort((a, b) => a - b).map((d) => d - 1) : range(31),
    Month: range(12),
    DayOfWeek: r.weekdays.length ? [...r.weekdays].sort((a, b) => a - b) : range(7),
    WeekOfMonth: r.weeks.length ? [...r.weeks].sort((a, b) => a - b).map((w) => w - 1) : range(6),
    WeekOfYear: range(54),
  });
}

function scheduleView(cfg: ScheduleConfig): View {
  return { Name: cfg.Name, Run: cfg.Run.map(runView) };
}

function directorView(w: World): View {
  return {
    Name: DIRECTOR.name, DirPort: 9101, QueryFile: '/opt/bacula/scripts/query.sql', WorkingDirectory: WORKING,
    PidDirectory: WORKING, MaximumConcurrentJobs: w.settings.maxConcurrentJobs,
    Password: derivedPassword(w, 'Director', DIRECTOR.name), Messages: 'Daemon', FdConnectTimeout: 180, SdConnectTimeout: 1800,
  };
}

function storageView(w: World, s: StorageRecord): View {
  return compact({
    Name: s.name, SdPort: s.port, Address: s.address, Password: derivedPassword(w, 'Storage', s.name), Device: [s.device],
    MediaType: s.mediaType, Autochanger: s.autoChanger ? true : null, MaximumConcurrentJobs: s.maxConcurrentJobs,
  });
}

function catalogView(w: World): View {
  return { Name: DIRECTOR.catalog, Password: derivedPassword(w, 'Catalog', DIRECTOR.catalog), User: 'bacula', DbName: 'bacula' };
}

/** The Director's two Messages resources: `Standard` for jobs (into the catalog too), `Daemon` for itself. */
function directorMessages(): View[] {
  const append = { Type: 'Append', MsgTypes: allBut('Debug', 'Saved', 'Skipped'), Where: ['/opt/bacula/log/bacula.log'] };
  const console = { Type: 'Console', MsgTypes: allBut('Debug', 'Saved', 'Skipped') };
  return [
    { Name: 'Standard', Destinations: [append, console, { Type: 'Catalog', MsgTypes: allBut('Debug', 'Saved') }] },
    { Name: 'Daemon', Destinations: [append, console] },
  ];
}

function jobDefsView(w: World): View {
  const { JobDefs: _, ...defaults } = jobDefsConfig(w);
  return compact({ ...defaults, Client: null });
}

/** A writable resource in its bdirjson shape. */
function writableView(r: RemovedResource): View {
  switch (r.type) {
    case 'Client': return clientView(r.config);
    case 'Job': return jobView(r.config);
    case 'FileSet': return filesetView(r.config);
    case 'Pool': return poolView(r.config);
    case 'Schedule': return scheduleView(r.config);
  }
}

// ------------------------------------------------------------- File and Storage daemons

/** Where a File daemon keeps its state, by the client's operating system. */
function fdDirectories(os: string): { WorkingDirectory: string; PidDirectory: string } {
  if (os === 'windows') return { WorkingDirectory: 'C:/Program Files/Bacula/working', PidDirectory: 'C:/Program Files/Bacula/working' };
  if (os === 'freebsd') return { WorkingDirectory: '/var/db/bacula', PidDirectory: '/var/run' };
  return { WorkingDirectory: WORKING, PidDirectory: WORKING };
}

/** The daemon's own Director resource: the Director that may connect and its password. */
function peerDirector(password: string): View[] {
  return [{ Name: DIRECTOR.name, Password: password }];
}

function toDirector(...not: string[]): View[] {
  return [{ Name: 'Standard', Destinations: [{ Type: 'Director', MsgTypes: allBut(...not), Where: [DIRECTOR.name] }] }];
}

function fileDaemonView(w: World, c: ClientRecord): View {
  const os = w.settings.profiles.find((p) => p.key === c.profile)?.os ?? 'linux';
  return { Name: `${c.name}-fd`, FdPort: clientConfig(w, c).FdPort, ...fdDirectories(os), MaximumConcurrentJobs: 20 };
}

function sdStorageView(s: StorageRecord): View {
  return { Name: DIRECTOR.sdName, SdPort: s.port, WorkingDirectory: WORKING, PidDirectory: WORKING, MaximumConcurrentJobs: s.maxConcurrentJobs };
}

function deviceView(s: StorageRecord): View {
  return {
    Name: s.device, MediaType: s.mediaType, ArchiveDevice: s.archiveDevice, DeviceType: 'File', RemovableMedia: false,
    RandomAccess: true, AutomaticMount: true, LabelMedia: true, AlwaysOpen: false, MaximumConcurrentJobs: s.maxConcurrentJobs,
  };
}

// ------------------------------------------------------------- the classes of each daemon

/** One resource class of a daemon: its name in bdirjson's listing, and its resources. */
interface ResourceClass {
  /** the key bdirjson wraps each resource in (`Fileset` for FileSet) */
  key: string;
  list(w: World, t: Target): View[];
  /** one resource by name without listing them all (Clients and Jobs can be 100,000) */
  one?(w: World, name: string): View | undefined;
}

/** bdirjson spells the FileSet class `Fileset`. */
const wrapKey = (type: WritableType): string => (type === 'FileSet' ? 'Fileset' : type);

const writable = (type: WritableType, list: (w: World) => View[]): ResourceClass => ({
  key: wrapKey(type),
  list,
  one: (w, name) => {
    const r = resourceConfig(w, type, name);
    return r && writableView(r);
  },
});

const none: ResourceClass['list'] = () => [];

/** The classes of each daemon, in bdirjson's order (the REST API's `res` category). */
const CLASSES: Record<Daemon, Record<string, ResourceClass>> = {
  director: {
    Director: { key: 'Director', list: (w) => [directorView(w)] },
    Client: writable('Client', (w) => w.catalog.clients.filter((c) => !c.removed).map((c) => clientView(clientConfig(w, c)))),
    Job: writable('Job', (w) => [...w.jobResources.values()].map((r) => jobView(jobConfig(w, r)))),
    Storage: { key: 'Storage', list: (w) => w.catalog.storages.map((s) => storageView(w, s)) },
    Catalog: { key: 'Catalog', list: (w) => [catalogView(w)] },
    Schedule: writable('Schedule', (w) => [...w.schedules.values()].map((s) => scheduleView(scheduleConfig(s)))),
    FileSet: writable('FileSet', (w) => w.catalog.filesets.filter((f) => !f.removed).map((f) => filesetView(filesetConfig(w, f)))),
    Pool: writable('Pool', (w) => w.catalog.pools.map((p) => poolView(poolConfig(w, p)))),
    Messages: { key: 'Messages', list: directorMessages },
    Console: { key: 'Console', list: none },
    JobDefs: { key: 'JobDefs', list: (w) => [jobDefsView(w)] },
    Counter: { key: 'Counter', list: none },
    Device: { key: 'Device', list: none },
    Autochanger: { key: 'Autochanger', list: none },
  },
  filedaemon: {
    Director: { key: 'Director', list: (w, t) => peerDirector(clientConfig(w, t.client!).Password) },
    FileDaemon: { key: 'FileDaemon', list: (w, t) => [fileDaemonView(w, t.client!)] },
    // bacula-fd.conf calls its own resource FileDaemon or Client: the same thing.
    Client: { key: 'FileDaemon', list: (w, t) => [fileDaemonView(w, t.client!)] },
    Messages: { key: 'Messages', list: () => toDirector('Debug', 'Saved', 'Skipped', 'Restored') },
  },
  storagedaemon: {
    Director: { key: 'Director', list: (w, t) => peerDirector(derivedPassword(w, 'Storage', t.storage!.name)) },
    Storage: { key: 'Storage', list: (_, t) => [sdStorageView(t.storage!)] },
    Device: { key: 'Device', list: (_, t) => [deviceView(t.storage!)] },
    Messages: { key: 'Messages', list: () => toDirector('Debug', 'Saved') },
    Autochanger: { key: 'Autochanger', list: none },
  },
};

/** The classes a daemon has, by their canonical names. */
export function classes(daemon: Daemon): string[] {
  return Object.keys(CLASSES[daemon]);
}

/** The canonical class name of `name` (the REST API takes classes in any case), or undefined. */
export function classNamed(daemon: Daemon, name: string): string | undefined {
  return classes(daemon).find((c) => c.toLowerCase() === name.toLowerCase());
}

/** The Director classes that can be written. */
export function writableClass(cls: string): WritableType | undefined {
  return WRITABLE_TYPES.find((t) => t === cls);
}

/** Every resource of one class (`bdirjson -r Client -D`). */
export function resourcesOf(w: World, daemon: Daemon, cls: string, t: Target): View[] {
  return CLASSES[daemon][cls].list(w, t);
}

/** One resource of a class by Name (`bdirjson -r Client -n x`), or undefined. */
export function resourceOf(w: World, daemon: Daemon, cls: string, name: string, t: Target): View | undefined {
  const c = CLASSES[daemon][cls];
  return c.one ? c.one(w, name) : c.list(w, t).find((v) => v.Name === name);
}

/** Every resource of the daemon, each wrapped in its class (`bdirjson` with no option). */
export function allResources(w: World, daemon: Daemon, t: Target): View[] {
  const seen = new Set<string>();
  const out: View[] = [];
  for (const c of Object.values(CLASSES[daemon])) {
    if (seen.has(c.key)) continue;
    seen.add(c.key);
    for (const v of c.list(w, t)) out.push({ [c.key]: v });
  }
  return out;
}

/** Resources a delete removed, wrapped in their class as in a full listing. */
export function removedResources(removed: RemovedResource[]): View[] {
  return removed.map((r) => ({ [wrapKey(r.type)]: writableView(r) }));
}
