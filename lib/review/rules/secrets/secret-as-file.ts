import { Rule, RuleFinding } from '../../model';
import { eachContainer, finding, isRecord, list, POD_TEMPLATE_KINDS, quote } from '../../walkers';

/**
 * Secrets reach containers as files (a `secret` volume, read-only), not as environment
 * variables. A variable is inherited by every child process, printed by crash handlers and
 * debug endpoints, and readable in `/proc/<pid>/environ`; a file is read when needed and can
 * be rotated without a restart. Software that reads only variables gets an exception with
 * its reason.
 *
 * @see https://kubernetes.io/docs/concepts/security/secrets-good-practices/
 */
export const secretAsFile: Rule = {
  id: 'secret-as-file',
  title: 'Secrets reach containers as files, not environment variables',
  severity: 'error',
  kinds: POD_TEMPLATE_KINDS,
  references: { nsa: 'Pod security: secrets', checkov: 'CKV_K8S_35', kubeLinter: 'read-secret-from-env-var' },
  remediation:
    'Mount the Secret as a read-only file (a secret volume and a volumeMount with readOnly: true) and point the software at the file. If it reads only environment variables, add an exception with that reason.',
  check: (obj, context) => {
    const found: RuleFinding[] = [];
    for (const c of eachContainer(obj, context)) {
      list<unknown>(c.container.env).forEach((env, i) => {
        const ref = isRecord(env) && isRecord(env.valueFrom) ? env.valueFrom.secretKeyRef : undefined;
        if (!isRecord(ref)) return;
        found.push(
          finding(
            `${c.path}.env[${i}].valueFrom.secretKeyRef`,
            `${c.label} reads key ${quote(ref.key)} of Secret ${quote(ref.name)} into the environment variable ${quote(isRecord(env) ? env.name : undefined)}`,
          ),
        );
      });
      list<unknown>(c.container.envFrom).forEach((source, i) => {
        const ref = isRecord(source) ? source.secretRef : undefined;
        if (!isRecord(ref)) return;
        found.push(
          finding(`${c.path}.envFrom[${i}].secretRef`, `${c.label} loads every key of Secret ${quote(ref.name)} into its environment`),
        );
      });
    }
    return found;
  },
  admission: (s) => [
    {
      expression: `${s.containers}.all(c, c.?env.orValue([]).all(e, !e.?valueFrom.?secretKeyRef.hasValue()) && c.?envFrom.orValue([]).all(f, !has(f.secretRef))) || ${s.acceptsValueless}`,
      message: 'A container reads a Secret into its environment.',
    },
  ],
};
