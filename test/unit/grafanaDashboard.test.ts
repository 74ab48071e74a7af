import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

/**
 * The Grafana dashboard in deploy/grafana: importable as it is, one data
 * source variable and one instance variable for a fleet, and every query on
 * metrics that /metrics exposes (the table in docs/metrics.md), each filtered
 * to the chosen instances.
 */

const DASHBOARD_PATH = new URL('../../deploy/grafana/delegator-monitor.json', import.meta.url);
const METRICS_DOC_PATH = new URL('../../docs/metrics.md', import.meta.url);

const DATASOURCE = '${datasource}';
const INSTANCE_MATCHER = 'instance=~"$instance"';
/** Prometheus' own series for a target, which the dashboard may read beside the monitor's. */
const PROMETHEUS_OWN = new Set(['up']);
/** Grafana's own variables, which a query may use beside the dashboard's. */
const GRAFANA_VARIABLES = new Set(['__rate_interval', '__interval', '__range']);

const datasourceRefSchema = z.object({ type: z.string(), uid: z.string() });
const targetSchema = z.object({ refId: z.string(), expr: z.string().min(1), datasource: datasourceRefSchema });
const gridPosSchema = z.object({
  h: z.number().int().positive(),
  w: z.number().int().positive(),
  x: z.number().int().nonnegative(),
  y: z.number().int().nonnegative(),
});
const overrideSchema = z.object({
  matcher: z.object({ id: z.string(), options: z.unknown() }),
  properties: z.array(z.object({ id: z.string(), value: z.unknown() })),
});
const transformationSchema = z.object({ id: z.string(), options: z.record(z.string(), z.unknown()) });

interface Panel {
  readonly id: number;
  readonly type: string;
  readonly title: string;
  readonly gridPos: z.infer<typeof gridPosSchema>;
  readonly datasource?: z.infer<typeof datasourceRefSchema> | null | undefined;
  readonly targets?: ReadonlyArray<z.infer<typeof targetSchema>> | undefined;
  readonly panels?: readonly Panel[] | undefined;
  readonly fieldConfig?:
    | {
        readonly defaults: { readonly unit?: string | undefined };
        readonly overrides: ReadonlyArray<z.infer<typeof overrideSchema>>;
      }
    | undefined;
  readonly transformations?: ReadonlyArray<z.infer<typeof transformationSchema>> | undefined;
}

const panelSchema: z.ZodType<Panel> = z.lazy(() =>
  z.object({
    id: z.number().int(),
    type: z.string(),
    title: z.string().min(1),
    gridPos: gridPosSchema,
    datasource: datasourceRefSchema.nullish(),
    targets: z.array(targetSchema).optional(),
    panels: z.array(panelSchema).optional(),
    fieldConfig: z
      .object({ defaults: z.object({ unit: z.string().optional() }), overrides: z.array(overrideSchema) })
      .optional(),
    transformations: z.array(transformationSchema).optional(),
  }),
);

const variableSchema = z.object({
  name: z.string(),
  type: z.string(),
  query: z.union([z.string(), z.object({ query: z.string() })]).optional(),
  datasource: datasourceRefSchema.nullish(),
  multi: z.boolean().optional(),
  includeAll: z.boolean().optional(),
});

const dashboardSchema = z.object({
  uid: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/),
  title: z.string().min(1),
  schemaVersion: z.number().int(),
  templating: z.object({ list: z.array(variableSchema) }),
  panels: z.array(panelSchema).min(1),
});

const raw: unknown = JSON.parse(readFileSync(DASHBOARD_PATH, 'utf8'));
const dashboard = dashboardSchema.parse(raw);

/** Every panel, those inside rows included. */
function allPanels(panels: readonly Panel[]): Panel[] {
  return panels.flatMap((panel) => [panel, ...allPanels(panel.panels ?? [])]);
}
const panels = allPanels(dashboard.panels);
const queryPanels = panels.filter((panel) => panel.type !== 'row');
const queries = queryPanels.flatMap((panel) =>
  (panel.targets ?? []).map((target) => ({ panel: panel.title, refId: target.refId, expr: target.expr })),
);

