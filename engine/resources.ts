import { createHash } from 'node:crypto';
import {
  bool, duration, fixed, integer, name, object, oneOf, readDirectives, refuse, size, squash, strings, text,
  type DirectiveContext, type Given, type Reader, type Spec,
} from './directives.js';
import { WorldError } from './errors.js';
import { DIRECTOR, LEVEL_NAMES } from './joblog.js';
import { ordered, type Profile } from './profiles.js';
import { stream } from './random.js';
import { parseRun } from './schedule.js';
import { profileRoots } from './filetree-shapes.js';
import type { BackupLevel, ClientRecord, FileSetInclude, FileSetRecord, FileSetVersion, JobLevel, JobType, PoolRecord } from './types.js';
import { clientAddress, filesetName, RESTORE_WHERE, type JobResource, type ScheduleResource, type World } from './world.js';

/**
 * The Director's configuration resources as Bacula names them (bdirjson):
 * reading each resource's directives from the world, and creating, changing
 * and deleting Clients, Jobs, FileSets, Pools and Schedules so that the
 * simulation obeys at once. Every change is validated whole before anything
 * is touched, so a refused change leaves the world as it was.
 */

export const WRITABLE_TYPES = ['Client', 'Job', 'FileSet', 'Pool', 'Schedule'] as const;
export type WritableType = (typeof WRITABLE_TYPES)[number];
/** Raw directives of a write, as the client sent them (JSON object). */
export type Directives = Readonly<Record<string, unknown>>;

const MINUTE = 60_000;
const DAY_S = 86_400;
/** The JobDefs resource whose defaults (config `job_defaults`) every Job here starts from. */
const JOBDEFS_NAME = 'DefaultJob';
/** The Messages resource of Jobs; the Director itself uses `Daemon`. */
const JOB_MESSAGES = 'Standard';

// ------------------------------------------------------------------ lookups

/** A client whose Client resource exists (not deleted). */
export function configuredClient(w: World, clientName: string): ClientRecord | undefined {
  const c = w.catalog.clientByName(clientName);
  return c && !c.removed ? c : undefined;
}

export function configuredFileSet(w: World, fsName: string): FileSetRecord | undefined {
  return w.catalog.filesets.find((f) => f.fileset === fsName && !f.removed);
}

type RefKind = 'Client' | 'FileSet' | 'Pool' | 'Schedule' | 'Storage';

function defined(w: World, kind: RefKind, n: string): boolean {
  switch (kind) {
    case 'Client': return !!configuredClient(w, n);
    case 'FileSet': return !!configuredFileSet(w, n);
    case 'Pool': return !!w.catalog.poolByName(n);
    case 'Schedule': return w.schedules.has(n);
    case 'Storage': return !!w.catalog.storageByName(n);
  }
}

/** The name of another resource, which must exist. */
const ref = (kind: RefKind): Reader<string> => (v, ctx) => {
  const n = name(v, ctx);
  if (!defined(ctx.world, kind, n)) throw refuse(ctx, `refers to ${kind} "${n}", which is not defined`);
  return n;
};

/** A password that looks like a generated one and never changes for a resource of the world. */
export function derivedPassword(w: World, kind: string, resourceName: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const rng = stream(w.seed, 'password', kind, resourceName);
  let s = '';
  for (let i = 0; i < 32; i++) s += alphabet[rng.int(0, alphabet.length - 1)];
  return s;
}

/** Copies `given` over `base`; a directive given as null takes its default. */
function merged<C extends object>(base: C, given: { [K in keyof C]?: C[K] | null }, defaults: C): C {
  const out = { ...base };
  for (const k of Object.keys(given) as Array<keyof C>) {
    const v = given[k];
    out[k] = v === null || v === undefined ? defaults[k] : v;
  }
  return out;
}

function conflict(message: string): WorldError {
  return new WorldError('conflict', message);
}

/** `Job "a", Job "b" and 3 more`: who still uses a resource. */
function users(names: string[], kind: string): string {
  const shown = names.slice(0, 3).map((n) => `${kind} "${n}"`).join(', ');
  return names.length > 3 ? `${shown} and ${names.length - 3} more` : shown;
}

function jobsWhere(w: World, match: (r: JobResource) => boolean): string[] {
  const out: string[] = [];
  for (const r of w.jobResources.values()) if (match(r)) out.push(r.name);
  return out;
}

// ------------------------------------------------------------------ spawning

/** Whether a spawned job of the client is queued or running: its end books the next spawn. */
function liveSpawn(w: World, clientId: number): boolean {
  for (const ids of [w.running, w.queue]) {
    for (const id of ids) {
      const j = w.catalog.job(id);
      if (j && j.clientId === clientId && j.spawned) return true;
    }
  }
  return false;
}

/**
 * Makes sure a client that should produce jobs does: one chain of spawns per
 * client, alive while a spawn is booked or a spawned job lives, so a new one
 * is started only when neither is there.
 */
function ensureSpawning(w: World, client: ClientRecord): void {
  if (client.removed || !client.enabled || !w.backupResource(client.clientId)?.enabled) return;
  if (w.agenda.entries().some((e) => e.kind === 'spawn' && e.id === client.clientId)) return;
  if (liveSpawn(w, client.clientId)) return;
  const delay = stream(w.seed, 'respawn', client.clientId, client.spawns).between(0, w.settings.jobIntervalMax * MINUTE);
  w.agenda.push(w.now + Math.floor(delay), 'spawn', client.clientId);
}

/** No more spawns for the client; a spawned job still running ends without booking the next (the client is disabled). */
function stopSpawning(w: World, client: ClientRecord): void {
  w.agenda.remove((e) => e.kind === 'spawn' && e.id === client.clientId);
}

/** Drops the scheduled runs of a Job resource (they are booked again from its Schedule, if any). */
function unschedule(w: World, jobName: string): void {
  const gone = new Set<number>();
  w.scheduledRuns.forEach((entry, i) => {
    if (entry?.job === jobName) {
      w.scheduledRuns[i] = null;
      gone.add(i);
    }
  });
  if (gone.size) w.agenda.remove((e) => e.kind === 'schedule' && gone.has(e.id));
}

// ------------------------------------------------------------------ Client

