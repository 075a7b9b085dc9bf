import type { FileVersion, TreeEntry } from '../../engine/filetree.js';

/**
 * BVFS rows as JSON objects: the columns of the Director's tab-separated
 * `.bvfs_*` output (reference/bacula-wire.md §6.2) under lower-case names,
 * numbers as JSON numbers. Directory names end with `/` (`.` and `..` do not);
 * LStat is Bacula's base64 stat string.
 */

/** A `.bvfs_lsdirs` row: the FilenameId column is always 0 for a directory. */
export function dirRow(e: TreeEntry) {
  return { pathid: e.pathId, filenameid: 0, fileid: e.fileId, jobid: e.jobId, lstat: e.lstat, name: e.name };
}

/** A `.bvfs_lsfiles` row: since 11.x (no Filename table) FilenameId repeats the FileId. */
export function fileRow(e: TreeEntry) {
  return { pathid: e.pathId, filenameid: e.fileId, fileid: e.fileId, jobid: e.jobId, lstat: e.lstat, name: e.name };
}

/** A `.bvfs_versions` row: a file row plus the MD5 (base64, unpadded) and the volume it is on. */
export function versionRow(v: FileVersion) {
  return { ...fileRow(v), md5: v.md5, volumename: v.volumeName, inchanger: v.inChanger };
}

/** A restore list (`.bvfs_restore path=b2...`): its name, the jobs it reads and what it selects. */
export function restoreListRow(l: { path: string; jobIds: readonly number[]; files: number; bytes: number }) {
  return { path: l.path, jobids: [...l.jobIds], files: l.files, bytes: l.bytes };
}
