/*
 * The kept copy is a tar archive of a PostgreSQL data folder, as PGlite's
 * dumpDataDir('none') writes it, and PGlite unpacks it with tinytar into the
 * folder PostgreSQL then starts from. tinytar takes any member name (`..`
 * included), treats an unknown type as a regular file, writes what a member
 * holds wherever its name says, and gunzips what it cannot read, which
 * throws outside the caller's reach. So the archive is read here first,
 * block by block as tinytar reads it, and refused unless every member is a
 * folder or a regular file of PostgreSQL's own layout, written as PGlite
 * writes it; that is what keeps a shared object, a link, a device or a path
 * outside the folder from ever reaching PGlite. The members that pass are
 * what the demo unpacks into a new database folder itself
 * (unpackKeptCopy.ts); a database in memory gets the checked bytes.
 */

const BLOCK = 512;
/** More members than a data folder of the demo's has (under 500) by far, and few enough to check at once. */
const MAX_MEMBERS = 20_000;
/** What PGlite's tar writer puts in the magic field (POSIX ustar, version 00). */
const USTAR = 'ustar\u000000';

/** Folders of a PostgreSQL data folder (PostgreSQL's storage layout), relative to it. */
const FOLDERS = new Set([
  'base',
  'global',
  'pg_commit_ts',
  'pg_dynshmem',
  'pg_logical',
  'pg_logical/mappings',
  'pg_logical/snapshots',
  'pg_multixact',
  'pg_multixact/members',
  'pg_multixact/offsets',
  'pg_notify',
  'pg_replslot',
  'pg_serial',
  'pg_snapshots',
  'pg_stat',
  'pg_stat_tmp',
  'pg_subtrans',
  'pg_tblspc',
  'pg_twophase',
  'pg_wal',
  'pg_wal/archive_status',
  'pg_wal/summaries',
  'pg_xact',
]);
const DATABASE_FOLDER = /^base\/\d+$/;

/**
 * The data files PostgreSQL writes there: relations and their forks and
 * segments, the control and map files, WAL segments, SLRU segments and the
 * configuration. Not prepared transactions, replication slots, tablespace
 * links or logical-decoding state, which a fresh database never has.
 */
const FILES = [
  /^(PG_VERSION|postgresql\.conf|postgresql\.auto\.conf|pg_hba\.conf|pg_ident\.conf|postmaster\.pid|postmaster\.opts)$/,
  /^global\/(pg_control|pg_filenode\.map|pg_internal\.init|\d+(_fsm|_vm|_init)?(\.\d+)?)$/,
  /^base\/\d+\/(PG_VERSION|pg_filenode\.map|pg_internal\.init|\d+(_fsm|_vm|_init)?(\.\d+)?)$/,
  /^pg_wal\/[0-9A-F]{24}$/,
  /^(pg_xact|pg_subtrans|pg_commit_ts|pg_notify|pg_serial|pg_multixact\/offsets|pg_multixact\/members)\/[0-9A-F]{4,15}$/,
  /^pg_logical\/replorigin_checkpoint$/,
  /^pg_stat\/pgstat\.stat$/,
];

/**
 * The settings PostgreSQL's initdb writes into postgresql.conf. Nothing
 * else is taken: `shared_preload_libraries` and its kin load code, and
 * `include` reads other files.
 */
