// Security (F10): clients denied by ACLs, failed authentications.
import { brokerMetrics as bm } from '../../common/metrics/index.js';
import { dashboardUids } from '../../common/index.js';
import { cmd } from '../runbook-commands.js';
import { counter, TEST_CLUSTER } from '../schema/cases.js';
import { num } from '../schema/promql.js';
import type { RuleGroupSpec } from '../schema/types.js';
import type { RuleKit } from './common.js';

export function securityRules({ s, t, k, w }: RuleKit): RuleGroupSpec {
  const bl = { cluster: TEST_CLUSTER, instance: k.brokerTarget.instance };
  const threshold = num(t.authFailuresPerSecond);
  return {
    name: 'kafka-sre-security',
    file: 'kafka',
    records: [],
    alerts: [
      {
        alert: 'KafkaAuthorizationFailures',
        expr: `sum by (cluster, instance, request, error) (rate(${s.broker(bm.requestErrors, 'error=~".*_AUTHORIZATION_FAILED"')}[${w.rate}])) > ${threshold}`,
        for: '5m',
        severity: 'page',
        summary:
          'Broker {{ $labels.instance }} in cluster {{ $labels.cluster }} denies {{ $labels.request }} requests ({{ $labels.error }})',
        description:
          'Broker {{ $labels.instance }} of cluster {{ $labels.cluster }} has answered {{ $labels.request }} requests with {{ $labels.error }} at {{ $value | humanize }}/s for 5 minutes: a client lacks an ACL it needs, or someone probes resources they may not use.',
        dashboard: dashboardUids.oncall,
        runbook: {
          meaning:
            'Requests fail with TOPIC_/GROUP_/CLUSTER_/TRANSACTIONAL_ID_AUTHORIZATION_FAILED: the authenticated principal lacks the ACL for the operation.',
          impact:
            'The denied client cannot produce, consume or commit: an outage for that application, or a security incident if the principal should not be there.',
          queries: [
            `sum by (request, error) (rate(${s.broker(bm.requestErrors, 'error=~".*_AUTHORIZATION_FAILED"')}[5m]))`,
          ],
          confirm: [
            cmd.brokerMetrics(
              '^kafka_network_requestmetrics_errors_total\\{.*AUTHORIZATION_FAILED',
              'denied requests by type and error on this broker',
            ),
            cmd.clusterDescribe,
          ],
          mitigation: [
            "Find the principal in the broker's authorizer log (denied operations are logged with principal, host, operation and resource).",
            'If the client is legitimate, restore the missing ACL; if not, block the host and rotate the credentials it used.',
          ],
          escalate: 'Escalate to the security team if the principal or host is unknown.',
        },
        cases: [
          {
            name: 'produce requests denied by ACLs fire',
            series: [
              k.b(
                bm.requestErrors.name,
                { request: 'Produce', error: 'TOPIC_AUTHORIZATION_FAILED' },
                counter([[30, 20]]),
              ),
            ],
            evalTime: '15m',
            fires: [{ ...bl, request: 'Produce', error: 'TOPIC_AUTHORIZATION_FAILED' }],
          },
          {
            name: 'successful requests and other errors do not fire',
            series: [
              k.b(bm.requestErrors.name, { request: 'Produce', error: 'NONE' }, counter([[600, 20]])),
              k.b(bm.requestErrors.name, { request: 'Produce', error: 'NOT_LEADER_OR_FOLLOWER' }, counter([[5, 20]])),
              k.b(
                bm.requestErrors.name,
                { request: 'Produce', error: 'TOPIC_AUTHORIZATION_FAILED' },
                counter([[0, 20]], 7),
              ),
            ],
            evalTime: '15m',
            fires: [],
          },
        ],
      },
      {
        alert: 'KafkaAuthenticationFailures',
        expr: `(sum by (cluster, instance) (rate(${s.broker(bm.failedAuthentication)}[${w.rate}])) > ${threshold})\nor on (cluster, instance)\n(sum by (cluster, instance) (rate(${s.broker(bm.requestErrors, 'error="SASL_AUTHENTICATION_FAILED"')}[${w.rate}])) > ${threshold})`,
        for: '5m',
        severity: 'page',
        summary: 'Failed authentications on broker {{ $labels.instance }} in cluster {{ $labels.cluster }}',
        description:
          'Broker {{ $labels.instance }} of cluster {{ $labels.cluster }} has rejected {{ $value | humanize }} authentications/s for 5 minutes: expired or wrong credentials, or a credential-guessing attempt.',
        dashboard: dashboardUids.oncall,
        runbook: {
          meaning:
            'SASL authentications fail on a listener: failed-authentication-total grows, or SaslAuthenticate requests return SASL_AUTHENTICATION_FAILED.',
          impact:
            'Clients with bad credentials cannot connect at all; a sustained stream from an unknown host is a possible attack.',
          queries: [
            `rate(${s.broker(bm.failedAuthentication)}[5m])`,
            `rate(${s.broker(bm.successfulAuthentication)}[5m])`,
          ],
          confirm: [
            cmd.brokerMetrics(
              '^kafka_server_socketservermetrics_(failed|successful)_authentication_total',
              'authentications per listener on this broker',
            ),
          ],
          mitigation: [
            'Find the client address in the broker log (failed authentication lines name the remote host).',
            "Rotate or fix the client's credentials; block unknown hosts at the network layer.",
          ],
          escalate: 'Escalate to the security team if the source is unknown or the rate is high.',
        },
        cases: [
          {
            name: 'failed SASL authentications fire',
            series: [k.b(bm.failedAuthentication.name, { listener: 'SASL_PLAINTEXT' }, counter([[6, 20]]))],
            evalTime: '15m',
            fires: [bl],
          },
          {
            name: 'SASL_AUTHENTICATION_FAILED responses fire',
            series: [
              k.b(
                bm.requestErrors.name,
                { request: 'SaslAuthenticate', error: 'SASL_AUTHENTICATION_FAILED' },
                counter([[6, 20]]),
              ),
            ],
            evalTime: '15m',
            fires: [bl],
          },
          {
            name: 'only successful authentications do not fire',
            series: [
              k.b(bm.failedAuthentication.name, { listener: 'SASL_PLAINTEXT' }, counter([[0, 20]], 2)),
              k.b(bm.successfulAuthentication.name, { listener: 'SASL_PLAINTEXT' }, counter([[60, 20]])),
            ],
            evalTime: '15m',
            fires: [],
          },
        ],
      },
    ],
  };
}