/** The metric names in the first column of the table under "## The metrics" in docs/metrics.md. */
function documentedMetrics(markdown: string): Set<string> {
  const section = markdown.split(/^## /m).find((part) => part.startsWith('The metrics'));
  if (section === undefined) throw new Error('docs/metrics.md has no "## The metrics" section');
  const names = new Set<string>();
  for (const line of section.split('\n')) {
    if (!line.startsWith('|')) continue;
    const firstCell = line.split('|')[1] ?? '';
    for (const match of firstCell.matchAll(/`([a-zA-Z_:][a-zA-Z0-9_:]*)`/g))
      if (match[1] !== undefined) names.add(match[1]);
  }
  return names;
}
const documented = documentedMetrics(readFileSync(METRICS_DOC_PATH, 'utf8'));

/**
 * The text with what sits between the given delimiters blanked, length kept, so positions still point into the
 * original.
 */
function blank(text: string, pattern: RegExp): string {
  return text.replace(pattern, (found) => found.replace(/[^\n]/g, ' '));
}
/** String literals blanked (their quotes kept), so nothing in a label value reads as a name. */
const withoutStrings = (expr: string): string =>
  expr.replace(
    /"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g,
    (found) => `${found[0] ?? ''}${' '.repeat(found.length - 2)}${found[0] ?? ''}`,
  );

const KEYWORDS = new Set([
  'and',
  'or',
  'unless',
  'bool',
  'offset',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'inf',
  'nan',
]);

/**
 * The metric names a PromQL expression selects, each with where it stands:
 * identifiers outside strings, label matchers, ranges and grouping lists
 * that are neither functions (followed by a parenthesis) nor keywords.
 */
function metricSelectors(expr: string): Array<{ name: string; index: number }> {
  let masked = withoutStrings(expr);
  masked = blank(masked, /\{[^}]*\}/g);
  masked = blank(masked, /\[[^\]]*\]/g);
  masked = blank(masked, /\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g);
  const found: Array<{ name: string; index: number }> = [];
  for (const match of masked.matchAll(/(?<![\w:$.])[a-zA-Z_:][\w:]*/g)) {
    const name = match[0];
    const after = masked.slice(match.index + name.length);
    if (/^\s*\(/.test(after) || KEYWORDS.has(name.toLowerCase())) continue;
    found.push({ name, index: match.index });
  }
  return found;
}

