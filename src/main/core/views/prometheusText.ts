type Labels = Readonly<Record<string, string>>;

/** One metric: its `# HELP` and `# TYPE` lines and its samples. */
export interface Family {
  readonly name: string;
  readonly type: 'gauge' | 'counter';
  readonly help: string;
  /** Every sample of a family carries exactly these labels, so a query never meets two shapes of one series. */
  readonly labels: readonly string[];
  readonly samples: ReadonlyArray<{ readonly labels?: Labels; readonly value: number | null }>;
}

/** Label values escape backslash, double quote and newline, as the exposition format requires. */
function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function renderLabels(names: readonly string[], labels: Labels | undefined): string {
  return names.length === 0
    ? ''
    : `{${names.map((name) => `${name}="${escapeLabel(labels?.[name] ?? '')}"`).join(',')}}`;
}

/** The families as exposition text; a family with no known value is left out whole. */
export function render(families: readonly Family[]): string {
  const lines: string[] = [];
  for (const family of families) {
    // A value nobody could read is left out, never reported as zero.
    const known = family.samples.filter((sample) => sample.value !== null && Number.isFinite(sample.value));
    if (known.length === 0) continue;
    lines.push(`# HELP ${family.name} ${family.help}`, `# TYPE ${family.name} ${family.type}`);
    // Two samples with the same labels are one series given twice, which Prometheus refuses as a duplicate: the first
    // is kept.
    const rendered = new Set<string>();
    for (const sample of known) {
      const series = `${family.name}${renderLabels(family.labels, sample.labels)}`;
      if (rendered.has(series)) continue;
      rendered.add(series);
      lines.push(`${series} ${String(sample.value)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
