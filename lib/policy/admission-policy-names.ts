/**
 * Every ValidatingAdmissionPolicy the review writes is named `<POLICY_PREFIX>-<kinds>-<action>`
 * (lib/review/admission), and its messages start with `<rule id>:`. The security alerts
 * (lib/monitoring) watch the refusals of exactly those policies by this prefix.
 */
export const POLICY_PREFIX = 'cdk8s-hardened';
