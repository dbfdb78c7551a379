// cluster-config loads a control-plane configuration file the way the Kubernetes API server
// (or the kubelet) loads it at start-up, with upstream's own decoders and validators, and
// reports whether it would start with it. It is a test peer for lib/cluster: what
// ControlPlaneHardening writes must be accepted, not only look right.
//
//	cluster-config audit-policy FILE      k8s.io/apiserver audit policy.LoadPolicyFromFile
//	cluster-config encryption FILE        k8s.io/apiserver encryptionconfig.LoadEncryptionConfig
//	                                      (KMS v2 plugins are set up as the server does; no plugin
//	                                      needs to answer for the file to load)
//	cluster-config admission FILE         admission.ReadAdmissionConfiguration, then what the
//	                                      PodSecurity plugin does with its configuration (load,
//	                                      policy from the defaults, validation)
//	cluster-config authentication FILE    strict decoding into the apiserver.config.k8s.io types,
//	                                      then ValidateAuthenticationConfiguration (as kube-apiserver's
//	                                      --authentication-config loader does)
//	cluster-config kubelet FILE           strict decoding (unknown or mistyped fields are errors)
//	                                      of each KubeletConfiguration document into
//	                                      k8s.io/kubelet/config/v1beta1
//
// Prints "ok" and exits 0, or prints the error on stderr and exits 1 (2 for bad usage).
package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/apiserver/pkg/admission"
	apiserver "k8s.io/apiserver/pkg/apis/apiserver"
	apiserverv1 "k8s.io/apiserver/pkg/apis/apiserver/v1"
	apiserverv1alpha1 "k8s.io/apiserver/pkg/apis/apiserver/v1alpha1"
	apiserverv1beta1 "k8s.io/apiserver/pkg/apis/apiserver/v1beta1"
	"k8s.io/apiserver/pkg/apis/apiserver/validation"
	"k8s.io/apiserver/pkg/audit/policy"
	authenticationcel "k8s.io/apiserver/pkg/authentication/cel"
	"k8s.io/apiserver/pkg/server/options/encryptionconfig"
	"k8s.io/klog/v2"
	kubeletv1beta1 "k8s.io/kubelet/config/v1beta1"
	podsecurityapi "k8s.io/pod-security-admission/admission/api"
	podsecurityload "k8s.io/pod-security-admission/admission/api/load"
	podsecurityvalidation "k8s.io/pod-security-admission/admission/api/validation"
	"sigs.k8s.io/yaml"
)

func main() {
	quietKlog()
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: cluster-config audit-policy|encryption|admission|authentication|kubelet FILE")
		os.Exit(2)
	}
	checks := map[string]func(string) error{
		"audit-policy":   auditPolicy,
		"encryption":     encryption,
		"admission":      admissionConfiguration,
		"authentication": authentication,
		"kubelet":        kubelet,
	}
	check, ok := checks[os.Args[1]]
	if !ok {
		fmt.Fprintf(os.Stderr, "unknown kind %q\n", os.Args[1])
		os.Exit(2)
	}
	if err := check(os.Args[2]); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println("ok")
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

// admissionConfiguration reads the file as kube-apiserver's --admission-control-config-file,
// then each plugin's configuration that this program knows how to load (PodSecurity).
func admissionConfiguration(file string) error {
	scheme := runtime.NewScheme()
	utilruntime.Must(apiserver.AddToScheme(scheme))
	utilruntime.Must(apiserverv1alpha1.AddToScheme(scheme))
	utilruntime.Must(apiserverv1.AddToScheme(scheme))
	provider, err := admission.ReadAdmissionConfiguration([]string{"PodSecurity", "EventRateLimit"}, file, scheme)
	if err != nil {
		return err
	}
	reader, err := provider.ConfigFor("PodSecurity")
	if err != nil {
		return err
	}
	if reader == nil {
		return errors.New("no PodSecurity configuration")
	}
	// What the PodSecurity plugin does with it: load, turn the defaults into a policy, validate.
	config, err := podsecurityload.LoadFromReader(reader)
	if err != nil {
		return err
	}
	if _, err := podsecurityapi.ToPolicy(config.Defaults); err != nil {
		return err
	}
	return podsecurityvalidation.ValidatePodSecurityConfiguration(config).ToAggregate()
}

func authentication(file string) error {
	scheme := runtime.NewScheme()
	utilruntime.Must(apiserver.AddToScheme(scheme))
	utilruntime.Must(apiserverv1alpha1.AddToScheme(scheme))
	utilruntime.Must(apiserverv1beta1.AddToScheme(scheme))
	utilruntime.Must(apiserverv1.AddToScheme(scheme))
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

// kubelet decodes every KubeletConfiguration document of the file strictly.
func kubelet(file string) error {
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	reader := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
	found := 0
	for {
		document, err := reader.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		var meta struct {
			Kind string `json:"kind"`
		}
		if err := yaml.Unmarshal(document, &meta); err != nil {
			return err
		}
		if meta.Kind != "KubeletConfiguration" {
			continue
		}
		found++
		var config kubeletv1beta1.KubeletConfiguration
		if err := yaml.UnmarshalStrict(document, &config); err != nil {
			return fmt.Errorf("KubeletConfiguration: %w", err)
		}
		if !strings.HasPrefix(config.APIVersion, "kubelet.config.k8s.io/") {
			return fmt.Errorf("KubeletConfiguration has apiVersion %q", config.APIVersion)
		}
	}
	if found == 0 {
		return errors.New("no KubeletConfiguration document")
	}
	return nil
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