export interface ClientConfig {
  Name: string;
  Address: string;
  FdPort: number;
  Password: string;
  Catalog: string;
  /** seconds */
  FileRetention: number;
  /** seconds */
  JobRetention: number;
  AutoPrune: boolean;
  MaximumConcurrentJobs: number;
  Enabled: boolean;
  /** not a Bacula directive: the profile (config `client_profiles`) the client's jobs are drawn from */
  Profile: string;
}

const profileKey: Reader<string> = (v, ctx) => {
  const keys = ctx.world.settings.profiles.map((p) => p.key);
  return oneOf(keys)(v, ctx);
};

const CLIENT = {
  Name: name, Address: text(255), FdPort: integer(1, 65535), Password: text(255), Catalog: fixed(() => DIRECTOR.catalog),
  FileRetention: duration, JobRetention: duration, AutoPrune: bool, MaximumConcurrentJobs: integer(1, 1000),
  Enabled: bool, Profile: profileKey,
} satisfies { [K in keyof ClientConfig]: Reader<ClientConfig[K]> };

export function clientConfig(w: World, c: ClientRecord): ClientConfig {
  return {
    Name: c.name, Address: c.address, FdPort: c.fdPort ?? 9102, Password: c.password ?? derivedPassword(w, 'Client', c.name),
    Catalog: DIRECTOR.catalog, FileRetention: c.fileRetention, JobRetention: c.jobRetention, AutoPrune: c.autoPrune === 1,
    MaximumConcurrentJobs: c.maxConcurrentJobs, Enabled: c.enabled, Profile: c.profile,
  };
}

/** Bacula's defaults (File Retention 60 days, Job Retention 180 days), the simulator's address and password. */
function clientDefaults(w: World, c: Pick<ClientRecord, 'clientId' | 'name' | 'profile'>): ClientConfig {
  return {
    Name: c.name, Address: clientAddress(c.clientId), FdPort: 9102, Password: derivedPassword(w, 'Client', c.name),
    Catalog: DIRECTOR.catalog, FileRetention: 60 * DAY_S, JobRetention: 180 * DAY_S, AutoPrune: true,
    MaximumConcurrentJobs: w.settings.clientConcurrentJobs, Enabled: true, Profile: c.profile,
  };
}

function profileOf(w: World, key: string): Profile {
  return w.settings.profiles.find((p) => p.key === key) ?? ordered(w.settings.profiles)[0];
}

function applyClient(w: World, c: ClientRecord, cfg: ClientConfig): void {
  c.address = cfg.Address;
  c.fdPort = cfg.FdPort === 9102 ? undefined : cfg.FdPort;
  c.password = cfg.Password === derivedPassword(w, 'Client', c.name) ? undefined : cfg.Password;
  c.fileRetention = cfg.FileRetention;
  c.jobRetention = cfg.JobRetention;
  c.autoPrune = cfg.AutoPrune ? 1 : 0;
  c.maxConcurrentJobs = cfg.MaximumConcurrentJobs;
  c.enabled = cfg.Enabled;
  c.profile = cfg.Profile;
  if (c.enabled) ensureSpawning(w, c);
  else stopSpawning(w, c);
  // A raised Maximum Concurrent Jobs lets the client's waiting jobs start now.
  w.limitsChanged();
}

/**
 * A new Client is a client of the simulated world like the generated ones:
 * its own Backup Job `backup-<name>` and jobs from its profile. A Client
 * deleted before comes back on its old catalog row (same ClientId), as it
 * does in Bacula.
 */
function createClient(w: World, clientName: string, given: Given<typeof CLIENT>): void {
  if (configuredClient(w, clientName)) throw conflict(`Client "${clientName}" already exists`);
  if (!w.settings.profiles.length) throw new WorldError('bad_request', `Client "${clientName}": no client profile is configured`);
  const own = `backup-${clientName}`;
  if (w.jobResources.has(own)) throw conflict(`Client "${clientName}": its Job "${own}" would replace an existing Job resource`);
  const old = w.catalog.clientByName(clientName);
  const profile = profileOf(w, given.Profile ?? old?.profile ?? '');
  let c: ClientRecord;
  if (old) {
    old.removed = undefined;
    w.addOwnJob(old, profile);
    c = old;
  } else {
    c = w.addClient(profile, clientName);
  }
  const defaults = clientDefaults(w, { ...c, profile: profile.key });
  applyClient(w, c, merged(defaults, given, defaults));
}

/** Removes the Client and the Jobs that run on it. Jobs already queued or running finish; the catalog keeps the Client row and its jobs. */
function deleteClient(w: World, c: ClientRecord): RemovedResource[] {
  const jobs = [...w.jobResources.values()].filter((r) => r.clientId === c.clientId);
  const removed: RemovedResource[] = jobs.map((r) => ({ type: 'Job', config: jobConfig(w, r) }));
  removed.push({ type: 'Client', config: clientConfig(w, c) });
  for (const r of jobs) {
    unschedule(w, r.name);
    w.jobResources.delete(r.name);
  }
  w.reindexJobResources();
  c.removed = true;
  c.enabled = false;
  stopSpawning(w, c);
  return removed;
}

// ------------------------------------------------------------------ Job

const JOB_TYPES = { Backup: 'B', Restore: 'R', Verify: 'V', Admin: 'D' } as const satisfies Record<string, JobType>;
type JobTypeName = keyof typeof JOB_TYPES;
const LEVELS = { Full: 'F', Incremental: 'I', Differential: 'D', VolumeToCatalog: 'O' } as const satisfies Record<string, JobLevel>;
type LevelName = keyof typeof LEVELS;
/** The pools the engine sends each backup level to, when they exist (`Job FullPool override` ...). */
const LEVEL_POOLS: Record<BackupLevel, string> = { F: 'Full', I: 'Incremental', D: 'Differential' };

export interface JobConfig {
  Name: string;
  Type: JobTypeName;
  /** null for Restore and Admin jobs */
  Level: LevelName | null;
  Messages: string;
  Storage: string[];
  Pool: string;
  FullBackupPool: string | null;
  IncrementalBackupPool: string | null;
  DifferentialBackupPool: string | null;
  Client: string;
  Fileset: string | null;
  Schedule: string | null;
  JobDefs: string;
  /** Restore jobs only */
  Where: string | null;
  Priority: number;
  Enabled: boolean;
}

function levelPool(w: World, type: JobTypeName, level: BackupLevel): string | null {
  return type === 'Backup' && w.catalog.poolByName(LEVEL_POOLS[level]) ? LEVEL_POOLS[level] : null;
}

