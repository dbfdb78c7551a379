/**
 * The admission policies against the review, on kube-apiserver (test/peers/api-server): a
 * generated corpus of objects of every kind the policies judge is created under the policies
 * the review's own rules generate; the server must refuse exactly the objects where the review
 * finds an error of a rule with a policy, and the rule ids must be the same. Every Deny policy
 * gets a second binding that only warns, so each object's warnings name every rule its
 * policies refuse it for (the refusal itself names the first).
 *
 * Objects the server refuses for another reason (its own validation) say nothing about the
 * policies and are left out; almost all must be judged.
 */
import { admissionPolicies, GeneratedPolicy } from '../../lib/review/admission/admission-policies';
import { review } from '../../lib/review/engine';
import { KubeObject } from '../../lib/review/model';
import { ALL_RULES } from '../../lib/review/packs';
import { API_SERVER_PEER, manifestFolder, ObjectResult, onApiServer, SERVER_TIMEOUT } from '../api-server-peer';
import { removeTempDirs, seededRandom, withInstalledTool } from '../support';
import { CORPUS_NAMESPACE, CORPUS_SETUP, generatedCorpus, largestObjects } from './admission-corpus';
import { CORPUS_ALLOWED_REGISTRIES } from './admission-corpus-images';
import { Json } from './pod-mutations';

const OBJECTS = 1500;
const SEED = Number(process.env.ADMISSION_SEED ?? 20261203);
const TODAY = '2026-01-01';
/** ADMISSION_RULES=id,id narrows the proof to some rules while one writes their CEL (never in CI: a test refuses it there). */
const ONLY = process.env.ADMISSION_RULES?.split(',');
const ADMISSION_RULES = ALL_RULES.filter((rule) => rule.admission && (!ONLY || ONLY.includes(rule.id)));
const ADMISSION_RULE_IDS = new Set(ADMISSION_RULES.map((rule) => rule.id));

afterAll(removeTempDirs);

/** Rules no object the API server's validation accepts can break: their policies can never refuse anything past validation. */
const NOT_PAST_VALIDATION: Readonly<Record<string, string>> = {
  'no-unmasked-proc-mount':
    'validation refuses procMount Unmasked unless hostUsers is false, and with its own user namespace the pod may unmask /proc at baseline',
};

/** The generated policies, each Deny policy with a second binding that warns (for every rule id). */
function differentialPolicies(policies: readonly GeneratedPolicy[]): KubeObject[] {
  return policies.flatMap((p) => [
    ...p.objects,
    ...(p.severity === 'error'
      ? [
          {
            apiVersion: 'admissionregistration.k8s.io/v1',
            kind: 'ValidatingAdmissionPolicyBinding',
            metadata: { name: `${p.name}.differential` },
            spec: { policyName: p.name, validationActions: ['Warn'] },
          },
        ]
      : []),
  ]);
}

/** The rule ids of an answer: from the Warn bindings of Deny policies (errors) and of Warn policies (warnings). */
function serverRuleIds(answer: ObjectResult): { errors: string[]; warnings: string[] } {
  const errors = new Set<string>();
  const warnings = new Set<string>();
  for (const text of answer.warnings) {
    const match = /^Validation failed for ValidatingAdmissionPolicy '([^']+)' with binding '([^']+)': ([a-z0-9-]+):/.exec(text);
    if (!match) continue;
    (match[1].endsWith('-deny') ? errors : warnings).add(match[3]);
  }
  return { errors: [...errors].sort(), warnings: [...warnings].sort() };
}

/** The rule ids with a policy that the review finds in `object`, by severity. */
function reviewRuleIds(object: Json): { errors: string[]; warnings: string[] } {
  const result = review([{ object, origin: object.metadata.name }], { today: TODAY, allowedRegistries: CORPUS_ALLOWED_REGISTRIES });
  const ids = (severity: string) =>
    [
      ...new Set(
        result.findings.filter((f) => f.severity === severity && !f.exception && ADMISSION_RULE_IDS.has(f.ruleId)).map((f) => f.ruleId),
      ),
    ].sort();
  return { errors: ids('error'), warnings: ids('warning') };
}

/** An object the Pod policies must refuse, to await enforcement with. */
const PROBE = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'policy-probe', namespace: CORPUS_NAMESPACE },
  spec: { containers: [{ name: 'main', image: 'registry.k8s.io/pause:3.10', securityContext: { privileged: true } }] },
};

