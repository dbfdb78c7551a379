import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { review, reviewContextOf } from '../../lib/review/engine';
import { KubeObject } from '../../lib/review/model';
import {
  parsePlatformContract,
  PLATFORM_CONTRACT_SCHEMA_VERSION,
  PlatformContractError,
  platformContractJson,
  platformContractOf,
  PlatformContractSource,
  readPlatformContract,
} from '../../lib/review/platform-contract';
import { reviewMarkdown } from '../../lib/review/reports';
import { toolVersion } from '../../lib/review/tool-version';
import { removeTempDirs, tempDir } from '../support';
import { deployment, hardenedNamespace, namespace, networkPolicy } from './builders';

afterAll(removeTempDirs);

const TODAY = '2026-11-23';

/** A ResourceQuota of `ns` with the given hard limits. */
function quota(ns: string, hard: Record<string, unknown>, name = 'quota', extra: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name, namespace: ns }, spec: { hard, ...extra } };
}

/** A platform: `shop` hardened with a quota refusing LoadBalancers, `legacy` at baseline denying ingress only. */
const PLATFORM: readonly KubeObject[] = [
  ...hardenedNamespace('shop'),
  quota('shop', { 'services.loadbalancers': 0, 'services.nodeports': '0', pods: '20' }, 'shop-quota'),
  // Scoped quotas count pods only: not in the contract.
  quota('shop', { 'services.nodeports': 0 }, 'scoped', { scopes: ['BestEffort'] }),
  namespace('legacy', {
    'pod-security.kubernetes.io/enforce': 'baseline',
    'pod-security.kubernetes.io/enforce-version': 'v1.37',
    'pod-security.kubernetes.io/warn': 'restricted',
    'app.example.com/team': 'legacy',
  }),
  networkPolicy({ podSelector: {} }, 'deny-ingress', 'legacy'),
  deployment(() => undefined, { namespace: 'shop' }),
];

const EXPECTED_JSON = `{
  "schemaVersion": 1,
  "writtenBy": "cdk8s-hardened ${toolVersion()}",
  "namespaces": [
    {
      "name": "legacy",
      "podSecurity": {
        "enforce": "baseline",
        "enforce-version": "v1.37",
        "warn": "restricted"
      },
      "defaultDeny": {
        "ingress": true,
        "egress": false
      },
      "serviceQuota": []
    },
    {
      "name": "shop",
      "podSecurity": {
        "enforce": "restricted"
      },
      "defaultDeny": {
        "ingress": true,
        "egress": true
      },
      "serviceQuota": [
        {
          "quota": "shop-quota",
          "zero": "services.loadbalancers"
        },
        {
          "quota": "shop-quota",
          "zero": "services.nodeports"
        }
      ]
    }
  ]
}
`;

/** The platform's contract, as a source the review takes (file name as given). */
function source(contractObjects: readonly KubeObject[] = PLATFORM, file = 'platform/dist/platform.json'): PlatformContractSource {
  const text = platformContractJson(platformContractOf(reviewContextOf(contractObjects)));
  return { file, sha256: createHash('sha256').update(text).digest('hex'), contract: parsePlatformContract(text, file) };
}

