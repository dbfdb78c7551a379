import { parse } from 'yaml';
import { exceptionAnnotations } from '../../lib/policy/exception-routing';
import { LIMIT_RANGE_SKIPS, NET_BIND_SERVICE_SKIPS, WORKLOAD_AUTHOR_ROLE_SKIPS } from '../../lib/policy/scanner-map';
import { trivyIgnoreEntries, trivyIgnoreYaml, trivySkipsOf, TrivySubject } from '../../lib/policy/trivy-ignore';

const REASON = 'the vendor agent rewrites its config at start';
const subject = (kind: string, more: Partial<TrivySubject> = {}): TrivySubject => ({
  kind,
  accepted: [],
  openRules: new Set<string>(),
  trustAnnotations: true,
  ...more,
});
const excepted = () => subject('Deployment', { accepted: [{ rule: 'read-only-root-filesystem', reason: REASON, expires: '2027-03-31' }] });
const plain = () => subject('Deployment');
const OURS = `our exception to read-only-root-filesystem: ${REASON} (expires 2027-03-31)`;

describe("Trivy's skips of one object", () => {
  test('an accepted exception skips the Trivy checks mapped to its rule, with its reason', () => {
    const skips = trivySkipsOf(excepted());
    expect(skips.get('KSV-0014')).toBe(OURS);
    expect(skips.has('KSV-0017')).toBe(false);
    // An exception annotation the review did not apply counts for nothing.
    const claimed = subject('Deployment', {
      annotations: exceptionAnnotations([{ rule: 'no-privileged', reason: 'claimed' }], 'Deployment'),
    });
    expect(trivySkipsOf(claimed).has('KSV-0017')).toBe(false);
  });

  test('an object skip counts when the map lists it for Trivy and the annotation is trusted: the annotation alone grants nothing', () => {
    const annotations = exceptionAnnotations([], 'Deployment', NET_BIND_SERVICE_SKIPS);
    expect(annotations['trivy.hardened.cdk8s.io/ignore']).toBe('KSV-0022,KSV-0117');
    const own = (s: TrivySubject) => [...trivySkipsOf(s).keys()].filter((c) => !['KSV-0039', 'KSV-0040'].includes(c));
    expect(own(subject('Deployment', { annotations }))).toEqual(['KSV-0022', 'KSV-0117']);
    expect(own(subject('Deployment', { annotations, trustAnnotations: false }))).toEqual([]);
    // Hand-written: a check no object skip names (privileged), and one only an exception may skip.
    expect(own(subject('Deployment', { annotations: { 'trivy.hardened.cdk8s.io/ignore': 'KSV-0017,KSV-0014' } }))).toEqual([]);
  });

  test('no check is skipped while a rule mapped to it keeps a finding no exception accepted (an exception accepts values)', () => {
    const partly = subject('Role', {
      accepted: [{ rule: 'rbac-namespace-escalation-powers', reason: 'reads the secret db' }],
      openRules: new Set(['rbac-namespace-escalation-powers']),
    });
    expect([...trivySkipsOf(partly).keys()].filter((c) => c.startsWith('KSV-00') && !['KSV-0039', 'KSV-0040'].includes(c))).toEqual([]);
    const annotations = exceptionAnnotations([], 'Role', WORKLOAD_AUTHOR_ROLE_SKIPS);
    expect(trivySkipsOf(subject('Role', { annotations, openRules: new Set(['rbac-namespace-escalation-powers']) })).has('KSV-0048')).toBe(
      false,
    );
    expect(trivySkipsOf(subject('Role', { annotations })).has('KSV-0048')).toBe(true);
  });

  test('an object skip counts only on the kinds it is for', () => {
    const annotations = { 'trivy.hardened.cdk8s.io/ignore': 'KSV-0048,KSV-0039' };
    expect(trivySkipsOf(subject('ClusterRole', { annotations })).has('KSV-0048')).toBe(false);
    expect(trivySkipsOf(subject('Role', { annotations })).has('KSV-0048')).toBe(true);
    expect(trivySkipsOf(subject('LimitRange', { annotations })).has('KSV-0039')).toBe(true);
  });

  test('the checks Trivy evaluates on every kind are skipped on the other kinds only', () => {
    expect(trivySkipsOf(plain()).get('KSV-0039')).toMatch(/LimitRange/);
    expect(trivySkipsOf(subject('LimitRange')).has('KSV-0039')).toBe(false);
    expect(trivySkipsOf(subject('LimitRange')).has('KSV-0040')).toBe(true);
    expect(trivySkipsOf(subject('ResourceQuota')).has('KSV-0040')).toBe(false);
    // Our LimitRange's own skip, written by HardenedNamespace.
    const annotations = exceptionAnnotations([], 'LimitRange', LIMIT_RANGE_SKIPS);
    expect(trivySkipsOf(subject('LimitRange', { annotations })).get('KSV-0039')).toMatch(/no minimum/);
  });
});

