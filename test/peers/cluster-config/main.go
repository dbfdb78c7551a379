// cluster-config loads a control-plane configuration file the way the Kubernetes API server,
// kubeadm or the kubelet loads it at start-up, with upstream's own decoders and validators, and
// reports whether it would start with it. It is a test peer for lib/cluster: what
// ControlPlaneHardening writes must be accepted, not only look right.
//
//	cluster-config audit-policy FILE      k8s.io/apiserver audit policy.LoadPolicyFromFile
//	cluster-config encryption FILE        k8s.io/apiserver encryptionconfig.LoadEncryptionConfig
//	                                      (KMS v2 plugins are set up as the server does; no plugin
//	                                      needs to answer for the file to load)
//	cluster-config admission FILE         admission.ReadAdmissionConfiguration, then what the
//	                                      PodSecurity plugin does with its configuration (load,
//	                                      policy from the defaults, validation) and what the
//	                                      EventRateLimit plugin does with its own (load, validation)
//	cluster-config audit-webhook FILE     the audit webhook backend set up from the kubeconfig,
//	                                      as --audit-webhook-config-file does (its certificate
//	                                      files must exist and parse)
//	cluster-config authentication FILE    strict decoding into the apiserver.config.k8s.io types,
//	                                      then ValidateAuthenticationConfiguration (as kube-apiserver's
//	                                      --authentication-config loader does)
//	cluster-config kubeadm FILE           as `kubeadm init --config FILE` loads it (k8s.io/kubernetes
//	                                      cmd/kubeadm: every document decoded, defaulted and
//	                                      validated), and its KubeletConfiguration as the kubelet
//	                                      validates its configuration at start-up. Stricter than
//	                                      kubeadm in one way: kubeadm only warns about unknown or
//	                                      duplicate fields; here they are errors, since a misspelt
//	                                      field is a setting silently not applied.
//
// Prints "ok" (for kubeadm, "ok <kubernetesVersion>") and exits 0, or prints the error on
// stderr and exits 1 (2 for bad usage).
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/apiserver/pkg/admission"
	apiserver "k8s.io/apiserver/pkg/apis/apiserver"
	apiserverv1 "k8s.io/apiserver/pkg/apis/apiserver/v1"
	apiserverv1alpha1 "k8s.io/apiserver/pkg/apis/apiserver/v1alpha1"
	apiserverv1beta1 "k8s.io/apiserver/pkg/apis/apiserver/v1beta1"
	"k8s.io/apiserver/pkg/apis/apiserver/validation"
	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"
	"k8s.io/apiserver/pkg/audit/policy"
	authenticationcel "k8s.io/apiserver/pkg/authentication/cel"
	"k8s.io/apiserver/pkg/server/options/encryptionconfig"
	utilfeature "k8s.io/apiserver/pkg/util/feature"
	auditwebhook "k8s.io/apiserver/plugin/pkg/audit/webhook"
	"k8s.io/klog/v2"
	kubeadmscheme "k8s.io/kubernetes/cmd/kubeadm/app/apis/kubeadm/scheme"
	"k8s.io/kubernetes/cmd/kubeadm/app/componentconfigs"
	kubeadmutil "k8s.io/kubernetes/cmd/kubeadm/app/util"
	"k8s.io/kubernetes/cmd/kubeadm/app/util/config"
	"k8s.io/kubernetes/cmd/kubeadm/app/util/config/strict"
	kubeletconfig "k8s.io/kubernetes/pkg/kubelet/apis/config"
	kubeletscheme "k8s.io/kubernetes/pkg/kubelet/apis/config/scheme"
	kubeletvalidation "k8s.io/kubernetes/pkg/kubelet/apis/config/validation"
	"k8s.io/kubernetes/plugin/pkg/admission/eventratelimit"
	eventratelimitvalidation "k8s.io/kubernetes/plugin/pkg/admission/eventratelimit/apis/eventratelimit/validation"
	podsecurityapi "k8s.io/pod-security-admission/admission/api"
	podsecurityload "k8s.io/pod-security-admission/admission/api/load"
	podsecurityvalidation "k8s.io/pod-security-admission/admission/api/validation"
)

func main() {
	quietKlog()
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: cluster-config audit-policy|audit-webhook|encryption|admission|authentication|kubeadm FILE")
		os.Exit(2)
	}
	checks := map[string]func(string) (string, error){
		"audit-policy":   verdict(auditPolicy),
		"encryption":     verdict(encryption),
		"admission":      verdict(admissionConfiguration),
		"authentication": verdict(authentication),
		"audit-webhook":  verdict(auditWebhook),
		"kubeadm":        kubeadmConfig,
	}
	check, ok := checks[os.Args[1]]
	if !ok {
		fmt.Fprintf(os.Stderr, "unknown kind %q\n", os.Args[1])
		os.Exit(2)
	}
	said, err := check(os.Args[2])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(said)
}

// verdict turns a check that only errs into one that says "ok".
func verdict(check func(string) error) func(string) (string, error) {
	return func(file string) (string, error) {
		if err := check(file); err != nil {
			return "", err
		}
		return "ok", nil
	}
}

func auditPolicy(file string) error {
	_, err := policy.LoadPolicyFromFile(file)
	return err
}

func encryption(file string) error {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, err := encryptionconfig.LoadEncryptionConfig(ctx, file, false, "cluster-config-check")
	return err
}

