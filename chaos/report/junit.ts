// JUnit XML for CI and schedulers: one test suite per game day, one test case per expectation.
import type { RunOutcome } from '../runner/runner.js';
import { describeLeftBehind } from '../runner/left-behind.js';

// XML 1.0 forbids most control characters, even escaped.
// eslint-disable-next-line no-control-regex
const controlChars = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g;
const esc = (s: string) =>
  s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(controlChars, '');

interface Case {
  name: string;
  passed: boolean;
  message: string;
  seconds: number;
}

export function casesOf(o: RunOutcome): Case[] {
  const cases: Case[] = [];
  for (const l of o.leftBehind)
    cases.push({ name: `fault ${l.fault} is rolled back`, passed: false, message: describeLeftBehind(l), seconds: 0 });
  for (const a of o.alerts)
    cases.push({
      name: `alert ${a.alert} fires on ${a.fault} within ${a.fireWithinMs} ms and resolves within ${a.resolveWithinMs} ms`,
      passed: a.passed,
      message: `${a.reason}${a.ttdMs !== undefined ? `; TTD ${a.ttdMs} ms` : ''}${a.ttrMs !== undefined ? `; TTR ${a.ttrMs} ms` : ''}`,
      seconds: ((a.ttdMs ?? 0) + (a.ttrMs ?? 0)) / 1000,
    });
  for (const n of o.notified)
    cases.push({
      name: `alert ${n.alert} is routed to receiver ${n.receiver}`,
      passed: n.passed,
      message: n.reason,
      seconds: (n.latencyMs ?? 0) / 1000,
    });
  for (const s of o.silent)
    cases.push({ name: `alert ${s.alert} does not fire`, passed: s.passed, message: s.reason, seconds: 0 });
  if (o.data)
    cases.push({
      name: 'data: every acknowledged record read back from the log (lost-write, duplicate, nonmonotonic-send)',
      passed: o.data.passed,
      message: o.data.reason,
      seconds: 0,
    });
  for (const t of o.load?.failedThresholds ?? [])
    cases.push({ name: `threshold ${t}`, passed: false, message: 'threshold crossed', seconds: 0 });
  if (o.journal.status === 'aborted')
    cases.push({ name: 'drill ran to completion', passed: false, message: o.journal.reason ?? 'aborted', seconds: 0 });
  for (const p of o.probes.after)
    cases.push({ name: `steady state after: ${p.probe}`, passed: p.ok, message: p.detail, seconds: 0 });
  return cases;
}

export function junitXml(o: RunOutcome): string {
  const cases = casesOf(o);
  const failures = cases.filter((c) => !c.passed).length;
  const seconds = ((o.journal.endedAtMs ?? Date.now()) - o.journal.startedAtMs) / 1000;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="kafka-sre chaos" tests="${cases.length}" failures="${failures}" time="${seconds.toFixed(3)}">`,
    `  <testsuite name="${esc(o.spec.name)}" tests="${cases.length}" failures="${failures}" errors="0" time="${seconds.toFixed(3)}" timestamp="${new Date(o.journal.startedAtMs).toISOString()}">`,
    `    <properties><property name="runId" value="${esc(o.journal.runId)}"/><property name="target" value="${esc(o.journal.target)}"/><property name="status" value="${o.journal.status}"/></properties>`,
  ];
  for (const c of cases) {
    const open = `    <testcase classname="gameday.${esc(o.spec.name)}" name="${esc(c.name)}" time="${c.seconds.toFixed(3)}"`;
    if (c.passed) lines.push(`${open}><system-out>${esc(c.message)}</system-out></testcase>`);
    else
      lines.push(
        `${open}><failure message="${esc(c.message)}" type="ExpectationFailed">${esc(c.message)}</failure></testcase>`,
      );
  }
  lines.push('  </testsuite>', '</testsuites>', '');
  return lines.join('\n');
}
