import { Chart, Testing } from 'cdk8s';
import { HardenedDeployment, HardenedDeploymentProps, HardenedNamespace, NetworkProtocol, review } from '../../lib';
import { CONTAINER, IMAGE, PROBES } from '../support';

const REASON = 'public status page, reviewed by security';

/** Builds two hardened namespaces (`shop`, `pay`) and returns a synth function over them. */
function platform() {
  const app = Testing.app();
  const chart = new Chart(app, 'test');
  const shop = new HardenedNamespace(chart, 'shop');
  const pay = new HardenedNamespace(chart, 'pay');
  const workload = (scope: HardenedNamespace, id: string, props: Partial<HardenedDeploymentProps> = {}) =>
    new HardenedDeployment(scope, id, {
      containers: [
        {
          ...CONTAINER,
          ports: [
            { number: 9090, name: 'metrics' },
            { number: 5353, protocol: 'UDP' as any },
          ],
        },
      ],
      ...props,
    });
  return { app, chart, shop, pay, workload, synth: () => Testing.synth(chart) as any[] };
}

const policy = (objects: any[], name: string) => objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === name);
const WEB = { 'app.kubernetes.io/instance': 'web', 'app.kubernetes.io/name': 'web' };
const API = { 'app.kubernetes.io/instance': 'api', 'app.kubernetes.io/name': 'api' };

describe('allowFrom between workloads', () => {
  test("in one namespace: the target's policy isolates ingress, the source's egress, narrow on both", () => {
    const p = platform();
    const web = p.workload(p.shop, 'web');
    const api = p.workload(p.shop, 'api');
    api.allowFrom(web, { port: 8080 });
    const objects = p.synth();
    expect(policy(objects, 'api-traffic')).toEqual({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'api-traffic', namespace: 'shop', labels: API },
      spec: {
        podSelector: { matchLabels: API },
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ podSelector: { matchLabels: WEB } }], ports: [{ protocol: 'TCP', port: 8080 }] }],
      },
    });
    expect(policy(objects, 'web-traffic').spec).toEqual({
      podSelector: { matchLabels: WEB },
      policyTypes: ['Egress'],
      egress: [{ to: [{ podSelector: { matchLabels: API } }], ports: [{ protocol: 'TCP', port: 8080 }] }],
    });
    // One policy per workload: besides the namespaces' own two, nothing else.
    expect(
      objects
        .filter((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === 'shop')
        .map((o) => o.metadata.name)
        .sort(),
    ).toEqual(['allow-dns', 'api-traffic', 'default-deny', 'web-traffic']);
  });

  test('a workload that receives and sends: both directions in its one policy, each only with its own rules', () => {
    const p = platform();
    const web = p.workload(p.shop, 'web');
    const api = p.workload(p.shop, 'api');
    const db = p.workload(p.shop, 'db');
    api.allowFrom(web, { port: 8080 });
    api.allowTo(db, { port: 8080 });
    const spec = policy(p.synth(), 'api-traffic').spec;
    expect(spec).toEqual({
      podSelector: { matchLabels: API },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [{ podSelector: { matchLabels: WEB } }], ports: [{ protocol: 'TCP', port: 8080 }] }],
      egress: [
        {
          to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'db', 'app.kubernetes.io/name': 'db' } } }],
          ports: [{ protocol: 'TCP', port: 8080 }],
        },
      ],
    });
  });

  test('across namespaces: namespaceSelector AND podSelector in ONE peer, never two', () => {
    const p = platform();
    const web = p.workload(p.shop, 'web');
    const api = p.workload(p.pay, 'api');
    web.allowTo(api, { port: 8080 });
    const objects = p.synth();
    expect(policy(objects, 'api-traffic').spec.ingress[0].from).toEqual([
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } }, podSelector: { matchLabels: WEB } },
    ]);
    expect(policy(objects, 'web-traffic').spec.egress[0].to).toEqual([
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'pay' } }, podSelector: { matchLabels: API } },
    ]);
  });

  test('rules merge per peer, ports and peers in a stable order, protocols and ranges kept', () => {
    const p = platform();
    const web = p.workload(p.shop, 'web');
    const api = p.workload(p.shop, 'api');
    const batch = p.workload(p.shop, 'batch');
    api.allowFrom(web, { port: 9090 });
    api.allowFrom(web, { port: 8080 });
    api.allowFrom(web, { port: 5353, protocol: NetworkProtocol.UDP });
    api.allowFrom(batch, { port: 8000, endPort: 8100 });
    api.allowFrom(web, { port: 8080 });
    const ingress = policy(p.synth(), 'api-traffic').spec.ingress;
    expect(ingress).toEqual([
      {
        from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'batch', 'app.kubernetes.io/name': 'batch' } } }],
        ports: [{ protocol: 'TCP', port: 8000, endPort: 8100 }],
      },
      {
        from: [{ podSelector: { matchLabels: WEB } }],
        ports: [
          { protocol: 'TCP', port: 8080 },
          { protocol: 'TCP', port: 9090 },
          { protocol: 'UDP', port: 5353 },
        ],
      },
    ]);
  });

  test('every object passes the review, with no finding', () => {
    const p = platform();
    const web = p.workload(p.shop, 'web');
    const api = p.workload(p.pay, 'api');
    api.allowFrom(web, { port: 8080 });
    web.allowFromIngressController({ port: 8080 });
    api.allowEgressTo({ cidr: '0.0.0.0/0', port: 443 });
    expect(
      review(
        p.synth().map((object) => ({ object })),
        { today: '2026-11-23', trustAnnotations: true },
      ).findings,
    ).toEqual([]);
  });
});

