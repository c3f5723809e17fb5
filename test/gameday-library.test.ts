// test-budget: 1500s
// The whole scenario library (chaos/scenarios/F1..F10 and all.yaml) against stacks this file
// starts (test/gameday-support.ts: 3 broker processes, a proxy in front of every client,
// replication and controller listener, the exporter, Prometheus with the generated rules, a 2 s
// `for` on every alert a scenario names, and drill-sized rule windows). Scenarios whose clients
// authenticate (F10) run afterwards on a second stack with a SASL listener and the authorizer on.
// It is `npm run gameday`, not part of `npm test` (about half an hour): it runs only with
// KAFKA_SRE_GAMEDAY=1; KAFKA_SRE_GAMEDAY_ONLY=F3,F9 picks scenarios and
// KAFKA_SRE_GAMEDAY_REPORTS=DIR keeps every report. Each scenario file runs unchanged except for
// its `target` (the stack) and `hygiene` (no Alertmanager here). It prints one line per scenario
// with every verdict (TTD/TTR) and fails if any did not pass.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSpec } from '../chaos/schema/parse.js';
import { alertsNamedBy } from '../chaos/schema/schema.js';
import { Kafka, logLevel } from 'kafkajs';
import { processFixture } from './support/processes.js';
import { tempDir } from './chaos-fixtures.js';
import { runDrill, settle, startGameDayStack, type GameDayStack } from './gameday-support.js';
import { drillForOverrides, drillThresholds, drillWindows } from '../chaos/embedded/stack.js';

const fx = processFixture();
const enabled = process.env.KAFKA_SRE_GAMEDAY === '1';
const only = (process.env.KAFKA_SRE_GAMEDAY_ONLY ?? '').split(',').filter(Boolean);
const scenarioDir = join(import.meta.dirname, '..', 'chaos', 'scenarios');
/** KAFKA_SRE_GAMEDAY_REPORTS=DIR keeps each scenario's report directory (and the runner's output) there. */
const keepReports = process.env.KAFKA_SRE_GAMEDAY_REPORTS;
const scenarios = readdirSync(scenarioDir)
  .filter((f) => f.endsWith('.yaml'))
  .filter((f) => only.length === 0 || only.some((o) => f.startsWith(`${o}-`) || f === `${o}.yaml`))
  .sort((a, b) =>
    a === 'all.yaml' ? 1 : b === 'all.yaml' ? -1 : Number(a.slice(1).split('-')[0]) - Number(b.slice(1).split('-')[0]),
  );

/** Alerts a scenario expects to fire or not to fire. */
function alertsOf(file: string): string[] {
  return alertsNamedBy(parseSpec(readFileSync(join(scenarioDir, file), 'utf8'), file).spec);
}

/** Scenarios whose clients authenticate (load.sasl or target.sasl) run on a SASL + ACL stack. */
const needsSecurity = (file: string): boolean => /^\s+sasl:/m.test(readFileSync(join(scenarioDir, file), 'utf8'));

// Drill speed (chaos/embedded/stack.ts, the same as a `target.kind: embedded` drill): drill-sized
// rule windows and thresholds, a 10 s `for` on KafkaNoActiveController (a broker kill may take the
// controller with it), retention checked every second. Production keeps the defaults.
// The SASL stack (F10): the drill's clients are User:gameday with ACLs on gameday-* topics and
// groups; the runner's admin and the exporter are the super user. Passwords travel in variables.
process.env.GAMEDAY_ADMIN_PASSWORD ??= 'gameday-adm1n-Pw-7Kq';
process.env.GAMEDAY_CLIENT_PASSWORD ??= 'gameday-cl1ent-Pw-3Zx';
const adminSasl = { mechanism: 'scram-sha-512', username: 'admin', passwordEnv: 'GAMEDAY_ADMIN_PASSWORD' } as const;
const security = {
  listener: 'SASL_PLAINTEXT',
  users: { admin: { passwordEnv: 'GAMEDAY_ADMIN_PASSWORD' }, gameday: { passwordEnv: 'GAMEDAY_CLIENT_PASSWORD' } },
  authorizer: true,
  superUsers: ['User:admin'],
};

/**
 * User:gameday's ACLs, created through CreateAcls like an operator would (config-file ACLs would work
 * as well: they are written once into the metadata quorum, so the F10 fault's DeleteAcls removes them).
 */
