import { Chart, Duration, Testing } from 'cdk8s';
import { ExternalSecret, ExternalSecretProps, HardenedNamespace, SecretStoreKind } from '../../lib';
import { goDuration } from '../../lib/secrets/external-secret';

const DATA = [{ secretKey: 'password', remoteRef: { key: 'prod/shop/db', property: 'password' } }];

/** Synthesizes one ExternalSecret in a chart with `chartNamespace` (`null`: none). */
function synth(props: Partial<ExternalSecretProps> = {}, chartNamespace: string | null = 'shop'): any {
  const app = Testing.app();
  const chart = new Chart(app, 'test', { namespace: chartNamespace ?? undefined });
  new ExternalSecret(chart, 'db', { storeRef: { name: 'vault' }, data: DATA, ...props });
  return Testing.synth(chart)[0];
}

describe('ExternalSecret defaults', () => {
  test('reads from a SecretStore every hour into a Secret of its name that it owns', () => {
    expect(synth()).toEqual({
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: { name: 'db', namespace: 'shop' },
      spec: {
        refreshInterval: '1h',
        secretStoreRef: { name: 'vault', kind: 'SecretStore' },
        target: { name: 'db', creationPolicy: 'Owner' },
        data: [{ secretKey: 'password', remoteRef: { key: 'prod/shop/db', property: 'password' } }],
      },
    });
  });

  test('carries no secret material: only references', () => {
    const spec = synth().spec;
    expect(Object.keys(spec).sort()).toEqual(['data', 'refreshInterval', 'secretStoreRef', 'target']);
  });

  test('lands in the enclosing HardenedNamespace', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'test');
    new ExternalSecret(new HardenedNamespace(chart, 'payments'), 'db', { storeRef: { name: 'vault' }, data: DATA });
    expect(Testing.synth(chart).find((o) => o.kind === 'ExternalSecret').metadata.namespace).toBe('payments');
  });
});

describe('ExternalSecret options', () => {
  test('a ClusterSecretStore, another refresh interval, target name and namespace, a whole-value key', () => {
    const es = synth({
      name: 'api',
      namespace: 'billing',
      targetName: 'api-credentials',
      storeRef: { name: 'aws', kind: SecretStoreKind.CLUSTER_SECRET_STORE },
      refreshInterval: Duration.minutes(15),
      data: [{ secretKey: 'token', remoteRef: { key: 'prod/api-token' } }],
    });
    expect(es.metadata).toEqual({ name: 'api', namespace: 'billing' });
    expect(es.spec).toEqual({
      refreshInterval: '15m',
      secretStoreRef: { name: 'aws', kind: 'ClusterSecretStore' },
      target: { name: 'api-credentials', creationPolicy: 'Owner' },
      data: [{ secretKey: 'token', remoteRef: { key: 'prod/api-token' } }],
    });
  });

  test.each([
    [Duration.hours(1), '1h'],
    [Duration.minutes(90), '90m'],
    [Duration.seconds(45), '45s'],
    [Duration.millis(1500), '1500ms'],
    [Duration.seconds(0), '0s'],
  ])('durations are written as Go durations: %s → %s', (duration, text) => {
    expect(goDuration(duration)).toBe(text);
  });
});

describe('ExternalSecret refuses', () => {
  test.each<[string, Partial<ExternalSecretProps>, string | null, string]>([
    ['no namespace', {}, null, "[test/db] has no namespace. Set 'namespace'"],
    ['no data', { data: [] }, 'shop', "'data' is empty"],
    [
      'a key a Secret cannot hold',
      { data: [{ secretKey: 'a b', remoteRef: { key: 'k' } }] },
      'shop',
      "'data[0].secretKey' has the key 'a b'",
    ],
    ['the same key twice', { data: [...DATA, ...DATA] }, 'shop', "'data[1].secretKey' repeats 'password'"],
    ['an empty remote key', { data: [{ secretKey: 'x', remoteRef: { key: ' ' } }] }, 'shop', "'data[0].remoteRef.key' is empty"],
    [
      'an empty property',
      { data: [{ secretKey: 'x', remoteRef: { key: 'k', property: '' } }] },
      'shop',
      "'data[0].remoteRef.property' is empty",
    ],
    ['a bad store name', { storeRef: { name: 'Vault_Store' } }, 'shop', "'storeRef.name' must be a DNS-1123 subdomain"],
    ['a bad target name', { targetName: 'A' }, 'shop', "'targetName' must be a DNS-1123 subdomain"],
  ])('fails with %s', (_name, props, chartNamespace, message) => {
    expect(() => synth(props, chartNamespace)).toThrow(message);
  });
});