describe('traffic from outside the namespace', () => {
  test('from an ingress controller, by default ingress-nginx', () => {
    const p = platform();
    p.workload(p.shop, 'web').allowFromIngressController({ port: 8080 });
    p.workload(p.shop, 'api').allowFromIngressController({
      namespace: 'traefik',
      podLabels: { 'app.kubernetes.io/name': 'traefik' },
      port: 8080,
    });
    const objects = p.synth();
    expect(policy(objects, 'web-traffic').spec.ingress[0].from).toEqual([
      {
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } },
        podSelector: { matchLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } },
      },
    ]);
    expect(policy(objects, 'api-traffic').spec.ingress[0].from[0].namespaceSelector.matchLabels['kubernetes.io/metadata.name']).toBe(
      'traefik',
    );
  });

  test('from pods chosen by labels in a hardened namespace of the app', () => {
    const p = platform();
    p.workload(p.pay, 'ledger', { labels: { tier: 'backend' } });
    p.workload(p.shop, 'web').allowFromPods({ namespace: 'pay', podLabels: { tier: 'backend' }, port: 8080 });
    expect(policy(p.synth(), 'web-traffic').spec.ingress[0].from).toEqual([
      {
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'pay' } },
        podSelector: { matchLabels: { tier: 'backend' } },
      },
    ]);
  });

  test('from CIDRs, with except blocks', () => {
    const p = platform();
    p.workload(p.shop, 'web').allowFromCidr({ cidr: '203.0.113.0/24', except: ['203.0.113.128/25'], port: 8080 });
    expect(policy(p.synth(), 'web-traffic').spec.ingress[0]).toEqual({
      from: [{ ipBlock: { cidr: '203.0.113.0/24', except: ['203.0.113.128/25'] } }],
      ports: [{ protocol: 'TCP', port: 8080 }],
    });
  });

  test('from anywhere only with an exception, recorded on its NetworkPolicy rather than the Deployment', () => {
    const p = platform();
    const web = p.workload(p.shop, 'web', { exceptions: [{ rule: 'network-ingress-from-anywhere', reason: REASON }] });
    web.allowFromCidr({ cidr: '0.0.0.0/0', port: 8080 });
    const objects = p.synth();
    // The exception names what it accepts: the whole IPv4 internet, not a block added later.
    expect(policy(objects, 'web-traffic').metadata.annotations).toEqual({
      'exception.hardened.cdk8s.io/network-ingress-from-anywhere': `${REASON} (accepts 0.0.0.0/0)`,
    });
    expect(objects.find((o) => o.kind === 'Deployment').metadata.annotations).toBeUndefined();
    const result = review(
      objects.map((object) => ({ object })),
      { today: '2026-11-23', trustAnnotations: true },
    );
    expect(result.passed).toBe(true);
    expect(result.findings.map((f) => [f.ruleId, f.exception?.reason])).toEqual([['network-ingress-from-anywhere', REASON]]);
  });
  test('the internet in two halves, with an exception: the construct allows it and the review finds the union', () => {
    const p = platform();
    const web = p.workload(p.shop, 'web', { exceptions: [{ rule: 'network-ingress-from-anywhere', reason: REASON }] });
    web.allowFromCidr({ cidr: '0.0.0.0/1', port: 8080 });
    web.allowFromCidr({ cidr: '128.0.0.0/1', port: 8080 });
    const result = review(
      p.synth().map((object) => ({ object })),
      { today: '2026-11-23', trustAnnotations: true },
    );
    expect(result.findings.filter((f) => f.ruleId === 'network-ingress-from-anywhere').map((f) => f.path)).toEqual(['spec.ingress']);
  });

  test('blocks that leave out part of the public internet need no exception', () => {
    const p = platform();
    const web = p.workload(p.shop, 'web');
    web.allowFromCidr({ cidr: '0.0.0.0/1', port: 8080 });
    web.allowFromCidr({ cidr: '128.0.0.0/2', port: 8080 });
    web.allowFromCidr({ cidr: '2001:db8::/32', port: 8080 });
    expect(policy(p.synth(), 'web-traffic').spec.ingress).toHaveLength(3);
  });
});

