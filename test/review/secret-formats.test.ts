import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeSecret, findJwt, findSecret, SECRET_FORMATS } from '../../lib/review/rules/secrets/secret-formats';

/**
 * The formats the secrets rules recognise by content, and the near misses they must not
 * report. Tokens are assembled here (never written out whole) so that no scanner mistakes
 * this file for a leak; none of them is real.
 */
const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const RANDOM = 'q7Xr2LmZ9vKw4TbN8cYp3HsJ6dFg1AeUoQiWxBnVk5MtRzSy0PlOaCjDhEuGfI';
const random = (n: number) => RANDOM.repeat(Math.ceil(n / RANDOM.length)).slice(0, n);
const PEM_BODY = 'MIIEowIBAAKCAQEA1sN4zQ8qW5b9kTn3yXvR2LmZ9vKw4TbN8cYp3HsJ6dFg1AeUoQiWxBnVk5Mt';
const JWT = `${b64url({ alg: 'RS256', kid: 'x' })}.${b64url({ sub: 'system:serviceaccount:shop:web' })}.${random(43)}`;

describe('secrets recognised by content', () => {
  test.each([
    [
      'a PKCS#1 RSA key under any name',
      `-----BEGIN RSA PRIVATE KEY-----\n${PEM_BODY}\n-----END RSA PRIVATE KEY-----\n`,
      'pem-private-key',
      'RSA PRIVATE KEY',
    ],
    [
      'a PKCS#8 key whose line breaks are escaped (as in JSON)',
      `-----BEGIN PRIVATE KEY-----\\n${PEM_BODY}\\n`,
      'pem-private-key',
      'PRIVATE KEY',
    ],
    [
      'an EC key with only its END line',
      '-----BEGIN EC PRIVATE KEY-----\nMHc\n-----END EC PRIVATE KEY-----',
      'pem-private-key',
      'EC PRIVATE KEY',
    ],
    ['an OpenSSH key', `-----BEGIN OPENSSH PRIVATE KEY-----\n${PEM_BODY}\n`, 'pem-private-key', 'OPENSSH PRIVATE KEY'],
    [
      'a PGP key block with armor headers',
      `-----BEGIN PGP PRIVATE KEY BLOCK-----\nVersion: GnuPG v2\n\n${PEM_BODY}\n`,
      'pem-private-key',
      'PGP PRIVATE KEY BLOCK',
    ],
    [
      'a GCP service account key file',
      `{"type": "service_account", "project_id": "p", "private_key": "-----BEGIN PRIVATE KEY-----\\n${PEM_BODY}\\n-----END PRIVATE KEY-----\\n"}`,
      'gcp-service-account-key',
      '',
    ],
    ['an AWS access key id', `aws_access_key_id = AKIA${'Z2Q7WLMRT5XKPB3N'}`, 'aws-access-key-id', 'AKIA…'],
    ['an AWS temporary key id', `ASIA${'Z2Q7WLMRT5XKPB3N'}`, 'aws-access-key-id', 'ASIA…'],
    ['a GitHub personal token in a URL', `https://x:ghp_${random(36)}@github.com/o/r.git`, 'github-token', 'ghp_…'],
    ['a GitHub app token', `ghs_${random(36)}`, 'github-token', 'ghs_…'],
    ['a GitHub fine-grained token', `github_pat_${random(22)}_${random(59)}`, 'github-fine-grained-token', 'github_pat_…'],
    ['a GitLab token', `--token=glpat-${random(20)}`, 'gitlab-token', 'glpat-…'],
    ['a Slack bot token', `xoxb-1234567890-9876543210-${random(24)}`, 'slack-token', 'xoxb-…'],
    ['a Stripe live secret key', `sk_live_${random(24)}`, 'stripe-live-key', 'sk_live_…'],
    ['a Stripe live restricted key', `rk_live_${random(99)}`, 'stripe-live-key', 'rk_live_…'],
    ['a Google API key', `key=AIza${random(35)}`, 'google-api-key', 'AIza…'],
    ['an npm token in .npmrc', `//registry.npmjs.org/:_authToken=npm_${random(36)}`, 'npm-token', 'npm_…'],
    ['a real key after the documented example', `AKIAIOSFODNN7EXAMPLE AKIA${'Z2Q7WLMRT5XKPB3N'}`, 'aws-access-key-id', 'AKIA…'],
  ])('%s', (_name, text, id, shown) => {
    const found = findSecret(text);
    expect(found?.format.id).toBe(id);
    expect(found?.shown).toBe(shown);
    // Nothing of the secret beyond its fixed prefix reaches a message.
    expect(describeSecret(found!)).not.toMatch(/[A-Za-z0-9]{5,}…|Z2Q7|q7Xr|MIIE/);
  });

  test.each([
    ['AKIA in prose', 'Keys that start with AKIA are long-term keys; rotate them every 90 days.'],
    ["AWS's documented example key id", 'AKIAIOSFODNN7EXAMPLE'],
    ["Google's documented example API key", 'AIzaSyDaGmWKa4JsXZ-HjGw7ISLn_3namBGewQe'],
    ['an AWS key id one character short', `AKIA${'Z2Q7WLMRT5XKPB3'}`],
    ['an AWS-looking run inside a longer hash', `9f${'AKIAZ2Q7WLMRT5XKPB3N'}c0`],
    ['an AWS key id with lower case (not base32)', 'AKIAz2q7wlmrt5xkpb3n'],
    ['a GitHub prefix with a placeholder', 'ghp_your_token_here'],
    ['a GitHub token too short', `ghp_${random(20)}`],
    ['a Slack placeholder', 'xoxb-your-bot-token'],
    ['a Stripe test key', `sk_test_${random(24)}`],
    ['a Stripe publishable key', `pk_live_${random(24)}`],
    ['a GitLab prefix alone', 'glpat-xxxx'],
    ['an npm prefix in a package name', 'npm_config_cache=/tmp/npm'],
    ['a PEM header without a key: a grep pattern in a script', 'grep -q -- "-----BEGIN RSA PRIVATE KEY-----" "$f" && echo "found a key"'],
    ['a certificate', `-----BEGIN CERTIFICATE-----\n${PEM_BODY}\n-----END CERTIFICATE-----`],
    ['a public key', `-----BEGIN PUBLIC KEY-----\n${PEM_BODY}\n-----END PUBLIC KEY-----`],
    ['a service account JSON without its private key', '{"type": "service_account", "client_email": "web@p.iam.gserviceaccount.com"}'],
    ['an image digest', 'ghcr.io/acme/web@sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945'],
  ])('not a secret: %s', (_name, text) => {
    expect(findSecret(text)).toBeUndefined();
  });

  test('every format cites where its vendor documents its shape, and ids are unique', () => {
    const source = fs.readFileSync(path.join(__dirname, '../../lib/review/rules/secrets/secret-formats.ts'), 'utf8');
    const ids = SECRET_FORMATS.map((f) => f.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) {
      // The comment between the entry's opening brace and its id names an address.
      const before = source.slice(0, source.indexOf(`id: '${id}'`));
      expect(before.slice(before.lastIndexOf('{'))).toMatch(/\/\/ [\s\S]*https:\/\/\S+/);
    }
  });
});

describe('JSON Web Tokens', () => {
  test.each([
    ['a signed JWT', JWT],
    ['a JWT in a header value', `Authorization: Bearer ${JWT}`],
    ['an unsigned JWT (alg none, empty signature)', `${b64url({ alg: 'none' })}.${b64url({ sub: 'x' })}.`],
  ])('found: %s', (_name, text) => {
    expect(findJwt(text)).toEqual(expect.objectContaining({ shown: 'eyJ…' }));
  });

  test.each([
    ['a version number', '1.27.3'],
    ['a host name', 'api.internal.example.com'],
    ['three base64url parts whose first is not JSON', `${random(20)}.${random(20)}.${random(20)}`],
    ['a JSON first part without alg', `${b64url({ typ: 'JWT' })}.${b64url({ sub: 'x' })}.${random(43)}`],
    ['a JWE (five parts)', `${b64url({ alg: 'RSA-OAEP', enc: 'A256GCM' })}.${random(40)}.${random(16)}.${random(40)}.${random(22)}`],
  ])('not a JWT: %s', (_name, text) => {
    expect(findJwt(text)).toBeUndefined();
  });
});