const SETTINGS = new Set([
  'max_connections',
  'shared_buffers',
  'dynamic_shared_memory_type',
  'max_wal_size',
  'min_wal_size',
  'log_file_mode',
  'log_timezone',
  'autovacuum_worker_slots',
  'datestyle',
  'timezone',
  'lc_messages',
  'lc_monetary',
  'lc_numeric',
  'lc_time',
  'default_text_search_config',
]);
const SETTING_LINE = /^\s*([a-z_]+)\s*=?\s*('[\w .,:/+-]*'|[\w.:/+-]+)\s*(#.*)?$/;
const COMMENT_LINE = /^\s*(#.*)?$/;

/**
 * A WebAssembly module starts so: the one thing PGlite can load as code (a side module, by dlopen) from its file
 * system.
 */
const WASM_MAGIC = [0x00, 0x61, 0x73, 0x6d];

const latin1 = (bytes: Uint8Array): string => String.fromCharCode(...bytes);

/** A header field holding text, up to its first NUL; null when it has none, or anything but NULs after it. */
function textField(header: Uint8Array, offset: number, length: number): string | null {
  const field = header.subarray(offset, offset + length);
  const end = field.indexOf(0);
  if (end < 0 || field.subarray(end).some((byte) => byte !== 0)) return null;
  return latin1(field.subarray(0, end));
}

/**
 * A header number as PGlite's writer formats it (octal digits, then NULs or spaces); null for anything else, base-256
 * included.
 */
function octalField(header: Uint8Array, offset: number, length: number): number | null {
  const match = /^([0-7]{1,11})[\0 ]*$/.exec(latin1(header.subarray(offset, offset + length)));
  return match?.[1] === undefined ? null : parseInt(match[1], 8);
}

/** tinytar's checksum: every byte of the header with the checksum field read as spaces, modulo 8^6. */
function checksum(header: Uint8Array): number {
  let sum = 0;
  for (let index = 0; index < BLOCK; index += 1) sum += index >= 148 && index < 156 ? 0x20 : (header[index] ?? 0);
  return sum % 262_144;
}

const isZero = (bytes: Uint8Array): boolean => bytes.every((byte) => byte === 0);

/** Why a configuration file's text could make PostgreSQL load or read anything, or null. */
function configurationProblem(name: string, data: Uint8Array): string | null {
  const lines = new TextDecoder('utf-8', { fatal: false }).decode(data).split('\n');
  for (const line of lines) {
    if (COMMENT_LINE.test(line)) continue;
    const setting = name === 'postgresql.conf' ? SETTING_LINE.exec(line) : null;
    if (setting?.[1] === undefined || !SETTINGS.has(setting[1].toLowerCase()))
      return `${name} sets more than initdb's settings`;
  }
  return null;
}

interface Header {
  readonly name: string;
  readonly folder: boolean;
  readonly size: number;
}

/** A member's header, if it is one PGlite writes: a folder or a regular file, no link, a plain name; else why not. */
function readHeader(header: Uint8Array): Header | string {
  if (latin1(header.subarray(257, 265)) !== USTAR) return 'is not a tar archive PGlite wrote';
  if (octalField(header, 148, 8) !== checksum(header)) return 'has a damaged member header';
  const type = header[156];
  if (type !== 0x30 && type !== 0x35)
    return 'holds a member that is neither a folder nor a regular file (a link, a device, a FIFO or an extension header)';
  // The link name, and tinytar's prefix field, which it never joins to the name as other readers would.
  if (!isZero(header.subarray(157, 257)) || !isZero(header.subarray(345, 476)))
    return 'holds a link or a name split across fields';
  const name = textField(header, 0, 100);
  const size = octalField(header, 124, 12);
  if (name === null || size === null) return 'has a damaged member header';
  const folder = type === 0x35;
  if (folder && size !== 0) return 'has a damaged member header';
  return { name, folder, size };
}

/**
 * Where a member lands in the data folder, relative to it, if its name is PGlite's form (`/base/5/1259`) of a path
 * inside it; else null.
 */
function relativeName(name: string): string | null {
  if (!name.startsWith('/')) return null;
  const relative = name.slice(1);
  const parts = relative.split('/');
  return parts.every((part) => /^[\w.-]+$/.test(part) && part !== '.' && part !== '..') ? relative : null;
}

/** Why a member is not a data file or folder of PostgreSQL's, or null. */
function memberProblem(member: Header, relative: string, data: Uint8Array): string | null {
  if (member.folder)
    return FOLDERS.has(relative) || DATABASE_FOLDER.test(relative)
      ? null
      : `holds ${relative}/, which is no folder of PostgreSQL's`;
  if (!FILES.some((pattern) => pattern.test(relative)))
    return `holds ${relative}, which is no data file of PostgreSQL's`;
  if (WASM_MAGIC.every((byte, index) => data[index] === byte))
    return `holds ${relative}, which is a WebAssembly module`;
  if (relative === 'postgresql.conf' || relative === 'postgresql.auto.conf')
    return configurationProblem(relative, data);
  return null;
}

/** One member of a kept copy that passed every check: where it goes in the data folder, and what it holds. */
export interface KeptMember {
  /** Relative to the data folder, `base/5/1259`: plain names only, none `.` or `..`. */
  readonly relative: string;
  readonly folder: boolean;
  /** A file's bytes, a view into the archive; empty for a folder. */
  readonly data: Uint8Array;
}

/**
 * The members of `archive` in order, when it is a kept copy the demo may
 * hand to PGlite or unpack itself; else why it is not. Members are read as
 * tinytar reads them (a header, its data rounded up to 512 bytes, until two
 * zero blocks), so both see the same members; whatever PGlite's writer never
 * writes is refused, and the archive must end in zeros.
 */
export function readKeptCopy(
  archive: Uint8Array,
): { readonly members: readonly KeptMember[] } | { readonly problem: string } {
  const refused = (problem: string) => ({ problem });
  if (archive.length % BLOCK !== 0 || archive.length < 3 * BLOCK) return refused('is not a tar archive PGlite wrote');
  const members: KeptMember[] = [];
  const names = new Set<string>();
  let offset = 0;
  while (archive.length - offset >= BLOCK) {
    const member = readHeader(archive.subarray(offset, offset + BLOCK));
    if (typeof member === 'string') return refused(member);
    offset += BLOCK;
    if (offset + member.size > archive.length) return refused('ends inside a member');
    const relative = relativeName(member.name);
    if (relative === null)
      return refused(`holds ${JSON.stringify(member.name)}, a path that is not inside the data folder`);
    if (names.has(relative)) return refused(`holds ${relative} twice`);
    names.add(relative);
    if (names.size > MAX_MEMBERS) return refused(`holds more than ${String(MAX_MEMBERS)} members`);
    const data = archive.subarray(offset, offset + member.size);
    const problem = memberProblem(member, relative, data);
    if (problem !== null) return refused(problem);
    members.push({ relative, folder: member.folder, data });
    offset += Math.ceil(member.size / BLOCK) * BLOCK;
    // tinytar stops at the first two zero blocks (or fewer, at the very end): so does this, and all after must be
    // zeros.
    if (isZero(archive.subarray(offset, offset + 2 * BLOCK))) break;
  }
  if (!isZero(archive.subarray(offset))) return refused('holds data after its end');
  if (!names.has('PG_VERSION') || !names.has('global/pg_control')) return refused('is not a PostgreSQL data folder');
  return { members };
}

/** Why `archive` is not a kept copy the demo may use (readKeptCopy), or null when it is one. */
export function keptCopyProblem(archive: Uint8Array): string | null {
  const read = readKeptCopy(archive);
  return 'problem' in read ? read.problem : null;
}
