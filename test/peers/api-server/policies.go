package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	apiextensionsscheme "k8s.io/apiextensions-apiserver/pkg/client/clientset/clientset/scheme"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	pluginvalidatingadmissionpolicy "k8s.io/apiserver/pkg/admission/plugin/policy/validating"
	"k8s.io/apiserver/pkg/cel/openapi/resolver"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	k8sscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/restmapper"
	"k8s.io/kubernetes/pkg/controller/validatingadmissionpolicystatus"
	"k8s.io/kubernetes/pkg/generated/openapi"
	"sigs.k8s.io/yaml"
)

// PolicyStatus is what the server's type checking said about one ValidatingAdmissionPolicy.
type PolicyStatus struct {
	Name string `json:"name"`
	// TypeWarnings: status.typeChecking.expressionWarnings, as "<field>: <warning>".
	TypeWarnings []string `json:"typeWarnings"`
}

var policyResource = schema.GroupVersionResource{Group: "admissionregistration.k8s.io", Version: "v1", Resource: "validatingadmissionpolicies"}

// installPolicies creates the ValidatingAdmissionPolicies and their bindings of the files
// under dir (policies first), waits until the server has type-checked every policy, and then
// until a dry run of the probe object (a file holding one object the policies must refuse) is
// refused by a ValidatingAdmissionPolicy: the policies are then enforced. Any object of dir
// that is not created is an error: the policies are the platform's, they must install.
func installPolicies(ctx context.Context, c *creator, client dynamic.Interface, config *rest.Config, mapper *restmapper.DeferredDiscoveryRESTMapper, dir, probeFile string) ([]PolicyStatus, error) {
	if err := startPolicyStatusController(config, mapper); err != nil {
		return nil, err
	}
	objects, err := readManifests([]string{dir})
	if err != nil {
		return nil, err
	}
	var names []string
	for _, pass := range []string{"ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding"} {
		for _, m := range objects {
			if m.object.GetKind() != pass {
				continue
			}
			if result := c.create(ctx, m.file, m.object, false); result.Outcome != "created" {
				return nil, fmt.Errorf("creating %s %s: %s", pass, m.object.GetName(), result.Error)
			}
			if pass == "ValidatingAdmissionPolicy" {
				names = append(names, m.object.GetName())
			}
		}
	}
	for _, m := range objects {
		if kind := m.object.GetKind(); kind != "ValidatingAdmissionPolicy" && kind != "ValidatingAdmissionPolicyBinding" {
			return nil, fmt.Errorf("%s: %s %s is not an admission policy or binding", m.file, kind, m.object.GetName())
		}
	}
	statuses := []PolicyStatus{}
	deadline := time.Now().Add(60 * time.Second)
	for _, name := range names {
		for {
			policy, err := client.Resource(policyResource).Get(ctx, name, metav1.GetOptions{})
			if err != nil {
				return nil, err
			}
			observed, found, _ := unstructured.NestedInt64(policy.Object, "status", "observedGeneration")
			if found && observed >= policy.GetGeneration() {
				status := PolicyStatus{Name: name, TypeWarnings: []string{}}
				warnings, _, _ := unstructured.NestedSlice(policy.Object, "status", "typeChecking", "expressionWarnings")
				for _, w := range warnings {
					entry := w.(map[string]any)
					status.TypeWarnings = append(status.TypeWarnings, fmt.Sprintf("%v: %v", entry["fieldRef"], entry["warning"]))
				}
				statuses = append(statuses, status)
				break
			}
			if time.Now().After(deadline) {
				return nil, fmt.Errorf("ValidatingAdmissionPolicy %s not type-checked after 60s", name)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	// Policies become active together, when the API server next compiles the set it has seen:
	// a sentinel policy created after all of them, refusing one ConfigMap name, is active only
	// once every policy and binding created before it is.
	if err := awaitSentinel(ctx, c); err != nil {
		return nil, err
	}
	if probeFile == "" {
		return statuses, nil
	}
	content, err := os.ReadFile(probeFile)
	if err != nil {
		return nil, err
	}
	var probe map[string]any
	if err := yaml.Unmarshal(content, &probe); err != nil {
		return nil, fmt.Errorf("%s: %w", probeFile, err)
	}
	for {
		result := c.create(ctx, "", &unstructured.Unstructured{Object: probe}, true)
		if result.Outcome == "refused" && strings.Contains(result.Error, "ValidatingAdmissionPolicy") {
			return statuses, nil
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("the probe object was not refused by the policies after 60s: %s %s", result.Outcome, result.Error)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

const sentinelName = "cdk8s-hardened-peer-sentinel"

// awaitSentinel creates the sentinel policy and its binding (last of all policy objects) and
// waits until a dry run of the ConfigMap it refuses is refused by it.
func awaitSentinel(ctx context.Context, c *creator) error {
	policy := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "admissionregistration.k8s.io/v1", "kind": "ValidatingAdmissionPolicy",
		"metadata": map[string]any{"name": sentinelName},
		"spec": map[string]any{
			"failurePolicy": "Fail",
			"matchConstraints": map[string]any{"resourceRules": []any{map[string]any{
				"apiGroups": []any{""}, "apiVersions": []any{"v1"}, "resources": []any{"configmaps"}, "operations": []any{"CREATE"},
			}}},
			"matchConditions": []any{map[string]any{"name": "sentinel-only", "expression": `request.name == "` + sentinelName + `"`}},
			"validations":     []any{map[string]any{"expression": "false", "message": "the peer's sentinel"}},
		},
	}}
	binding := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "admissionregistration.k8s.io/v1", "kind": "ValidatingAdmissionPolicyBinding",
		"metadata": map[string]any{"name": sentinelName},
		"spec":     map[string]any{"policyName": sentinelName, "validationActions": []any{"Deny"}},
	}}
	for _, object := range []*unstructured.Unstructured{policy, binding} {
		if result := c.create(ctx, "", object, false); result.Outcome != "created" {
			return fmt.Errorf("creating the sentinel %s: %s", object.GetKind(), result.Error)
		}
	}
	probe := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "v1", "kind": "ConfigMap", "metadata": map[string]any{"name": sentinelName, "namespace": "default"},
	}}
	deadline := time.Now().Add(60 * time.Second)
	for {
		result := c.create(ctx, "", probe, true)
		if result.Outcome == "refused" && strings.Contains(result.Error, sentinelName) {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the sentinel policy was not enforced after 60s: %s %s", result.Outcome, result.Error)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// startPolicyStatusController runs kube-controller-manager's ValidatingAdmissionPolicy status
// controller against the server, built as kube-controller-manager builds it: it type-checks each
// policy against the schemas of the kinds it matches and writes status.typeChecking.
func startPolicyStatusController(config *rest.Config, mapper *restmapper.DeferredDiscoveryRESTMapper) error {
	client, err := kubernetes.NewForConfig(asUser(config, "system:serviceaccount:kube-system:validatingadmissionpolicy-status-controller"))
	if err != nil {
		return err
	}
	schemaResolver := resolver.NewDefinitionsSchemaResolver(openapi.GetOpenAPIDefinitions, k8sscheme.Scheme, apiextensionsscheme.Scheme).
		Combine(&resolver.ClientDiscoveryResolver{Discovery: client.Discovery()})
	typeChecker := &pluginvalidatingadmissionpolicy.TypeChecker{SchemaResolver: schemaResolver, RestMapper: mapper}
	factory := informers.NewSharedInformerFactory(client, 0)
	controller, err := validatingadmissionpolicystatus.NewController(factory.Admissionregistration().V1().ValidatingAdmissionPolicies(), client.AdmissionregistrationV1().ValidatingAdmissionPolicies(), typeChecker)
	if err != nil {
		return err
	}
	ctx := context.Background()
	factory.Start(ctx.Done())
	go controller.Run(ctx, 1)
	return nil
}

// asUser is config acting as user (impersonation by the admin), as a controller of
// kube-controller-manager acts with its own service account's credentials.
func asUser(config *rest.Config, user string) *rest.Config {
	impersonating := rest.CopyConfig(config)
	impersonating.Impersonate = rest.ImpersonationConfig{UserName: user, Groups: []string{"system:serviceaccounts", "system:serviceaccounts:kube-system", "system:authenticated"}}
	return impersonating
}
