import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { ExceptionPolicy } from '../policy/exception-policy';
import { HardeningError } from '../core/hardening-error';
import { requireDns1123Subdomain } from '../core/names';
import type { HardenedContainerProps } from './hardened-container';
import { requireOwnType } from './own-type';

const SECRET_AS_ENV_PROBLEM = 'puts Secret keys into environment variables, which every child process inherits and crash reports print.';
const SECRET_AS_ENV_FIX = 'Use secretMounts and point the software at the file.';

/**
 * The container's variables for cdk8s-plus-27: `envVariables`, then `secretEnv`. A Secret
 * key as a variable needs an exception to `secret-as-file`, however it is given.
 */
export function containerEnv(
  scope: Construct,
  policy: ExceptionPolicy,
  field: string,
  container: string,
  props: HardenedContainerProps,
): { [name: string]: kplus.EnvValue } | undefined {
  const variables = Object.entries(props.envVariables ?? {});
  const secretEnv = props.secretEnv ?? [];
  if (!variables.length && !secretEnv.length) return undefined;
  const env: { [name: string]: kplus.EnvValue } = {};
  variables.forEach(([name, value], i) => {
    requireOwnType(scope, `${field}.envVariables.${name}`, value, '_toEnvValue', "EnvValue.fromValue('info')");
    const secretName = value._secretName;
    if (secretName !== undefined) {
      const at = `${field}.envVariables.${name}`;
      policy.require('secret-as-file', at, SECRET_AS_ENV_PROBLEM, SECRET_AS_ENV_FIX);
      requireDns1123Subdomain(scope, `${at}.secretName`, secretName);
    }
    env[name] = value._toEnvValue(scope, `EnvRef-${container}-${i}`);
  });
  if (secretEnv.length) policy.require('secret-as-file', `${field}.secretEnv`, SECRET_AS_ENV_PROBLEM, SECRET_AS_ENV_FIX);
  secretEnv.forEach((variable, i) => {
    const at = `${field}.secretEnv[${i}]`;
    requireDns1123Subdomain(scope, `${at}.secretName`, variable.secretName);
    if (env[variable.name] !== undefined) {
      throw new HardeningError(scope, `'${at}.name' '${variable.name}' is set twice. Keep one.`);
    }
    const secret = kplus.Secret.fromSecretName(scope, `SecretEnvRef-${container}-${i}`, variable.secretName);
    env[variable.name] = kplus.EnvValue.fromSecretValue({ secret, key: variable.key });
  });
  return env;
}

/** The container's `envFrom` sources for cdk8s-plus-27; a Secret needs an exception to `secret-as-file`. */
export function containerEnvFrom(
  scope: Construct,
  policy: ExceptionPolicy,
  field: string,
  container: string,
  props: HardenedContainerProps,
): kplus.EnvFrom[] | undefined {
  return props.envFrom?.map((source, i) => {
    requireOwnType(scope, `${field}.envFrom[${i}]`, source, '_toEnvFrom', "EnvFrom.fromConfigMap('settings')");
    const secretName = source._secretName;
    if (secretName !== undefined) {
      const at = `${field}.envFrom[${i}]`;
      policy.require('secret-as-file', at, SECRET_AS_ENV_PROBLEM, SECRET_AS_ENV_FIX);
      requireDns1123Subdomain(scope, `${at}.secretName`, secretName);
    }
    return source._toEnvFrom(scope, `EnvFromRef-${container}-${i}`);
  });
}
