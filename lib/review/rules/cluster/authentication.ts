import { Rule } from '../../model';
import { finding, isRecord, list, quote } from '../../walkers';
import { ANONYMOUS_PATHS } from '../../../policy/control-plane';
import { CONTROL_PLANE_FILE } from './synth-time';

/**
 * Anonymous requests reach the health endpoints only: the structured authentication
 * configuration (Kubernetes 1.34, KEP-4633) either disables anonymous access or limits it to
 * listed paths, so a misconfigured RoleBinding to `system:anonymous` opens nothing else.
 *
 * @see https://kubernetes.io/docs/reference/access-authn-authz/authentication/#anonymous-authenticator-configuration
 */
export const authenticationAnonymousHealthOnly: Rule = {
  id: 'authentication-anonymous-health-only',
  title: 'Anonymous requests reach only the health endpoints',
  severity: 'error',
  kinds: ['AuthenticationConfiguration'],
  references: { cis: '1.2.1' },
  remediation: `Set anonymous.enabled: false, or enabled: true with conditions listing only ${ANONYMOUS_PATHS.join(', ')}.`,
  synthTimeOnly: CONTROL_PLANE_FILE,
  check: (obj) => {
    if (!/^apiserver\.config\.k8s\.io\//.test(obj.apiVersion)) return [];
    const anonymous = obj.anonymous;
    if (!isRecord(anonymous)) {
      return [finding('anonymous', 'anonymous access is not configured here, so it follows --anonymous-auth, which defaults to true')];
    }
    if (anonymous.enabled === false) return [];
    const conditions = list<unknown>(anonymous.conditions);
    if (conditions.length === 0) return [finding('anonymous.conditions', 'anonymous requests are allowed on every path')];
    return conditions.flatMap((condition, i) => {
      const path = isRecord(condition) ? condition.path : undefined;
      return typeof path === 'string' && ANONYMOUS_PATHS.includes(path)
        ? []
        : [finding(`anonymous.conditions[${i}].path`, `anonymous requests are allowed on ${quote(path)}, which is not a health endpoint`)];
    });
  },
};

/** The authentication configuration rules. */
export const AUTHENTICATION_RULES: readonly Rule[] = [authenticationAnonymousHealthOnly];
