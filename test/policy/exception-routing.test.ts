import { ApiObject, Chart, Cron, Testing } from 'cdk8s';
import { HardenedCronJob, HardenedDeployment, HardenedNamespace, PodSecurityLevel } from '../../lib';
import { exceptionAnnotations, recordExceptions, writeExceptions, writeScannerSkips } from '../../lib/policy/exception-routing';
import { CONTAINER, IMAGE, only, synthObjects } from '../support';

const reason = 'the vendor agent rewrites its config at start; tracked in SEC-142';

/** The annotations of a Deployment after `record` wrote on it. */
function annotationsAfter(record: (api: ApiObject) => void): Record<string, string> {
  const chart = new Chart(Testing.app(), 'test');
  const api = new ApiObject(chart, 'd', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' } });
  record(api);
  return Testing.synth(chart)[0].metadata.annotations;
}

describe('exceptions reach the scanners with the same reason', () => {
  test('an exception to read-only-root-filesystem yields the Checkov, kube-score, kube-linter, Polaris and Trivy skips', () => {
    const deployment = only(
      synthObjects(
        (shop) =>
          new HardenedDeployment(shop, 'agent', {
            containers: [{ ...CONTAINER, securityContext: { readOnlyRootFilesystem: false } }],
            exceptions: [{ rule: 'read-only-root-filesystem', reason, expires: '2027-03-31' }],
          }),
      ),
      'Deployment',
    );
    expect(deployment.metadata.annotations).toEqual({
      'exception.hardened.cdk8s.io/read-only-root-filesystem': `${reason} (expires 2027-03-31)`,
      'checkov.io/skip1': `CKV_K8S_22=${reason} (expires 2027-03-31)`,
      'kube-score/ignore': 'container-security-context-readonlyrootfilesystem',
      'ignore-check.kube-linter.io/no-read-only-root-fs': `${reason} (expires 2027-03-31)`,
      'polaris.fairwinds.com/notReadOnlyRootFilesystem-exempt': 'true',
      'trivy.hardened.cdk8s.io/ignore': 'KSV-0014',
    });
  });

  test("a grant's own exception (the mounted token) reaches them too, beside the workload's exceptions", () => {
    const cronJob = only(
      synthObjects((shop) => {
        const job = new HardenedCronJob(shop, 'report', {
          schedule: Cron.schedule({ minute: '0', hour: '3' }),
          containers: [{ image: IMAGE, securityContext: { readOnlyRootFilesystem: false } }],
          exceptions: [{ rule: 'read-only-root-filesystem', reason }],
        });
        job.grant({ apiGroups: [''], resources: ['configmaps'], verbs: ['get'], resourceNames: ['flags'] });
      }),
      'CronJob',
    );
    const grant = 'calls the Kubernetes API with the permissions of Role report (workload.grant)';
    expect(cronJob.metadata.annotations).toEqual({
      'exception.hardened.cdk8s.io/no-service-account-token': grant,
      'exception.hardened.cdk8s.io/read-only-root-filesystem': reason,
      'checkov.io/skip1': `CKV_K8S_22=${reason}`,
      'checkov.io/skip2': `CKV_K8S_38=${grant}`,
      'kube-score/ignore': 'container-security-context-readonlyrootfilesystem',
      'ignore-check.kube-linter.io/no-read-only-root-fs': reason,
      'polaris.fairwinds.com/automountServiceAccountToken-exempt': 'true',
      'polaris.fairwinds.com/notReadOnlyRootFilesystem-exempt': 'true',
      'trivy.hardened.cdk8s.io/ignore': 'KSV-0014,KSV-0036',
    });
  });

  test('the HardenedNamespace records its exceptions the same way', () => {
    const objects = Testing.synth(
      (() => {
        const chart = new Chart(Testing.app(), 'test');
        new HardenedNamespace(chart, 'legacy', {
          podSecurity: PodSecurityLevel.BASELINE,
          exceptions: [{ rule: 'namespace-pod-security', reason }],
        });
        return chart;
      })(),
    );
    expect(only(objects, 'Namespace').metadata.annotations).toEqual(
      exceptionAnnotations([{ rule: 'namespace-pod-security', reason }], 'Namespace'),
    );
  });

  test("recording in several calls gives what one call gives: Checkov's numbers stay a sequence", () => {
    const a = { rule: 'resources-set', reason: 'sized by the vendor operator, see OPS-7' };
    const b = { rule: 'image-pull-always', reason: 'air-gapped node cache, see OPS-9' };
    const once = annotationsAfter((api) => writeExceptions(api, [a, b]));
    expect(
      annotationsAfter((api) => {
        writeExceptions(api, [a]);
        writeExceptions(api, [b]);
      }),
    ).toEqual(once);
    expect(
      annotationsAfter((api) => {
        recordExceptions(api, [b]);
        recordExceptions(api, [a]);
      }),
    ).toEqual(once);
    expect(Object.keys(once).filter((k) => k.startsWith('checkov.io/'))).toEqual([
      'checkov.io/skip1',
      'checkov.io/skip2',
      'checkov.io/skip3',
      'checkov.io/skip4',
    ]);
  });

  test("a check that does not apply to an object is skipped on it, merged with its exceptions' skips in any order", () => {
    const skip = {
      scanner: 'kube-score',
      check: 'networkpolicy-targets-pod',
      objects: 'these',
      reason: 'Does not apply to these objects at all.',
    } as const;
    const linterSkip = { scanner: 'kube-linter', check: 'some-check', objects: 'these', reason: 'Does not apply either.' } as const;
    const exception = { rule: 'distinct-probes', reason: 'one TCP port, no health endpoint, see OPS-3' };
    expect(annotationsAfter((api) => writeScannerSkips(api, [skip, linterSkip]))).toEqual({
      'kube-score/ignore': 'networkpolicy-targets-pod',
      'ignore-check.kube-linter.io/some-check': 'Does not apply either.',
    });
    const both = annotationsAfter((api) => {
      writeScannerSkips(api, [skip]);
      writeExceptions(api, [exception]);
    });
    expect(both['kube-score/ignore']).toBe('networkpolicy-targets-pod,pod-probes-identical');
    expect(
      annotationsAfter((api) => {
        writeExceptions(api, [exception]);
        writeScannerSkips(api, [skip]);
      }),
    ).toEqual(both);
  });

  test('an exception whose rule judges another kind is not written (nor its skips), and landing nowhere fails synth', () => {
    const chart = new Chart(Testing.app(), 'test');
    const api = new ApiObject(chart, 'p', { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'p' } });
    recordExceptions(api, [{ rule: 'read-only-root-filesystem', reason }]);
    expect(api.toJson().metadata.annotations).toBeUndefined();
    expect(() => Testing.synth(chart)).toThrow(
      "[test] 'exceptions' has an exception to 'read-only-root-filesystem' that applies to nothing",
    );
  });
});
