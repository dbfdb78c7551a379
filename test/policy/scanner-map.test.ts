import * as fs from 'node:fs';
import * as path from 'node:path';
import { ReferenceId, RuleReferences } from '../../lib/review/model';
import { ALL_RULES, ruleById } from '../../lib/review/packs';
import {
  boundRoleRules,
  checksForRule,
  KUBE_LINTER_ADDED_CHECKS,
  NOT_APPLICABLE,
  notApplicableChecks,
  OBJECT_SKIPS,
  rulesForCheck,
  Scanner,
  SCANNER_CHECKS,
  SCANNERS,
  scannerSkipAnnotations,
} from '../../lib/policy/scanner-map';

const REFERENCE_FIELDS: Record<Scanner, keyof RuleReferences> = {
  checkov: 'checkov',
  'kube-score': 'kubeScore',
  'kube-linter': 'kubeLinter',
  polaris: 'polaris',
  trivy: 'trivy',
};
const ids = (ref: ReferenceId | undefined): string[] => (ref === undefined ? [] : typeof ref === 'string' ? [ref] : [...ref]);
const key = (scanner: string, check: string, rule: string) => `${scanner} ${check} -> ${rule}`;

describe('the scanner map', () => {
  test('every mapped rule id is a rule of the engine', () => {
    expect(
      SCANNER_CHECKS.filter((c) => c.rule !== NOT_APPLICABLE && !ruleById(c.rule)).map((c) => key(c.scanner, c.check, c.rule)),
    ).toEqual([]);
  });

  test('a not-applicable check says why, in a sentence; a mapped one gives no reason', () => {
    for (const c of SCANNER_CHECKS) {
      if (c.rule === NOT_APPLICABLE) expect(c.reason).toMatch(/^[A-Z].{20,}\.$/);
      else expect(c.reason).toBeUndefined();
    }
  });

  test('no check is both mapped and not applicable, and no row repeats', () => {
    const rows = SCANNER_CHECKS.map((c) => key(c.scanner, c.check, c.rule));
    expect(rows.filter((r, i) => rows.indexOf(r) !== i)).toEqual([]);
    const na = new Set(SCANNER_CHECKS.filter((c) => c.rule === NOT_APPLICABLE).map((c) => `${c.scanner} ${c.check}`));
    expect(SCANNER_CHECKS.filter((c) => c.rule !== NOT_APPLICABLE && na.has(`${c.scanner} ${c.check}`))).toEqual([]);
  });

  test("it agrees with the rules' references: each scanner id a rule names is mapped to it, and back", () => {
    const fromReferences = ALL_RULES.flatMap((rule) =>
      SCANNERS.flatMap((scanner) => ids(rule.references[REFERENCE_FIELDS[scanner]]).map((check) => key(scanner, check, rule.id))),
    );
    const fromMap = SCANNER_CHECKS.filter((c) => c.rule !== NOT_APPLICABLE).map((c) => key(c.scanner, c.check, c.rule));
    expect(fromMap.filter((r) => !fromReferences.includes(r))).toEqual([]);
    expect(fromReferences.filter((r) => !fromMap.includes(r))).toEqual([]);
  });

  test('a kinds override names kinds the scanner judges', () => {
    for (const c of SCANNER_CHECKS.filter((x) => x.kinds)) expect(c.kinds!.length).toBeGreaterThan(0);
  });

  test('the checks that do not apply are these', () => {
    expect(Object.fromEntries(SCANNERS.map((s) => [s, notApplicableChecks(s).map((c) => c.check)]))).toEqual({
      checkov: [],
      'kube-score': [
        'container-cpu-requests-equal-limits',
        'container-memory-requests-equal-limits',
        'container-resource-requests-equal-limits',
        'container-ephemeral-storage-request-equals-limit',
      ],
      'kube-linter': [],
      polaris: ['metadataAndInstanceMismatched', 'missingNetworkPolicy', 'priorityClassNotSet', 'topologySpreadConstraint'],
      trivy: ['KSV-0049', 'KSV-0125'],
    });
  });

  test('docs/proofs.md lists exactly the checks that do not apply', () => {
    const readme = fs.readFileSync(path.join(__dirname, '../../docs/proofs.md'), 'utf8');
    const NAMES: Record<Scanner, string> = {
      checkov: 'Checkov',
      'kube-score': 'kube-score',
      'kube-linter': 'kube-linter',
      polaris: 'Polaris',
      trivy: 'Trivy',
    };
    const listed = [...readme.matchAll(/^\| (Checkov|kube-score|kube-linter|Polaris|Trivy) \| `([^`]+)` \|/gm)].map(
      (m) => `${m[1]} ${m[2]}`,
    );
    expect(listed).toEqual(SCANNERS.flatMap((s) => notApplicableChecks(s).map((c) => `${NAMES[s]} ${c.check}`)));
  });

  test('docs/proofs.md lists exactly the checks skipped on some objects, with where and why', () => {
    const readme = fs.readFileSync(path.join(__dirname, '../../docs/proofs.md'), 'utf8');
    const listed = [...readme.matchAll(/^\| `([^`]+)` \((Checkov|kube-score|kube-linter|Polaris|Trivy)\) \| (.+) \| (.+) \|$/gm)].map(
      (m) => [m[2].toLowerCase(), m[1], m[3], m[4]],
    );
    expect(listed).toEqual(OBJECT_SKIPS.map((skip) => [skip.scanner, skip.check, skip.objects, skip.reason]));
  });

  test('a check that covers several rules is skipped by an exception to any of them', () => {
    expect(rulesForCheck('kube-score', 'pod-probes')).toEqual(['liveness-probe', 'readiness-probe']);
    expect(checksForRule('readiness-probe', 'Deployment')['kube-score']).toEqual(['pod-probes']);
    expect(checksForRule('liveness-probe', 'Deployment')['kube-score']).toEqual(['pod-probes']);
  });

  test('a skip is written only on the kinds the scanner judges', () => {
    // namespace-default-deny is excepted on the Namespace; the scanners judge pods.
    expect(checksForRule('namespace-default-deny', 'Namespace')).toEqual({
      checkov: [],
      'kube-score': [],
      'kube-linter': [],
      polaris: [],
      trivy: [],
    });
    expect(checksForRule('namespace-default-deny', 'Deployment')).toEqual({
      checkov: ['CKV2_K8S_6'],
      'kube-score': ['pod-networkpolicy'],
      'kube-linter': ['non-isolated-pod'],
      polaris: [],
      trivy: [],
    });
  });

  test('a rule of every kind skips its checks on any kind', () => {
    expect(checksForRule('no-default-namespace', 'ConfigMap')['kube-linter']).toEqual(['use-namespace']);
  });

  test("a check reported on bindings for their role's powers is accepted by an exception on the role, and only on bindings", () => {
    expect(boundRoleRules('kube-linter', 'access-to-secrets')).toEqual(['rbac-namespace-escalation-powers']);
    expect(boundRoleRules('polaris', 'clusterrolebindingPodExecAttach')).toEqual(['rbac-no-exec-attach-portforward']);
    expect(boundRoleRules('kube-linter', 'wildcard-in-rules')).toEqual([]);
    for (const c of SCANNER_CHECKS.filter((x) => x.boundRole)) expect(c.kinds).toEqual(['RoleBinding', 'ClusterRoleBinding']);
    // The role's rule never lands on a binding, so no skip annotation is written there: the scan looks the role up.
    expect(checksForRule('rbac-namespace-escalation-powers', 'Role')['kube-linter']).toEqual([]);
  });

  test('the kube-linter checks the scan adds are mapped or skipped on some objects, and schema-validation (which downloads schemas) is not among them', () => {
    const mapped = new Set([...SCANNER_CHECKS, ...OBJECT_SKIPS].filter((c) => c.scanner === 'kube-linter').map((c) => c.check));
    expect(KUBE_LINTER_ADDED_CHECKS.filter((c) => !mapped.has(c))).toEqual([]);
    expect(KUBE_LINTER_ADDED_CHECKS).not.toContain('schema-validation');
  });
});