/** The label matchers right after a selected name (`{…}`), or null where it has none. */
function matchersAfter(expr: string, name: string, index: number): string | null {
  const strings = withoutStrings(expr);
  const rest = strings.slice(index + name.length);
  const open = /^\s*\{/.exec(rest);
  if (open === null) return null;
  const start = index + name.length + open[0].length - 1;
  const end = strings.indexOf('}', start);
  return end === -1 ? null : expr.slice(start, end + 1);
}

describe('PromQL metric names, as the dashboard test reads them', () => {
  it.each([
    ['delegator_agents{instance=~"$instance"}', ['delegator_agents']],
    ['sum by (instance, role) (delegator_agent_cpu_ratio{instance=~"$instance"})', ['delegator_agent_cpu_ratio']],
    ['time() - delegator_snapshot_timestamp_seconds{instance=~"$instance"}', ['delegator_snapshot_timestamp_seconds']],
    ['a{kind="ram"} / ignoring(kind) b', ['a', 'b']],
    ['rate(c_total{job="x_y"}[$__rate_interval]) * 1e3 > bool 0', ['c_total']],
    ['max_over_time(sum by (instance) (g{instance=~"$instance"})[1d:1m]) offset 5m', ['g']],
    ['up{job="delegator-monitor", note="delegator_fake"} == 0 or on(instance) vector(0)', ['up']],
  ])('%s selects %j', (expr, names) => {
    expect(metricSelectors(expr).map((selector) => selector.name)).toEqual(names);
  });
});

describe('the Grafana dashboard', () => {
  it('is a Grafana 10/11 JSON model to import as it is: a uid, no id, a recent schema', () => {
    expect(raw).not.toHaveProperty('id');
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
    expect(dashboard.uid).toBe('delegator-monitor');
  });

  it('asks for a Prometheus data source through a datasource variable', () => {
    const variable = dashboard.templating.list.find((entry) => entry.name === 'datasource');
    expect(variable).toMatchObject({ type: 'datasource', query: 'prometheus' });
  });

  it('chooses machines through an instance variable: every monitor, several at once, or all', () => {
    const variable = dashboard.templating.list.find((entry) => entry.name === 'instance');
    expect(variable).toMatchObject({
      type: 'query',
      multi: true,
      includeAll: true,
      datasource: { type: 'prometheus', uid: DATASOURCE },
    });
    const query = typeof variable?.query === 'object' ? variable.query.query : variable?.query;
    expect(query).toBe('label_values(delegator_build_info, instance)');
  });

  it('reads every panel and every query from the chosen data source', () => {
    expect(queryPanels.length).toBeGreaterThan(0);
    for (const panel of queryPanels) {
      expect(panel.datasource, panel.title).toEqual({ type: 'prometheus', uid: DATASOURCE });
      expect(panel.targets?.length ?? 0, `${panel.title} has no query`).toBeGreaterThan(0);
      for (const target of panel.targets ?? [])
        expect(target.datasource, `${panel.title} ${target.refId}`).toEqual({ type: 'prometheus', uid: DATASOURCE });
    }
  });

  it('reads the metric names from the table in docs/metrics.md', () => {
    expect(documented.size).toBeGreaterThan(20);
    for (const name of [
      'delegator_build_info',
      'delegator_gpu_memory_total_bytes',
      'delegator_gpu_memory_used_bytes',
      'delegator_source_entries_dropped_total',
    ])
      expect(documented).toContain(name);
  });

  it("names only metrics /metrics exposes, and Prometheus' own up", () => {
    const allowed = new Set([...documented, ...PROMETHEUS_OWN]);
    for (const { panel, refId, expr } of queries) {
      const names = metricSelectors(expr).map((selector) => selector.name);
      expect(names.length, `${panel} ${refId} selects no metric: ${expr}`).toBeGreaterThan(0);
      for (const name of names) expect(allowed, `${panel} ${refId}: ${name}`).toContain(name);
      // Every delegator_ name is caught by the parse above, however it is written.
      for (const match of withoutStrings(expr).matchAll(/delegator_[a-z0-9_]+/g))
        expect(documented, `${panel} ${refId}: ${match[0]}`).toContain(match[0]);
      expect(expr, `${panel} ${refId} selects by __name__`).not.toContain('__name__');
    }
  });

  it('filters every selected series to the chosen instances', () => {
    for (const { panel, refId, expr } of queries) {
      for (const { name, index } of metricSelectors(expr)) {
        const matchers = matchersAfter(expr, name, index);
        expect(matchers, `${panel} ${refId}: ${name} in ${expr}`).not.toBeNull();
        expect(matchers, `${panel} ${refId}: ${name} in ${expr}`).toContain(INSTANCE_MATCHER);
      }
    }
  });

  it("uses no variable but its own and Grafana's", () => {
    const own = new Set(dashboard.templating.list.map((entry) => entry.name));
    for (const { panel, refId, expr } of queries) {
      for (const match of expr.matchAll(/\$\{?(\w+)/g)) {
        const name = match[1] ?? '';
        expect(own.has(name) || GRAFANA_VARIABLES.has(name), `${panel} ${refId}: $${name}`).toBe(true);
      }
    }
  });

  it('shows bytes as bytes, ages as seconds and shares as percentages', () => {
    /** The unit a query's result is in, where its shape says so. */
    const unitOf = (expr: string): string | null => {
      const names = metricSelectors(expr).map((selector) => selector.name);
      if (/\btime\(\)\s*-|-\s*time\(\)/.test(expr) && names.every((name) => name.endsWith('_seconds'))) return 's';
      if (expr.includes('/') && names.every((name) => name.endsWith('_bytes'))) return 'percentunit';
      if (names.every((name) => name.endsWith('_bytes'))) return 'bytes';
      if (names.every((name) => name.endsWith('_ratio'))) return 'percentunit';
      return null;
    };
    let checked = 0;
    for (const panel of queryPanels) {
      const organize = panel.transformations?.find((transformation) => transformation.id === 'organize');
      const renamed = z.record(z.string(), z.string()).optional().parse(organize?.options.renameByName) ?? {};
      for (const target of panel.targets ?? []) {
        const expected = unitOf(target.expr);
        if (expected === null) continue;
        // A table's column takes its override where one names it, else the panel's unit.
        const column =
          panel.type === 'table'
            ? renamed[(panel.targets?.length ?? 0) > 1 ? `Value #${target.refId}` : 'Value']
            : undefined;
        const override = panel.fieldConfig?.overrides.find(
          (entry) => entry.matcher.id === 'byName' && entry.matcher.options === column,
        );
        const unit =
          override?.properties.find((property) => property.id === 'unit')?.value ?? panel.fieldConfig?.defaults.unit;
        expect(unit, `${panel.title} ${target.refId}: ${target.expr}`).toBe(expected);
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(20);
  });

  it('lays its panels out on the 24-column grid without overlaps, each with its own id', () => {
    const ids = panels.map((panel) => panel.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const panel of panels) expect(panel.gridPos.x + panel.gridPos.w, panel.title).toBeLessThanOrEqual(24);
    for (const [index, a] of panels.entries()) {
      for (const b of panels.slice(index + 1)) {
        const apart =
          a.gridPos.x + a.gridPos.w <= b.gridPos.x ||
          b.gridPos.x + b.gridPos.w <= a.gridPos.x ||
          a.gridPos.y + a.gridPos.h <= b.gridPos.y ||
          b.gridPos.y + b.gridPos.h <= a.gridPos.y;
        expect(apart, `${a.title} overlaps ${b.title}`).toBe(true);
      }
    }
  });
});