describe("Trivy's ignore file", () => {
  const entriesFor = (files: Record<string, TrivySubject[]>) => trivyIgnoreEntries(new Map(Object.entries(files))).entries;
  const pathsOf = (entries: ReturnType<typeof entriesFor>, id: string) => entries.filter((e) => e.id === id).flatMap((e) => e.paths ?? []);

  test('one object to a file: the skip names exactly its file, with our reason', () => {
    const entries = entriesFor({ 'shop/Deployment.agent.k8s.yaml': [excepted()], 'shop/Deployment.api.k8s.yaml': [plain()] });
    expect(pathsOf(entries, 'KSV-0014')).toEqual(['shop/Deployment.agent.k8s.yaml']);
    expect(entries.find((e) => e.id === 'KSV-0014')?.statement).toBe(OURS);
  });

  test('several objects to a file: a skip is written only when every object in it carries it', () => {
    const entries = entriesFor({ 'shop.k8s.yaml': [excepted(), plain()], 'other.k8s.yaml': [excepted(), excepted()] });
    expect(pathsOf(entries, 'KSV-0014')).toEqual(['other.k8s.yaml']);
    // Neither file holds a LimitRange: the kind-scoped check is skipped in both.
    expect(pathsOf(entries, 'KSV-0039')).toEqual(['other.k8s.yaml', 'shop.k8s.yaml']);
    expect(pathsOf(entriesFor({ 'ns.k8s.yaml': [plain(), subject('LimitRange')] }), 'KSV-0039')).toEqual([]);
  });

  test('a file whose name Trivy reads as a pattern is left out, so it cannot stand for other files', () => {
    const files = new Map(
      Object.entries({
        'shop/*.yaml': [excepted()],
        'shop/{a,b}.yaml': [excepted()],
        'shop/a?.yaml': [excepted()],
        'shop/[a].yaml': [excepted()],
        'shop\\a.yaml': [excepted()],
        'shop/agent.yaml': [excepted()],
      }),
    );
    const { entries, leftOut } = trivyIgnoreEntries(files);
    expect(entries.flatMap((e) => e.paths ?? []).filter((p) => p !== 'shop/agent.yaml')).toEqual([]);
    expect(leftOut).toEqual(['shop/*.yaml', 'shop/[a].yaml', 'shop/a?.yaml', 'shop/{a,b}.yaml', 'shop\\a.yaml']);
  });

  test('the checks that do not apply come first, for every file', () => {
    expect(entriesFor({}).map((e) => [e.id, e.paths])).toEqual([
      ['KSV-0049', undefined],
      ['KSV-0125', undefined],
    ]);
  });

  test("is Trivy's YAML format, the same for the same objects in any order", () => {
    const a = trivyIgnoreYaml(entriesFor({ 'b.yaml': [excepted()], 'a.yaml': [plain()] }));
    const b = trivyIgnoreYaml(entriesFor({ 'a.yaml': [plain()], 'b.yaml': [excepted()] }));
    expect(a).toBe(b);
    const parsed = parse(a) as { misconfigurations: { id: string; paths?: string[]; statement: string }[] };
    expect(Object.keys(parsed)).toEqual(['misconfigurations']);
    expect(parsed.misconfigurations.find((m) => m.id === 'KSV-0014')).toEqual({ id: 'KSV-0014', paths: ['b.yaml'], statement: OURS });
  });
});