describe('egress to outside the cluster', () => {
  test("a block containing cloud metadata addresses excepts them (link-local, Alibaba's), keeping the user's except blocks", () => {
    const p = platform();
    p.workload(p.shop, 'web').allowEgressTo({ cidr: '0.0.0.0/0', except: ['10.0.0.0/8'], port: 443 });
    expect(policy(p.synth(), 'web-traffic').spec.egress).toEqual([
      {
        to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '100.100.100.200/32', '169.254.0.0/16'] } }],
        ports: [{ protocol: 'TCP', port: 443 }],
      },
    ]);
  });

  test('an IPv6 block excepts the IPv6 metadata addresses of AWS, EKS and GCP and the link-local range; the review then passes', () => {
    const p = platform();
    p.workload(p.shop, 'web').allowEgressTo({ cidr: '::/0', port: 443 });
    p.workload(p.shop, 'api').allowEgressTo({ cidr: '0.0.0.0/0', except: ['169.254.169.254/32'], port: 443 });
    const objects = p.synth();
    expect(policy(objects, 'web-traffic').spec.egress[0].to).toEqual([
      { ipBlock: { cidr: '::/0', except: ['fd00:ec2::23/128', 'fd00:ec2::254/128', 'fd20:ce::254/128', 'fe80::/10'] } },
    ]);
    // A user's narrower except does not stand for the class: the whole link-local range is added.
    expect(policy(objects, 'api-traffic').spec.egress[0].to).toEqual([
      { ipBlock: { cidr: '0.0.0.0/0', except: ['100.100.100.200/32', '169.254.0.0/16', '169.254.169.254/32'] } },
    ]);
    expect(
      review(
        objects.map((object) => ({ object })),
        { packs: ['network'], trustAnnotations: true },
      ).findings.filter((f) => f.ruleId === 'network-egress-metadata'),
    ).toEqual([]);
  });

  test('a block already excepting every metadata block gets nothing more', () => {
    const p = platform();
    p.workload(p.shop, 'web').allowEgressTo({ cidr: '100.64.0.0/10', except: ['100.100.0.0/16'], port: 443 });
    expect(policy(p.synth(), 'web-traffic').spec.egress[0].to).toEqual([
      { ipBlock: { cidr: '100.64.0.0/10', except: ['100.100.0.0/16'] } },
    ]);
  });

  test('a block without the metadata address is left alone; IPv6 works', () => {
    const p = platform();
    const web = p.workload(p.shop, 'web');
    web.allowEgressTo({ cidr: '203.0.113.0/24', port: 443 });
    web.allowEgressTo({ cidr: '2001:db8::/32', port: 443 });
    expect(policy(p.synth(), 'web-traffic').spec.egress.map((r: any) => r.to[0].ipBlock)).toEqual([
      { cidr: '2001:db8::/32' },
      { cidr: '203.0.113.0/24' },
    ]);
  });

  test('with an exception to network-egress-metadata, the address stays reachable', () => {
    const p = platform();
    p.workload(p.shop, 'web', {
      exceptions: [{ rule: 'network-egress-metadata', reason: 'the node agent reads its instance identity document' }],
    }).allowEgressTo({ cidr: '169.254.169.254/32', port: 80 });
    const objects = p.synth();
    const web = policy(objects, 'web-traffic');
    expect(web.spec.egress[0].to).toEqual([{ ipBlock: { cidr: '169.254.169.254/32' } }]);
    // The exception names the address reached, as the review's finding does, and is accepted.
    expect(web.metadata.annotations['exception.hardened.cdk8s.io/network-egress-metadata']).toBe(
      'the node agent reads its instance identity document (accepts 169.254.169.254)',
    );
    const result = review(
      objects.map((object) => ({ object })),
      { packs: ['network'], trustAnnotations: true },
    );
    expect(result.findings.filter((f) => f.ruleId === 'network-egress-metadata').map((f) => [f.value, f.exception?.accepts])).toEqual([
      ['169.254.169.254', ['169.254.169.254']],
    ]);
    expect(result.passed).toBe(true);
  });
});

