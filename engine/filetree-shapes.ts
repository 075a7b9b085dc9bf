import type { Profile } from './profiles.js';
import { stream, type Rng } from './random.js';

/**
 * What a client's disk looks like, per kind of system (profile `file_tree`,
 * refined by profile key and OS): directories, and for each directory what
 * its files are called, how big they typically are, how many there are
 * relative to the rest, and how they change between backups. filetree.ts
 * turns a shape into a client's directory skeleton and pours each job's
 * files into it.
 *
 * A shape also says what the profile's FileSet backs up: each top-level
 * entry is one Include line, the directory its `path()` names (`/var/vmail`,
 * `/etc`, `C:/`), so the FileSet and the trees cannot disagree
 * (`shapeRoots`, `profileRoots`). Those paths are the same for every client
 * of a profile; what varies (user names, database ids) lies below them.
 */

/**
 * A file's name from its key (slot or position), a time (epoch seconds) and a
 * per-file hash. Must be injective in `key` for a fixed `t`, and in `t` for
 * append directories. `fan` names the sub-directories a directory of these
 * files is spread over when it would hold too many (filetree.ts).
 */
export type Namer = ((key: number, t: number, h: number) => string) & { fan?: (i: number) => string };

export interface FileSpec {
  /** relative share of a Full backup's files */
  w: number;
  /** relative share of an Incremental/Differential's changed files (0: never changes) */
  churn: number;
  /** typical size in bytes; only the proportions between directories matter */
  size: number;
  /** changes arrive as new files (mail, WAL, dumps) rather than rewrites of existing ones */
  append: boolean;
  /** append directories: seconds of history a Full holds */
  span: number;
  /** append directories: the resolution of the time in the names, seconds (the engine spaces files at least this far apart) */
  tick: number;
  /** files of one size (WAL and log segments) rather than many small and a few large */
  even: boolean;
  names: Namer;
  uid: number;
  gid: number;
  /** permission bits */
  perm: number;
}

export interface DirShape {
  name: string;
  files?: FileSpec;
  sub?: DirShape[];
  uid?: number;
  gid?: number;
  perm?: number;
  /** a directory `path()` passes through on its way to the one it names (`var` of `var/vmail`) */
  via?: boolean;
}

export interface ShapeContext {
  rng: Rng;
  profile: Profile;
  /** the client's host name (its name without `-fd`) */
  host: string;
  /** files of the largest Full the profile makes: sizes the repeated parts of the tree */
  scale: number;
}

const DAY = 86_400;
const KB = 1024;
const MB = 1024 * KB;
const GB = 1024 * MB;

// ------------------------------------------------------------------ builders

function files(w: number, size: number, names: Namer, o: Partial<FileSpec> = {}): FileSpec {
  return { w, size, names, churn: 0, append: false, span: 30 * DAY, tick: 1, even: false, uid: 0, gid: 0, perm: 0o644, ...o };
}

function dir(name: string, spec?: FileSpec, ...sub: DirShape[]): DirShape {
  return { name, files: spec, sub };
}

/**
 * `path('var/lib/x', spec, ...)`: the chain of directories, files and
 * children at its end (same names merge). Used at the top of a shape, the
 * directory it names is what the profile's FileSet includes (`/var/lib/x`).
 */
function path(p: string, spec?: FileSpec, ...sub: DirShape[]): DirShape {
  const parts = p.split('/');
  let node: DirShape = dir(parts[parts.length - 1], spec, ...sub);
  for (let i = parts.length - 2; i >= 0; i--) node = { ...dir(parts[i], undefined, node), via: true };
  return node;
}

function owned(shape: DirShape, uid: number, gid: number, perm = 0o755): DirShape {
  return { ...shape, uid, gid, perm };
}

/** A weight multiplier: mailboxes, shares and databases are not all the same size. */
function vary(rng: Rng, spread = 0.8): number {
  const u = Math.max(1e-9, rng.float());
  const normal = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.float());
  return Math.exp(normal * spread);
}

/** How many of a repeated part (users, mailboxes, databases) a client of this scale has. */
function count(c: ShapeContext, perUnit: number, min: number, max: number): number {
  return Math.max(min, Math.min(max, Math.round((c.scale / perUnit) * (0.7 + 0.6 * c.rng.float()))));
}

function pick<T>(rng: Rng, items: readonly T[], n: number): T[] {
  const pool = [...items];
  const out: T[] = [];
  while (out.length < n && pool.length) out.push(pool.splice(rng.int(0, pool.length - 1), 1)[0]);
  return out;
}

/** `n` distinct names made by `make(i)` from random draws; a clash gets a number. */
function distinct(n: number, make: () => string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (let i = 0; out.length < n; i++) {
    let s = make();
    if (seen.has(s)) s = `${s}${i + 2}`;
    if (seen.has(s)) continue;
    seen.add(s);
    out.push(s);
  }
  return out;
}

// ------------------------------------------------------------------ namers

const pad = (n: number, w: number): string => String(n).padStart(w, '0');
const hex = (n: number, w: number): string => (n >>> 0).toString(16).padStart(w, '0');

