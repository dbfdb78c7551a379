import { celString } from '../../admission/cel';
import { Rule, RuleFinding } from '../../model';
import { eachContainer, finding, isRecord, list, POD_TEMPLATE_KINDS, quote } from '../../walkers';
import { celSecretName, secretWordIn } from './secret-names';

/** `$(OTHER_VAR)`: Kubernetes expands it from another variable, so it is no literal. */
const VARIABLE_REFERENCE = /^\$\([A-Za-z_][A-Za-z0-9_.-]*\)$/;

/**
 * Containers take secret-looking variables from a Secret (`valueFrom.secretKeyRef`), never
 * as a literal `value`: a literal sits in the manifest, the repository and
 * `kubectl get -o yaml` for anyone with read access to the workload.
 *
 * A name looks secret when it contains password, passwd, secret, token, api key, private key,
 * credential or access key, unless its last word says it points at one (`_FILE`, `_PATH`,
 * `_URL`, `_NAME`, `_ID`, ...).
 *
 * @see https://kubernetes.io/docs/concepts/configuration/secret/#using-secrets-as-environment-variables
 */
export const envNoLiteralSecret: Rule = {
  id: 'env-no-literal-secret',
  title: 'Secret-looking environment variables come from a Secret, not a literal',
  severity: 'error',
  kinds: POD_TEMPLATE_KINDS,
  references: { kubeLinter: 'env-var-secret', polaris: 'sensitiveContainerEnvVar' },
  remediation:
    'Put the value in a SealedSecret or ExternalSecret and read it with valueFrom.secretKeyRef (or mount the Secret as a file); remove the literal value.',
  check: (obj, context) => {
    const found: RuleFinding[] = [];
    for (const c of eachContainer(obj, context)) {
      list<unknown>(c.container.env).forEach((env, i) => {
        if (!isRecord(env) || typeof env.name !== 'string') return;
        const value = env.value;
        if (typeof value !== 'string' || value === '' || VARIABLE_REFERENCE.test(value)) return;
        const word = secretWordIn(env.name);
        if (word === undefined) return;
        found.push(
          finding(
            `${c.path}.env[${i}].value`,
            `${c.label} sets the environment variable ${quote(env.name)}, which looks like ${word}, to a literal value`,
          ),
        );
      });
    }
    return found;
  },
  admission: (s) => [
    {
      expression: `${s.containers}.all(c, c.?env.orValue([]).all(e, !has(e.value) || e.value == "" || e.value.matches(${celString(VARIABLE_REFERENCE.source)}) || !${celSecretName('e.name')})) || ${s.acceptsValueless}`,
      message: 'A container sets a secret-looking environment variable to a literal value.',
    },
  ],
};