// newScheme is a runtime.Scheme with the given API groups' types.
func newScheme(addToScheme ...func(*runtime.Scheme) error) *runtime.Scheme {
	scheme := runtime.NewScheme()
	for _, add := range addToScheme {
		utilruntime.Must(add(scheme))
	}
	return scheme
}

// pluginConfiguration is the configuration the admission configuration gives plugin `name`.
func pluginConfiguration(provider admission.ConfigProvider, name string) (io.Reader, error) {
	reader, err := provider.ConfigFor(name)
	if err != nil {
		return nil, err
	}
	if reader == nil {
		return nil, fmt.Errorf("no %s configuration", name)
	}
	return reader, nil
}

// admissionConfiguration reads the file as kube-apiserver's --admission-control-config-file
// (with the API groups of k8s.io/apiserver's own admission options), then each plugin's
// configuration as the plugin loads it (PodSecurity, EventRateLimit).
func admissionConfiguration(file string) error {
	scheme := newScheme(apiserver.AddToScheme, apiserverv1alpha1.AddToScheme, apiserverv1.AddToScheme)
	provider, err := admission.ReadAdmissionConfiguration([]string{"PodSecurity", "EventRateLimit"}, file, scheme)
	if err != nil {
		return err
	}
	reader, err := pluginConfiguration(provider, "PodSecurity")
	if err != nil {
		return err
	}
	// What the PodSecurity plugin does with it: load, turn the defaults into a policy, validate.
	config, err := podsecurityload.LoadFromReader(reader)
	if err != nil {
		return err
	}
	if _, err := podsecurityapi.ToPolicy(config.Defaults); err != nil {
		return err
	}
	if err := podsecurityvalidation.ValidatePodSecurityConfiguration(config).ToAggregate(); err != nil {
		return err
	}
	// And what the EventRateLimit plugin does with its own: load, validate.
	reader, err = pluginConfiguration(provider, "EventRateLimit")
	if err != nil {
		return err
	}
	limits, err := eventratelimit.LoadConfiguration(reader)
	if err != nil {
		return fmt.Errorf("EventRateLimit: %w", err)
	}
	return eventratelimitvalidation.ValidateConfiguration(limits).ToAggregate()
}

// auditWebhook sets up the audit webhook backend from its kubeconfig, as kube-apiserver does
// with --audit-webhook-config-file (certificate files included: they must exist and parse).
func auditWebhook(file string) error {
	_, err := auditwebhook.NewBackend(file, auditv1.SchemeGroupVersion, wait.Backoff{Duration: time.Second, Steps: 1}, nil)
	return err
}

func authentication(file string) error {
	scheme := newScheme(apiserver.AddToScheme, apiserverv1alpha1.AddToScheme, apiserverv1beta1.AddToScheme, apiserverv1.AddToScheme)
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	object, gvk, err := serializer.NewCodecFactory(scheme, serializer.EnableStrict).UniversalDecoder().Decode(data, nil, nil)
	if err != nil {
		return err
	}
	config, ok := object.(*apiserver.AuthenticationConfiguration)
	if !ok {
		return fmt.Errorf("expected an AuthenticationConfiguration, got %v", gvk)
	}
	return validation.ValidateAuthenticationConfiguration(authenticationcel.NewDefaultCompiler(), config, nil).ToAggregate()
}

func kubeadmConfig(file string) (string, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return "", err
	}
	documents, err := kubeadmutil.SplitConfigDocuments(data)
	if err != nil {
		return "", err
	}
	for gvk, content := range documents {
		if err := strict.VerifyUnmarshalStrict([]*runtime.Scheme{kubeadmscheme.Scheme, componentconfigs.Scheme}, gvk, content); err != nil {
			return "", err
		}
	}
	// What `kubeadm init --config` does: decode, default (CRI socket detection skipped: no node here), validate.
	cfg, err := config.BytesToInitConfiguration(data, true)
	if err != nil {
		return "", err
	}
	for gvk, content := range documents {
		if gvk.Kind != "KubeletConfiguration" {
			continue
		}
		_, codecs, err := kubeletscheme.NewSchemeAndCodecs(serializer.EnableStrict)
		if err != nil {
			return "", err
		}
		kubelet := &kubeletconfig.KubeletConfiguration{}
		if err := runtime.DecodeInto(codecs.UniversalDecoder(), content, kubelet); err != nil {
			return "", fmt.Errorf("KubeletConfiguration: %w", err)
		}
		// The one check about the machine rather than the file (is this host on cgroup v1?):
		// this machine is not the node, so it is left out.
		kubelet.FailCgroupV1 = false
		if err := kubeletvalidation.ValidateKubeletConfiguration(kubelet, utilfeature.DefaultFeatureGate); err != nil {
			return "", fmt.Errorf("KubeletConfiguration: %w", err)
		}
	}
	return "ok " + cfg.ClusterConfiguration.KubernetesVersion, nil
}

// quietKlog keeps the server code's logs (a KMS plugin that does not answer) off stderr,
// which carries only this program's verdict.
func quietKlog() {
	flags := flag.NewFlagSet("klog", flag.ContinueOnError)
	klog.InitFlags(flags)
	_ = flags.Set("logtostderr", "false")
	_ = flags.Set("stderrthreshold", "FATAL")
	klog.SetOutput(io.Discard)
}
