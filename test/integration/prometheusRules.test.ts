import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/main/config';
import { ALERT_RULES } from '../../src/main/core/alerts/rules';
import {
  DEFAULT_ALERT_SETTINGS,
  THRESHOLD_DIRECTION,
  THRESHOLD_RULE_KEYS,
  type ThresholdRuleKey,
} from '../../src/shared/alertSettings';
import { promtoolMissing } from '../support/needs';
import { PROMTOOL } from '../support/packages';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RULES = 'deploy/prometheus/alerts.yml';
const RULE_TESTS = 'deploy/prometheus/alerts.test.yml';

const noPromtool = promtoolMissing();

const promtool = (...args: string[]) => {
  const run = spawnSync(PROMTOOL, args, { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
};

describe.skipIf(noPromtool !== null)(`promtool and ${RULES}`, () => {
  it('promtool check rules finds the 15 rules and has nothing else to say', () => {
    expect(promtool('check', 'rules', RULES)).toEqual({
      status: 0,
      stdout: `Checking ${RULES}\n  SUCCESS: 15 rules found\n\n`,
      stderr: '',
    });
  });

  it("promtool test rules passes every case of the rules' unit tests", () => {
    expect(promtool('test', 'rules', RULE_TESTS)).toEqual({
      status: 0,
      stdout: `Unit Testing:  ${RULE_TESTS}\n  SUCCESS\n\n`,
      stderr: '',
    });
  });
});

/** One alerting rule of the file, as far as these checks read it. */
interface ShippedRule {
  readonly alert: string;
  readonly alertId: string;
  readonly severity: string;
  readonly for: string;
  /** The comparisons that end the expression's lines: where it fires and where it holds. */
  readonly comparisons: ReadonlyArray<readonly [string, number]>;
}

/** The rules as written, read line by line: the file is this repository's own, in one layout. */
function shippedRules(): ShippedRule[] {
  const text = readFileSync(`${ROOT}/${RULES}`, 'utf8');
  return text
    .split(/\n {6}- alert: /)
    .slice(1)
    .map((block) => {
      const field = (name: string): string => new RegExp(`^ +${name}: '?([^'\\n]*)'?$`, 'm').exec(block)?.[1] ?? '';
      const expr = /expr: ([\s\S]*?)\n +for: /.exec(block)?.[1] ?? '';
      return {
        alert: block.slice(0, block.indexOf('\n')),
        alertId: field('alert_id'),
        severity: field('severity'),
        for: field('for'),
        comparisons: [...expr.matchAll(/ (>=|<=|==|>|<) (-?[\d.]+)$/gm)].map(
          (match) => [match[1] ?? '', Number(match[2])] as const,
        ),
      };
    });
}

const RULE_IDS: Readonly<Record<ThresholdRuleKey, string>> = {
  memoryPctOfRam: 'memory-vs-ram',
  freeRamPct: 'free-memory',
  gpuMemoryPct: 'gpu-memory',
  agentCount: 'agent-count',
  sessionHours: 'long-session',
};

describe(`${RULES} against the monitor's own alert rules`, () => {
  const rules = shippedRules();

  it("waits the monitor's pending period: pendingPolls at the default poll interval", () => {
    const pendingSeconds = (DEFAULT_ALERT_SETTINGS.pendingPolls * loadConfig({}).pollMs) / 1000;
    expect(pendingSeconds).toBe(15);
    expect(rules.map((rule) => `${rule.alert} ${rule.severity} for ${rule.for}`)).toEqual(
      rules.map((rule) => `${rule.alert} ${rule.severity} for ${pendingSeconds}s`),
    );
  });

  it('has an alert for each of the monitor rules, and one for the monitor itself', () => {
    const monitorRules = [...new Set(ALERT_RULES.map((rule) => rule.id.split(':')[0]))].sort();
    const shipped = [...new Set(rules.map((rule) => rule.alertId.split(':')[0]))].sort();
    expect(shipped).toEqual([...monitorRules, 'monitor-down'].sort());
  });

  it.each(
    THRESHOLD_RULE_KEYS.flatMap((key) =>
      (['warning', 'critical'] as const).map((severity) => [RULE_IDS[key], severity, key] as const),
    ),
  )(
    '%s %s fires at the default threshold and holds within the clear margin, compared as the monitor compares',
    (alertId, severity, key) => {
      const thresholds = DEFAULT_ALERT_SETTINGS[key];
      const threshold = thresholds[severity];
      const expected: Array<readonly [string, number]> =
        THRESHOLD_DIRECTION[key] === 'above'
          ? [
              ['>=', threshold],
              ['>', threshold - thresholds.clearMargin],
            ]
          : [
              ['<=', threshold],
              ['<', threshold + thresholds.clearMargin],
            ];
      // The share of free memory is one of free-memory's alerts; macOS's pressure is the other.
      const shipped = rules.filter(
        (rule) => rule.alertId === alertId && rule.severity === severity && rule.alert !== 'DelegatorMemoryPressure',
      );
      expect(shipped.map((rule) => rule.comparisons)).toEqual([expected]);
    },
  );

  it("follows macOS's memory pressure as free-memory does: warn (1) warns, critical (2) is critical", () => {
    const pressure = rules.filter((rule) => rule.alert === 'DelegatorMemoryPressure');
    expect(pressure.map((rule) => [rule.alertId, rule.severity, rule.comparisons])).toEqual([
      ['free-memory', 'warning', [['>=', 1]]],
      ['free-memory', 'critical', [['>=', 2]]],
    ]);
  });
});
