import type { PGlite } from '@electric-sql/pglite';

/*
 * A demo database holds ECHO's tables and nothing that runs: no function,
 * trigger, rule, policy or language of its own (createStandaloneTables and
 * createStandaloneWorkTables make plain tables, indexes, sequences and one
 * foreign key). A database that holds any did not come from the demo, and
 * running the demo on it would run that code (a function bound to a
 * WebAssembly module, a trigger that loops): it is refused before anything
 * else is asked of it. Objects initdb made have object ids below 16384
 * (PostgreSQL's FirstNormalObjectId); anything made later has one above.
 */

/**
 * The functions the demo's column defaults call: gen_random_uuid(), nextval() for serial ids, and varchar's length
 * coercion of ARRAY[]::varchar[].
 */
const DEFAULT_FUNCTIONS = ['gen_random_uuid', 'nextval', 'varchar'];
/** The expression nodes those defaults are made of, as PostgreSQL stores them (pg_node_tree). */
const DEFAULT_NODES = ['CONST', 'FUNCEXPR', 'ARRAYEXPR', 'ARRAYCOERCEEXPR', 'CASETESTEXPR'];

const CHECKS: readonly (readonly [string, string])[] = [
  ['functions of its own', 'SELECT 1 FROM pg_proc WHERE oid >= 16384'],
  // Every library PostgreSQL itself loads is named $libdir/<name>; a path names a file of anyone's.
  [
    'a function in a library outside PostgreSQL’s own',
    "SELECT 1 FROM pg_proc WHERE probin IS NOT NULL AND probin !~ '^\\$libdir/[a-z0-9_]+$'",
  ],
  ['languages of its own', 'SELECT 1 FROM pg_language WHERE oid >= 16384'],
  ['extensions of its own', 'SELECT 1 FROM pg_extension WHERE oid >= 16384'],
  // The foreign key's own triggers are internal and call PostgreSQL's RI_FKey_ functions.
  [
    'triggers',
    "SELECT 1 FROM pg_trigger t WHERE NOT t.tgisinternal OR NOT EXISTS (SELECT 1 FROM pg_proc p WHERE p.oid = t.tgfoid AND p.proname LIKE 'RI\\_FKey\\_%')",
  ],
  ['event triggers', 'SELECT 1 FROM pg_event_trigger'],
  ['rules or views of its own', 'SELECT 1 FROM pg_rewrite WHERE oid >= 16384'],
  ['row security policies', 'SELECT 1 FROM pg_policy'],
  ['settings of a database or role', 'SELECT 1 FROM pg_db_role_setting'],
  // A large object's bytes could be written out as a file (lo_export) for PostgreSQL to load.
  ['large objects', 'SELECT 1 FROM pg_largeobject_metadata'],
  [
    'a default, check or index expression the demo does not make',
    `WITH trees AS (
       SELECT adbin::text AS tree FROM pg_attrdef WHERE oid >= 16384
       UNION ALL SELECT conbin::text FROM pg_constraint WHERE oid >= 16384 AND conbin IS NOT NULL
       UNION ALL SELECT indexprs::text FROM pg_index WHERE indexrelid >= 16384 AND indexprs IS NOT NULL
       UNION ALL SELECT indpred::text FROM pg_index WHERE indexrelid >= 16384 AND indpred IS NOT NULL
     )
     SELECT 1 FROM trees, regexp_matches(tree, '\\{([A-Z_]+)', 'g') AS node WHERE node[1] <> ALL ($1::text[])
     UNION ALL
     SELECT 1 FROM trees, regexp_matches(tree, ':funcid (\\d+)', 'g') AS call
       WHERE NOT EXISTS (SELECT 1 FROM pg_proc p WHERE p.oid = call[1]::oid AND p.proname = ANY ($2::text[]))`,
  ],
];

/** What a loaded database holds that a demo database never does, or null when it holds nothing of the kind. */
export async function catalogProblem(db: PGlite): Promise<string | null> {
  // One statement: each check is a column, so the catalog is asked once.
  const columns = CHECKS.map(([, query], index) => `EXISTS (${query}) AS c${String(index)}`).join(', ');
  const { rows } = await db.query<Record<string, unknown>>(`SELECT ${columns}`, [DEFAULT_NODES, DEFAULT_FUNCTIONS]);
  const first = rows[0] ?? {};
  const found = CHECKS.filter((_, index) => first[`c${String(index)}`] !== false).map(([what]) => what);
  return found.length === 0 ? null : `holds ${found.join(', ')}`;
}
