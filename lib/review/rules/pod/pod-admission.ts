/**
 * CEL the pod rules' admission validations share: the pods Pod Security exempts from a check,
 * and a profile type judged against the types a rule allows.
 */
import { celList } from '../../admission/cel';
import { AdmissionScope } from '../../model';

/** CEL: the pod declares Windows as its OS, as `isWindowsPod` judges it. */
export function celWindowsPod(s: AdmissionScope): string {
  return `${s.pod}.?os.?name.orValue("") == "windows"`;
}

/** CEL: the pod runs in its own user namespace (`hostUsers: false`), as `usesUserNamespace` judges it. */
export function celUserNamespace(s: AdmissionScope): string {
  return `!${s.pod}.?hostUsers.orValue(true)`;
}

/**
 * CEL: a profile type is unset, one of `allowed`, or accepted by an exception (the type is the
 * finding's value). `type` is a CEL optional string, such as `c.?securityContext.?seccompProfile.?type`.
 */
export function celProfileTypeAdmitted(s: AdmissionScope, type: string, allowed: readonly string[]): string {
  return `(!${type}.hasValue() || ${type}.value() in ${celList(allowed)} || ${s.accepts(`${type}.value()`)})`;
}