withInstalledTool(API_SERVER_PEER, 'admission policy differential proof against kube-apiserver', 'scripts/install-peers.sh', () => {
  describe(`the admission policies refuse exactly what the review finds (seed ${SEED})`, () => {
    const { random, pick } = seededRandom(SEED);
    const corpus = [...generatedCorpus(OBJECTS, random, pick), ...largestObjects()];
    const policies = admissionPolicies({ rules: ADMISSION_RULES, allowedRegistries: CORPUS_ALLOWED_REGISTRIES });
    const answers = new Map<string, ObjectResult>();
    let typeWarnings: string[] = [];
    beforeAll(async () => {
      process.stdout.write(
        `admission differential: seed ${SEED} (ADMISSION_SEED=... to change), ${corpus.length} objects, ${policies.length} policies\n`,
      );
      const report = await onApiServer([manifestFolder('admission-corpus-', [...CORPUS_SETUP, ...corpus])], {
        crds: false,
        policies: manifestFolder('admission-policies-', differentialPolicies(policies)),
        policyProbe: PROBE,
      });
      for (const o of report.objects) answers.set(`${o.kind}/${o.name}`, o);
      typeWarnings = report.policies.flatMap((p) => p.typeWarnings.map((w) => `${p.name}: ${w}`));
    }, SERVER_TIMEOUT);

    test('the proof covers every rule with a policy in CI', () => {
      if (process.env.CI) expect(ONLY).toBeUndefined();
    });

    test('the largest objects are judged within the CEL cost budget', () => {
      for (const object of largestObjects()) {
        const answer = answers.get(`${object.kind}/${object.metadata.name}`);
        expect([answer?.outcome, answer?.error]).toEqual(['created', undefined]);
      }
    });

    test('the policies type-check cleanly', () => {
      expect(typeWarnings).toEqual([]);
    });

    test('the server refuses an object exactly when the review finds an error of a rule with a policy, for the same rules', () => {
      const mismatches: string[] = [];
      let judged = 0;
      let refused = 0;
      const timesFound = new Map<string, number>();
      for (const object of corpus) {
        const answer = answers.get(`${object.kind}/${object.metadata.name}`);
        if (!answer) throw new Error(`no answer for ${object.kind}/${object.metadata.name}`);
        const byPolicy = answer.outcome === 'refused' && /ValidatingAdmissionPolicy '/.test(answer.error ?? '');
        if (answer.outcome !== 'created' && !byPolicy) continue; // refused by validation: not the policies' answer
        judged++;
        if (byPolicy) refused++;
        const server = serverRuleIds(answer);
        const ours = reviewRuleIds(object);
        for (const id of [...ours.errors, ...ours.warnings]) timesFound.set(id, (timesFound.get(id) ?? 0) + 1);
        const refusedFor = /denied request: ([a-z0-9-]+):/.exec(answer.error ?? '')?.[1];
        const agree =
          byPolicy === ours.errors.length > 0 &&
          JSON.stringify(server) === JSON.stringify(ours) &&
          (!byPolicy || (refusedFor !== undefined && ours.errors.includes(refusedFor)));
        if (!agree) {
          mismatches.push(
            `${object.kind}/${object.metadata.name}: server ${byPolicy ? 'refuses' : 'admits'} (errors ${server.errors.join(', ') || '-'}; warnings ${server.warnings.join(', ') || '-'})` +
              `, review errors ${ours.errors.join(', ') || '-'}; warnings ${ours.warnings.join(', ') || '-'}\n${answer.error ?? ''}\n${JSON.stringify(object)}`,
          );
        }
      }
      process.stdout.write(
        `admission differential (seed ${SEED}): ${judged} objects judged, ${refused} refused, ${mismatches.length} disagreements\n` +
          [...timesFound].map(([id, n]) => `  ${id}: ${n}`).join('\n') +
          '\n',
      );
      expect(mismatches.slice(0, 10)).toEqual([]);
      // Every rule with a policy is found (and so refused or warned about) in the corpus: none agrees by never being tried.
      const untried = ADMISSION_RULES.filter((rule) => (timesFound.get(rule.id) ?? 0) < 3 && !(rule.id in NOT_PAST_VALIDATION));
      expect(untried.map((rule) => rule.id)).toEqual([]);
      // At least 1,000 objects judged; the rest are combinations no object may have (as in the Pod Security differential).
      expect(judged).toBeGreaterThanOrEqual(1000);
      expect(refused).toBeGreaterThan(judged * 0.2);
      expect(judged - refused).toBeGreaterThan(judged * 0.2);
    });
  });
});
