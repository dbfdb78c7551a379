import { CaseUnderTest, caseProblem, Finding, parseRef, verdict } from '../../scripts/scan-mappings-verdict';

const readOnlyRoot: CaseUnderTest = {
  scanner: 'kube-linter',
  check: 'no-read-only-root-fs',
  label: 'no-read-only-root-fs -> read-only-root-filesystem',
  objectSkip: false,
  kind: 'Deployment',
  flaggedName: 'm1-flagged',
  skippedName: 'm1-skipped',
};
const found = (name: string, over: Partial<Finding> = {}): Finding => ({
  scanner: 'kube-linter',
  check: 'no-read-only-root-fs',
  kind: 'Deployment',
  name,
  ...over,
});

describe('parseRef', () => {
  test('reads kind and name of namespaced and cluster-scoped references', () => {
    expect(parseRef('Deployment m1-flagged/m1-flagged')).toEqual({ kind: 'Deployment', name: 'm1-flagged' });
    expect(parseRef('ClusterRole m2-flagged')).toEqual({ kind: 'ClusterRole', name: 'm2-flagged' });
  });
});

describe('caseProblem', () => {
  test('holds when the violating object is reported and the skipped one is not', () => {
    expect(caseProblem(readOnlyRoot, [found('m1-flagged')])).toBeUndefined();
  });

  test('fails when the violating object is not reported (wrong id, kind or scanner)', () => {
    expect(caseProblem(readOnlyRoot, [])).toMatch(/not reported on the violating Deployment m1-flagged/);
    expect(caseProblem(readOnlyRoot, [found('m1-flagged', { check: 'no-readiness-probe' })])).toMatch(/not reported/);
    expect(caseProblem(readOnlyRoot, [found('m1-flagged', { kind: 'Pod' })])).toMatch(/not reported/);
    expect(caseProblem(readOnlyRoot, [found('m1-flagged', { scanner: 'polaris' })])).toMatch(/not reported/);
  });

  test('fails when the object with the skip annotations is still reported', () => {
    expect(caseProblem(readOnlyRoot, [found('m1-flagged'), found('m1-skipped')])).toMatch(
      /still reported on Deployment m1-skipped.*ignores them/,
    );
  });

  test("accepts a report under another kind only where the case allows it (Checkov's derived Pod)", () => {
    const graph: CaseUnderTest = { ...readOnlyRoot, scanner: 'checkov', check: 'CKV2_K8S_6', alsoReportedAs: ['Pod'] };
    const pod = (name: string) => found(name, { scanner: 'checkov', check: 'CKV2_K8S_6', kind: 'Pod' });
    expect(caseProblem(graph, [pod('m1-flagged')])).toBeUndefined();
    expect(caseProblem(graph, [pod('m1-flagged'), pod('m1-skipped')])).toMatch(/still reported/);
  });

  test('a case that could not be built fails with its own reason', () => {
    expect(caseProblem({ ...readOnlyRoot, problem: 'no violating object' }, [found('m1-flagged')])).toBe('no violating object');
  });
});

describe('verdict', () => {
  test('counts mappings and object skips per scanner, and lists each case that does not hold', () => {
    const skip: CaseUnderTest = {
      ...readOnlyRoot,
      check: 'liveness-port',
      label: 'liveness-port (object skip)',
      objectSkip: true,
      flaggedName: 's1-flagged',
      skippedName: 's1-skipped',
    };
    const broken: CaseUnderTest = {
      ...readOnlyRoot,
      check: 'latest-tag',
      label: 'latest-tag -> no-latest-tag',
      flaggedName: 'm2-flagged',
      skippedName: 'm2-skipped',
    };
    const result = verdict([readOnlyRoot, skip, broken], [found('m1-flagged'), found('s1-flagged', { check: 'liveness-port' })]);
    expect(result.ok).toBe(false);
    expect(result.lines).toEqual([
      'checkov: 0 mappings and 0 object skips proven (flagged without the skip, silent with it)',
      'kube-score: 0 mappings and 0 object skips proven (flagged without the skip, silent with it)',
      'kube-linter: 1 mapping and 1 object skip proven (flagged without the skip, silent with it); 1 do NOT hold',
      'polaris: 0 mappings and 0 object skips proven (flagged without the skip, silent with it)',
      'trivy: 0 mappings and 0 object skips proven (flagged without the skip, silent with it)',
      expect.stringMatching(/^scan-mappings: kube-linter latest-tag -> no-latest-tag: not reported on the violating Deployment m2-flagged/),
    ]);
    expect(verdict([readOnlyRoot], [found('m1-flagged')]).ok).toBe(true);
  });
});