describe('scannerSkipAnnotations', () => {
  const reason = 'the vendor agent rewrites its config at start; tracked in SEC-142 (expires 2027-03-31)';

  test("an exception to read-only-root-filesystem becomes each scanner's skip, with the reason where it has room", () => {
    expect(scannerSkipAnnotations([{ rule: 'read-only-root-filesystem', reason }], 'Deployment')).toEqual({
      'checkov.io/skip1': `CKV_K8S_22=${reason}`,
      'kube-score/ignore': 'container-security-context-readonlyrootfilesystem',
      'ignore-check.kube-linter.io/no-read-only-root-fs': reason,
      'polaris.fairwinds.com/notReadOnlyRootFilesystem-exempt': 'true',
      'trivy.hardened.cdk8s.io/ignore': 'KSV-0014',
    });
  });

  test('several exceptions: one kube-score list, Checkov numbered in check order, the same whatever the input order', () => {
    const exceptions = [
      { rule: 'resources-set', reason: 'sized by the vendor operator, see OPS-7' },
      { rule: 'image-pull-always', reason: 'air-gapped node cache, see OPS-9' },
    ];
    const annotations = scannerSkipAnnotations(exceptions, 'CronJob');
    expect(scannerSkipAnnotations([...exceptions].reverse(), 'CronJob')).toEqual(annotations);
    expect(Object.entries(annotations).filter(([k]) => k.startsWith('checkov.io/'))).toEqual([
      ['checkov.io/skip1', 'CKV_K8S_10=sized by the vendor operator, see OPS-7'],
      ['checkov.io/skip2', 'CKV_K8S_12=sized by the vendor operator, see OPS-7'],
      ['checkov.io/skip3', 'CKV_K8S_13=sized by the vendor operator, see OPS-7'],
      ['checkov.io/skip4', 'CKV_K8S_15=air-gapped node cache, see OPS-9'],
    ]);
    expect(annotations['kube-score/ignore']).toBe('container-image-pull-policy,container-resources');
  });

  test('an = in a reason is written as : for Checkov, which splits its value on =', () => {
    expect(scannerSkipAnnotations([{ rule: 'image-digest', reason: 'pinned by tag until TICKET=42 lands' }], 'Deployment')).toEqual({
      'checkov.io/skip1': 'CKV_K8S_43=pinned by tag until TICKET:42 lands',
    });
  });

  test('a rule no scanner checks adds nothing', () => {
    expect(
      scannerSkipAnnotations([{ rule: 'network-egress-metadata', reason: 'the metadata proxy, reviewed in SEC-9' }], 'NetworkPolicy'),
    ).toEqual({});
  });
});
