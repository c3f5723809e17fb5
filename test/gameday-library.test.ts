// test-budget: 1500s
// The whole scenario library (chaos/scenarios/F1..F10 and all.yaml) against a stack this file
// starts (test/gameday-support.ts: 3 broker processes, a proxy in front of every client,
// replication and controller listener, the exporter, Prometheus with the generated rules and a
// 2 s `for` on every alert a scenario expects). It is `npm run gameday`, not part of `npm test`
// (about 20 minutes): it runs only with KAFKA_SRE_GAMEDAY=1, and KAFKA_SRE_GAMEDAY_ONLY=F3,F9
// picks scenarios. Each scenario file runs unchanged except for its `target` (this stack) and
// `hygiene` (no Alertmanager here). It prints one line per scenario and fails if any did not pass.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { processFixture } from './support/processes.js';
import { tempDir } from './chaos-fixtures.js';
import { runDrill, settle, startGameDayStack, type GameDayStack } from './gameday-support.js';

const fx = processFixture();
const enabled = process.env.KAFKA_SRE_GAMEDAY === '1';
const only = (process.env.KAFKA_SRE_GAMEDAY_ONLY ?? '').split(',').filter(Boolean);
const scenarioDir = join(import.meta.dirname, '..', 'chaos', 'scenarios');
const scenarios = readdirSync(scenarioDir)
  .filter((f) => f.endsWith('.yaml'))
  .filter((f) => only.length === 0 || only.some((o) => f.startsWith(`${o}-`) || f === `${o}.yaml`))
  .sort((a, b) => (a === 'all.yaml' ? 1 : b === 'all.yaml' ? -1 : Number(a.slice(1).split('-')[0]) - Number(b.slice(1).split('-')[0])));

/** Alerts a scenario expects to fire or not to fire. */
function alertsOf(file: string): string[] {
  const spec = parse(readFileSync(join(scenarioDir, file), 'utf8')) as { expectations?: { alerts?: { alert: string }[]; mustNotFire?: { alert: string }[] } };
  return [...(spec.expectations?.alerts ?? []), ...(spec.expectations?.mustNotFire ?? [])].map((a) => a.alert);
}

/** Every alert any scenario names (they get the short `for`). */
const expectedAlerts = (): string[] => [...new Set(scenarios.flatMap(alertsOf))];

let stack: GameDayStack | undefined;
after(async () => {
  await stack?.stop();
});

test('npm run gameday: every scenario of chaos/scenarios passes against the reference cluster', { skip: enabled ? false : 'set KAFKA_SRE_GAMEDAY=1 (npm run gameday)' }, async () => {
  const alerts = expectedAlerts();
  stack = await startGameDayStack(fx, await tempDir('gameday-lib-'), { drillAlerts: alerts, proxyControllers: true });
  const results: string[] = [];
  for (const f of scenarios) {
    const started = Date.now();
    const yaml = readFileSync(join(scenarioDir, f), 'utf8').replace(/^hygiene: .*$/m, 'hygiene: { mode: none }');
    let line: string;
    try {
      // Only the alerts this scenario names must be quiet: others (ISR shrink rate, latency) keep
      // their rate windows after the previous drill and do not matter here.
      await settle(stack, alertsOf(f));
      const d = await runDrill(stack, f.replace(/\.yaml$/, ''), yaml, 20 * 60_000);
      const verdicts = d.stdout.split('\n').filter((l) => /^\s+(PASS|FAIL)/.test(l)).map((l) => l.trim());
      line = `${d.code === 0 ? 'PASS' : 'FAIL'} ${f} (${Math.round((Date.now() - started) / 1000)} s)${d.code === 0 ? '' : `\n    ${verdicts.filter((v) => v.startsWith('FAIL')).join('\n    ') || d.stdout.trim().split('\n').slice(0, 3).join(' | ')}`}${d.lossDiagnosis ? `\n    loss diagnosis: ${d.lossDiagnosis}` : ''}`;
    } catch (e) {
      line = `FAIL ${f} (${Math.round((Date.now() - started) / 1000)} s): ${(e as Error).message.split('\n')[0]}`;
    }
    results.push(line);
    process.stdout.write(`# gameday ${line}\n`);
  }
  assert.equal(results.filter((r) => r.startsWith('FAIL')).length, 0, results.join('\n'));
});
