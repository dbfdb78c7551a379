import { Rule } from '../../model';
import { configMapNoSecretKeys } from './configmap-keys';
import { envNoLiteralSecret } from './env-literal';
import { secretNoPlaintext } from './plaintext';
import { secretAsFile } from './secret-as-file';

export * from './configmap-keys';
export * from './env-literal';
export * from './plaintext';
export * from './secret-as-file';

/** Secret handling: no values in Secrets, env literals or ConfigMaps of the output; Secrets read as files. */
export const SECRET_RULES: readonly Rule[] = [secretNoPlaintext, envNoLiteralSecret, configMapNoSecretKeys, secretAsFile];