async function grantDrillAcls(bootstrap: string[]): Promise<void> {
  const admin = new Kafka({
    brokers: bootstrap,
    logLevel: logLevel.NOTHING,
    sasl: {
      mechanism: adminSasl.mechanism,
      username: adminSasl.username,
      password: process.env.GAMEDAY_ADMIN_PASSWORD ?? '',
    },
  }).admin();
  await admin.connect();
  try {
    const acl = (resourceType: number) => ({
      resourceType,
      resourceName: 'gameday-',
      resourcePatternType: 4 /* PREFIXED */,
      principal: 'User:gameday',
      host: '*',
      operation: 2 /* ALL */,
      permissionType: 3 /* ALLOW */,
    });
    await admin.createAcls({ acl: [acl(2 /* TOPIC */), acl(3 /* GROUP */)] });
  } finally {
    await admin.disconnect();
  }
}

let stack: GameDayStack | undefined;
after(async () => {
  await stack?.stop();
});

/** Runs the scenarios on one stack, one after another; returns one PASS/FAIL line each. */
async function runScenarios(files: string[], secure: boolean): Promise<string[]> {
  const alerts = [...new Set(files.flatMap(alertsOf))];
  stack = await startGameDayStack(fx, await tempDir(secure ? 'gameday-lib-sasl-' : 'gameday-lib-'), {
    drillAlerts: alerts,
    proxyControllers: true,
    alertWindows: drillWindows,
    thresholds: drillThresholds,
    drillFor: drillForOverrides,
    ...(secure ? { broker: { security } } : {}),
    ...(secure ? { exporterSasl: adminSasl } : {}),
  });
  if (secure) await grantDrillAcls(stack.bootstrap);
  // The runner's admin client authenticates as the super user (acl-remove alters ACLs).
  const target = secure
    ? {
        ...stack,
        target: stack.target.replace(
          / \}$/,
          `, sasl: { mechanism: ${adminSasl.mechanism}, username: ${adminSasl.username}, passwordEnv: ${adminSasl.passwordEnv} } }`,
        ),
      }
    : stack;
  const results: string[] = [];
  for (const f of files) {
    const started = Date.now();
    const yaml = readFileSync(join(scenarioDir, f), 'utf8').replace(/^hygiene: .*$/m, 'hygiene: { mode: none }');
    let line: string;
    try {
      // Only the alerts this scenario names must be quiet: others (ISR shrink rate, latency) keep
      // their rate windows after the previous drill and do not matter here.
      await settle(stack, alertsOf(f));
      const d = await runDrill(target, f.replace(/\.yaml$/, ''), yaml, 20 * 60_000);
      if (keepReports) {
        cpSync(d.report, join(keepReports, f.replace(/\.yaml$/, '')), { recursive: true });
        writeFileSync(join(keepReports, f.replace(/\.yaml$/, ''), 'stdout.txt'), d.stdout);
      }
      const verdicts = d.stdout
        .split('\n')
        .filter((l) => /^\s+(PASS|FAIL)/.test(l))
        .map((l) => l.trim());
      const shown = d.code === 0 ? verdicts : verdicts.filter((v) => v.startsWith('FAIL'));
      line = `${d.code === 0 ? 'PASS' : 'FAIL'} ${f} (${Math.round((Date.now() - started) / 1000)} s)\n    ${shown.join('\n    ') || d.stdout.trim().split('\n').slice(0, 3).join(' | ')}${d.lossDiagnosis ? `\n    loss diagnosis: ${d.lossDiagnosis}` : ''}`;
    } catch (e) {
      line = `FAIL ${f} (${Math.round((Date.now() - started) / 1000)} s): ${(e as Error).message.split('\n')[0]}`;
    }
    results.push(line);
    process.stdout.write(`# gameday ${line}\n`);
  }
  await stack.stop();
  stack = undefined;
  return results;
}

test(
  'npm run gameday: every scenario of chaos/scenarios passes against the reference cluster',
  { skip: enabled ? false : 'set KAFKA_SRE_GAMEDAY=1 (npm run gameday)' },
  async () => {
    const started = Date.now();
    const plain = scenarios.filter((f) => !needsSecurity(f));
    const secure = scenarios.filter(needsSecurity);
    const results = [
      ...(plain.length ? await runScenarios(plain, false) : []),
      ...(secure.length ? await runScenarios(secure, true) : []),
    ];
    process.stdout.write(
      `# gameday ${results.filter((r) => r.startsWith('PASS')).length}/${results.length} passed in ${Math.round((Date.now() - started) / 1000)} s\n`,
    );
    assert.equal(results.filter((r) => r.startsWith('FAIL')).length, 0, results.join('\n'));
  },
);
