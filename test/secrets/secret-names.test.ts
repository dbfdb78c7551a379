import { keyPath, nameWords, secretWordIn } from '../../lib/review/rules/secrets/secret-names';

describe('what looks secret (shared by the secrets review rules)', () => {
  test.each([
    ['DB_PASSWORD', 'a password'],
    ['passwd', 'a password'],
    ['clientSecret', 'a secret'],
    ['GITHUB_TOKEN', 'a token'],
    ['API_KEY', 'an API key'],
    ['apikey', 'an API key'],
    ['x-api-key', 'an API key'],
    ['PRIVATE_KEY', 'a private key'],
    ['gcp-credentials', 'a credential'],
    ['AWS_SECRET_ACCESS_KEY', 'a secret'],
    ['S3_ACCESS_KEY', 'an access key'],
  ])('%s looks like %s', (name, what) => {
    expect(secretWordIn(name)).toBe(what);
  });

  test.each([
    'DB_PASSWORD_FILE',
    'TOKEN_URL',
    'secretName',
    'AWS_ACCESS_KEY_ID',
    'CLIENT_SECRET_PATH',
    'VAULT_TOKEN_ENDPOINT',
    'LOG_LEVEL',
    'PORT',
    '',
    'tls.crt',
  ])('%j does not', (name) => {
    expect(secretWordIn(name)).toBeUndefined();
  });

  test('names split at separators and camelCase humps', () => {
    expect(nameWords('stripeApiKey')).toEqual(['stripe', 'api', 'key']);
    expect(nameWords('DB__PASSWORD.file')).toEqual(['db', 'password', 'file']);
  });

  test('paths quote keys that are not identifiers', () => {
    expect(keyPath('data', 'password')).toBe('data.password');
    expect(keyPath('data', 'tls.key')).toBe('data["tls.key"]');
  });
});
