/**
 * `object-schema` on custom resources: judged against their CustomResourceDefinition when one
 * is given (in the input, or ReviewOptions.customResourceDefinitions), never otherwise. The
 * upstream CRDs are those of the vendored add-on releases (vendor/addons).
 */
import { vendoredCustomResourceDefinitions } from '../../lib/addons/vendored-crds';
import { review } from '../../lib/review/engine';
import { KubeObject } from '../../lib/review/model';
import { ruleById } from '../../lib/review/packs';
import { check } from './builders';
import { CUSTOM_RESOURCE_CASES, CustomResourceCase, WIDGET_CRD, widget } from './custom-resource-cases';

const objectSchema = ruleById('object-schema')!;

/** The object-schema findings on `object`, with `crds` given beside it. */
function judged(object: KubeObject, crds: readonly KubeObject[]) {
  return review([{ object }], { packs: ['namespaces'], today: '2026-01-01', customResourceDefinitions: crds }).findings.filter(
    (f) => f.ruleId === 'object-schema',
  );
}

function expectCase({ object, expected }: CustomResourceCase, crds: readonly KubeObject[]) {
  const found = judged(object, crds);
  expect(found.map((f) => f.path)).toEqual(expected.map(([p]) => p));
  found.forEach((f, i) => expect(f.message).toContain(expected[i][1]));
}

describe('object-schema judges custom resources against their CRD', () => {
  test.each(CUSTOM_RESOURCE_CASES.filter((c) => !c.upstream).map((c) => [c.name, c] as const))('%s', (_name, c) =>
    expectCase(c, [WIDGET_CRD]),
  );

  test('a misspelt field and a wrong type are errors that name the CRD and its version, from a CRD in the input too', () => {
    const object = widget({ sise: 3, enabled: 'yes' });
    const expected = [
      [
        'spec.enabled',
        '"enabled" is the string "yes"; the API server expects a boolean (true or false) (CRD widgets.example.com, version v1)',
      ],
      [
        'spec.sise',
        'unknown field "sise": Widget spec has no such field (did you mean "size"?); kubectl --validate=strict refuses it, ' +
          'and without strict validation the API server silently drops it (CRD widgets.example.com, version v1)',
      ],
    ];
    expect(judged(object, [WIDGET_CRD]).map((f) => [f.path, f.message])).toEqual(expected);
    // check() gives the CRD only as another object of the input; its findings come in the object's field order.
    expect(check(objectSchema, object, [WIDGET_CRD]).map((f) => [f.path, f.message])).toEqual([expected[1], expected[0]]);
    expect(review([{ object }], { today: '2026-01-01', customResourceDefinitions: [WIDGET_CRD] }).passed).toBe(false);
  });

  test('preserve-unknown-fields subtrees pass whatever they hold; an embedded resource takes apiVersion, kind and metadata', () => {
    const object = widget({
      extra: { any: [{ thing: null }, 2], at: { all: true } },
      template: { apiVersion: 'v1', kind: 'Secret', metadata: { labels: { a: 'b' } }, free: 1 },
    });
    expect(judged(object, [WIDGET_CRD])).toEqual([]);
  });

  test('a CRD that defines another kind, or none given, leaves the custom resource unjudged', () => {
    const other = structuredClone(WIDGET_CRD) as any;
    other.spec.names.kind = 'Gadget';
    expect(judged(widget({ sise: 3 }), [other])).toEqual([]);
    expect(judged(widget({ sise: 3 }), [])).toEqual([]);
  });

  test('a version its CRD does not have is an error', () => {
    expect(judged(widget({}, 'example.com/v2'), [WIDGET_CRD]).map((f) => [f.path, f.message])).toEqual([
      ['apiVersion', 'the CRD widgets.example.com does not serve Widget in "v2": it serves example.com/v1'],
    ]);
  });

  test('the review refuses anything but a CRD as customResourceDefinitions', () => {
    expect(() => review([{ object: widget({}) }], { customResourceDefinitions: [widget({})] })).toThrow(
      'review: customResourceDefinitions[0] is a Widget, not a CustomResourceDefinition (apiextensions.k8s.io/v1). Give only CRDs there, and review other objects as targets.',
    );
  });
});

describe('custom resources against the vendored CRDs of Sealed Secrets, External Secrets and Argo CD', () => {
  const crds = () => vendoredCustomResourceDefinitions() as KubeObject[];

  test.each(CUSTOM_RESOURCE_CASES.filter((c) => c.upstream).map((c) => [c.name, c] as const))('%s', (_name, c) => expectCase(c, crds()));

  test("the vendored releases' CRDs, each file checked against its SOURCE.json, and nothing else", () => {
    const found = crds();
    expect(found.every((crd) => crd.kind === 'CustomResourceDefinition')).toBe(true);
    expect(found.map((crd) => crd.metadata?.name)).toEqual(
      expect.arrayContaining([
        'sealedsecrets.bitnami.com',
        'externalsecrets.external-secrets.io',
        'clustersecretstores.external-secrets.io',
        'applications.argoproj.io',
        'appprojects.argoproj.io',
        'certificates.cert-manager.io',
        'clusterissuers.cert-manager.io',
      ]),
    );
  });
});
