import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv, { ValidateFunction } from 'ajv';
import { review } from '../../lib/review/engine';
import { loadManifests } from '../../lib/review/manifest-files';
import { reviewSarif } from '../../lib/review/reports';
import { deployment, pod } from './builders';

/**
 * review.sarif against the official SARIF 2.1.0 schema (OASIS errata 01, "rtm.5"), the copy
 * bundled in @microsoft/jest-sarif. Only the file is used, offline; none of its matchers.
 */
const SCHEMA_FILE = require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');

/**
 * RFC 3986 characters (section 2): unreserved, reserved and percent-encoded octets. A space,
 * a backslash or a raw non-ASCII letter makes a string no URI at all.
 */
const URI_CHARS = /^(?:[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*$/;
const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;

/** URI-reference (RFC 3986 section 4.1): a URI, or a relative reference whose first segment has no ':'. */
function isUriReference(value: string): boolean {
  if (!URI_CHARS.test(value) || value.split('#').length > 2) return false;
  const firstSegment = value.split(/[/?#]/)[0];
  return !firstSegment.includes(':') || SCHEME.test(value);
}

/**
 * The schema is written in draft-04, which Ajv 8 no longer reads; its only draft-04-only
 * construct is the top-level `id` (draft-06+ spells it `$id`; it has no boolean
 * `exclusiveMinimum`/`exclusiveMaximum`). So it is compiled as draft-07 after renaming `id`
 * and dropping the draft-04 `$schema`, in Ajv's strict mode with two relaxations the
 * schema itself needs (not `strict: false`, which would also hide unknown keywords and
 * formats):
 * - `strictRequired: false`: it lists properties in `anyOf: [{ required: [...] }]` branches
 *   that declare no `properties`, valid JSON Schema that Ajv's strict mode flags;
 * - `unicodeRegExp: false`: its `language` pattern `^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$`
 *   has a stray `]`, a syntax error for a `u` regex, accepted without the flag.
 * Ajv 8 ships no formats (they live in ajv-formats, which we do not depend on), so the three
 * the schema uses are defined here.
 */
function compileSarifSchema(): ValidateFunction {
  const { $schema: draft, id, ...schema } = JSON.parse(fs.readFileSync(SCHEMA_FILE, 'utf8'));
  expect(draft).toBe('http://json-schema.org/draft-04/schema#');
  const ajv = new Ajv({ strict: true, strictRequired: false, unicodeRegExp: false, allErrors: true });
  ajv.addFormat('uri', (value: string) => SCHEME.test(value) && isUriReference(value));
  ajv.addFormat('uri-reference', isUriReference);
  ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/);
  return ajv.compile({ ...schema, $id: id });
}

const KEY = 'exception.hardened.cdk8s.io';
const TODAY = '2026-03-15';
const FIXTURES = path.join(__dirname, 'fixtures', 'bad-manifests');

describe('review.sarif is valid SARIF 2.1.0', () => {
  const validate = compileSarifSchema();
  const errorsOf = (sarif: string) => (validate(JSON.parse(sarif)) ? [] : validate.errors);

  test('the checks used here catch what they should', () => {
    expect(validate({ version: '2.1.0', runs: [] })).toBe(true);
    expect(validate({ version: '2.0.0', runs: [] })).toBe(false);
    expect(validate({ version: '2.1.0', runs: [{ tool: { driver: { name: 'x' } }, results: [{ message: {}, level: 'fatal' }] }] })).toBe(
      false,
    );
    expect(['a/b.yaml', '/a/b.yaml', 'my%20app/b.yaml', 'file:///a/b.yaml'].filter((uri) => !isUriReference(uri))).toEqual([]);
    expect(['my app/b.yaml', 'a\\b.yaml', 'C:\\a\\b.yaml', 'ä.yaml', 'a#b#c'].filter(isUriReference)).toEqual([]);
  });

  test('with findings, suppressions, construct-path and file:line origins', () => {
    const result = review(
      [
        {
          object: deployment(
            (s) => {
              s.containers[0].securityContext.privileged = true;
            },
            {
              name: 'agent',
              annotations: { [`${KEY}/no-privileged`]: 'loads kernel modules, reviewed by security (expires 2026-06-30)' },
            },
          ),
          origin: 'shop/agent',
        },
        {
          object: pod(
            (s) => {
              s.hostNetwork = true;
              s.containers[0].imagePullPolicy = 'IfNotPresent';
            },
            { name: 'probe' },
          ),
          origin: 'manifests/probe.yaml:12',
        },
        {
          object: deployment(undefined, {
            name: 'web',
            annotations: { [`${KEY}/no-host-ports`]: 'kept from the old chart, to be removed' },
          }),
          origin: '',
        },
        // File names a URI must escape: a space, a '#', non-ASCII letters, and an absolute path.
        {
          object: pod(
            (s) => {
              s.hostPID = true;
            },
            { name: 'spaced' },
          ),
          origin: 'my manifests/#1 dépôt.yaml:3',
        },
        {
          object: pod(
            (s) => {
              s.hostIPC = true;
            },
            { name: 'absolute' },
          ),
          origin: '/srv/manifests/app.yaml:7',
        },
      ],
      {
        today: TODAY,
        trustAnnotations: true,
        // An exceptions file entry is an external suppression.
        exceptions: [
          {
            rule: 'no-host-namespaces',
            kind: 'Pod',
            namespace: 'shop',
            name: 'absolute',
            accepts: ['hostIPC'],
            reason: 'reviewed by the platform team',
            origin: 'exceptions.yaml:2',
          },
        ],
      },
    );
    const sarif = reviewSarif(result);
    expect(errorsOf(sarif)).toEqual([]);
    const run = JSON.parse(sarif).runs[0];
    expect(run.results.filter((r: any) => r.suppressions).map((r: any) => r.suppressions[0].kind)).toEqual(['inSource', 'external']);
    expect(new Set(run.results.map((r: any) => r.locations[0].physicalLocation?.artifactLocation.uri).filter(Boolean))).toEqual(
      new Set(['file:///srv/manifests/app.yaml', 'manifests/probe.yaml', 'my%20manifests/%231%20d%C3%A9p%C3%B4t.yaml']),
    );
    expect(errorsOf(sarif)).toEqual([]);
  });

  test('for manifests read from files, as `cdk8s-hardened review --format sarif` writes it', () => {
    const result = review(loadManifests([FIXTURES]), { today: TODAY, trustAnnotations: true });
    expect(result.findings.some((f) => f.exception)).toBe(true);
    expect(errorsOf(reviewSarif(result))).toEqual([]);
  });

  test('with no finding, and with no object at all', () => {
    const clean = review([{ object: deployment(), origin: 'shop/web' }], { today: TODAY, packs: ['pss-restricted'] });
    expect(clean.findings).toEqual([]);
    expect(errorsOf(reviewSarif(clean))).toEqual([]);
    expect(errorsOf(reviewSarif(review([], { today: TODAY })))).toEqual([]);
  });
});