describe('bad input names the construct, the field and the fix', () => {
  test.each<[string, (p: ReturnType<typeof platform>) => void, string]>([
    [
      'a port the target does not expose',
      (p) => p.workload(p.shop, 'api').allowFrom(p.workload(p.shop, 'web'), { port: 7070 }),
      "[test/shop/api] 'allowFrom(web).port': TCP 7070 is not exposed by 'api', which exposes TCP 8080, TCP 9090, UDP 5353. Use one of its ports, or expose the port on a container.",
    ],
    [
      'the right port with the wrong protocol',
      (p) => p.workload(p.shop, 'api').allowFrom(p.workload(p.shop, 'web'), { port: 9090, protocol: NetworkProtocol.UDP }),
      "'allowFrom(web).port': UDP 9090 is not exposed by 'api'",
    ],
    [
      'a CIDR that does not parse',
      (p) => p.workload(p.shop, 'web').allowFromCidr({ cidr: '10.0.0/8', port: 8080 }),
      "[test/shop/web] 'allowFromCidr.cidr': '10.0.0/8' is not a valid CIDR block: ",
    ],
    [
      'a CIDR with host bits',
      (p) => p.workload(p.shop, 'web').allowEgressTo({ cidr: '10.1.2.3/8', port: 443 }),
      "'allowEgressTo.cidr': '10.1.2.3/8' is not a valid CIDR block: it has host bits set; the block is \"10.0.0.0/8\". Write it like '10.0.0.0/8' or '2001:db8::/32'.",
    ],
    [
      'an except block outside the CIDR',
      (p) => p.workload(p.shop, 'web').allowEgressTo({ cidr: '10.0.0.0/8', except: ['192.168.0.0/16'], port: 443 }),
      "'allowEgressTo.except[0]': '192.168.0.0/16' must lie strictly inside '10.0.0.0/8'.",
    ],
    [
      'allowFrom everywhere without an exception',
      (p) => p.workload(p.shop, 'web').allowFromCidr({ cidr: '0.0.0.0/0', port: 8080 }),
      "[test/shop/web] 'allowFromCidr.cidr': '0.0.0.0/0' lets the whole internet connect. Allow the load balancer or ingress controller instead, or the CIDRs of your clients. If it is really needed, add exceptions: [{ rule: 'network-ingress-from-anywhere'",
    ],
    [
      'ingress split in halves without an exception',
      (p) => {
        const web = p.workload(p.shop, 'web');
        web.allowFromCidr({ cidr: '0.0.0.0/1', port: 8080 });
        web.allowFromCidr({ cidr: '128.0.0.0/1', port: 8080 });
      },
      "[test/shop/web] 'allowFromCidr.cidr': '128.0.0.0/1' and the blocks allowed before it ('0.0.0.0/1') cover every public IPv4 address, so together they let the whole internet connect. Allow the load balancer or ingress controller instead",
    ],
    [
      'ingress from every public IPv6 address without an exception',
      (p) => p.workload(p.shop, 'web').allowFromCidr({ cidr: '2000::/3', port: 8080 }),
      "'allowFromCidr.cidr': '2000::/3' lets the whole internet connect.",
    ],
    [
      'ingress from the internet but some blocks, without an exception',
      (p) => p.workload(p.shop, 'web').allowFromCidr({ cidr: '0.0.0.0/0', except: ['10.0.0.0/8'], port: 8080 }),
      "'allowFromCidr.cidr': '0.0.0.0/0' lets the whole internet connect.",
    ],
    [
      'egress into a metadata block without an exception',
      (p) => p.workload(p.shop, 'web').allowEgressTo({ cidr: '169.254.170.0/24', port: 80 }),
      "[test/shop/web] 'allowEgressTo.cidr': '169.254.170.0/24' lies inside 169.254.0.0/16, IPv4 link-local addresses, where clouds serve metadata and node credentials (ECS task credentials, EKS Pod Identity). Name the destination outside the link-local and metadata addresses. If it is really needed, add exceptions: [{ rule: 'network-egress-metadata'",
    ],
    [
      'egress to the IPv6 metadata address without an exception',
      (p) => p.workload(p.shop, 'web').allowEgressTo({ cidr: 'fd00:ec2::254/128', port: 80 }),
      "'allowEgressTo.cidr': 'fd00:ec2::254/128' lies inside fd00:ec2::254/128, the instance metadata service of AWS over IPv6.",
    ],
    [
      'an IPv4-mapped IPv6 block',
      (p) => p.workload(p.shop, 'web').allowEgressTo({ cidr: '::ffff:169.254.169.254/128', port: 80 }),
      "'allowEgressTo.cidr': '::ffff:169.254.169.254/128' is an IPv4-mapped IPv6 block, which the API server refuses. Write the IPv4 block '169.254.169.254/32'.",
    ],
    [
      'a port out of range',
      (p) => p.workload(p.shop, 'web').allowEgressTo({ cidr: '10.0.0.0/8', port: 70000 }),
      "'allowEgressTo.port' must be a port number from 1 to 65535 (got 70000).",
    ],
    [
      'a range that ends before it starts',
      (p) => p.workload(p.shop, 'web').allowEgressTo({ cidr: '10.0.0.0/8', port: 8000, endPort: 7000 }),
      "'allowEgressTo.endPort' must be a port number from 8000 to 65535 (got 7000).",
    ],
    [
      'pod labels that are empty',
      (p) => p.workload(p.shop, 'web').allowFromPods({ namespace: 'pay', podLabels: {}, port: 8080 }),
      "'allowFromPods.podLabels' is empty, which would match every pod in 'pay'.",
    ],
    [
      'an exception to a rule that does not exist',
      (p) => p.workload(p.shop, 'web', { exceptions: [{ rule: 'no-such-rule', reason: REASON }] }),
      "[test/shop/web] 'exceptions' names 'no-such-rule', which is not a rule of the review.",
    ],
  ])('fails on %s', (_case, build, message) => {
    expect(() => build(platform())).toThrow(message);
  });

  test('fails at synth when a selector into a namespace of the app matches no workload', () => {
    const p = platform();
    p.workload(p.shop, 'web').allowFromPods({ namespace: 'pay', podLabels: { tier: 'backend' }, port: 8080 });
    expect(() => p.app.synth()).toThrow(
      '[test/shop/web] \'allowFromPods.podLabels\' {"tier":"backend"} matches no workload in namespace \'pay\'.',
    );
  });

  test('fails at synth when one end of a rule is not in a HardenedNamespace of the app', () => {
    const p = platform();
    const outsider = new HardenedDeployment(new Chart(p.app, 'legacy', { namespace: 'legacy' }), 'old', {
      containers: [{ image: IMAGE, portNumber: 8080, ...PROBES }],
    });
    p.workload(p.shop, 'api').allowFrom(outsider, { port: 8080 });
    expect(() => p.app.synth()).toThrow(
      "[test/shop/api] 'allowFrom(old)': workload 'old' is in namespace 'legacy', which has no HardenedNamespace in this app, so nothing denies the traffic this rule is meant to narrow.",
    );
  });
});
