/** Why the cluster rules are synth-time only: what they judge never reaches the API server. */
export const CONTROL_PLANE_FILE =
  'It judges a control-plane file (kubeadm, kubelet, audit policy, admission, authentication or encryption configuration) that the control plane reads from disk, never an object sent to the API server.';