describe('the platform contract writer', () => {
  test('records each Namespace with its Pod Security labels, default-deny directions and zero Service quotas, sorted', () => {
    expect(platformContractJson(platformContractOf(reviewContextOf(PLATFORM)))).toBe(EXPECTED_JSON);
  });

  test('is deterministic: the same objects in another order give the same bytes', () => {
    const reversed = [...PLATFORM].reverse();
    expect(platformContractJson(platformContractOf(reviewContextOf(reversed)))).toBe(EXPECTED_JSON);
  });

  test('decides default deny as namespace-default-deny does: a policy selecting some pods isolates nothing namespace-wide', () => {
    const objects = [
      namespace('partial'),
      networkPolicy({ podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress', 'Egress'] }, 'p', 'partial'),
    ];
    const contract = platformContractOf(reviewContextOf(objects));
    expect(contract.namespaces[0].defaultDeny).toEqual({ ingress: false, egress: false });
    const findings = review(
      objects.map((object) => ({ object })),
      { today: TODAY, packs: ['network'] },
    ).findings;
    expect(findings.filter((f) => f.ruleId === 'namespace-default-deny').map((f) => f.message)).toEqual([
      'no NetworkPolicy in namespace "partial" isolates egress of all its pods',
      'no NetworkPolicy in namespace "partial" isolates ingress of all its pods',
    ]);
  });

  test('round trip: what it writes reads back as the same contract, and the file is known by its SHA-256', () => {
    const contract = platformContractOf(reviewContextOf(PLATFORM));
    const file = path.join(tempDir('contract-'), 'platform.json');
    fs.writeFileSync(file, platformContractJson(contract));
    const read = readPlatformContract(file);
    expect(read.contract).toEqual(contract);
    expect(read.file).toBe(file);
    expect(read.sha256).toBe(createHash('sha256').update(EXPECTED_JSON).digest('hex'));
  });
});

describe('the platform contract reader refuses what it does not know, naming the file, the JSON path and the fix', () => {
  const valid = () => JSON.parse(EXPECTED_JSON);
  test.each<[string, (c: any) => unknown, string]>([
    ['a schemaVersion it does not read', (c) => ({ ...c, schemaVersion: 2 }), '$.schemaVersion is 2, which cdk8s-hardened'],
    ['no schemaVersion', ({ schemaVersion: _, ...c }) => c, '$.schemaVersion is missing'],
    ['an unknown top-level field', (c) => ({ ...c, extra: true }), '$.extra is not a field of the contract'],
    ['namespaces that are not a list', (c) => ({ ...c, namespaces: {} }), '$.namespaces must be a list (got {})'],
    ['a bad namespace name', (c) => ((c.namespaces[0].name = 'Shop'), c), '$.namespaces[0].name must be a namespace name'],
    ['a namespace twice', (c) => ((c.namespaces[1].name = 'legacy'), c), '$.namespaces[1].name repeats the namespace "legacy"'],
    [
      'a Pod Security label it does not know',
      (c) => ((c.namespaces[0].podSecurity.enforced = 'x'), c),
      '$.namespaces[0].podSecurity.enforced is not a field',
    ],
    [
      'a Pod Security level that is not a string',
      (c) => ((c.namespaces[1].podSecurity.enforce = 1), c),
      '$.namespaces[1].podSecurity.enforce must be a string (got 1)',
    ],
    [
      'a default deny that is not a boolean',
      (c) => ((c.namespaces[1].defaultDeny.egress = 'yes'), c),
      '$.namespaces[1].defaultDeny.egress must be true or false (got "yes")',
    ],
    [
      'a default deny direction missing',
      (c) => (delete c.namespaces[0].defaultDeny.ingress, c),
      '$.namespaces[0].defaultDeny.ingress is missing',
    ],
    [
      'a quota entry it does not know',
      (c) => ((c.namespaces[1].serviceQuota[0].zero = 'pods'), c),
      '$.namespaces[1].serviceQuota[0].zero must be one of',
    ],
  ])('%s', (_what, change, expected) => {
    const text = JSON.stringify(change(valid()));
    let error: unknown;
    try {
      parsePlatformContract(text, 'platform/dist/platform.json');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PlatformContractError);
    const message = (error as Error).message;
    expect(message).toContain('platform contract platform/dist/platform.json: ');
    expect(message).toContain(expected);
    expect(message).toMatch(/Fix: .+\.$/);
  });

  test('text that is not JSON', () => {
    expect(() => parsePlatformContract('schemaVersion: 1', 'p.json')).toThrow(/^platform contract p\.json: \$ is not JSON \(.+\)\. Fix: /);
  });

  test('a file that is missing or not a regular file', () => {
    const dir = tempDir('contract-');
    expect(() => readPlatformContract(path.join(dir, 'none.json'))).toThrow(
      `platform contract ${path.join(dir, 'none.json')} does not exist. Fix:`,
    );
    expect(() => readPlatformContract(dir)).toThrow(`platform contract ${dir} is not a regular file. Fix:`);
  });

  test('the version it reads is the one it writes', () => {
    expect(JSON.parse(EXPECTED_JSON).schemaVersion).toBe(PLATFORM_CONTRACT_SCHEMA_VERSION);
  });
});

describe('a review given the platform contract', () => {
  const app = (...objects: KubeObject[]) => objects.map((object) => ({ object, origin: `app.yaml:${object.metadata?.name}` }));
  const errors = (result: ReturnType<typeof review>) =>
    result.findings.filter((f) => f.severity === 'error' && !f.exception).map((f) => `${f.ruleId}: ${f.message}`);

  test('a workload in a namespace of the contract passes; without the contract it fails as before', () => {
    const web = deployment(() => undefined, { namespace: 'shop' });
    expect(errors(review(app(web), { today: TODAY, platform: source() }))).toEqual([]);
    expect(errors(review(app(web), { today: TODAY }))).toEqual([
      'workload-namespace-hardened: workload runs in namespace "shop", which this output does not declare with Pod Security labels and default-deny policies',
    ]);
  });

  test('a namespace in neither the output nor the contract still fails, naming the contract', () => {
    const web = deployment(() => undefined, { namespace: 'elsewhere' });
    expect(errors(review(app(web), { today: TODAY, platform: source() }))).toEqual([
      'workload-namespace-hardened: workload runs in namespace "elsewhere", which this output does not declare with Pod Security labels and default-deny policies, nor the platform contract platform/dist/platform.json',
    ]);
  });

  test('a namespace the contract records below restricted or open in a direction is judged by its facts', () => {
    const web = deployment(() => undefined, { namespace: 'legacy' });
    expect(errors(review(app(web), { today: TODAY, platform: source() }))).toEqual([
      'workload-namespace-hardened: workload runs in namespace "legacy", which the platform contract platform/dist/platform.json says enforces Pod Security level "baseline", not "restricted"',
      'workload-namespace-hardened: workload runs in namespace "legacy", which the platform contract platform/dist/platform.json says no NetworkPolicy isolates egress of all its pods',
    ]);
  });

  test("a Service type the contract's quota refuses fails, as with the quota in the output", () => {
    const lb: KubeObject = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: 'shop' },
      spec: { type: 'LoadBalancer', selector: { app: 'web' }, ports: [{ port: 80 }] },
    };
    const withContract = errors(
      review(
        app(
          lb,
          deployment(() => undefined, { namespace: 'shop' }),
        ),
        { today: TODAY, platform: source() },
      ),
    );
    expect(withContract.filter((e) => e.startsWith('service-type-allowed-by-quota'))).toEqual([
      'service-type-allowed-by-quota: Service type "LoadBalancer" is refused in namespace "shop": its ResourceQuota "shop-quota" (platform contract platform/dist/platform.json) sets services.loadbalancers: 0',
      'service-type-allowed-by-quota: Service type "LoadBalancer" is refused in namespace "shop": its ResourceQuota "shop-quota" (platform contract platform/dist/platform.json) sets services.nodeports: 0',
    ]);
    const inOneOutput = errors(review(app(...PLATFORM, lb), { today: TODAY }));
    expect(inOneOutput.filter((e) => e.startsWith('service-type-allowed-by-quota'))).toEqual(
      withContract
        .filter((e) => e.startsWith('service-type-allowed-by-quota'))
        .map((e) => e.replace(' (platform contract platform/dist/platform.json)', '')),
    );
  });

  test('a namespace declared both in the output and in the contract is refused: two owners', () => {
    expect(() => review(app(...hardenedNamespace('shop')), { today: TODAY, platform: source() })).toThrow(
      new PlatformContractError(
        'namespace "shop" is declared both by the reviewed objects (app.yaml:shop) and by the platform contract platform/dist/platform.json: a namespace has one owner. ' +
          "Fix: remove the Namespace from this output and keep the platform's, or deploy it from this output and drop the contract.",
      ),
    );
  });

  test('the result and REVIEW.md name the contract and its SHA-256', () => {
    const used = source();
    const result = review(app(deployment(() => undefined, { namespace: 'shop' })), { today: TODAY, platform: used });
    expect(result.platform).toEqual({ file: used.file, sha256: used.sha256, namespaces: ['legacy', 'shop'] });
    expect(reviewMarkdown(result)).toContain(
      `Platform contract: \`platform/dist/platform.json\` (sha256 \`${used.sha256}\`), declaring 2 namespace(s): legacy, shop.`,
    );
    expect(reviewMarkdown(review(app(...PLATFORM), { today: TODAY }))).not.toContain('Platform contract');
  });
});