/** fmix32: a bijection on 32-bit integers, so hex names made from it never clash. */
function mix(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

function utc(t: number): Date {
  return new Date(t * 1000);
}
const ymd = (t: number, sep = ''): string => {
  const d = utc(t);
  return `${d.getUTCFullYear()}${sep}${pad(d.getUTCMonth() + 1, 2)}${sep}${pad(d.getUTCDate(), 2)}`;
};
const hms = (t: number, sep = ''): string => {
  const d = utc(t);
  return `${pad(d.getUTCHours(), 2)}${sep}${pad(d.getUTCMinutes(), 2)}${sep}${pad(d.getUTCSeconds(), 2)}`;
};

/** The listed names first, then `name.1`, `name.2`, ... (old copies). */
function fixed(list: readonly string[]): Namer {
  return (k) => (k < list.length ? list[k] : `${list[k % list.length]}.${Math.floor(k / list.length)}`);
}

function seq(prefix: string, width: number, suffix = '', first = 1): Namer {
  return (k) => `${prefix}${pad(k + first, width)}${suffix}`;
}

/**
 * Names built from word lists (mixed radix over the lists, each started at a
 * random offset so sibling directories differ); past every combination a copy
 * number is added. The lists must not repeat words, and `join` must tell
 * different parts and copies apart.
 */
function combo(rng: Rng, lists: readonly (readonly string[])[], join: (parts: string[], copy: number) => string): Namer {
  const offsets = lists.map((l) => rng.int(0, l.length - 1));
  return (k) => {
    const parts: string[] = [];
    let r = k;
    lists.forEach((l, i) => {
      parts.push(l[(r + offsets[i]) % l.length]);
      r = Math.floor(r / l.length);
    });
    return join(parts, r);
  };
}

const copyMark = (copy: number): string => (copy ? ` (${copy + 1})` : '');

function withFan(names: Namer, fan: (i: number) => string): Namer {
  return Object.assign(names, { fan });
}

/** Sub-directory names from a list, then the list again with a number. */
function folders(list: readonly string[]): (i: number) => string {
  return (i) => (i < list.length ? list[i] : `${list[i % list.length]} ${Math.floor(i / list.length) + 1}`);
}

const DOC_FOLDERS = ['Archive', '2021', '2022', '2023', '2024', '2025', 'Clients', 'Contracts', 'Reports', 'Templates', 'Scans', 'Shared', 'Old', 'Meetings', 'Drafts', 'Invoices', 'Presentations', 'Personal'];
const MONTHS = ['01', '02', '03', '04', '05', '06', '07', '08', '09', '10', '11', '12'];
const MODULES = ['api', 'core', 'internal', 'cmd', 'pkg', 'utils', 'models', 'handlers', 'services', 'storage', 'config', 'middleware', 'tests', 'scripts', 'vendor', 'web', 'cli', 'proto'];
const SYSTEM_DIRS = ['en-US', 'wbem', 'DriverStore', 'catroot', 'spool', 'WindowsPowerShell', 'Tasks', 'LogFiles', 'migration', 'oobe', 'Sysprep', 'Speech', 'downlevel', 'WinMetadata', 'IME', 'Dism', 'MUI', 'zh-CN', 'de-DE', 'fr-FR'];

/** Numbered log rotation (`syslog`, `syslog.1`, `syslog.2.gz`, ...): every file changes daily. */
function rotated(bases: readonly string[]): Namer {
  return (k) => {
    const base = bases[k % bases.length];
    const gen = Math.floor(k / bases.length);
    return gen === 0 ? base : gen === 1 ? `${base}.1` : `${base}.${gen}.gz`;
  };
}

const NOUNS = [
  'Budget', 'Invoice', 'Report', 'Minutes', 'Contract', 'Proposal', 'Forecast', 'Timesheet', 'Presentation', 'Roadmap',
  'Specification', 'Policy', 'Checklist', 'Agreement', 'Quote', 'Statement', 'Summary', 'Plan', 'Review', 'Audit',
  'Schedule', 'Inventory', 'Expenses', 'Payroll', 'Offer', 'Memo', 'Brief', 'Notes', 'Analysis', 'Requirements',
];
const QUALIFIERS = [
  'Q1 2024', 'Q2 2024', 'Q3 2024', 'Q4 2024', 'Q1 2025', 'Q2 2025', 'Q3 2025', 'Q4 2025', '2023', '2024', '2025', 'draft',
  'final', 'v2', 'v3', 'signed', 'approved', 'internal', 'customer', 'January', 'February', 'March', 'April', 'May', 'June',
  'July', 'August', 'September', 'October', 'November', 'December',
];
const DOC_EXTS = ['docx', 'xlsx', 'pdf', 'pptx', 'txt', 'csv', 'odt', 'msg'];

function docs(rng: Rng): Namer {
  return withFan(combo(rng, [NOUNS, QUALIFIERS, DOC_EXTS], ([n, q, e], copy) => `${n} ${q}${copyMark(copy)}.${e}`), folders(DOC_FOLDERS));
}

function photos(rng: Rng, prefix = 'IMG_', ext = 'JPG'): Namer {
  const first = rng.int(1, 8000);
  return withFan((k) => `${prefix}${pad(first + k, 4)}.${ext}`, folders(MONTHS));
}

const CODE_STEMS = [
  'main', 'utils', 'config', 'server', 'client', 'handler', 'models', 'routes', 'index', 'api', 'db', 'auth', 'cache', 'logger',
  'parser', 'worker', 'scheduler', 'types', 'helpers', 'service', 'store', 'queue', 'metrics', 'session', 'errors', 'events',
];
const LANGS = ['.go', '.py', '.ts', '.js', '.java', '.c', '.rs', '.rb', '.php'];

function code(rng: Rng): Namer {
  const ext = LANGS[rng.int(0, LANGS.length - 1)];
  return withFan(combo(rng, [CODE_STEMS], ([s], copy) => `${s}${copy ? `_${copy}` : ''}${ext}`), folders(MODULES));
}

/** Hex names of `width` digits; the first eight are a bijection of the key, so names never clash. */
function hexNames(rng: Rng, suffix = '', width = 8): Namer {
  const salt = rng.int(0, 0x7fffffff);
  return (k) => {
    let x = mix(k ^ salt);
    let s = hex(x, 8);
    while (s.length < width) s += hex((x = mix(x + 0x9e3779b9)), 8);
    return s.slice(0, width) + suffix;
  };
}

/** One random hex word, for directory names fixed when the tree is shaped. */
function hexWord(rng: Rng, width: number): string {
  return hexNames(rng, '', width)(0, 0, 0);
}

// ------------------------------------------------------------------ pools

const FIRST = [
  'james', 'mary', 'john', 'patricia', 'robert', 'jennifer', 'michael', 'linda', 'william', 'elizabeth', 'david', 'barbara',
  'richard', 'susan', 'joseph', 'jessica', 'thomas', 'sarah', 'charles', 'karen', 'daniel', 'nancy', 'matthew', 'lisa',
  'anthony', 'betty', 'mark', 'margaret', 'donald', 'sandra', 'steven', 'ashley', 'paul', 'kimberly', 'andrew', 'emily',
  'joshua', 'donna', 'kevin', 'carol', 'brian', 'amanda', 'george', 'melissa', 'anna', 'lukas', 'sofia', 'mateo', 'chloe',
  'pierre', 'yuki', 'wei', 'priya', 'omar', 'ingrid', 'sven', 'fatima', 'diego', 'elena', 'marco',
];
const LAST = [
  'smith', 'johnson', 'williams', 'brown', 'jones', 'garcia', 'miller', 'davis', 'rodriguez', 'martinez', 'hernandez',
  'lopez', 'gonzalez', 'wilson', 'anderson', 'thomas', 'taylor', 'moore', 'jackson', 'martin', 'lee', 'perez', 'thompson',
  'white', 'harris', 'sanchez', 'clark', 'ramirez', 'lewis', 'robinson', 'walker', 'young', 'allen', 'king', 'wright',
  'scott', 'torres', 'nguyen', 'hill', 'flores', 'green', 'adams', 'nelson', 'baker', 'hall', 'rivera', 'campbell',
  'mitchell', 'carter', 'roberts', 'schmidt', 'muller', 'rossi', 'dubois', 'tanaka', 'kowalski', 'novak', 'silva',
  'jensen', 'larsen',
];
const DOMAINS = ['example.com', 'corp.example.com', 'example.org', 'acme-corp.com', 'northwind.io', 'contoso.com', 'fabrikam.net', 'globex.eu'];
const DEPARTMENTS = ['Finance', 'HR', 'Legal', 'Marketing', 'Sales', 'Engineering', 'IT', 'Operations', 'Procurement', 'Research', 'Support', 'Management', 'Quality', 'Logistics'];
const PROJECTS = [
  'apollo', 'atlas', 'borealis', 'cascade', 'delta', 'ember', 'falcon', 'granite', 'helix', 'ion', 'juniper', 'keystone',
  'lumen', 'meridian', 'nova', 'orion', 'pegasus', 'quartz', 'radiant', 'sierra', 'titan', 'umbra', 'vector', 'willow',
  'xenon', 'yukon', 'zephyr',
];
const DATABASES = ['app', 'billing', 'crm', 'inventory', 'analytics', 'auth', 'orders', 'catalog', 'payments', 'reporting', 'hr', 'wiki', 'ticketing', 'sessions', 'audit', 'shop', 'erp', 'metrics'];
const TABLES = [
  'users', 'accounts', 'orders', 'order_items', 'products', 'customers', 'invoices', 'payments', 'sessions', 'events',
  'audit_log', 'addresses', 'categories', 'inventory', 'shipments', 'tickets', 'comments', 'settings', 'permissions',
  'roles', 'messages', 'notifications', 'subscriptions', 'prices', 'suppliers', 'warehouses', 'reports', 'tags',
];
const VMS = ['web01', 'web02', 'app01', 'app02', 'db01', 'db02', 'dc01', 'mail01', 'proxy01', 'build01', 'monitor01', 'files01', 'vpn01', 'jump01', 'ci01', 'cache01', 'lb01', 'erp01', 'dev01', 'test01', 'staging01', 'backup01', 'k8s-node01', 'k8s-node02', 'win-rds01', 'print01', 'sql01', 'log01'];
const SITES = ['www.example.com', 'shop.example.com', 'blog.example.org', 'intranet.corp.example.com', 'api.example.com', 'docs.example.net', 'status.example.com', 'portal.acme-corp.com'];

function people(rng: Rng, n: number, style: 'login' | 'dotted' | 'first'): string[] {
  return distinct(n, () => {
    const f = FIRST[rng.int(0, FIRST.length - 1)];
    const l = LAST[rng.int(0, LAST.length - 1)];
    return style === 'login' ? `${f[0]}${l}` : style === 'dotted' ? `${f}.${l}` : f;
  });
}

// ------------------------------------------------------------------ Linux basics

const ETC = [
  'hostname', 'hosts', 'resolv.conf', 'fstab', 'passwd', 'group', 'shadow', 'gshadow', 'sudoers', 'crontab', 'environment',
  'locale.conf', 'machine-id', 'os-release', 'profile', 'bash.bashrc', 'nsswitch.conf', 'sysctl.conf', 'login.defs',
  'issue', 'motd', 'timezone', 'chrony.conf', 'services', 'protocols', 'shells', 'inputrc', 'ld.so.conf', 'logrotate.conf',
  'rsyslog.conf', 'host.conf', 'networks', 'mime.types', 'aliases', 'mailname', 'adjtime', 'exports', 'subuid', 'subgid',
];
const SSH = ['sshd_config', 'ssh_config', 'moduli', 'ssh_host_rsa_key', 'ssh_host_rsa_key.pub', 'ssh_host_ecdsa_key', 'ssh_host_ecdsa_key.pub', 'ssh_host_ed25519_key', 'ssh_host_ed25519_key.pub'];
const UNITS = ['bacula-fd.service', 'node_exporter.service', 'backup-prep.service', 'backup-prep.timer', 'cleanup.service', 'cleanup.timer', 'app.service', 'worker@.service'];
const BINS = ['backup-prep.sh', 'rotate-dumps.sh', 'healthcheck', 'deploy.sh', 'cleanup-tmp.sh', 'sync-certs.sh', 'report.py', 'check_disk.sh'];
const LOGS = ['syslog', 'messages', 'auth.log', 'kern.log', 'daemon.log', 'cron', 'secure', 'dpkg.log', 'bacula.log'];
const DOTFILES = ['.bashrc', '.profile', '.bash_history', '.bash_logout', '.vimrc', '.gitconfig', '.viminfo', '.lesshst'];

/** /etc, /root, /usr/local/bin and /var/log, with the service's own pieces added where they belong. */
function system(c: ShapeContext, extra: { etc?: DirShape[]; logs?: string[] } = {}): DirShape[] {
  return [
    dir('etc', files(40, 2 * KB, fixed(ETC), { churn: 0.3 }),
      dir('ssh', files(9, 2 * KB, fixed(SSH))),
      path('systemd/system', files(8, 600, fixed(UNITS))),
      dir('cron.d', files(4, 300, fixed(['bacula', 'logrotate', 'certbot', 'sysstat', 'backup-prep']))),
      dir('logrotate.d', files(6, 300, fixed(['rsyslog', 'bacula', 'apt', 'dpkg', 'nginx', 'postgresql', 'mysql', 'dovecot']))),
      dir('default', files(6, 400, fixed(['grub', 'locale', 'useradd', 'cron', 'rsync', 'ssh']))),
      path('bacula', files(2, 3 * KB, fixed(['bacula-fd.conf', 'bconsole.conf']), { perm: 0o640 })),
      ...(extra.etc ?? [])),
    owned(dir('root', files(8, 3 * KB, fixed(DOTFILES), { churn: 0.1, perm: 0o600 }),
      dir('.ssh', files(3, 700, fixed(['authorized_keys', 'known_hosts', 'id_ed25519', 'id_ed25519.pub']), { perm: 0o600 }))), 0, 0, 0o700),
    path('usr/local/bin', files(6, 6 * KB, fixed(BINS), { perm: 0o755 })),
    path('var/log', files(30, 2 * MB, rotated([...LOGS, ...(extra.logs ?? [])]), { churn: 3, perm: 0o640 })),
  ];
}

function homes(c: ShapeContext, users: string[], base = 'home', weight = 1): DirShape {
  return path(base, undefined, ...users.map((u, i) => owned(dir(u, files(8 * weight, 4 * KB, fixed(DOTFILES), { churn: 0.2, uid: 1000 + i, gid: 1000 + i }),
    dir('Documents', files(60 * weight * vary(c.rng), 300 * KB, docs(c.rng), { churn: 0.5, uid: 1000 + i, gid: 1000 + i })),
    dir('.ssh', files(2, 600, fixed(['authorized_keys', 'known_hosts']), { perm: 0o600, uid: 1000 + i, gid: 1000 + i }))), 1000 + i, 1000 + i, 0o750)));
}

// ------------------------------------------------------------------ mail

function mailLinux(c: ShapeContext): DirShape[] {
  // At most 480 mailboxes of 25 directories each, so the whole system fits the skeleton (MAX_DIRS).
  const users = count(c, 3000, 4, 480);
  const domains = pick(c.rng, DOMAINS, Math.min(users, c.rng.int(1, 4)));
  const names = people(c.rng, users, 'dotted');
  const host = c.host.replace(/[^a-z0-9-]/gi, '');
  const mail: Namer = (_k, t, h) => `${t}.M${100000 + (h % 900000)}P${2000 + ((h >>> 8) % 60000)}.${host}`;
  const seen: Namer = (k, t, h) => `${mail(k, t, h)}:2,${['S', 'RS', 'S', 'FS', 'S', ''][h % 6]}`;
  const vmail = { uid: 5000, gid: 5000, perm: 0o600 };
  const queueId: Namer = (_k, t, h) => `${hex(t, 8).toUpperCase()}${hex(h, 3).slice(0, 3).toUpperCase()}`;
  const folder = (name: string, w: number): DirShape => dir(name, files(w * 0.01, 4 * KB, fixed(['dovecot-uidlist', 'dovecot.index', 'dovecot.index.log']), { ...vmail, churn: w * 0.004 }),
    dir('cur', files(w, 40 * KB, seen, { ...vmail, churn: w * 0.03, append: true, span: 3 * 365 * DAY })),
    dir('new', files(w * 0.002, 30 * KB, mail, { ...vmail, churn: w * 0.01, append: true, span: 2 * DAY })),
    dir('tmp'));
  const mailbox = (u: string): DirShape => {
    const w = 2200 * vary(c.rng, 1);
    return dir(u, undefined, dir('Maildir',
      files(6, 8 * KB, fixed(['dovecot-uidlist', 'dovecot-uidvalidity', 'dovecot.index', 'dovecot.index.cache', 'dovecot.index.log', 'subscriptions', 'maildirsize']), { ...vmail, churn: 3 }),
      dir('cur', files(w, 45 * KB, seen, { ...vmail, churn: 8, append: true, span: 3 * 365 * DAY })),
      dir('new', files(w * 0.003, 30 * KB, mail, { ...vmail, churn: 14, append: true, span: 2 * DAY })),
      dir('tmp'),
      folder('.Sent', w * 0.15), folder('.Drafts', w * 0.005), folder('.Trash', w * 0.04), folder('.Junk', w * 0.03), folder('.Archive', w * 0.3)));
  };
  return [
    owned(path('var/vmail', undefined, ...domains.map((d, di) => dir(d, undefined, ...names.filter((_, i) => i % domains.length === di).map((u) => mailbox(u.split('.').join('')))))), 5000, 5000, 0o770),
    path('var/spool/postfix', undefined,
      dir('deferred', undefined, ...'0123456789ABCDEF'.split('').map((x) => dir(x, files(2, 6 * KB, queueId, { churn: 2, append: true, span: DAY, uid: 89, gid: 89, perm: 0o700 })))),
      dir('active', files(1, 6 * KB, queueId, { churn: 1, append: true, span: DAY, uid: 89, gid: 89, perm: 0o700 })),
      dir('incoming')),
    path('var/lib/dovecot', files(4, 2 * KB, fixed(['instances', 'ssl-parameters.dat', 'dh.pem', 'auth-token-secret.dat']))),
    ...system(c, {
      etc: [
        dir('postfix', files(14, 3 * KB, fixed(['main.cf', 'master.cf', 'virtual', 'virtual.db', 'transport', 'transport.db', 'sasl_passwd', 'sasl_passwd.db', 'header_checks', 'relay_domains', 'access', 'generic', 'aliases.db', 'postfix-files']), { churn: 0.2 })),
        dir('dovecot', files(3, 4 * KB, fixed(['dovecot.conf', 'dovecot-sql.conf.ext', 'users'])),
          dir('conf.d', files(12, 4 * KB, fixed(['10-auth.conf', '10-mail.conf', '10-master.conf', '10-ssl.conf', '15-lda.conf', '15-mailboxes.conf', '20-imap.conf', '20-lmtp.conf', '20-pop3.conf', '90-quota.conf', '90-sieve.conf', 'auth-sql.conf.ext'])))),
        path('opendkim/keys', files(4, KB, fixed(domains.map((d) => `${d}.private`)), { perm: 0o600 })),
      ],
      logs: ['mail.log', 'mail.err', 'maillog'],
    }),
  ];
}

function exchange(c: ShapeContext): DirShape[] {
  const dbs = count(c, 8000, 2, 8);
  const exe = files(600, 900 * KB, winBinaries(c.rng));
  return [
    dir('C:', undefined, ...windowsSystem(c),
      path('Program Files/Microsoft/Exchange Server/V15', undefined,
        dir('Bin', exe),
        dir('Logging', undefined, ...['HttpProxy', 'MessageTracking', 'RPC Client Access', 'MapiHttp'].map((n) => dir(n, files(40, 8 * MB, (_k, t) => `${n.replace(/ /g, '')}_${ymd(t)}${hms(t).slice(0, 2)}-${hms(t).slice(2)}.LOG`, { churn: 10, append: true, span: 30 * DAY })))),
        path('TransportRoles/data/Queue', files(6, 64 * MB, fixed(['mail.que', 'trn.chk', 'trn.log', 'trntmp.log', 'trnres00001.jrs', 'trnres00002.jrs']), { churn: 2 })))),
    dir('E:', undefined, path('ExchangeDatabases', undefined, ...Array.from({ length: dbs }, (_, i) => {
      const db = `DB${pad(i + 1, 2)}`;
      return dir(db, undefined,
        dir(`${db}.db`, files(3, 60 * GB * vary(c.rng, 0.5), fixed([`${db}.edb`, 'tmp.edb', `${db}.edb.jfm`]), { churn: 1.5 })),
        dir(`${db}.log`, files(400, MB, (_k, t) => `E${pad(i, 2)}${hex(t, 8).toUpperCase()}.log`, { churn: 30, append: true, span: 3 * DAY, even: true })));
    }))),
  ];
}

// ------------------------------------------------------------------ databases

interface DbFlavor {
  root: string;
  /** data directory tree: own files and children */
  data: (c: ShapeContext) => DirShape[];
  etc?: DirShape[];
  logs?: string[];
}

const pgWal: Namer = (_k, t) => `00000001${hex(Math.floor(t / 256), 8).toUpperCase()}${hex(t % 256, 8).toUpperCase()}`;
const relfile: Namer = (k, _t, h) => `${16384 + k * 3}${['', '', '', '.1', '_fsm', '_vm', '.2'][h % 7]}`;

function dumps(where: string, names: readonly string[], ext: string, size: number, owner: [number, number], span = 7 * DAY): DirShape {
  return path(where, files(names.length * 7, size, (_k, t, h) => `${names[h % names.length]}-${ymd(t)}-${hms(t)}.${ext}`, { churn: names.length * 2, append: true, span, uid: owner[0], gid: owner[1], perm: 0o640 }));
}

const FLAVORS: Record<string, DbFlavor> = {
  postgresql: {
    root: 'var/lib/pgsql/16', logs: ['postgresql'],
    data: (c) => {
      const dbs = pick(c.rng, DATABASES, count(c, 6000, 3, 12));
      const pg = { uid: 26, gid: 26, perm: 0o600 };
      return [
        dir('data', files(6, 8 * KB, fixed(['PG_VERSION', 'postgresql.conf', 'pg_hba.conf', 'pg_ident.conf', 'postgresql.auto.conf', 'postmaster.opts']), { ...pg, churn: 0.2 }),
          dir('base', undefined, ...dbs.map((_, i) => dir(String(16384 + i * 7 + 1), files(900 * vary(c.rng, 1), 60 * MB, relfile, { ...pg, churn: 300 })))),
          dir('global', files(60, 16 * KB, seq('', 4, '', 1213), { ...pg, churn: 5 })),
          dir('pg_wal', files(64, 16 * MB, pgWal, { ...pg, churn: 120, append: true, span: DAY, even: true }), dir('archive_status')),
          dir('pg_xact', files(4, 256 * KB, seq('', 4, '', 0), { ...pg, churn: 2 })),
          path('pg_multixact/offsets', files(2, 256 * KB, seq('', 4, '', 0), { ...pg, churn: 1 })),
          dir('pg_stat', files(3, 40 * KB, fixed(['pgstat.stat', 'db_0.stat', 'global.stat']), { ...pg, churn: 3 })),
          dir('log', files(7, 20 * MB, fixed(['postgresql-Mon.log', 'postgresql-Tue.log', 'postgresql-Wed.log', 'postgresql-Thu.log', 'postgresql-Fri.log', 'postgresql-Sat.log', 'postgresql-Sun.log']), { ...pg, churn: 2 }))),
        dumps('backups', dbs, 'dump', 2 * GB, [26, 26]),
      ];
    },
  },
  mysql: {
    root: 'var/lib/mysql', logs: ['mysqld.log', 'mysql-slow.log'],
    data: (c) => {
      const my = { uid: 27, gid: 27, perm: 0o640 };
      const dbs = pick(c.rng, DATABASES, count(c, 3000, 3, 14));
      return [
        dir('', files(8, 200 * MB, fixed(['ibdata1', 'ibtmp1', 'mysql.ibd', 'undo_001', 'undo_002', 'auto.cnf', 'binlog.index', 'ib_buffer_pool']), { ...my, churn: 6 })),
        ...dbs.map((db) => dir(db, files(40 * vary(c.rng, 1), 400 * MB, combo(c.rng, [TABLES], ([tb], copy) => `${tb}${copy ? `_${copy}` : ''}.ibd`), { ...my, churn: 20 }))),
        dir('mysql', files(30, MB, combo(c.rng, [TABLES], ([tb], copy) => `${tb}${copy ? `_${copy}` : ''}.ibd`), my)),
        dir('#innodb_redo', files(32, 100 * MB, seq('#ib_redo', 0, '', 520), { ...my, churn: 8 })),
        dir('sys', files(2, 100 * KB, fixed(['sys_config.ibd', 'db.opt']), my)),
      ];
    },
    etc: [dir('my.cnf.d', files(4, 2 * KB, fixed(['server.cnf', 'client.cnf', 'mysql-clients.cnf', 'tuning.cnf'])))],
  },
  mongodb: {
    root: 'var/lib/mongo', logs: ['mongod.log'],
    data: (c) => {
      const mg = { uid: 996, gid: 993, perm: 0o600 };
      return [
        dir('', files(700, 300 * MB, (k, _t, h) => `${k % 3 ? 'index' : 'collection'}-${k}-${1 + (h % 9)}${pad(mix(k) % 1_000_000_000, 9)}${pad(h % 1_000_000_000, 9)}.wt`, { ...mg, churn: 120 })),
        dir('journal', files(4, 100 * MB, (_k, t) => `WiredTigerLog.${pad(t % 10_000_000_000, 10)}`, { ...mg, churn: 10, append: true, span: DAY })),
        dir('diagnostic.data', files(12, 10 * MB, (_k, t) => `metrics.${ymd(t, '-')}T${hms(t, '-')}Z-00000`, { ...mg, churn: 6, append: true, span: 7 * DAY })),
      ];
    },
  },
  oracle: {
    root: 'u01/app/oracle',
    data: (c) => {
      const ora = { uid: 54321, gid: 54322, perm: 0o640 };
      const sid = pick(c.rng, ['ORCL', 'PROD', 'ERP', 'DWH', 'CRM'], 1)[0];
      return [
        path(`oradata/${sid}`, files(40, 8 * GB, fixed(['system01.dbf', 'sysaux01.dbf', 'undotbs01.dbf', 'users01.dbf', 'temp01.dbf', 'control01.ctl', 'redo01.log', 'redo02.log', 'redo03.log', ...Array.from({ length: 30 }, (_, i) => `data_${pad(i + 1, 2)}.dbf`)]), { ...ora, churn: 14 })),
        path(`fast_recovery_area/${sid}`, files(2, 20 * MB, fixed(['control02.ctl', 'control03.ctl']), ora),
          dir('archivelog', files(300, 500 * MB, (_k, t, h) => `o1_mf_1_${t % 1_000_000}_${hex(h, 8)}_.arc`, { ...ora, churn: 60, append: true, span: 3 * DAY })),
          dir('backupset', files(80, 4 * GB, (_k, t, h) => `o1_mf_nnndf_TAG${ymd(t)}T${hms(t)}_${hex(h, 8)}_.bkp`, { ...ora, churn: 10, append: true, span: 7 * DAY })),
          dir('autobackup', files(10, 20 * MB, (_k, t, h) => `o1_mf_s_${t % 1_000_000_000}_${hex(h, 8)}_.bkp`, { ...ora, churn: 2, append: true, span: 7 * DAY }))),
        path('product/19.0.0/dbhome_1', undefined, dir('bin', files(300, 2 * MB, winBinaries(c.rng, 'lib'), { ...ora, perm: 0o755 })), dir('lib', files(500, 4 * MB, combo(c.rng, [['libclntsh', 'libocci', 'libnnz', 'libons', 'libskgxp', 'libodm', 'libcell', 'libsql', 'libxml', 'libjox', 'libnque', 'libagtsh']], ([l], copy) => `${l}${copy ? copy + 10 : ''}.so`), ora)), path('network/admin', files(3, 2 * KB, fixed(['tnsnames.ora', 'listener.ora', 'sqlnet.ora']), ora))),
        path(`diag/rdbms/${sid.toLowerCase()}/${sid}/trace`, files(200, 200 * KB, (_k, t, h) => `${sid}_ora_${10000 + (h % 90000)}_${hex(t, 8)}.trc`, { ...ora, churn: 40, append: true, span: 7 * DAY })),
      ];
    },
  },
  redis: {
    root: 'var/lib/redis', logs: ['redis.log'],
    data: () => {
      const rd = { uid: 997, gid: 995, perm: 0o640 };
      return [
        dir('', files(2, 2 * GB, fixed(['dump.rdb', 'nodes.conf']), { ...rd, churn: 2 })),
        dir('appendonlydir', files(6, 500 * MB, (_k, t) => `appendonly.aof.${t % 100000}.incr.aof`, { ...rd, churn: 4, append: true, span: DAY })),
      ];
    },
    etc: [dir('redis', files(2, 90 * KB, fixed(['redis.conf', 'sentinel.conf'])))],
  },
  elasticsearch: {
    root: 'var/lib/elasticsearch', logs: ['elasticsearch.log', 'gc.log'],
    data: (c) => {
      const es = { uid: 998, gid: 997, perm: 0o660 };
      const indices = count(c, 20000, 5, 40);
      return [dir('indices', undefined, ...Array.from({ length: indices }, () => dir(hexWord(c.rng, 22), undefined,
        ...Array.from({ length: c.rng.int(1, 3) }, (_, s) => dir(String(s), undefined,
          dir('index', files(300 * vary(c.rng), 80 * MB, (k, _t, h) => `_${(k * 3).toString(36)}${['.cfs', '.cfe', '.si'][h % 3]}`, { ...es, churn: 60, append: true, span: 60 * DAY })),
          dir('translog', files(4, 50 * MB, (_k, t) => `translog-${t % 100000}.tlog`, { ...es, churn: 6, append: true, span: DAY })),
          dir('_state', files(1, KB, fixed(['state-1.st']), es)))))))];
    },
  },
  kafka: {
    root: 'var/lib/kafka', logs: ['server.log', 'controller.log'],
    data: (c) => {
      const kf = { uid: 990, gid: 990, perm: 0o644 };
      const topics = pick(c.rng, ['orders', 'payments', 'clickstream', 'audit', 'notifications', 'metrics', 'inventory', 'logs', 'events', 'shipments', '__consumer_offsets'], count(c, 8000, 4, 11));
      return [dir('data', files(5, KB, fixed(['meta.properties', 'recovery-point-offset-checkpoint', 'replication-offset-checkpoint', 'log-start-offset-checkpoint', 'cleaner-offset-checkpoint']), { ...kf, churn: 5 }),
        ...topics.flatMap((tp) => Array.from({ length: c.rng.int(3, 12) }, (_, p) => dir(`${tp}-${p}`, files(60 * vary(c.rng), 400 * MB, (_k, t, h) => `${pad(t * 1000 + (h % 997), 20)}${['.log', '.index', '.timeindex'][h % 3]}`, { ...kf, churn: 30, append: true, span: 7 * DAY })))))];
    },
  },
  ldap: {
    root: 'var/lib/ldap', logs: ['slapd.log'],
    data: () => [dir('', files(2, 2 * GB, fixed(['data.mdb', 'lock.mdb']), { uid: 55, gid: 55, perm: 0o600, churn: 2 })), dumps('../../backups/ldap', ['ldap-config', 'ldap-data'], 'ldif.gz', 40 * MB, [0, 0], 14 * DAY)],
    etc: [path('openldap/slapd.d/cn=config', files(12, 4 * KB, fixed(['cn=schema.ldif', 'olcDatabase={-1}frontend.ldif', 'olcDatabase={0}config.ldif', 'olcDatabase={1}mdb.ldif', 'cn=module{0}.ldif', 'olcBackend={0}mdb.ldif'])))],
  },
  prometheus: {
    root: 'var/lib/prometheus', logs: ['prometheus.log', 'grafana.log'],
    data: (c) => {
      const pm = { uid: 992, gid: 992, perm: 0o644 };
      const blocks = count(c, 3000, 10, 60);
      return [dir('data', files(2, KB, fixed(['queries.active', 'lock']), pm),
        ...Array.from({ length: blocks }, () => dir(`01J${hexWord(c.rng, 24).toUpperCase().slice(0, 23)}`, files(3, 20 * MB, fixed(['index', 'meta.json', 'tombstones']), pm),
          dir('chunks', files(12 * vary(c.rng), 512 * MB, seq('', 6), pm)))),
        dir('wal', files(20, 128 * MB, (_k, t) => pad(t % 100_000_000, 8), { ...pm, churn: 20, append: true, span: 3 * DAY }), dir('checkpoint.00000123')),
        dir('chunks_head', files(10, 128 * MB, (_k, t) => pad(t % 1_000_000, 6), { ...pm, churn: 10, append: true, span: DAY }))),
      path('../grafana', files(3, 200 * MB, fixed(['grafana.db', 'grafana.db-journal', 'alerting.db']), { uid: 472, gid: 472, churn: 3 }))];
    },
  },
};

function flavorOf(p: Profile): string {
  const k = p.key;
  if (/postgres|database_server/.test(k)) return 'postgresql';
  if (/mysql|maria/.test(k)) return 'mysql';
  if (/mongo/.test(k)) return 'mongodb';
  if (/oracle/.test(k)) return 'oracle';
  if (/redis/.test(k)) return 'redis';
  if (/elastic|opensearch/.test(k)) return 'elasticsearch';
  if (/kafka/.test(k)) return 'kafka';
  if (/ldap/.test(k)) return 'ldap';
  if (/monitor|prometheus/.test(k)) return 'prometheus';
  return 'postgresql';
}

/** Resolves `..` in a flavor's extra paths against its data root (`var/lib/x` + `../y` → `var/lib/y`). */
function rooted(root: string, shapes: DirShape[]): DirShape[] {
  return shapes.map((s) => {
    if (s.name === '') return path(root, s.files, ...(s.sub ?? []));
    if (s.name !== '..') return path(root, undefined, s);
    return above(root.split('/').slice(0, -1), s.sub![0]);
  });
}

/** `node` (a `..` resolving further up, or the directory `path()` named) reached through `parts`. */
function above(parts: string[], node: DirShape): DirShape {
  if (node.name === '..') return above(parts.slice(0, -1), node.sub![0]);
  return parts.reduceRight<DirShape>((n, name) => ({ ...dir(name, undefined, n), via: true }), node);
}

function database(c: ShapeContext): DirShape[] {
  if (c.profile.os === 'windows') return mssql(c);
  const fl = FLAVORS[flavorOf(c.profile)];
  const data = fl.data(c);
  return [...rooted(fl.root, data), ...system(c, { etc: fl.etc, logs: fl.logs })];
}

function mssql(c: ShapeContext): DirShape[] {
  const dbs = pick(c.rng, DATABASES, count(c, 3000, 4, 16));
  const root = 'Program Files/Microsoft SQL Server/MSSQL16.MSSQLSERVER/MSSQL';
  return [
    dir('C:', undefined, ...windowsSystem(c),
      path(`${root}/Binn`, files(400, 2 * MB, winBinaries(c.rng))),
      path(`${root}/Log`, files(30, 5 * MB, rotated(['ERRORLOG', 'SQLAGENT.OUT', 'system_health_0_133.xel', 'HkEngineEventFile_0_133.xel']), { churn: 6 }))),
    dir('D:', undefined, path('MSSQL/DATA', files(dbs.length * 2 + 8, 20 * GB, fixed(['master.mdf', 'mastlog.ldf', 'model.mdf', 'modellog.ldf', 'MSDBData.mdf', 'MSDBLog.ldf', 'tempdb.mdf', 'templog.ldf', ...dbs.flatMap((d) => [`${d}.mdf`, `${d}_log.ldf`])]), { churn: dbs.length })),
      path('MSSQL/Backup', files(dbs.length * 14, 8 * GB, (_k, t, h) => `${dbs[h % dbs.length]}_backup_${ymd(t, '_')}_${hms(t)}_${pad(h % 1_000_000, 7)}.bak`, { churn: dbs.length * 3, append: true, span: 14 * DAY }))),
  ];
}

// ------------------------------------------------------------------ Windows

function winBinaries(rng: Rng, prefix = ''): Namer {
  return withFan(combo(rng,
    [['ms', 'win', 'api', 'd3d', 'nt', 'shell', 'user', 'kernel', 'crypt', 'net', 'wmi', 'mf', 'dx', 'rpc', 'ole', 'com', 'sec', 'ts', 'wlan', 'print'],
      ['32', 'base', 'core', 'svc', 'api', 'ui', 'host', 'mgr', 'ext', 'res', 'cfg', 'prov', 'lib', 'util', 'srv'],
      ['.dll', '.exe', '.sys', '.mui']],
    ([a, b, e], copy) => `${prefix}${a}${b}${copy ? `_${copy + 1}` : ''}${e}`), folders(SYSTEM_DIRS));
}

function windowsSystem(c: ShapeContext): DirShape[] {
  const winLogs = (n: string): DirShape => dir(n, files(20, 4 * MB, rotated(['CBS.log', 'DISM.log', 'setupact.log', 'WindowsUpdate.log', 'MpCmdRun.log']), { churn: 3 }));
  return [
    dir('Windows', files(30, 300 * KB, fixed(['explorer.exe', 'regedit.exe', 'notepad.exe', 'win.ini', 'system.ini', 'WindowsUpdate.log', 'bootstat.dat', 'hh.exe', 'splwow64.exe', 'twain_32.dll'])),
      dir('System32', files(1500, 600 * KB, winBinaries(c.rng)),
        dir('drivers', files(300, 200 * KB, winBinaries(c.rng)), dir('etc', files(5, KB, fixed(['hosts', 'lmhosts.sam', 'networks', 'protocol', 'services'])))),
        dir('config', files(12, 60 * MB, fixed(['SAM', 'SECURITY', 'SOFTWARE', 'SYSTEM', 'DEFAULT', 'COMPONENTS', 'DRIVERS', 'BBI', 'ELAM', 'SAM.LOG1', 'SYSTEM.LOG1', 'SOFTWARE.LOG1']), { churn: 6 })),
        path('winevt/Logs', files(60, 20 * MB, combo(c.rng, [['Application', 'Security', 'System', 'Setup', 'Microsoft-Windows-PowerShell%4Operational', 'Microsoft-Windows-TaskScheduler%4Operational', 'Microsoft-Windows-Windows Defender%4Operational', 'Microsoft-Windows-TerminalServices-LocalSessionManager%4Operational']], ([n], copy) => `${n}${copy ? `-${copy}` : ''}.evtx`), { churn: 8 }))),
      dir('SysWOW64', files(800, 500 * KB, winBinaries(c.rng))),
      dir('Temp', files(40, 2 * MB, (_k, t, h) => `tmp${hex(h, 4).toUpperCase()}${hex(t, 4).toUpperCase()}.tmp`, { churn: 10, append: true, span: 7 * DAY })),
      path('Logs', undefined, winLogs('CBS'), winLogs('DISM'))),
    dir('Program Files', undefined, ...['Bacula', 'Microsoft Office', '7-Zip', 'Notepad++', 'Windows Defender', 'VMware/VMware Tools'].map((p) => path(p, files(60 * vary(c.rng), 1 * MB, winBinaries(c.rng))))),
    dir('ProgramData', undefined, path('Microsoft/Windows/Start Menu/Programs', files(30, 2 * KB, combo(c.rng, [['Word', 'Excel', 'Outlook', 'PowerPoint', 'Notepad++', '7-Zip File Manager', 'Bacula Console', 'Remote Desktop Connection', 'Event Viewer', 'Task Scheduler']], ([n], copy) => `${n}${copy ? ` ${copy + 1}` : ''}.lnk`))),
      path('Bacula', files(3, 4 * KB, fixed(['bacula-fd.conf', 'bacula-fd.trace', 'bconsole.conf'])))),
  ];
}

function windowsProfiles(c: ShapeContext, users: string[], weight: number): DirShape {
  return dir('Users', undefined, dir('Public', undefined, dir('Documents', files(10, 200 * KB, docs(c.rng)))),
    ...users.map((u) => dir(u, files(3, 8 * MB, fixed(['NTUSER.DAT', 'ntuser.dat.LOG1', 'ntuser.ini']), { churn: 2 }),
      dir('Desktop', files(15 * weight * vary(c.rng), 400 * KB, docs(c.rng), { churn: 0.5 })),
      dir('Documents', files(120 * weight * vary(c.rng), 600 * KB, docs(c.rng), { churn: 2 })),
      dir('Downloads', files(40 * weight * vary(c.rng), 8 * MB, combo(c.rng, [['setup', 'installer', 'invoice', 'statement', 'report', 'export', 'driver', 'update', 'scan'], ['.exe', '.msi', '.pdf', '.zip', '.csv', '.xlsx']], ([n, e], copy) => `${n}${copy ? `(${copy})` : ''}${e}`), { churn: 1 })),
      dir('Pictures', files(80 * weight * vary(c.rng, 1.2), 3 * MB, photos(c.rng), { churn: 0.5 })),
      path('AppData/Roaming/Microsoft/Signatures', files(4, 20 * KB, fixed(['Default.htm', 'Default.rtf', 'Default.txt', 'Default_files']))),
      path('AppData/Local/Microsoft/Outlook', files(2, 4 * GB, fixed([`${u}@contoso.com.ost`, 'RoamCache']), { churn: 1 })),
      path('AppData/Local/Temp', files(30 * weight, 500 * KB, (_k, t, h) => `~DF${hex(h, 4).toUpperCase()}${hex(t, 4).toUpperCase()}.TMP`, { churn: 4, append: true, span: 14 * DAY })))));
}

function windows(c: ShapeContext): DirShape[] {
  const key = c.profile.key;
  if (/domain_controller/.test(key)) {
    const gpos = count(c, 2500, 8, 60);
    return [dir('C:', undefined, ...windowsSystem(c), windowsProfiles(c, ['Administrator', 'svc_backup'], 0.3),
      path('Windows/NTDS', files(8, 800 * MB, fixed(['ntds.dit', 'edb.chk', 'edb.log', 'edbres00001.jrs', 'edbres00002.jrs', 'edbtmp.log', 'temp.edb', 'ntds.jfm']), { churn: 4 })),
      path('Windows/SYSVOL/domain', undefined,
        dir('Policies', undefined, ...Array.from({ length: gpos }, () => dir(`{${guid(c.rng)}}`, files(1, KB, fixed(['GPT.INI']), { churn: 0.1 }),
          path('Machine/Microsoft/Windows NT/SecEdit', files(1, 4 * KB, fixed(['GptTmpl.inf']))), dir('User', files(1, 2 * KB, fixed(['Registry.pol'])))))),
        dir('scripts', files(20, 4 * KB, combo(c.rng, [['logon', 'map-drives', 'printers', 'inventory', 'cleanup'], ['.bat', '.ps1', '.vbs']], ([n, e], copy) => `${n}${copy ? copy + 1 : ''}${e}`)))))];
  }
  const users = people(c.rng, /terminal/.test(key) ? count(c, 6000, 10, 600) : count(c, 60000, 2, 12), 'dotted');
  const shares = pick(c.rng, DEPARTMENTS, /terminal/.test(key) ? 2 : c.rng.int(4, 9));
  return [
    dir('C:', undefined, ...windowsSystem(c), windowsProfiles(c, ['Administrator', ...users], /terminal/.test(key) ? 1 : 0.5),
      path('inetpub/wwwroot', files(20, 30 * KB, fixed(['iisstart.htm', 'iisstart.png', 'web.config', 'default.aspx']))),
      path('inetpub/logs/LogFiles/W3SVC1', files(60, 20 * MB, (_k, t) => `u_ex${ymd(t).slice(2)}.log`, { churn: 2, append: true, span: 60 * DAY, tick: DAY }))),
    dir('D:', undefined, dir('Shares', undefined, ...shares.map((s) => dir(s, files(400 * vary(c.rng), 900 * KB, docs(c.rng), { churn: 3 }),
      ...pick(c.rng, PROJECTS, c.rng.int(2, 6)).map((p) => dir(p[0].toUpperCase() + p.slice(1), files(300 * vary(c.rng), 1.5 * MB, docs(c.rng), { churn: 2 }))))))),
  ];
}

function guid(rng: Rng): string {
  const h = (n: number): string => Array.from({ length: n }, () => '0123456789ABCDEF'[rng.int(0, 15)]).join('');
  return `${h(8)}-${h(4)}-${h(4)}-${h(4)}-${h(12)}`;
}

// ------------------------------------------------------------------ file servers

function fileserver(c: ShapeContext): DirShape[] {
  const key = c.profile.key;
  const depts = pick(c.rng, DEPARTMENTS, c.rng.int(5, DEPARTMENTS.length));
  const perDir = 700;
  const folders = count(c, perDir * depts.length, 2, 60);
  const share = (name: string, gid: number): DirShape => dir(name, files(50 * vary(c.rng), MB, docs(c.rng), { churn: 1, gid, perm: 0o664 }),
    ...Array.from({ length: folders }, (_, i) => {
      const proj = PROJECTS[i % PROJECTS.length] + (i >= PROJECTS.length ? `-${Math.floor(i / PROJECTS.length) + 1}` : '');
      return dir(proj, files(perDir * vary(c.rng, 1), 1.2 * MB, docs(c.rng), { churn: 2, gid, perm: 0o664 }),
        dir('Archive', files(perDir * 0.6 * vary(c.rng), 2 * MB, docs(c.rng), { gid, perm: 0o664 })),
        dir('Images', files(perDir * 0.3 * vary(c.rng), 3 * MB, photos(c.rng), { churn: 0.5, gid, perm: 0o664 })));
    }));
  if (/nas/.test(key)) {
    return [path('mnt/tank', undefined, ...depts.map((d, i) => share(d.toLowerCase(), 2000 + i)),
      path('media/photos', undefined, ...['2019', '2020', '2021', '2022', '2023', '2024', '2025'].map((y) => dir(y, files(3000 * vary(c.rng), 6 * MB, photos(c.rng, 'DSC_', 'NEF'), { churn: 1 }))))),
    ...freebsdSystem(c)];
  }
  if (/nfs/.test(key)) {
    const users = people(c.rng, count(c, 15000, 10, 400), 'login');
    return [dir('export', undefined, homes(c, users, 'home', 6), dir('projects', undefined, ...depts.map((d, i) => share(d.toLowerCase(), 2000 + i)))),
      ...system(c, { etc: [dir('exports.d', files(3, KB, fixed(['home.exports', 'projects.exports', 'scratch.exports'])))] })];
  }
  if (/backup_proxy/.test(key)) {
    const filers = pick(c.rng, ['netapp01', 'netapp02', 'isilon01', 'unity01', 'powerstore01', 'fas8200'], c.rng.int(2, 4));
    return [path('srv/staging', undefined, ...filers.map((f) => dir(f, undefined, ...pick(c.rng, ['vol_home', 'vol_projects', 'vol_finance', 'vol_eng', 'vol_scratch', 'vol_vmware', 'vol_sql'], c.rng.int(2, 5)).map((v) => share(v, 3000))))),
      path('srv/staging/snapshots', files(40, 200 * GB, (_k, t, h) => `snap-${['lun0', 'lun1', 'lun2', 'lun3'][h % 4]}-${ymd(t)}-${hms(t)}.img`, { churn: 8, append: true, span: 7 * DAY })),
      ...system(c)];
  }
  const users = people(c.rng, count(c, 20000, 10, 300), 'login');
  return [path('srv/samba', undefined, ...depts.map((d, i) => share(d, 2000 + i)),
    dir('profiles', undefined, ...users.map((u) => dir(`${u}.V6`, files(3, 6 * MB, fixed(['NTUSER.DAT', 'ntuser.ini', 'ntuser.pol']), { churn: 1 }), dir('Desktop', files(20, 500 * KB, docs(c.rng), { churn: 1 })))))),
  ...system(c, { etc: [dir('samba', files(4, 8 * KB, fixed(['smb.conf', 'lmhosts', 'smbusers', 'shares.conf']), { churn: 0.1 }))], logs: ['samba/log.smbd', 'samba/log.nmbd'] })];
}

function freebsdSystem(c: ShapeContext): DirShape[] {
  return [
    dir('etc', files(40, 2 * KB, fixed(['rc.conf', 'fstab', 'hosts', 'resolv.conf', 'passwd', 'master.passwd', 'group', 'sysctl.conf', 'loader.conf', 'periodic.conf', 'ntp.conf', 'crontab', 'login.conf', 'syslog.conf', 'newsyslog.conf', 'motd.template']), { churn: 0.2 }), dir('ssh', files(9, 2 * KB, fixed(SSH)))),
    path('usr/local/etc', files(20, 4 * KB, fixed(['bacula-fd.conf', 'smb4.conf', 'sudoers', 'pkg.conf', 'zfsd.conf', 'nginx.conf']), { churn: 0.2 })),
    dir('root', files(6, 3 * KB, fixed(['.cshrc', '.profile', '.history', '.login', '.k5login', '.shrc']), { perm: 0o600 })),
    path('var/log', files(25, 1 * MB, rotated(['messages', 'auth.log', 'security', 'maillog', 'cron', 'daemon.log', 'xferlog', 'bacula.log']), { churn: 3 })),
  ];
}

// ------------------------------------------------------------------ general-purpose

function generic(c: ShapeContext): DirShape[] {
  const key = c.profile.key;
  if (/git/.test(key)) return gitServer(c);
  if (/ci_runner/.test(key)) return ciRunner(c);
  if (/dns|dhcp/.test(key)) {
    const zones = count(c, 400, 10, 150);
    return [path('etc/bind', files(8, 4 * KB, fixed(['named.conf', 'named.conf.options', 'named.conf.local', 'named.conf.default-zones', 'rndc.key', 'bind.keys', 'db.root', 'zones.rfc1918'])),
      dir('zones', files(zones, 40 * KB, combo(c.rng, [[...new Set(DOMAINS.map((d) => d.split('.')[0]))], ['com', 'net', 'org', 'io', 'eu', 'internal', 'lan']], ([n, tld], copy) => `db.${n}${copy ? copy + 1 : ''}.${tld}`), { churn: zones * 0.1 }))),
    path('var/cache/bind', files(zones * 0.5, 60 * KB, combo(c.rng, [['10.in-addr.arpa', '168.192.in-addr.arpa', 'corp', 'dmz', 'lab', 'branch', 'guest']], ([n], copy) => `${n}${copy ? copy + 1 : ''}.jnl`), { churn: zones * 0.1 })),
    path('var/lib/kea', files(12, 30 * MB, (_k, t) => `kea-leases4.csv.${t % 1_000_000}`, { churn: 8, append: true, span: 7 * DAY })),
    ...system(c, { etc: [dir('kea', files(3, 20 * KB, fixed(['kea-dhcp4.conf', 'kea-dhcp6.conf', 'kea-ctrl-agent.conf'])))], logs: ['named.log', 'kea-dhcp4.log'] })];
  }
  if (c.profile.os === 'freebsd') {
    const jails = pick(c.rng, ['www', 'db', 'mail', 'dns', 'proxy', 'build', 'git'], c.rng.int(2, 5));
    return [...freebsdSystem(c), homes(c, people(c.rng, c.rng.int(2, 6), 'login'), 'usr/home'),
      path('usr/local/www', files(300, 20 * KB, code(c.rng), { churn: 2 })),
      path('usr/jails', undefined, ...jails.map((j) => dir(j, undefined, dir('etc', files(30, 2 * KB, fixed(['rc.conf', 'hosts', 'resolv.conf', 'passwd', 'group']), { churn: 0.2 })),
        path('usr/local/etc', files(20, 4 * KB, fixed(['nginx.conf', 'php.ini', 'php-fpm.conf', 'my.cnf', 'postfix.cf']))), path('var/db', files(200 * vary(c.rng), 4 * MB, combo(c.rng, [TABLES], ([tb], copy) => `${tb}${copy ? copy + 1 : ''}.db`), { churn: 20 })),
        path('var/log', files(20, MB, rotated(['messages', 'auth.log', 'cron', 'maillog']), { churn: 3 })))))];
  }
  const users = people(c.rng, c.rng.int(2, 8), 'login');
  const apps = pick(c.rng, ['inventory', 'portal', 'reporting', 'scheduler', 'gateway', 'billing'], c.rng.int(1, 3));
  return [...system(c), homes(c, users),
    path('srv', undefined, ...apps.map((a) => dir(a, files(20, 20 * KB, fixed(['config.yml', 'app.env', 'docker-compose.yml', 'VERSION']), { churn: 1 }),
      dir('lib', files(400 * vary(c.rng), 40 * KB, code(c.rng))), dir('data', files(800 * vary(c.rng), 2 * MB, hexNames(c.rng, '.dat', 16), { churn: 40 })),
      dir('logs', files(30, 8 * MB, rotated([`${a}.log`, 'access.log', 'error.log']), { churn: 6 }))))),
    path('opt', undefined, ...pick(c.rng, ['monitoring-agent', 'vendor-tool', 'java/jdk-17', 'scripts'], 2).map((o) => path(o, files(300 * vary(c.rng), 200 * KB, winBinaries(c.rng, 'lib'))))),
  ];
}

/** A bare repository as Gitaly keeps it: packs, refs, a few files. */
function gitRepo(c: ShapeContext, name: string, o: Partial<FileSpec>): DirShape {
  const branches = ['main', 'develop', 'release', 'feature-login', 'fix-crash', 'hotfix', 'staging', 'feature-api'];
  const pack: Namer = (k, _t, h) => `pack-${hex(h, 8)}${hex(mix(k), 8)}${hex(mix(h + k), 8)}${hex(mix(h ^ 77), 8)}${hex(k, 8)}.${['pack', 'idx', 'rev'][k % 3]}`;
  return dir(name, files(4, 2 * KB, fixed(['HEAD', 'config', 'packed-refs', 'description']), { ...o, churn: 0.5 }),
    path('objects/pack', files(6 * vary(c.rng), 40 * MB, pack, { ...o, churn: 1 })),
    path('objects/info', files(1, 100, fixed(['packs']), o)),
    dir('refs', undefined,
      dir('heads', files(8 * vary(c.rng), 41, combo(c.rng, [branches], ([b], copy) => `${b}${copy ? `-${copy}` : ''}`), { ...o, churn: 1 })),
      dir('tags', files(10 * vary(c.rng), 41, seq('v1.', 0, '.0', 0), o))));
}

function gitServer(c: ShapeContext): DirShape[] {
  const gl = { uid: 998, gid: 998, perm: 0o644 };
  const repos = Array.from({ length: count(c, 2500, 10, 1200) }, () => hexWord(c.rng, 64));
  const shards = new Map<string, string[]>();
  for (const sha of repos) shards.set(sha.slice(0, 2), [...(shards.get(sha.slice(0, 2)) ?? []), sha]);
  const upload: Namer = (k, _t, h) => `${hex(mix(k), 8)}${hex(h, 8)}_${['screenshot.png', 'logo.svg', 'log.txt', 'design.pdf'][h % 4]}`;
  return [
    path('var/opt/gitlab', undefined,
      path('git-data/repositories/@hashed', undefined, ...[...shards].map(([ab, shas]) => dir(ab, undefined,
        ...shas.map((sha) => dir(sha.slice(2, 4), undefined, gitRepo(c, `${sha}.git`, gl)))))),
      path('gitlab-rails/uploads/@hashed', files(500, 800 * KB, upload, { ...gl, churn: 6 })),
      dir('backups', files(10, 30 * GB, (_k, t) => `${t}_${ymd(t, '_')}_16.11.2_gitlab_backup.tar`, { ...gl, churn: 1, append: true, span: 10 * DAY, perm: 0o600 }))),
    ...system(c, { etc: [dir('gitlab', files(3, 100 * KB, fixed(['gitlab.rb', 'gitlab-secrets.json', 'initial_root_password']), { perm: 0o600 }))], logs: ['gitlab/production.log', 'gitlab/sidekiq.log'] }),
  ];
}

/** A CI checkout: sources, a dependency cache rewritten by every build, build output. */
function ciProject(c: ShapeContext, name: string): DirShape {
  const artefacts = combo(c.rng, [['app', 'worker', 'cli', 'bundle', 'vendor', 'main'], ['.o', '.a', '.js', '.map', '.tar.gz']], ([n, e], copy) => `${n}${copy ? `-${copy}` : ''}${e}`);
  return path(`platform/${name}`, files(20, 6 * KB, fixed(['README.md', 'Makefile', 'Dockerfile', '.gitlab-ci.yml', 'go.mod', 'go.sum', 'package.json', 'package-lock.json']), { churn: 10 }),
    dir('src', files(300 * vary(c.rng), 12 * KB, code(c.rng), { churn: 60 })),
    path('node_modules/.cache', files(800 * vary(c.rng), 40 * KB, hexNames(c.rng, '.json', 16), { churn: 150 })),
    dir('build', files(120 * vary(c.rng), 2 * MB, artefacts, { churn: 120 })));
}

function ciRunner(c: ShapeContext): DirShape[] {
  const projects = count(c, 20000, 5, 120);
  const slots = c.rng.int(2, 4);
  return [
    owned(path('home/gitlab-runner', undefined,
      path(`builds/${hexWord(c.rng, 8)}`, undefined, ...Array.from({ length: slots }, (_, slot) => dir(String(slot), undefined,
        ...pick(c.rng, PROJECTS, Math.ceil(projects / slots)).map((p) => ciProject(c, p))))),
      dir('cache', undefined, ...pick(c.rng, PROJECTS, Math.ceil(projects / 6)).map((p) => path(`platform/${p}/default-protected`, files(3, 600 * MB, fixed(['cache.zip', 'metadata.json', 'cache.zip.sha256']), { churn: 3 }))))), 999, 999),
    ...system(c, { etc: [dir('gitlab-runner', files(2, 4 * KB, fixed(['config.toml', 'config.toml.lock']), { perm: 0o600 }))] }),
  ];
}

// ------------------------------------------------------------------ containers

function container(c: ShapeContext): DirShape[] {
  const key = c.profile.key;
  const pods = (n: number): DirShape => path('var/log/pods', undefined, ...Array.from({ length: n }, () => {
    const app = pick(c.rng, ['api', 'web', 'worker', 'redis', 'postgres', 'nginx-ingress', 'coredns', 'prometheus', 'fluent-bit', 'cert-manager'], 1)[0];
    return dir(`default_${app}-${hexWord(c.rng, 10).slice(0, 10)}-${hexWord(c.rng, 5).slice(0, 5)}_${guid(c.rng).toLowerCase()}`, undefined,
      dir(app, files(4, 10 * MB, rotated(['0.log']), { churn: 3 })));
  }));
  if (/master/.test(key)) {
    return [
      path('etc/kubernetes', files(4, 6 * KB, fixed(['admin.conf', 'controller-manager.conf', 'kubelet.conf', 'scheduler.conf']), { perm: 0o600 }),
        dir('manifests', files(4, 4 * KB, fixed(['etcd.yaml', 'kube-apiserver.yaml', 'kube-controller-manager.yaml', 'kube-scheduler.yaml']))),
        dir('pki', files(16, 2 * KB, fixed(['ca.crt', 'ca.key', 'apiserver.crt', 'apiserver.key', 'apiserver-etcd-client.crt', 'apiserver-etcd-client.key', 'apiserver-kubelet-client.crt', 'apiserver-kubelet-client.key', 'front-proxy-ca.crt', 'front-proxy-ca.key', 'front-proxy-client.crt', 'front-proxy-client.key', 'sa.key', 'sa.pub']), { perm: 0o600 }),
          dir('etcd', files(8, 2 * KB, fixed(['ca.crt', 'ca.key', 'healthcheck-client.crt', 'healthcheck-client.key', 'peer.crt', 'peer.key', 'server.crt', 'server.key']), { perm: 0o600 })))),
      path('var/lib/etcd/member', undefined, dir('snap', files(6, 2 * GB, (_k, t) => `${hex(0, 16)}-${hex(t, 16)}.snap`, { churn: 3, append: true, span: 3 * DAY }), dir('db')),
        dir('wal', files(5, 64 * MB, (_k, t) => `${hex(t % 65536, 16)}-${hex(t, 16)}.wal`, { churn: 2, append: true, span: DAY }))),
      path('var/backups/etcd', files(28, 2 * GB, (_k, t) => `snapshot-${ymd(t)}-${hms(t)}.db`, { churn: 4, append: true, span: 14 * DAY })),
      path('var/lib/kubelet/pki', files(3, 3 * KB, fixed(['kubelet-client-current.pem', 'kubelet.crt', 'kubelet.key']))),
      pods(count(c, 4000, 8, 40)), ...system(c)];
  }
  if (/node/.test(key)) {
    const n = count(c, 25000, 6, 60);
    return [
      path('var/lib/kubelet/pods', undefined, ...Array.from({ length: n }, () => dir(guid(c.rng).toLowerCase(), files(2, KB, fixed(['etc-hosts', 'containers']), { churn: 0.5 }),
        path(`volumes/kubernetes.io~csi/pvc-${guid(c.rng).toLowerCase()}/mount`, files(3000 * vary(c.rng, 1.2), 300 * KB, hexNames(c.rng, '.bin', 16), { churn: 120 }))))),
      path('var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots', undefined, ...Array.from({ length: count(c, 40000, 10, 80) }, (_, i) => path(`${i + 1}/fs/usr/lib`, files(900 * vary(c.rng), 120 * KB, winBinaries(c.rng, 'lib'))))),
      pods(n), ...system(c)];
  }
  const stacks = pick(c.rng, ['traefik', 'nextcloud', 'gitea', 'grafana', 'postgres', 'wordpress', 'minio', 'mattermost', 'keycloak', 'uptime-kuma'], count(c, 250000, 3, 10));
  return [
    path('opt/stacks', undefined, ...stacks.map((s) => dir(s, files(3, 3 * KB, fixed(['docker-compose.yml', '.env', 'README.md']), { churn: 0.3 })))),
    path('var/lib/docker/volumes', undefined, ...stacks.map((s) => path(`${s}_data/_data`, files(6000 * vary(c.rng, 1.2), 400 * KB, hexNames(c.rng, '.dat', 16), { churn: 300 })))),
    path('var/lib/docker/containers', undefined, ...stacks.map(() => dir(hexWord(c.rng, 64), files(5, 20 * MB, fixed(['config.v2.json', 'hostconfig.json', 'hostname', 'hosts', 'resolv.conf']), { churn: 2 })))),
    ...system(c, { etc: [dir('docker', files(2, KB, fixed(['daemon.json', 'key.json'])))] }),
  ];
}

// ------------------------------------------------------------------ SAP

function sap(c: ShapeContext): DirShape[] {
  const sid = pick(c.rng, ['PRD', 'QAS', 'DEV', 'ERP', 'BWP', 'S4P'], 1)[0];
  const adm = { uid: 1001, gid: 79 };
  if (/hana/.test(c.profile.key)) {
    const vols = count(c, 6000, 2, 6);
    return [
      path('hana/data', undefined, path(`${sid}/mnt00001`, undefined, ...Array.from({ length: vols }, (_, i) => dir(`hdb0000${i + 1}${i ? `.0000${i + 2}` : ''}`, files(1, 400 * GB, fixed(['datavolume_0000.dat', 'datavolume_0001.dat']), { ...adm, churn: 1 }))))),
      path('hana/log', undefined, path(`${sid}/mnt00001`, undefined, ...Array.from({ length: vols }, (_, i) => dir(`hdb0000${i + 1}${i ? `.0000${i + 2}` : ''}`, files(40, GB, (_k, t) => `logsegment_000_${pad(t % 100_000_000, 8)}.dat`, { ...adm, churn: 10, append: true, span: DAY, even: true }))))),
      path('usr/sap', undefined, path(`${sid}/HDB00/backup`, undefined,
        dir('data', files(20, 200 * GB, (_k, t, h) => `COMPLETE_DATA_BACKUP_${ymd(t)}_${hms(t)}_databackup_${h % 4}_1`, { ...adm, churn: 4, append: true, span: 14 * DAY })),
        dir('log', files(600, 200 * MB, (_k, t, h) => `log_backup_${2 + (h % 3)}_0_${t}_${t + 900}.${t * 1000}`, { ...adm, churn: 80, append: true, span: 7 * DAY })))),
      path('usr/sap', undefined, path(`${sid}/HDB00/${c.host}/trace`, files(200, 2 * MB, (_k, t, h) => `${['indexserver', 'nameserver', 'xsengine', 'compileserver'][h % 4]}_${c.host}.30003.${t}.trc`, { ...adm, churn: 30, append: true, span: 14 * DAY }))),
      ...system(c)];
  }
  return [
    path('usr/sap', undefined, path(`${sid}/DVEBMGS00`, undefined,
      dir('exe', files(2500, 3 * MB, winBinaries(c.rng, 'sap'), adm)),
      dir('work', files(120, 4 * MB, rotated(['dev_disp', 'dev_ms', 'dev_rd', 'dev_w0', 'dev_w1', 'dev_w2', 'dev_w3', 'dev_w4', 'dev_icm', 'dev_enq', 'available.log', 'sapstart.log']), { ...adm, churn: 30 })),
      dir('log', files(60, 10 * MB, (_k, t) => `SLOG${pad(t % 100, 2)}.${t}`, { ...adm, churn: 8, append: true, span: 30 * DAY })))),
    path('usr/sap/trans', undefined,
      dir('data', files(3000, 2 * MB, (_k, t) => `R${pad(Math.floor(t / 60) % 10_000_000, 7)}.${sid}`, { ...adm, churn: 40, append: true, span: 365 * DAY, tick: 60 })),
      dir('cofiles', files(3000, 4 * KB, (_k, t) => `K${pad(Math.floor(t / 60) % 10_000_000, 7)}.${sid}`, { ...adm, churn: 40, append: true, span: 365 * DAY, tick: 60 })),
      dir('log', files(2000, 60 * KB, (_k, t, h) => `${sid}${['A', 'E', 'G', 'H', 'I', 'P', 'R', 'V', 'X'][h % 9]}${pad(Math.floor(t / 60) % 10_000_000, 7)}.${sid}`, { ...adm, churn: 40, append: true, span: 365 * DAY, tick: 60 })),
      dir('buffer', files(1, 2 * MB, fixed([sid]), { ...adm, churn: 1 }))),
    path('sapmnt', undefined, dir(sid, undefined, dir('profile', files(4, 8 * KB, fixed(['DEFAULT.PFL', `${sid}_DVEBMGS00_${c.host}`, `${sid}_ASCS01_${c.host}`, 'START_DVEBMGS00']), adm)),
      dir('global', files(40, 200 * KB, hexNames(c.rng, '.dat'), { ...adm, churn: 3 })))),
    ...system(c)];
}

// ------------------------------------------------------------------ hypervisors

function hypervisor(c: ShapeContext): DirShape[] {
  const key = c.profile.key;
  const vms = pick(c.rng, VMS, count(c, 60, 4, VMS.length));
  if (c.profile.os === 'windows') {
    return [dir('C:', undefined, ...windowsSystem(c)),
      path('C:/ClusterStorage/Volume1', undefined, ...vms.map((vm) => dir(vm, undefined,
        dir('Virtual Hard Disks', files(1.5, 120 * GB * vary(c.rng), fixed([`${vm}.vhdx`, `${vm}_data.vhdx`, `${vm}_logs.vhdx`]), { churn: 1.5 })),
        dir('Virtual Machines', files(3, 2 * MB, fixed((() => {
          const id = guid(c.rng);
          return [`${id}.vmcx`, `${id}.vmrs`, `${id}.vmgs`];
        })()), { churn: 3 })))))];
  }
  if (/esxi|vmware/.test(key)) {
    return [path('vmfs/volumes/datastore1', undefined, ...vms.map((vm) => dir(vm, files(9, 80 * GB * vary(c.rng), fixed([`${vm}-flat.vmdk`, `${vm}.vmdk`, `${vm}.vmx`, `${vm}.nvram`, `${vm}.vmsd`, `${vm}.vmxf`, 'vmware.log', 'vmware-1.log', 'vmware-2.log']), { churn: 5 }))))];
  }
  const ids = vms.map((_, i) => 100 + i);
  return [
    path('var/lib/vz/images', undefined, ...ids.map((id) => dir(String(id), files(1.5, 100 * GB * vary(c.rng), fixed([`vm-${id}-disk-0.qcow2`, `vm-${id}-disk-1.qcow2`]), { churn: 1.5 })))),
    path('var/lib/vz/dump', files(ids.length * 3, 60 * GB, (_k, t, h) => `vzdump-qemu-${ids[h % ids.length]}-${ymd(t, '_')}-${hms(t, '_')}.vma.zst`, { churn: ids.length, append: true, span: 7 * DAY })),
    path('etc/pve', files(6, 2 * KB, fixed(['storage.cfg', 'user.cfg', 'datacenter.cfg', 'corosync.conf', 'vzdump.cron', 'authkey.pub'])), path('qemu-server', files(ids.length, 1 * KB, fixed(ids.map((id) => `${id}.conf`)), { churn: 0.5 }))),
    ...system(c),
  ];
}

// ------------------------------------------------------------------ IoT, workstations, web

function iot(c: ShapeContext): DirShape[] {
  const sensors = pick(c.rng, ['temp', 'humidity', 'vibration', 'power', 'door', 'pressure', 'flow', 'gps'], c.rng.int(3, 8));
  return [
    path('opt/edge-agent', files(6, 3 * MB, fixed(['edge-agent', 'edge-agent.sig', 'VERSION', 'LICENSE', 'modbus-bridge', 'mqtt-forwarder']), { perm: 0o755 }), dir('plugins', files(20, 600 * KB, combo(c.rng, [sensors], ([s], copy) => `${s}${copy ? copy + 1 : ''}.so`)))),
    path('var/lib/telemetry/buffer', undefined, ...sensors.map((s) => dir(s, files(600 * vary(c.rng), 200 * KB, (_k, t) => `${s}-${ymd(t)}T${hms(t)}.jsonl.gz`, { churn: 80, append: true, span: 7 * DAY })))),
    ...system(c, { etc: [dir('edge-agent', files(5, 2 * KB, fixed(['agent.yaml', 'devices.yaml', 'mqtt.crt', 'mqtt.key', 'ca.pem']), { churn: 0.2 }))] }),
  ];
}

function workstation(c: ShapeContext): DirShape[] {
  if (c.profile.os === 'windows') return [dir('C:', undefined, ...windowsSystem(c), windowsProfiles(c, people(c.rng, c.rng.int(1, 2), 'dotted'), 6))];
  const mac = c.profile.os === 'macos';
  const user = people(c.rng, 1, mac ? 'first' : 'login')[0];
  const u = { uid: mac ? 501 : 1000, gid: mac ? 20 : 1000 };
  const projects = pick(c.rng, PROJECTS, c.rng.int(3, 10));
  const home = dir(user, files(10, 4 * KB, fixed(DOTFILES), { ...u, churn: 1 }),
    dir('Documents', files(1500 * vary(c.rng), 700 * KB, docs(c.rng), { ...u, churn: 10 }), ...pick(c.rng, DEPARTMENTS, 3).map((d) => dir(d, files(400 * vary(c.rng), 900 * KB, docs(c.rng), { ...u, churn: 3 })))),
    dir('Desktop', files(60, 500 * KB, docs(c.rng), { ...u, churn: 4 })),
    dir('Downloads', files(500 * vary(c.rng), 12 * MB, combo(c.rng, [['setup', 'installer', 'invoice', 'statement', 'report', 'export', 'data', 'slides', 'paper'], ['.dmg', '.pdf', '.zip', '.tar.gz', '.iso', '.csv', '.pkg']], ([n, e], copy) => `${n}${copy ? `-${copy}` : ''}${e}`), { ...u, churn: 15 })),
    dir('Pictures', undefined, ...['2021', '2022', '2023', '2024', '2025'].map((y) => dir(y, files(2500 * vary(c.rng), 4 * MB, photos(c.rng), { ...u, churn: 4 })))),
    dir(mac ? 'Developer' : 'Projects', undefined, ...projects.map((p) => dir(p, files(12, 4 * KB, fixed(['README.md', 'Makefile', '.gitignore', 'go.mod', 'package.json', 'LICENSE']), { ...u, churn: 3 }),
      dir('src', files(600 * vary(c.rng, 1), 14 * KB, code(c.rng), { ...u, churn: 60 })),
      path('.git/objects/pack', files(6, 30 * MB, (k, _t, h) => `pack-${hex(h, 8)}${hex(mix(k + 11), 8)}${hex(mix(h), 8)}${hex(mix(k ^ h), 8)}${hex(k, 8)}.${['pack', 'idx', 'rev'][k % 3]}`, { ...u, churn: 4 }))))),
    ...(mac
      ? [path('Library/Application Support', undefined, ...['Slack', 'Code', 'Google/Chrome/Default', 'Mozilla/Firefox/Profiles/x7k2m9.default-release'].map((a) => path(a, files(300 * vary(c.rng), 300 * KB, hexNames(c.rng, '', 16), { ...u, churn: 50 })))),
        path('Library/Preferences', files(400, 8 * KB, combo(c.rng, [['com.apple', 'com.microsoft', 'com.google', 'org.mozilla', 'com.tinyspeck'], ['finder', 'dock', 'Safari', 'Terminal', 'Word', 'Excel', 'Chrome', 'firefox', 'slackmacgap', 'loginwindow', 'screensaver', 'spotlight']], ([a, b], copy) => `${a}.${b}${copy ? copy + 1 : ''}.plist`), { ...u, churn: 20 })),
        path('Library/Mail/V10', files(2000 * vary(c.rng), 60 * KB, seq('', 0, '.emlx', 1), { ...u, churn: 60 }))]
      : [path('.config', undefined, ...['Code/User', 'google-chrome/Default', 'libreoffice/4/user', 'gtk-3.0'].map((a) => path(a, files(80 * vary(c.rng), 40 * KB, hexNames(c.rng, '', 16), { ...u, churn: 20 })))),
        path('.mozilla/firefox/x7k2m9.default-release', files(60, 4 * MB, fixed(['places.sqlite', 'cookies.sqlite', 'formhistory.sqlite', 'key4.db', 'logins.json', 'prefs.js', 'sessionstore.jsonlz4', 'favicons.sqlite', 'permissions.sqlite', 'storage.sqlite']), { ...u, churn: 8 })),
        path('.local/share/Trash/files', files(80, 2 * MB, docs(c.rng), { ...u, churn: 5 }))]));
  return mac
    ? [dir('Users', undefined, owned(home, u.uid, u.gid, 0o750), dir('Shared', files(5, 100 * KB, docs(c.rng)))), dir('Applications', undefined, ...['Slack.app', 'Visual Studio Code.app', 'Firefox.app'].map((a) => path(`${a}/Contents`, files(8, 30 * MB, fixed(['Info.plist', 'PkgInfo', 'CodeResources']))))), path('etc', files(10, 2 * KB, fixed(['hosts', 'paths', 'shells', 'sudoers', 'sshd_config'])))]
    : [dir('home', undefined, owned(home, u.uid, u.gid, 0o750)), ...system(c)];
}

function web(c: ShapeContext): DirShape[] {
  const www = { uid: 33, gid: 33 };
  if (/nextcloud/.test(c.profile.key)) {
    const users = people(c.rng, count(c, 15000, 10, 400), 'login');
    const versioned = (mark: string): Namer => {
      const doc = docs(c.rng);
      return (k, t, h) => `${doc(k, t, h)}.${mark}${t}`;
    };
    return [
      path('var/www/nextcloud', files(12, 20 * KB, fixed(['index.php', 'cron.php', 'status.php', 'remote.php', 'public.php', 'version.php', 'occ', '.htaccess', '.user.ini', 'robots.txt', 'console.php', 'AUTHORS']), www),
        dir('config', files(3, 8 * KB, fixed(['config.php', 'config.sample.php', '.htaccess']), { ...www, churn: 0.2, perm: 0o640 })),
        dir('apps', undefined, ...['calendar', 'contacts', 'deck', 'files_pdfviewer', 'mail', 'notes', 'richdocuments', 'spreed', 'groupfolders'].map((a) => dir(a, files(300 * vary(c.rng), 20 * KB, code(c.rng), www)))),
        dir('lib', files(3000, 15 * KB, code(c.rng), www))),
      owned(path('srv/nextcloud-data', files(3, 4 * KB, fixed(['nextcloud.log', 'index.html', '.ocdata']), { ...www, churn: 1 }),
        ...users.map((usr) => dir(usr, undefined,
          dir('files', undefined, dir('Documents', files(600 * vary(c.rng, 1), MB, docs(c.rng), { ...www, churn: 8 })), path('Photos/2024', files(900 * vary(c.rng, 1.2), 4 * MB, photos(c.rng), { ...www, churn: 10 }))),
          dir('files_versions', files(200 * vary(c.rng), MB, versioned('v'), { ...www, churn: 12, append: true, span: 30 * DAY })),
          dir('files_trashbin', files(60 * vary(c.rng), MB, versioned('d'), { ...www, churn: 3, append: true, span: 30 * DAY }))))), 33, 33, 0o770),
      dumps('var/backups/nextcloud', ['nextcloud-db'], 'sql.gz', 3 * GB, [0, 0], 14 * DAY),
      ...system(c, { etc: [dir('nginx', files(3, 4 * KB, fixed(['nginx.conf', 'mime.types', 'fastcgi_params'])), dir('conf.d', files(2, 4 * KB, fixed(['nextcloud.conf', 'ssl.conf']))))], logs: ['nginx/access.log', 'nginx/error.log'] }),
    ];
  }
  const sites = pick(c.rng, SITES, count(c, 60000, 2, SITES.length));
  return [
    path('var/www', undefined, ...sites.map((s) => dir(s, files(4, 4 * KB, fixed(['.htaccess', 'wp-config.php', 'robots.txt', 'composer.json']), { ...www, churn: 0.2 }),
      dir('public', files(20, 30 * KB, fixed(['index.php', 'wp-login.php', 'wp-cron.php', 'xmlrpc.php', 'wp-settings.php', 'wp-load.php', 'wp-blog-header.php', 'favicon.ico', 'license.txt', 'readme.html']), www),
        dir('wp-includes', files(900, 25 * KB, code(c.rng), www)),
        dir('wp-admin', files(500, 25 * KB, code(c.rng), www)),
        path('wp-content/plugins', undefined, ...pick(c.rng, ['woocommerce', 'akismet', 'yoast-seo', 'contact-form-7', 'wordfence', 'jetpack', 'elementor'], c.rng.int(2, 5)).map((p) => dir(p, files(400 * vary(c.rng), 20 * KB, code(c.rng), { ...www, churn: 2 })))),
        path('wp-content/uploads', undefined, ...['2023', '2024', '2025'].map((y) => dir(y, undefined, ...['01', '02', '03', '04', '05', '06', '07', '08', '09', '10', '11', '12'].map((m) => dir(m, files(120 * vary(c.rng), 400 * KB, photos(c.rng, 'image-', 'jpg'), { ...www, churn: 3 }))))))),
      dir('logs', files(14, 30 * MB, rotated(['access.log', 'error.log']), { ...www, churn: 4 }))))),
    ...system(c, { etc: [dir('nginx', files(3, 4 * KB, fixed(['nginx.conf', 'mime.types', 'fastcgi_params'])), dir('sites-available', files(sites.length, 3 * KB, fixed(sites))), dir('sites-enabled', files(sites.length, 3 * KB, fixed(sites)))),
      path('php/8.2/fpm/pool.d', files(sites.length, 2 * KB, fixed(sites.map((s) => `${s}.conf`)))),
      path('letsencrypt/live', undefined, ...sites.map((s) => dir(s, files(4, 3 * KB, fixed(['cert.pem', 'chain.pem', 'fullchain.pem', 'privkey.pem']), { churn: 1, perm: 0o600 }))))], logs: ['nginx/access.log', 'nginx/error.log', 'php8.2-fpm.log'] }),
  ];
}

const SHAPES: Record<string, (c: ShapeContext) => DirShape[]> = {
  maildir: (c) => (c.profile.os === 'windows' ? exchange(c) : mailLinux(c)),
  database, windows, fileserver, generic, container, sap, hypervisor, iot, workstation, web,
};

/**
 * The top directories of a client of this profile: for Windows the drives
 * (`C:`, `D:`), otherwise the children of `/`. An unknown `file_tree` gets the
 * general-purpose server shape.
 */
export function shapeOf(c: ShapeContext): DirShape[] {
  return (SHAPES[c.profile.file_tree] ?? generic)(c);
}

/**
 * The Include lines a shape's top entries name, in order, each once and none
 * inside another: `/var/vmail`, `/etc`, ... (Unix) or `C:/`, `E:/` (Windows).
 */
export function shapeRoots(tops: readonly DirShape[], windows: boolean): string[] {
  const roots: string[] = [];
  for (const top of tops) {
    const names: string[] = [];
    for (let node: DirShape | undefined = top; node; node = node.via ? node.sub?.[0] : undefined) names.push(node.name);
    roots.push(windows ? (names.length === 1 ? `${names[0]}/` : names.join('/')) : `/${names.join('/')}`);
  }
  const within = (a: string, b: string): boolean => a === b || a.startsWith(b.endsWith('/') ? b : `${b}/`);
  return roots.filter((r, i) => roots.indexOf(r) === i && !roots.some((o) => o !== r && within(r, o)));
}

const profileRootCache = new WeakMap<Profile, string[]>();

/**
 * What the FileSet of a profile's clients includes: the roots of its shape,
 * drawn once from a fixed stream (they do not depend on the draws).
 */
export function profileRoots(profile: Profile): string[] {
  let roots = profileRootCache.get(profile);
  if (!roots) {
    const tops = shapeOf({ rng: stream(0, 'fileset-roots', profile.key), profile, host: 'host', scale: Math.max(1, profile.typical_files_max) });
    roots = shapeRoots(tops, profile.os === 'windows');
    profileRootCache.set(profile, roots);
  }
  return roots;
}

/**
 * What a FileSet's Include line finds where the client's disk has nothing
 * (a FileSet written through the API naming `/data`): documents, an archive
 * by year, data files spread over sixteen directories, and logs, so a job
 * of any size spreads out. 27 directories.
 */
export function fillerShape(rng: Rng, name: string): DirShape {
  return dir(name, files(30, 400 * KB, docs(rng), { churn: 2 }),
    dir('archive', undefined, ...['2019', '2020', '2021', '2022', '2023', '2024', '2025'].map((y) => dir(y, files(40, MB, docs(rng), { churn: 0.05 })))),
    dir('data', files(10, 2 * MB, hexNames(rng, '.dat', 16), { churn: 2 }), ...Array.from({ length: 16 }, (_, i) => dir(hex(i, 2), files(100, 2 * MB, hexNames(rng, '.dat', 16), { churn: 15 })))),
    dir('logs', files(20, 8 * MB, rotated(['app.log', 'access.log', 'error.log', 'audit.log']), { churn: 4 })));
}

/** Directories `fillerShape` makes. */
export const FILLER_DIRS = 27;
