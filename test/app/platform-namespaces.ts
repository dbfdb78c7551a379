/**
 * The namespaces of the reference platform (apps/platform.ts), sorted: each has a folder in dist/,
 * is declared to the admission policies, and gets a pod control in the API-server proofs. Written
 * out here, once, so that a namespace added or lost fails the tests that read it.
 */
export const PLATFORM_NAMESPACES: readonly string[] = [
  'argocd',
  'audit-log-shipping',
  'cert-manager',
  'external-secrets',
  'fulfilment',
  'ingress-nginx',
  'sealed-secrets',
  'security-monitoring',
  'shop',
];