/** A level pool directive: the engine picks these pools by level, so they read as they are. */
const levelPoolDirective = (level: BackupLevel): Reader<string | null> => fixed((ctx) => levelPool(ctx.world, 'Backup', level));

const oneStorage: Reader<string[]> = (v, ctx) => {
  const list = listOf(v);
  if (list.length !== 1) throw refuse(ctx, 'must name one Storage (the simulator runs each Job on one)', v);
  return [ref('Storage')(list[0], ctx)];
};

const JOB = {
  Name: name, Type: oneOf(Object.keys(JOB_TYPES) as JobTypeName[]), Level: oneOf(Object.keys(LEVELS) as LevelName[]),
  Messages: fixed(() => JOB_MESSAGES), Storage: oneStorage, Pool: ref('Pool'),
  FullBackupPool: levelPoolDirective('F'), IncrementalBackupPool: levelPoolDirective('I'), DifferentialBackupPool: levelPoolDirective('D'),
  Client: ref('Client'), Fileset: ref('FileSet'), Schedule: ref('Schedule'), JobDefs: fixed(() => JOBDEFS_NAME),
  Where: fixed(() => RESTORE_WHERE), Priority: integer(1, 100), Enabled: bool,
} satisfies { [K in keyof JobConfig]: Reader<JobConfig[K]> };

function typeName(t: JobType): JobTypeName {
  return (Object.keys(JOB_TYPES) as JobTypeName[]).find((k) => JOB_TYPES[k] === t)!;
}

function defaultLevel(type: JobTypeName): LevelName | null {
  return type === 'Backup' ? 'Incremental' : type === 'Verify' ? 'VolumeToCatalog' : null;
}

export function jobConfig(w: World, r: JobResource): JobConfig {
  const type = typeName(r.type);
  const c = w.catalog;
  return {
    Name: r.name, Type: type, Level: type === 'Backup' || type === 'Verify' ? (LEVEL_NAMES[r.level] as LevelName) : null,
    Messages: JOB_MESSAGES, Storage: [r.storage], Pool: r.pool,
    FullBackupPool: levelPool(w, type, 'F'), IncrementalBackupPool: levelPool(w, type, 'I'), DifferentialBackupPool: levelPool(w, type, 'D'),
    Client: c.client(r.clientId)?.name ?? '', Fileset: r.filesetId ? c.fileset(r.filesetId)?.fileset ?? null : null,
    Schedule: r.schedule, JobDefs: JOBDEFS_NAME, Where: type === 'Restore' ? RESTORE_WHERE : null,
    Priority: r.priority, Enabled: r.enabled,
  };
}

/** What JobDefs `DefaultJob` gives (config `job_defaults`); a Job must still name its Client. */
function jobDefaults(w: World, jobName: string): JobConfig {
  const d = w.settings.jobDefaults;
  return {
    Name: jobName, Type: typeName(d.type), Level: defaultLevel(typeName(d.type)), Messages: JOB_MESSAGES, Storage: [d.storage],
    Pool: d.pool, FullBackupPool: null, IncrementalBackupPool: null, DifferentialBackupPool: null, Client: '', Fileset: null,
    Schedule: null, JobDefs: JOBDEFS_NAME, Where: null, Priority: d.priority, Enabled: true,
  };
}

/** JobDefs `DefaultJob`: what every Job here starts from. */
export function jobDefsConfig(w: World): JobConfig {
  return jobDefaults(w, JOBDEFS_NAME);
}

/** Checks a Job's directives together and builds its resource (throws before anything changes). */
function jobResourceOf(w: World, cfg: JobConfig, given: Given<typeof JOB>): JobResource {
  const what = `Job "${cfg.Name}"`;
  // A new Type brings its own default Level unless one is given with it.
  const level = given.Type != null && given.Level === undefined ? defaultLevel(cfg.Type) : cfg.Level;
  const ctx = { what, directive: 'Level' };
  if (cfg.Type === 'Backup' && !(level === 'Full' || level === 'Incremental' || level === 'Differential')) {
    throw refuse(ctx, 'of a Backup Job must be Full, Incremental or Differential', level);
  }
  if (cfg.Type === 'Verify' && level !== 'VolumeToCatalog') throw refuse(ctx, 'of a Verify Job must be VolumeToCatalog (the level simulated)', level);
  if ((cfg.Type === 'Restore' || cfg.Type === 'Admin') && level !== null) throw refuse(ctx, `is not used by ${cfg.Type} Jobs: leave it out`, level);
  if (!cfg.Client) throw refuse({ what, directive: 'Client' }, 'is required');
  if (cfg.Type === 'Backup' && !cfg.Fileset) throw refuse({ what, directive: 'Fileset' }, 'is required for a Backup Job');
  for (const [directive, kind, value] of [['Pool', 'Pool', cfg.Pool], ['Storage', 'Storage', cfg.Storage[0]]] as const) {
    if (!defined(w, kind, value)) throw refuse({ what, directive }, `refers to ${kind} "${value}", which is not defined`);
  }
  return {
    name: cfg.Name, type: JOB_TYPES[cfg.Type], level: level ? LEVELS[level] : cfg.Type === 'Restore' ? 'F' : ' ',
    clientId: configuredClient(w, cfg.Client)!.clientId, filesetId: cfg.Fileset ? configuredFileSet(w, cfg.Fileset)!.filesetId : 0,
    pool: cfg.Pool, storage: cfg.Storage[0], priority: cfg.Priority, schedule: cfg.Schedule, enabled: cfg.Enabled,
  };
}

/** Books the Job's scheduled runs and, for a client's Backup Job, its client's spawning. */
function activateJob(w: World, r: JobResource): void {
  w.addJobResource(r);
  w.reindexJobResources();
  const client = w.catalog.client(r.clientId);
  if (client && r.type === 'B') ensureSpawning(w, client);
}

function createJob(w: World, jobName: string, given: Given<typeof JOB>): void {
  if (w.jobResources.has(jobName)) throw conflict(`Job "${jobName}" already exists`);
  const defaults = jobDefaults(w, jobName);
  activateJob(w, jobResourceOf(w, merged(defaults, given, defaults), given));
}

function updateJob(w: World, r: JobResource, given: Given<typeof JOB>, replace: boolean): void {
  const defaults = jobDefaults(w, r.name);
  const next = jobResourceOf(w, merged(replace ? defaults : jobConfig(w, r), given, defaults), given);
  unschedule(w, r.name);
  Object.assign(r, next);
  activateJob(w, r);
}

