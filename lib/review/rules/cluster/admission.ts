import { KubeObject, Rule, RuleFinding } from '../../model';
import { finding, isRecord, list, quote } from '../../walkers';
import { SYSTEM_NAMESPACE } from '../../../policy/control-plane';
import { CONTROL_PLANE_FILE } from './synth-time';

/**
 * The API server's `AdmissionConfiguration`: the Pod Security defaults for every namespace
 * that does not label its own level, and who is exempt from them.
 *
 * @see https://kubernetes.io/docs/tasks/configure-pod-container/enforce-standards-admission-controller/
 */

/** Whether the object is the API server's admission configuration. */
export function isAdmissionConfiguration(obj: KubeObject): boolean {
  return obj.kind === 'AdmissionConfiguration' && /^apiserver\.(config\.)?k8s\.io\//.test(obj.apiVersion);
}

/** The PodSecurity plugin entry and its index, if any. */
function podSecurityPlugin(obj: KubeObject): { plugin: Record<string, unknown>; index: number } | undefined {
  const plugins = list<unknown>(obj.plugins);
  const index = plugins.findIndex((p) => isRecord(p) && p.name === 'PodSecurity');
  return index < 0 ? undefined : { plugin: plugins[index] as Record<string, unknown>, index };
}

/**
 * Every namespace gets Pod Security `restricted` unless it says otherwise: enforce, audit
 * and warn default to `restricted` cluster-wide, so a namespace created by hand (without
 * labels) cannot run privileged pods.
 */
export const admissionPodSecurityRestricted: Rule = {
  id: 'admission-pod-security-restricted',
  title: 'Pod Security admission enforces restricted cluster-wide by default',
  severity: 'error',
  kinds: ['AdmissionConfiguration'],
  references: { pss: 'restricted', cis: '5.2.1', nsa: 'Pod security' },
  remediation:
    'Configure the PodSecurity plugin inline in the AdmissionConfiguration, with defaults enforce, audit and warn set to restricted.',
  synthTimeOnly: CONTROL_PLANE_FILE,
  check: (obj) => {
    if (!isAdmissionConfiguration(obj)) return [];
    const entry = podSecurityPlugin(obj);
    if (!entry) return [finding('plugins', 'no PodSecurity plugin configuration, so namespaces without labels run privileged pods')];
    const configuration = entry.plugin.configuration;
    const base = `plugins[${entry.index}].configuration`;
    if (!isRecord(configuration)) {
      return [finding(`plugins[${entry.index}]`, 'the PodSecurity configuration is not inline (or is missing), so it cannot be reviewed')];
    }
    const defaults = isRecord(configuration.defaults) ? configuration.defaults : {};
    return ['enforce', 'audit', 'warn']
      .filter((mode) => defaults[mode] !== 'restricted')
      .map((mode) =>
        finding(`${base}.defaults.${mode}`, `the cluster-wide ${mode} level is ${quote(defaults[mode] ?? 'privileged')}, not "restricted"`),
      );
  },
};

/**
 * Exemptions from Pod Security are for named system namespaces only: never for a user
 * (who could then create privileged pods anywhere) nor a runtime class.
 */
export const admissionExemptionsSystemOnly: Rule = {
  id: 'admission-exemptions-system-only',
  title: 'Pod Security exempts only named system namespaces',
  severity: 'error',
  kinds: ['AdmissionConfiguration'],
  references: { cis: '5.2.1' },
  remediation:
    'Remove the exempt users and runtime classes, and exempt only system namespaces (kube-system, kube-*, *-system); label any other namespace with its own level and an exception instead.',
  synthTimeOnly: CONTROL_PLANE_FILE,
  check: (obj) => {
    if (!isAdmissionConfiguration(obj)) return [];
    const entry = podSecurityPlugin(obj);
    const configuration = entry && isRecord(entry.plugin.configuration) ? entry.plugin.configuration : undefined;
    const exemptions = configuration && isRecord(configuration.exemptions) ? configuration.exemptions : undefined;
    if (!exemptions) return [];
    const base = `plugins[${entry!.index}].configuration.exemptions`;
    const found: RuleFinding[] = [];
    list<unknown>(exemptions.usernames).forEach((name, i) =>
      found.push(finding(`${base}.usernames[${i}]`, `the user ${quote(name)} is exempt from Pod Security in every namespace`)),
    );
    list<unknown>(exemptions.runtimeClasses).forEach((name, i) =>
      found.push(finding(`${base}.runtimeClasses[${i}]`, `pods of the runtime class ${quote(name)} are exempt from Pod Security`)),
    );
    list<unknown>(exemptions.namespaces).forEach((name, i) => {
      if (typeof name !== 'string' || !SYSTEM_NAMESPACE.test(name)) {
        found.push(
          finding(`${base}.namespaces[${i}]`, `the namespace ${quote(name)} is exempt from Pod Security but is not a system namespace`),
        );
      }
    });
    return found;
  },
};

/** The admission configuration rules. */
export const ADMISSION_RULES: readonly Rule[] = [admissionPodSecurityRestricted, admissionExemptionsSystemOnly];
