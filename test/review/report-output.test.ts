import * as fs from 'node:fs';
import * as path from 'node:path';
import { review } from '../../lib/review/engine';
import { reviewJson, reviewSarif } from '../../lib/review/reports';
import { findingsText } from '../../lib/review/text-report';
import { container, deployment, inHardenedNamespace } from './builders';

const TODAY = { today: '2026-01-01' };
const VERSION = JSON.parse(fs.readFileSync(path.join(__dirname, '../../package.json'), 'utf8')).version;

/** A hardened Deployment whose pod runs as user 0 and whose container also binds a host port. */
const rootWeb = () =>
  deployment((s) => {
    s.securityContext.runAsUser = 0;
    container(s).ports = [{ containerPort: 8080, hostPort: 8080 }];
  });

/** `web` from a file at `webOrigin`, `api` from a construct, both running as root. */
function reviewed(webOrigin: string) {
  return review(
    [
      ...inHardenedNamespace(),
      { object: rootWeb(), origin: webOrigin },
      { object: { ...rootWeb(), metadata: { name: 'api', namespace: 'shop' } }, origin: 'platform/shop/api' },
    ],
    TODAY,
  );
}

/** The first message on the pod's runAsUser, and how many more the line stands for (init container "setup", no-root-user's). */
const RUN_AS_ROOT = 'container "web" runs with runAsUser 0 (inherited from the pod), not above 10000 (+2 more on this field)';

describe('text output for people', () => {
  const result = reviewed('shop.yaml:7');
  const lines = findingsText(result.findings);

  test('a header per object, with where it came from, then one line per finding', () => {
    expect(lines).toEqual([
      'Deployment shop/api (platform/shop/api)',
      `  error   high-user-group-ids, no-root-user: ${RUN_AS_ROOT}`,
      '  error   no-host-ports: container "web" binds host port 8080',
      '',
      'Deployment shop/web (shop.yaml:7)',
      `  error   high-user-group-ids, no-root-user: ${RUN_AS_ROOT}`,
      '  error   no-host-ports: container "web" binds host port 8080',
      '',
      'How to fix:',
      '  high-user-group-ids: Set securityContext.runAsUser and securityContext.runAsGroup above 10000 on the pod (for example',
      '      65532), or on the container, and keep any fsGroup above 10000 too.',
      '  no-host-ports: Remove hostPort from the container port and expose the pod through a Service instead.',
      '  no-root-user: Set securityContext.runAsUser to a non-zero user id (above 10000), or remove runAsUser: 0.',
    ]);
  });

  test('runAsUser: 0 is one line naming both rules it breaks; the machine formats and the counts keep every finding', () => {
    const onRunAsUser = (f: { object: { name: string }; path: string }) =>
      f.object.name === 'web' && f.path === 'spec.template.spec.securityContext.runAsUser';
    expect(result.findings.filter(onRunAsUser).map((f) => f.ruleId)).toEqual([
      'high-user-group-ids',
      'high-user-group-ids',
      'no-root-user',
    ]);
    expect(JSON.parse(reviewJson(result)).findings.filter(onRunAsUser)).toHaveLength(3);
    expect(result.counts.bySeverity.error).toBe(8);
  });

  test('lines stay within 120 characters where the message allows: only a long message makes a finding line longer', () => {
    const fixes = lines.slice(lines.indexOf('How to fix:'));
    expect(fixes.filter((line) => line.length > 120)).toEqual([]);
    const messages = new Set(result.findings.map((f) => f.message));
    for (const line of lines.filter((l) => l.length > 120)) {
      const message = [...messages].find((m) => line.includes(m));
      expect(message).toBeDefined();
      expect(line.length - message!.length).toBeLessThan(80);
    }
  });

  test('the same findings in another order give the same text', () => {
    expect(findingsText([...result.findings].reverse())).toEqual(lines);
  });

  test('nothing open, nothing printed', () => {
    expect(findingsText(review(inHardenedNamespace(), TODAY).findings)).toEqual([]);
  });
});

describe('origins and version for machines', () => {
  const result = reviewed('charts/shop.yaml:7');

  test('review.json gives a file origin as {file, line} and keeps the origin string', () => {
    const json = JSON.parse(reviewJson(result));
    const web = json.findings.find((f: any) => f.object.name === 'web');
    expect(web).toMatchObject({ origin: 'charts/shop.yaml:7', location: { file: 'charts/shop.yaml', line: 7 } });
    const api = json.findings.find((f: any) => f.object.name === 'api');
    expect(api.origin).toBe('platform/shop/api');
    expect(api.location).toBeUndefined();
    expect(json.version).toBe(VERSION);
  });

  test('review.sarif names the tool version from package.json', () => {
    const driver = JSON.parse(reviewSarif(result)).runs[0].tool.driver;
    expect(driver).toMatchObject({ name: 'cdk8s-hardened', version: VERSION, semanticVersion: VERSION });
  });
});