/** Removes the Job resource: nothing new runs as it; jobs already created finish. */
function deleteJob(w: World, r: JobResource): RemovedResource[] {
  const removed: RemovedResource[] = [{ type: 'Job', config: jobConfig(w, r) }];
  unschedule(w, r.name);
  w.jobResources.delete(r.name);
  w.reindexJobResources();
  return removed;
}

// ------------------------------------------------------------------ FileSet

export interface FileSetIncludeConfig {
  File: string[];
  Options: Array<Record<string, string>>;
}

export interface FileSetConfig {
  Name: string;
  Include: FileSetIncludeConfig[];
  /** files excluded */
  Exclude: string[];
  IgnoreFileSetChanges: boolean;
  EnableVss: boolean;
}

/** Options a FileSet's Options block may carry (values as strings, as in bacula-dir.conf). */
const FILESET_OPTIONS = [
  'Compression', 'Signature', 'OneFS', 'Recurse', 'Sparse', 'NoAtime', 'MtimeOnly', 'KeepAtime', 'HardLinks', 'Portable',
  'ReadFifo', 'HonorNoDumpFlag', 'AclSupport', 'XattrSupport', 'IgnoreCase', 'Exclude', 'Wild', 'WildDir', 'WildFile',
  'Regex', 'RegexDir', 'RegexFile', 'CheckFileChanges', 'Accurate', 'Verify', 'BaseJob',
];

/** A list, or one item taken as a list of one (bdirjson prints Exclude as one object). */
function listOf(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [v];
}

function optionsBlock(v: unknown, ctx: DirectiveContext): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(object(v, ctx, 'a list of Options objects such as {"Signature": "MD5"}'))) {
    const option = FILESET_OPTIONS.find((o) => squash(o) === squash(key));
    if (!option) throw refuse(ctx, `has an unknown option "${key}" (known: ${FILESET_OPTIONS.join(', ')})`);
    if (typeof value === 'boolean') out[option] = value ? 'yes' : 'no';
    else out[option] = text(255)(value, { ...ctx, directive: `${ctx.directive}.${option}` });
  }
  return out;
}

/** The keys of a nested block, matched as directives are; unknown ones are refused. */
function block(v: unknown, ctx: DirectiveContext, keys: readonly string[], shape: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(object(v, ctx, shape))) {
    const k = keys.find((x) => squash(x) === squash(key));
    if (!k) throw refuse(ctx, `has an unknown key "${key}" (known: ${keys.join(', ')})`);
    out[k] = value;
  }
  return out;
}

/** An absolute path on a Unix (`/var/www`) or Windows (`C:/Data`, `D:\\Shares`) client. */
const ABSOLUTE = /^(\/|[A-Za-z]:([\\/]|$))/;

const include: Reader<FileSetIncludeConfig[]> = (v, ctx) => {
  const shape = 'a list of {"File": [...], "Options": [{...}]} blocks';
  const blocks = listOf(v);
  if (!blocks.length || blocks.length > 100) throw refuse(ctx, `must be ${shape}`, v);
  return blocks.map((b) => {
    const o = block(b, ctx, ['File', 'Options'], shape);
    const fileCtx = { ...ctx, directive: `${ctx.directive}.File` };
    const files = strings(1)(o.File, fileCtx);
    // The simulated clients have directories, not programs (`|cmd`) or lists (`<file`) to read File lines from.
    const relative = files.find((f) => !ABSOLUTE.test(f));
    if (relative !== undefined) throw refuse(fileCtx, `lines must be absolute paths such as /var/www or C:/Data`, relative);
    return {
      File: files,
      Options: o.Options === undefined ? [] : listOf(o.Options).map((x) => optionsBlock(x, { ...ctx, directive: `${ctx.directive}.Options` })),
    };
  });
};

const exclude: Reader<string[]> = (v, ctx) => listOf(v).flatMap((b) => {
  const o = block(b, ctx, ['File'], '{"File": [...]}');
  return strings(0)(o.File ?? [], { ...ctx, directive: `${ctx.directive}.File` });
});

const FILESET = {
  Name: name, Include: include, Exclude: exclude, IgnoreFileSetChanges: bool, EnableVss: bool,
} satisfies { [K in keyof FileSetConfig]: Reader<FileSetConfig[K]> };

/**
 * The FileSet a profile's clients are generated with, as a resource: its
 * Include lines are the directories the profile's file tree is made of
 * (`profileRoots`), so the jobs' trees show exactly what it names. A FileSet
 * of no profile in use includes `/`.
 */
function profileFileSet(p: Profile | undefined): Omit<FileSetConfig, 'Name'> {
  const windows = p?.os === 'windows';
  const options: Record<string, string> = windows ? { Signature: 'MD5', Compression: 'GZIP', IgnoreCase: 'yes' } : { Signature: 'MD5', Compression: 'GZIP' };
  return { Include: [{ File: p ? profileRoots(p) : ['/'], Options: [options] }], Exclude: [], IgnoreFileSetChanges: false, EnableVss: windows };
}

function fileSetProfile(w: World, f: FileSetRecord): Profile | undefined {
  return w.settings.profiles.find((p) => filesetName(p) === f.fileset);
}

/** What a FileSet backs up for a job: the paths of the version in force when the job started. */
export interface FileSetPaths {
  /** names the version (`p:<profile>` for the profile's own lines, `f<FileSetId>.<n>` for the n-th written one) */
  key: string;
  files: readonly string[];
  exclude: readonly string[];
}

/** A FileSet's written versions, oldest first; a world saved before versions were kept has its one written state. */
function versionsOf(f: FileSetRecord): FileSetVersion[] {
  if (f.versions) return f.versions;
  return f.include ? [{ seq: 0, since: f.createTime, files: f.include.flatMap((b) => b.files), exclude: f.exclude ?? [] }] : [];
}

/** The paths of FileSet `f` for a job starting at `at` (virtual ms). */
export function fileSetPathsAt(w: World, f: FileSetRecord, at: number): FileSetPaths {
  const versions = versionsOf(f);
  let n = -1;
  while (n + 1 < versions.length && versions[n + 1].since <= at) n++;
  if (n >= 0) return { key: `f${f.filesetId}.${n}`, files: versions[n].files, exclude: versions[n].exclude };
  const p = fileSetProfile(w, f);
  return { key: `p:${p?.key ?? ''}`, files: profileFileSet(p).Include[0].File, exclude: [] };
}

