import type { World, WorldSettings } from '../engine/world.js';
import { createResource, deleteResource, updateResource, type Directives, type WritableType } from '../engine/resources.js';
import type { BackupLevel, PoolRecord } from '../engine/types.js';

/**
 * Every change to the world, as data: what the journal records and what
 * replay applies again. Reads never appear here.
 */
export type Command =
  | { op: 'world'; settings: WorldSettings }
  | { op: 'init'; clients: number; error_rate: number; seed: number; history_days: number; settings: WorldSettings }
  | { op: 'reset'; settings: WorldSettings }
  | { op: 'clock'; speed?: number; paused?: boolean }
  | { op: 'advance'; ms: number }
  | { op: 'tick' }
  | { op: 'run'; job: string; level?: BackupLevel; client?: string; fileset?: string; pool?: string; storage?: string; priority?: number; when?: number; comment?: string }
  | { op: 'cancel'; jobid: number }
  | { op: 'restore'; jobid?: number; jobids?: number[]; client?: string; where?: string; files?: number; bytes?: number }
  | { op: 'label'; volume: string; pool: string; storage?: string }
  | { op: 'update_pool'; pool: string; changes: Partial<PoolRecord> }
  | { op: 'purge'; volume: string }
  | { op: 'prune_client'; client: string }
  | { op: 'prune_volume'; volume: string }
  // BVFS: Job.HasCache set (`.bvfs_update`) or cleared (`.bvfs_clear_cache`); jobids null = all
  | { op: 'bvfs_cache'; jobids: number[] | null; cached: boolean }
  // Director configuration resources (engine/resources.ts); directives as the client sent them
  | { op: 'res_create'; resource: WritableType; name: string; directives: Directives }
  | { op: 'res_update'; resource: WritableType; name: string; directives: Directives; replace: boolean }
  | { op: 'res_delete'; resource: WritableType; name: string };

/** A journal record: the command and the virtual time it was applied at. */
export type JournalRecord = Command & { seq: number; t: number };

/**
 * Applies a command to a world already advanced to the command's time.
 * Clock commands only matter to the live clock, which the caller handles.
 */
export function applyCommand(world: World, cmd: Command): unknown {
  switch (cmd.op) {
    case 'world':
    case 'reset':
      world.reset(cmd.settings);
      return null;
    case 'init':
      world.initialize({ clients: cmd.clients, errorRate: cmd.error_rate, seed: cmd.seed, historyDays: cmd.history_days }, cmd.settings);
      return null;
    case 'advance':
      world.advanceTo(world.now + cmd.ms);
      return null;
    case 'clock':
    case 'tick':
      return null;
    case 'run':
      return world.run({ job: cmd.job, level: cmd.level, client: cmd.client, fileset: cmd.fileset, pool: cmd.pool, storage: cmd.storage, priority: cmd.priority, when: cmd.when, comment: cmd.comment });
    case 'cancel':
      return world.cancel(cmd.jobid);
    case 'restore':
      return world.restore({ jobId: cmd.jobid, jobIds: cmd.jobids, client: cmd.client, where: cmd.where, files: cmd.files, bytes: cmd.bytes });
    case 'label':
      return world.label(cmd);
    case 'update_pool':
      return world.updatePool(cmd.pool, cmd.changes);
    case 'purge':
      return world.purgeVolume(cmd.volume);
    case 'prune_client':
      return world.pruneClient(cmd.client);
    case 'prune_volume':
      return world.pruneVolume(cmd.volume);
    case 'bvfs_cache':
      return world.bvfsCache(cmd.jobids, cmd.cached);
    case 'res_create':
      return createResource(world, cmd.resource, cmd.name, cmd.directives);
    case 'res_update':
      return updateResource(world, cmd.resource, cmd.name, cmd.directives, cmd.replace);
    case 'res_delete':
      return deleteResource(world, cmd.resource, cmd.name);
  }
}
