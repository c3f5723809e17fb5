import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planProbeTopic, type ProbePlan, type ProbeTopicView } from './planner.js';

const cases: { name: string; view: ProbeTopicView; rf: number; want: ProbePlan }[] = [
  {
    name: 'A missing probe topic is created with one partition led by each broker.',
    view: { brokers: [3, 1, 2] },
    rf: 0,
    want: {
      action: 'create',
      replicaAssignment: [
        { partition: 0, replicas: [1, 2, 3] },
        { partition: 1, replicas: [2, 3, 1] },
        { partition: 2, replicas: [3, 1, 2] },
      ],
    },
  },
  {
    name: 'A single broker gets one partition with one replica.',
    view: { brokers: [1] },
    rf: 0,
    want: { action: 'create', replicaAssignment: [{ partition: 0, replicas: [1] }] },
  },
  {
    name: 'A new broker gets a new partition it leads.',
    view: { brokers: [1, 2], partitions: [{ partition: 0, replicas: [1, 2] }] },
    rf: 2,
    want: { action: 'add-partitions', count: 2, assignments: [[2, 1]] },
  },
  {
    name: 'A topic already covering every broker needs nothing.',
    view: {
      brokers: [1, 2],
      partitions: [
        { partition: 0, replicas: [1, 2] },
        { partition: 1, replicas: [2, 1] },
      ],
    },
    rf: 2,
    want: { action: 'none' },
  },
  {
    name: 'A cluster without brokers in metadata plans nothing.',
    view: { brokers: [] },
    rf: 3,
    want: { action: 'none' },
  },
];
for (const c of cases) test(c.name, () => assert.deepEqual(planProbeTopic(c.view, c.rf), c.want));
