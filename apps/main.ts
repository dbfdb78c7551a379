import { YamlOutputType } from 'cdk8s';
import { ControlPlaneHardening, HardenedApp } from '../lib';
import { buildReferencePlatform, REFERENCE_APP_PROPS } from './platform';

// `npx cdk8s synth` runs this file: the reference platform, reviewed, into dist/ with one
// folder per chart (a tenant each, plus argocd/) for GitOps.
// platform.json: the namespaces' contract for the apps other repositories deploy into them.
// admission-policies/: the review's rules as ValidatingAdmissionPolicies, so the cluster refuses
// what the review refuses, whoever applies it; images only from the platform's registries.
const app = new HardenedApp({
  ...REFERENCE_APP_PROPS,
  yamlOutputType: YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE,
  publishPlatformContract: true,
});
buildReferencePlatform(app);

// Cluster hardening (issue 10): the configuration of a self-managed kubeadm control plane
// (CIS Benchmark flags, kubelet, audit policy, admission, authentication, KMS v2 encryption),
// written to dist/control-plane/ and reviewed by the `cluster` pack with the manifests.
new ControlPlaneHardening(app, 'control-plane');

app.synth();
