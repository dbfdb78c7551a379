import { Rule } from '../../model';
import { configMapNoSecretKeys } from './configmap-keys';
import { envNoLiteralSecret } from './env-literal';
import { valueNoJwt } from './jwt-value';
import { valueNoKnownSecret } from './known-secret-value';
import { secretNoPlaintext } from './plaintext';
import { secretAsFile } from './secret-as-file';

export * from './configmap-keys';
export * from './env-literal';
export * from './jwt-value';
export * from './known-secret-value';
export * from './plaintext';
export * from './secret-as-file';

/**
 * Secret handling: no values in Secrets, env literals or ConfigMaps of the output; no private
 * key, vendor token or JWT in annotations, env values, commands or arguments; Secrets read as files.
 */
export const SECRET_RULES: readonly Rule[] = [
  secretNoPlaintext,
  envNoLiteralSecret,
  configMapNoSecretKeys,
  valueNoKnownSecret,
  valueNoJwt,
  secretAsFile,
];
