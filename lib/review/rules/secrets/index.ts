import { Rule } from '../../model';
import { configMapNoSecretKeys } from './configmap-keys';
import { envNoLiteralSecret } from './env-literal';
import { secretNoPlaintext } from './plaintext';

export * from './configmap-keys';
export * from './env-literal';
export * from './plaintext';

/** Secret handling: no values in Secrets, env literals or ConfigMaps of the output. */
export const SECRET_RULES: readonly Rule[] = [secretNoPlaintext, envNoLiteralSecret, configMapNoSecretKeys];
