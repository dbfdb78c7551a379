import { ApiObject } from 'cdk8s';
import { ruleById } from '../review/packs';
import { exceptionAnnotationKey, exceptionAnnotationValue, HardeningException } from './exceptions';

/**
 * A construct's exceptions go on the objects their rule judges: an exception to a pod rule
 * on the Deployment, to a network rule on the NetworkPolicy, to an RBAC rule on the Role or
 * binding. Written anywhere else the review would report it as unused.
 */
export function exceptionsForKind(exceptions: readonly HardeningException[], kind: string): HardeningException[] {
  return exceptions.filter((e) => ruleById(e.rule)?.kinds.includes(kind) ?? false);
}

/** Records on `api` the exceptions whose rule judges objects of its kind. */
export function recordExceptions(api: ApiObject, exceptions: readonly HardeningException[]): void {
  for (const exception of exceptionsForKind(exceptions, api.kind)) {
    api.metadata.addAnnotation(exceptionAnnotationKey(exception.rule), exceptionAnnotationValue(exception));
  }
}

/** Whether `rule` is a rule of the review engine. */
export function isKnownRule(rule: string): boolean {
  return ruleById(rule) !== undefined;
}
