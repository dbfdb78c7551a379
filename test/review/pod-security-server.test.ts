/**
 * Our Pod Security rules against the real PodSecurity admission, on generated pods: the
 * upstream fixtures (pod-security-fixtures.test.ts) cover each check one field at a time;
 * here several fields change at once, in pod and containers, init containers included, and
 * kube-apiserver (test/peers/api-server) decides. Each generated pod is created in a namespace
 * enforcing `baseline` and in one enforcing `restricted`; the `pss-baseline` and
 * `pss-restricted` packs must find an error exactly where the server refuses the pod.
 *
 * A pod the server refuses for another reason (its validation: a combination no pod may
 * have) says nothing about Pod Security and is left out; most pods must be judged.
 */
import { review } from '../../lib/review/engine';
import { API_SERVER_PEER, manifestFolder, ObjectResult, onApiServer, SERVER_TIMEOUT } from '../api-server-peer';
import { removeTempDirs, seededRandom, withInstalledTool } from '../support';
import { compliantPod, Json, POD_SECURITY_MUTATIONS as MUTATIONS, withoutLinuxOnlyFields } from './pod-mutations';

const PODS = 300;
const LEVELS = ['baseline', 'restricted'] as const;

afterAll(removeTempDirs);

/** `count` pods, each the compliant pod with 0 to 3 changes, the same on every run. */
function generatedPods(count: number): Json[] {
  const { random, pick } = seededRandom(20261123);
  return Array.from({ length: count }, (_, i) => {
    const pod = compliantPod(`pod-${String(i).padStart(3, '0')}`);
    const changes = Math.floor(random() * 4);
    for (let n = 0; n < changes; n++) {
      const container = pick([pod.spec.containers[0], pod.spec.initContainers[0]]);
      pick(MUTATIONS)(pod, container, pick);
    }
    withoutLinuxOnlyFields(pod);
    return JSON.parse(JSON.stringify(pod)); // drops the undefined fields
  });
}

/** Whether our pack for `level` finds an error in `pod`, with the rules that do. */
function ourVerdict(pod: Json, level: string): string[] {
  const result = review([{ object: pod, origin: pod.metadata.name }], { packs: [`pss-${level}`], today: '2026-01-01' });
  return result.findings.filter((f) => f.severity === 'error').map((f) => f.ruleId);
}

withInstalledTool(API_SERVER_PEER, 'Pod Security differential proof against kube-apiserver', 'scripts/install-peers.sh', () => {
  describe('our Pod Security packs agree with the PodSecurity admission of kube-apiserver', () => {
    const pods = generatedPods(PODS);
    const answers = new Map<string, ObjectResult>();
    beforeAll(async () => {
      const documents: Json[] = LEVELS.flatMap((level) => [
        {
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: {
            name: `psa-${level}`,
            labels: { 'pod-security.kubernetes.io/enforce': level, 'pod-security.kubernetes.io/enforce-version': 'latest' },
          },
        },
        ...pods.map((pod) => ({ ...pod, metadata: { ...pod.metadata, namespace: `psa-${level}` } })),
      ]);
      const report = await onApiServer([manifestFolder('pod-security-server-', documents)], { crds: false });
      for (const o of report.objects) if (o.kind === 'Pod') answers.set(`${o.namespace}/${o.name}`, o);
    }, SERVER_TIMEOUT);

    test.each(LEVELS)('%s: an error from our pack exactly where the server refuses the pod', (level) => {
      const mismatches: string[] = [];
      let judged = 0;
      let refused = 0;
      for (const pod of pods) {
        const answer = answers.get(`psa-${level}/${pod.metadata.name}`)!;
        expect(answer).toBeDefined();
        const forbidden = answer.outcome === 'refused' && /violates PodSecurity/.test(answer.error ?? '');
        if (answer.outcome === 'refused' && !forbidden) continue; // refused by validation: not a Pod Security answer
        judged++;
        if (forbidden) refused++;
        const ours = ourVerdict(pod, level);
        if (ours.length > 0 !== forbidden) {
          mismatches.push(
            `${pod.metadata.name}: server ${forbidden ? `refuses (${answer.error})` : 'admits'}, we ${ours.length ? `find ${ours.join(', ')}` : 'find nothing'}\n${JSON.stringify(pod.spec)}`,
          );
        }
      }
      expect(mismatches).toEqual([]);
      // The comparison is not one-sided, and most pods were judged.
      expect(judged).toBeGreaterThan(PODS * 0.8);
      expect(refused).toBeGreaterThan(judged * 0.2);
      expect(judged - refused).toBeGreaterThan(judged * 0.2);
    });
  });
});