/** Every written version of every FileSet, in the order they were written. */
export function writtenVersions(w: World): Array<FileSetVersion & { key: string }> {
  return w.catalog.filesets
    .flatMap((f) => versionsOf(f).map((v, n) => ({ ...v, key: `f${f.filesetId}.${n}`, id: f.filesetId, n })))
    .sort((a, b) => a.seq - b.seq || a.id - b.id || a.n - b.n);
}

export function filesetConfig(w: World, f: FileSetRecord): FileSetConfig {
  const derived = profileFileSet(fileSetProfile(w, f));
  return {
    Name: f.fileset,
    Include: f.include?.map((b) => ({ File: b.files, Options: b.options })) ?? derived.Include,
    Exclude: f.exclude ?? derived.Exclude,
    IgnoreFileSetChanges: f.ignoreChanges ?? derived.IgnoreFileSetChanges,
    EnableVss: f.enableVss ?? derived.EnableVss,
  };
}

/** The FileSet's MD5 in the catalog: a digest of what it selects, so a change shows there. */
function filesetMd5(cfg: FileSetConfig): string {
  const { Name: _, ...what } = cfg;
  return createHash('md5').update(JSON.stringify(what)).digest('base64').replace(/=+$/, '');
}

function applyFileSet(w: World, f: FileSetRecord, cfg: FileSetConfig): void {
  const before = fileSetPathsAt(w, f, w.now);
  const files = cfg.Include.flatMap((b) => b.File);
  if (!sameList(before.files, files) || !sameList(before.exclude, cfg.Exclude)) {
    // Jobs that already ran keep the paths they read: the new ones apply to jobs starting from now.
    const seq = 1 + Math.max(0, ...w.catalog.filesets.flatMap((x) => versionsOf(x).map((v) => v.seq)));
    f.versions = [...versionsOf(f), { seq, since: w.now, files, exclude: [...cfg.Exclude] }];
  }
  f.include = cfg.Include.map((b) => ({ files: b.File, options: b.Options } satisfies FileSetInclude));
  f.exclude = cfg.Exclude;
  f.ignoreChanges = cfg.IgnoreFileSetChanges;
  f.enableVss = cfg.EnableVss;
  f.removed = undefined;
  const md5 = filesetMd5(cfg);
  // Bacula records a changed FileSet with a new MD5 and CreateTime; here the row is updated in place.
  if (md5 !== f.md5) {
    f.md5 = md5;
    f.createTime = w.now;
  }
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** A FileSet's defaults; Include has none and must be given. */
function filesetDefaults(fsName: string): FileSetConfig {
  return { Name: fsName, Include: [], Exclude: [], IgnoreFileSetChanges: false, EnableVss: false };
}

function requireInclude(cfg: FileSetConfig): FileSetConfig {
  if (!cfg.Include.length) throw refuse({ what: `FileSet "${cfg.Name}"`, directive: 'Include' }, 'is required');
  return cfg;
}

function createFileSet(w: World, fsName: string, given: Given<typeof FILESET>): void {
  if (configuredFileSet(w, fsName)) throw conflict(`FileSet "${fsName}" already exists`);
  const defaults = filesetDefaults(fsName);
  const cfg = requireInclude(merged(defaults, given, defaults));
  const c = w.catalog;
  let f = c.filesets.find((x) => x.fileset === fsName);
  if (!f) {
    f = { filesetId: c.filesets.reduce((m, x) => Math.max(m, x.filesetId), 0) + 1, fileset: fsName, md5: '', createTime: w.now };
    c.filesets.push(f);
  }
  applyFileSet(w, f, cfg);
}

function updateFileSet(w: World, f: FileSetRecord, given: Given<typeof FILESET>, replace: boolean): void {
  const defaults = filesetDefaults(f.fileset);
  applyFileSet(w, f, requireInclude(merged(replace ? defaults : filesetConfig(w, f), given, defaults)));
}

function deleteFileSet(w: World, f: FileSetRecord): RemovedResource[] {
  const jobs = jobsWhere(w, (r) => r.filesetId === f.filesetId);
  if (jobs.length) throw conflict(`FileSet "${f.fileset}" is used by ${users(jobs, 'Job')}; change or delete them first`);
  const removed: RemovedResource[] = [{ type: 'FileSet', config: filesetConfig(w, f) }];
  f.removed = true;
  return removed;
}

// ------------------------------------------------------------------ Pool

// The catalog's Pool.PoolType CHECK: a pool of another type could not be written to the catalog.
const POOL_TYPES = ['Backup', 'Copy', 'Cloned', 'Archive', 'Migration', 'Scratch'] as const;

export interface PoolConfig {
  Name: string;
  PoolType: (typeof POOL_TYPES)[number];
  LabelFormat: string | null;
  MaximumVolumes: number;
  /** bytes */
  MaximumVolumeBytes: number;
  MaximumVolumeJobs: number;
  MaximumVolumeFiles: number;
  /** seconds */
  VolumeRetention: number;
  /** seconds */
  VolumeUseDuration: number;
  AutoPrune: boolean;
  Recycle: boolean;
  ActionOnPurge: 'Truncate' | null;
  ScratchPool: string | null;
  RecyclePool: string | null;
  NextPool: string | null;
  /** seconds */
  CacheRetention: number;
  /** seconds */
  MigrationTime: number;
  MigrationHighBytes: number;
  MigrationLowBytes: number;
}

const INT32 = 2_147_483_647;
const POOL = {
  Name: name, PoolType: oneOf(POOL_TYPES), LabelFormat: text(127), MaximumVolumes: integer(0, INT32), MaximumVolumeBytes: size,
  MaximumVolumeJobs: integer(0, INT32), MaximumVolumeFiles: integer(0, INT32), VolumeRetention: duration, VolumeUseDuration: duration,
  AutoPrune: bool, Recycle: bool, ActionOnPurge: oneOf(['Truncate'] as const), ScratchPool: ref('Pool'), RecyclePool: ref('Pool'),
  NextPool: ref('Pool'), CacheRetention: duration, MigrationTime: duration, MigrationHighBytes: size, MigrationLowBytes: size,
} satisfies { [K in keyof PoolConfig]: Reader<PoolConfig[K]> };

export function poolConfig(w: World, p: PoolRecord): PoolConfig {
  const poolName = (id: number): string | null => (id ? w.catalog.pool(id)?.name ?? null : null);
  return {
    Name: p.name, PoolType: (POOL_TYPES as readonly string[]).includes(p.poolType) ? (p.poolType as PoolConfig['PoolType']) : 'Backup',
    LabelFormat: p.labelFormat || null, MaximumVolumes: p.maxVols, MaximumVolumeBytes: p.maxVolBytes, MaximumVolumeJobs: p.maxVolJobs,
    MaximumVolumeFiles: p.maxVolFiles, VolumeRetention: p.volRetention, VolumeUseDuration: p.volUseDuration,
    AutoPrune: p.autoPrune === 1, Recycle: p.recycle === 1, ActionOnPurge: p.actionOnPurge ? 'Truncate' : null,
    ScratchPool: poolName(p.scratchPoolId), RecyclePool: poolName(p.recyclePoolId), NextPool: poolName(p.nextPoolId),
    CacheRetention: p.cacheRetention, MigrationTime: p.migrationTime, MigrationHighBytes: p.migrationHighBytes, MigrationLowBytes: p.migrationLowBytes,
  };
}

/** Bacula's Pool defaults (Volume Retention 1 year, AutoPrune and Recycle on, no limits). */
function poolDefaults(poolName: string): PoolConfig {
  return {
    Name: poolName, PoolType: 'Backup', LabelFormat: null, MaximumVolumes: 0, MaximumVolumeBytes: 0, MaximumVolumeJobs: 0,
    MaximumVolumeFiles: 0, VolumeRetention: 365 * DAY_S, VolumeUseDuration: 0, AutoPrune: true, Recycle: true, ActionOnPurge: null,
    ScratchPool: null, RecyclePool: null, NextPool: null, CacheRetention: 0, MigrationTime: 0, MigrationHighBytes: 0, MigrationLowBytes: 0,
  };
}

/** The Pool columns a Pool resource sets; the others are counters and catalog bookkeeping. */
type PoolColumns = Omit<PoolRecord, 'poolId' | 'name' | 'numVols' | 'useOnce' | 'useCatalog' | 'acceptAnyVolume' | 'labelType' | 'enabled'>;

/** The catalog columns of a Pool resource (Bacula updates the Pool row from the resource on reload). */
function poolColumns(w: World, cfg: PoolConfig): PoolColumns {
  const id = (n: string | null): number => (n ? w.catalog.poolByName(n)?.poolId ?? 0 : 0);
  return {
    poolType: cfg.PoolType, labelFormat: cfg.LabelFormat ?? '', maxVols: cfg.MaximumVolumes, maxVolBytes: cfg.MaximumVolumeBytes,
    maxVolJobs: cfg.MaximumVolumeJobs, maxVolFiles: cfg.MaximumVolumeFiles, volRetention: cfg.VolumeRetention,
    volUseDuration: cfg.VolumeUseDuration, autoPrune: cfg.AutoPrune ? 1 : 0, recycle: cfg.Recycle ? 1 : 0,
    actionOnPurge: cfg.ActionOnPurge ? 1 : 0, scratchPoolId: id(cfg.ScratchPool), recyclePoolId: id(cfg.RecyclePool),
    nextPoolId: id(cfg.NextPool), cacheRetention: cfg.CacheRetention, migrationTime: cfg.MigrationTime,
    migrationHighBytes: cfg.MigrationHighBytes, migrationLowBytes: cfg.MigrationLowBytes,
  };
}

function createPool(w: World, poolName: string, given: Given<typeof POOL>): void {
  if (w.catalog.poolByName(poolName)) throw conflict(`Pool "${poolName}" already exists`);
  const defaults = poolDefaults(poolName);
  const cfg = merged(defaults, given, defaults);
  const poolId = w.catalog.pools.reduce((m, p) => Math.max(m, p.poolId), 0) + 1;
  const pool: PoolRecord = {
    poolId, name: poolName, numVols: 0, useOnce: 0, useCatalog: 1, acceptAnyVolume: 0, labelType: 0, enabled: 1, ...poolColumns(w, cfg),
  };
  w.addPool(pool);
}

/** Existing volumes keep their own limits (as after a Bacula reload); new volumes and waiting jobs see the change. */
function updatePool(w: World, p: PoolRecord, given: Given<typeof POOL>, replace: boolean): void {
  const defaults = poolDefaults(p.name);
  const cfg = merged(replace ? defaults : poolConfig(w, p), given, defaults);
  Object.assign(p, poolColumns(w, cfg));
  w.updatePool(p.name, {});
}

/** Who still needs a Pool: Jobs, their level pools, other Pools, Schedules, new clients' jobs, volumes and live jobs. */
function poolUsers(w: World, p: PoolRecord): string[] {
  const why: string[] = [];
  const jobs = jobsWhere(w, (r) => r.pool === p.name);
  if (jobs.length) why.push(`is the Pool of ${users(jobs, 'Job')}`);
  const level = (Object.keys(LEVEL_POOLS) as BackupLevel[]).find((l) => LEVEL_POOLS[l] === p.name);
  const backups = level ? jobsWhere(w, (r) => r.type === 'B') : [];
  if (backups.length) why.push(`is the ${LEVEL_NAMES[level!]} backup pool of ${users(backups, 'Job')}`);
  const pools = w.catalog.pools.filter((x) => x !== p && [x.scratchPoolId, x.recyclePoolId, x.nextPoolId].includes(p.poolId)).map((x) => x.name);
  if (pools.length) why.push(`is named by ${users(pools, 'Pool')}`);
  const schedules = [...w.schedules.values()].filter((s) => s.runs.some((r) => r.pool === p.name)).map((s) => s.name);
  if (schedules.length) why.push(`is named by ${users(schedules, 'Schedule')}`);
  if (w.settings.jobDefaults.pool === p.name) why.push('is the Pool of new clients\' Jobs (config job_defaults.pool)');
  const volumes = w.catalog.media.filter((m) => m?.poolId === p.poolId).length;
  if (volumes) why.push(`holds ${volumes} volume${volumes > 1 ? 's' : ''}`);
  if ([...w.running, ...w.queue].some((id) => w.catalog.job(id)?.poolId === p.poolId)) why.push('is used by a queued or running job');
  return why;
}

function deletePool(w: World, p: PoolRecord): RemovedResource[] {
  const why = poolUsers(w, p);
  if (why.length) throw conflict(`Pool "${p.name}" cannot be deleted: it ${why.join('; it ')}`);
  const removed: RemovedResource[] = [{ type: 'Pool', config: poolConfig(w, p) }];
  w.removePool(p);
  return removed;
}

// ------------------------------------------------------------------ Schedule

export interface ScheduleConfig {
  Name: string;
  /** Run directives in bacula-dir.conf syntax: `Level=Full 1st sun at 23:05` */
  Run: string[];
}

const ORDINALS = ['1st', '2nd', '3rd', '4th', '5th', 'last'];
const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const RUN_KEYS = ['Level', 'Pool', 'Priority', 'Hour', 'Minute', 'Day', 'Month', 'DayOfWeek', 'WeekOfMonth', 'WeekOfYear'];

/** The one contiguous (wrapping) range `[from, to]` that `values` of `0..n-1` form, or null. */
function wrappingRange(values: number[], n: number): [number, number] | null {
  const set = new Set(values);
  for (const start of set) {
    if (set.has((start + n - 1) % n)) continue;
    let end = start;
    while (set.has((end + 1) % n) && (end + 1) % n !== start) end = (end + 1) % n;
    return (end - start + n) % n + 1 === set.size ? [start, end] : null;
  }
  return set.size === n ? [0, n - 1] : null;
}

/** A list of integers within `0..max`; absent means every value. */
function bits(o: Record<string, unknown>, key: string, max: number, ctx: DirectiveContext): number[] {
  const v = o[key] ?? Array.from({ length: max + 1 }, (_, i) => i);
  const list = listOf(v);
  if (!list.length || list.some((x) => typeof x !== 'number' || !Number.isInteger(x) || x < 0 || x > max)) {
    throw refuse({ ...ctx, directive: `${ctx.directive}.${key}` }, `must be a list of integers from 0 to ${max}`, v);
  }
  return [...new Set(list as number[])].sort((a, b) => a - b);
}

/**
 * A Run in bdirjson's shape (`{"Level": "Full", "Hour": [23], "Minute": 5, "Day": [0..30], "Month": [0..11],
 * "DayOfWeek": [0], "WeekOfMonth": [0], "WeekOfYear": [0..53]}`) as a Run line. The simulated scheduler
 * takes one hour (or every hour), every month and week of the year, and weekdays and weeks of the
 * month that form one range; anything else is refused by name.
 */
function runLine(v: unknown, ctx: DirectiveContext): string {
  const o = block(v, ctx, RUN_KEYS, 'a Run line ("Full 1st sun at 23:05") or a Run object as read');
  const words: string[] = [];
  if (o.Level !== undefined) words.push(oneOf(['Full', 'Incremental', 'Differential'])(o.Level, { ...ctx, directive: `${ctx.directive}.Level` }));
  if (o.Pool !== undefined) words.push(`Pool=${name(o.Pool, { ...ctx, directive: `${ctx.directive}.Pool` })}`);
  if (o.Priority !== undefined) words.push(`Priority=${integer(1, 100)(o.Priority, { ...ctx, directive: `${ctx.directive}.Priority` })}`);
  const unsupported = (key: string, why: string): WorldError => refuse({ ...ctx, directive: `${ctx.directive}.${key}` }, why);
  if (bits(o, 'Month', 11, ctx).length !== 12) throw unsupported('Month', 'must list every month (the simulated scheduler runs in every month)');
  if (bits(o, 'WeekOfYear', 53, ctx).length !== 54) throw unsupported('WeekOfYear', 'must list every week (the simulated scheduler runs in every week of the year)');
  const wom = bits(o, 'WeekOfMonth', 5, ctx);
  if (wom.length < 6) {
    const r = wrappingRange(wom, 6);
    if (!r || r[1] < r[0]) throw unsupported('WeekOfMonth', 'must be one range of weeks, such as [1, 2, 3, 4] (2nd-5th)');
    words.push(r[0] === r[1] ? ORDINALS[r[0]] : `${ORDINALS[r[0]]}-${ORDINALS[r[1]]}`);
  }
  const dow = bits(o, 'DayOfWeek', 6, ctx);
  if (dow.length < 7) {
    const r = wrappingRange(dow, 7);
    if (!r) throw unsupported('DayOfWeek', 'must be one range of days, such as [1, 2, 3, 4, 5, 6] (mon-sat)');
    words.push(r[0] === r[1] ? WEEKDAYS[r[0]] : `${WEEKDAYS[r[0]]}-${WEEKDAYS[r[1]]}`);
  }
  const days = bits(o, 'Day', 30, ctx);
  if (days.length < 31) words.push(...days.map((d) => String(d + 1)));
  // Without a time a Run fires at midnight, as in bacula-dir.conf.
  const hours = o.Hour === undefined ? [0] : bits(o, 'Hour', 23, ctx);
  const minute = o.Minute === undefined ? 0 : integer(0, 59)(o.Minute, { ...ctx, directive: `${ctx.directive}.Minute` });
  if (hours.length === 24) words.push('hourly', `at 00:${String(minute).padStart(2, '0')}`);
  else if (hours.length === 1) words.push(`at ${String(hours[0]).padStart(2, '0')}:${String(minute).padStart(2, '0')}`);
  else throw unsupported('Hour', 'must be one hour or every hour (write one Run per hour)');
  return words.join(' ');
}

/** Run lines in bacula-dir.conf syntax or bdirjson Run objects; each is checked by the scheduler's parser. */
const runs: Reader<string[]> = (v, ctx) => {
  const list = listOf(v);
  if (list.length > 100) throw refuse(ctx, 'must be at most 100 Run lines', list.length);
  return list.map((item) => {
    const line = typeof item === 'string' ? item.trim() : runLine(item, ctx);
    if (!line) throw refuse(ctx, 'has an empty Run line');
    let pool: string | null;
    try {
      pool = parseRun(line).pool;
    } catch (e) {
      throw refuse(ctx, `is not a valid Run: ${(e as Error).message}`);
    }
    if (pool !== null && !defined(ctx.world, 'Pool', pool)) throw refuse(ctx, `refers to Pool "${pool}", which is not defined`, line);
    return line;
  });
};

const SCHEDULE = { Name: name, Run: runs } satisfies { [K in keyof ScheduleConfig]: Reader<ScheduleConfig[K]> };

export function scheduleConfig(s: ScheduleResource): ScheduleConfig {
  return { Name: s.name, Run: s.runs.map((r) => r.text) };
}

/** The Job resources that run on a Schedule are booked again from its new Run lines. */
function replanSchedule(w: World, scheduleName: string): void {
  for (const r of w.jobResources.values()) {
    if (r.schedule !== scheduleName) continue;
    unschedule(w, r.name);
    w.addJobResource(r);
  }
}

function createSchedule(w: World, scheduleName: string, given: Given<typeof SCHEDULE>): void {
  if (w.schedules.has(scheduleName)) throw conflict(`Schedule "${scheduleName}" already exists`);
  w.addSchedule(scheduleName, given.Run ?? []);
}

function updateSchedule(w: World, s: ScheduleResource, given: Given<typeof SCHEDULE>, replace: boolean): void {
  const defaults: ScheduleConfig = { Name: s.name, Run: [] };
  w.addSchedule(s.name, merged(replace ? defaults : scheduleConfig(s), given, defaults).Run);
  replanSchedule(w, s.name);
}

function deleteSchedule(w: World, s: ScheduleResource): RemovedResource[] {
  const jobs = jobsWhere(w, (r) => r.schedule === s.name);
  if (jobs.length) throw conflict(`Schedule "${s.name}" is used by ${users(jobs, 'Job')}; change or delete them first`);
  w.schedules.delete(s.name);
  return [{ type: 'Schedule', config: scheduleConfig(s) }];
}

// ------------------------------------------------------------------ dispatch

/** A resource as it was when a delete removed it. */
export type RemovedResource =
  | { type: 'Client'; config: ClientConfig }
  | { type: 'Job'; config: JobConfig }
  | { type: 'FileSet'; config: FileSetConfig }
  | { type: 'Pool'; config: PoolConfig }
  | { type: 'Schedule'; config: ScheduleConfig };

function notFound(type: WritableType, resourceName: string): WorldError {
  return new WorldError('not_found', `${type} resource "${resourceName}" not found`);
}

/** The directives of a write, with `Name` (if given) checked against the name in the request. */
function read<S extends Spec>(w: World, spec: S, type: WritableType, resourceName: string, raw: Directives): Given<S> {
  const what = `${type} "${resourceName}"`;
  name(resourceName, { world: w, what, directive: 'Name' });
  const given = readDirectives(spec, raw, w, what);
  if ('Name' in given && given.Name !== resourceName) {
    throw refuse({ what, directive: 'Name' }, `must be the name the request is about ("${resourceName}"); resources are not renamed`, given.Name);
  }
  return given;
}

/** Creates a resource; 409 when one of that name exists. */
export function createResource(w: World, type: WritableType, resourceName: string, raw: Directives): void {
  switch (type) {
    case 'Client': return createClient(w, resourceName, read(w, CLIENT, type, resourceName, raw));
    case 'Job': return createJob(w, resourceName, read(w, JOB, type, resourceName, raw));
    case 'FileSet': return createFileSet(w, resourceName, read(w, FILESET, type, resourceName, raw));
    case 'Pool': return createPool(w, resourceName, read(w, POOL, type, resourceName, raw));
    case 'Schedule': return createSchedule(w, resourceName, read(w, SCHEDULE, type, resourceName, raw));
  }
}

/**
 * Changes a resource: with `replace` the directives given are the whole
 * resource (the others take their defaults), without it only they change.
 */
export function updateResource(w: World, type: WritableType, resourceName: string, raw: Directives, replace: boolean): void {
  const missing = (): never => {
    throw notFound(type, resourceName);
  };
  switch (type) {
    case 'Client': {
      const c = configuredClient(w, resourceName) ?? missing();
      const given = read(w, CLIENT, type, resourceName, raw);
      const defaults = clientDefaults(w, c);
      return applyClient(w, c, merged(replace ? defaults : clientConfig(w, c), given, defaults));
    }
    case 'Job': return updateJob(w, w.jobResources.get(resourceName) ?? missing(), read(w, JOB, type, resourceName, raw), replace);
    case 'FileSet': return updateFileSet(w, configuredFileSet(w, resourceName) ?? missing(), read(w, FILESET, type, resourceName, raw), replace);
    case 'Pool': return updatePool(w, w.catalog.poolByName(resourceName) ?? missing(), read(w, POOL, type, resourceName, raw), replace);
    case 'Schedule': return updateSchedule(w, w.schedules.get(resourceName) ?? missing(), read(w, SCHEDULE, type, resourceName, raw), replace);
  }
}

/** Deletes a resource and answers what went (a Client takes its Jobs with it). */
export function deleteResource(w: World, type: WritableType, resourceName: string): RemovedResource[] {
  const missing = (): never => {
    throw notFound(type, resourceName);
  };
  switch (type) {
    case 'Client': return deleteClient(w, configuredClient(w, resourceName) ?? missing());
    case 'Job': return deleteJob(w, w.jobResources.get(resourceName) ?? missing());
    case 'FileSet': return deleteFileSet(w, configuredFileSet(w, resourceName) ?? missing());
    case 'Pool': return deletePool(w, w.catalog.poolByName(resourceName) ?? missing());
    case 'Schedule': return deleteSchedule(w, w.schedules.get(resourceName) ?? missing());
  }
}

/** `f(r)` when there is an `r`. */
const ifFound = <R, T>(r: R | undefined, f: (r: R) => T): T | undefined => (r === undefined ? undefined : f(r));

/** The current directives of a writable resource, or undefined when there is none of that name. */
export function resourceConfig(w: World, type: WritableType, resourceName: string): RemovedResource | undefined {
  switch (type) {
    case 'Client': return ifFound(configuredClient(w, resourceName), (c) => ({ type, config: clientConfig(w, c) }));
    case 'Job': return ifFound(w.jobResources.get(resourceName), (r) => ({ type, config: jobConfig(w, r) }));
    case 'FileSet': return ifFound(configuredFileSet(w, resourceName), (f) => ({ type, config: filesetConfig(w, f) }));
    case 'Pool': return ifFound(w.catalog.poolByName(resourceName), (p) => ({ type, config: poolConfig(w, p) }));
    case 'Schedule': return ifFound(w.schedules.get(resourceName), (x) => ({ type, config: scheduleConfig(x) }));
  }
}
