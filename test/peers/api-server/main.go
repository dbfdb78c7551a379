// api-server starts a real Kubernetes API server, the kube-apiserver command of
// k8s.io/kubernetes itself, in this process on an embedded etcd, creates manifests on it and
// reports what the server said. It is the test peer for the whole output: what cdk8s-hardened
// writes must be accepted by the server it is written for, under the Pod Security level its
// namespaces ask for, and the control-plane configuration it generates must start that server.
//
//	api-server [--control-plane DIR] [--crds DIR] [--access-reviews FILE] [--policies DIR [--policy-probe FILE]] MANIFEST-DIR...
//	api-server --dump-openapi DIR
//	api-server --dump-rbac DIR
//
// --dump-openapi DIR only starts the server (minimal flags), writes the OpenAPI v3 documents it
// serves into DIR and exits (see dumpOpenAPI): the source of the review's schema. --dump-rbac DIR
// does the same with the ClusterRoles it serves once aggregated (see dumpRBAC): the source of
// the review's built-in roles.
//
// kube-controller-manager's ClusterRole aggregation controller runs beside the server (see
// startClusterRoleAggregation), so aggregated ClusterRoles hold their rules as on a cluster.
//
// Every *.yaml file under each MANIFEST-DIR is read (documents split as kubectl splits them)
// and each object is created with strict field validation: Namespaces first (each with the
// "default" ServiceAccount the controller manager would add), then ServiceAccounts and RBAC,
// then the rest in file order. A namespace used but not defined is created bare. Kinds the
// server does not serve (custom resources without their CRD, configuration files) are listed
// as not served. Then, for every workload created, a Pod made from its pod template is
// created as a dry run, so that Pod Security admission enforces on it what it only warns
// about on the workload; and in every namespace, a privileged Pod is tried as a control.
//
// --crds DIR holds CustomResourceDefinitions (the vendored add-on releases', see
// lib/addons/vendored-crds.ts): each is created and awaited until established before the
// manifests (skipping those the manifests define: the output's own CRDs are created first, from
// the manifests, and awaited), so custom resources are validated against the real schemas too.
//
// --access-reviews FILE is a JSON list of AccessReview requests (who, verb, resource, where):
// after the objects are created, each is asked of the server's authorizer with a
// SubjectAccessReview, and the answers are reported.
//
// --policies DIR holds ValidatingAdmissionPolicies and their bindings (what HardenedApp writes
// into dist/admission-policies/): after the namespaces the manifests use, they are created,
// awaited until the server has type-checked them (the report gives its warnings) and until all
// are enforced (a sentinel policy created after them refuses its ConfigMap; with --policy-probe
// FILE, one object they must refuse, that too); then the manifests
// are created under them. The Pods made from workloads are then created as the ReplicaSet
// controller's service account, and the ClusterRole aggregation controller acts as its own.
//
// --control-plane DIR is the folder ControlPlaneHardening writes (kubeadm-config.yaml and the
// files it names). The server then starts with the apiServer extraArgs of kubeadm-config.yaml
// on top of the flags kubeadm itself gives kube-apiserver, as `kubeadm init` would run it. Paths
// are mapped to this run's folders (see pathMappings): the hardening files are copied with the
// same mapping applied to their content (the KMS socket); a PKI is generated as kubeadm
// generates it (etcd is served over TLS with client certificates); a KMS v2 plugin (AES-GCM,
// key in memory) answers on every KMS v2 endpoint of the encryption configuration. A Secret is
// then created and read back raw from etcd to see how it is stored, and the audit log is read.
// Without --control-plane the server runs with a minimal set of flags.
//
// Prints one JSON report (see Report) on stdout and exits 0 once the server has run, whatever
// it accepted or refused; exits 1 when it could not start, 2 on bad usage. The server's own
// log goes to stderr.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
	"time"

	authorizationv1 "k8s.io/api/authorization/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/restmapper"
	"sigs.k8s.io/yaml"
)

// Report is what the server said.
type Report struct {
	// Server is the version of k8s.io/kubernetes the server is built from.
	Server string `json:"server"`
	// Flags: the kube-apiserver flags it ran with (paths as the configuration wrote them).
	Flags []string `json:"flags"`
	// Objects: every object of the manifests, in the order created.
	Objects []ObjectResult `json:"objects"`
	// Pods: a dry-run Pod from each workload's template.
	Pods []ObjectResult `json:"pods"`
	// Controls: a privileged dry-run Pod in each namespace that enforces a Pod Security level.
	Controls []ObjectResult `json:"controls"`
	// CRDs: the CustomResourceDefinitions installed from --crds, by name.
	CRDs []string `json:"crds"`
	// NamespacesAdded: namespaces the manifests use without defining them, created bare.
	NamespacesAdded []string `json:"namespacesAdded"`
	// SecretAtRest: how a Secret is stored in etcd (only with --encryption-config).
	SecretAtRest *SecretAtRest `json:"secretAtRest,omitempty"`
	// Audit: what the audit log holds (only with --control-plane).
	Audit *Audit `json:"audit,omitempty"`
	// AccessReviews: the authorizer's answer to each request of --access-reviews, in order.
	AccessReviews []AccessReview `json:"accessReviews"`
	// Policies: the ValidatingAdmissionPolicies of --policies, with what type checking said.
	Policies []PolicyStatus `json:"policies"`
	// Metrics: the lines of /metrics of the families --metrics names, read last (only with --metrics).
	Metrics []string `json:"metrics,omitempty"`
}

// AccessReview asks whether a user may do something (a SubjectAccessReview's resource attributes).
type AccessReview struct {
	User        string   `json:"user"`
	Groups      []string `json:"groups"`
	Verb        string   `json:"verb"`
	Group       string   `json:"group"`
	Resource    string   `json:"resource"`
	Subresource string   `json:"subresource,omitempty"`
	Namespace   string   `json:"namespace,omitempty"`
	Name        string   `json:"name,omitempty"`
	// Allowed is the server's answer (only in the report).
	Allowed bool `json:"allowed"`
}

// ObjectResult is the server's answer to one create.
type ObjectResult struct {
	File      string `json:"file,omitempty"`
	Kind      string `json:"kind"`
	Namespace string `json:"namespace,omitempty"`
	Name      string `json:"name"`
	// Outcome: created, refused or not-served.
	Outcome  string   `json:"outcome"`
	Error    string   `json:"error,omitempty"`
	Warnings []string `json:"warnings"`
	// Micros: how long the create took, in microseconds (client side, one request at a time).
	Micros int64 `json:"micros"`
}

// SecretAtRest describes the stored bytes of a Secret created with a known value.
type SecretAtRest struct {
	// Prefix is the storage prefix: "k8s:enc:secretbox:v1:<key>" when encrypted, or the first bytes.
	Prefix string `json:"prefix"`
	// PlaintextFound tells whether the Secret's value appears in the stored bytes.
	PlaintextFound bool `json:"plaintextFound"`
}

// Audit summarizes the audit log after the run.
type Audit struct {
	Events int `json:"events"`
	// SecretEventLevels: the levels of the events about Secrets.
	SecretEventLevels []string `json:"secretEventLevels"`
	// SecretValueLogged tells whether the known Secret value appears anywhere in the log, as
	// text or base64-encoded.
	SecretValueLogged bool `json:"secretValueLogged"`
}

func main() {
	flags := flag.NewFlagSet("api-server", flag.ContinueOnError)
	controlPlane := flags.String("control-plane", "", "the folder ControlPlaneHardening writes")
	accessReviews := flags.String("access-reviews", "", "a JSON list of access reviews to ask")
	crds := flags.String("crds", "", "a folder of CustomResourceDefinitions to install first")
	policies := flags.String("policies", "", "a folder of ValidatingAdmissionPolicies and bindings to install before the manifests")
	policyProbe := flags.String("policy-probe", "", "a file holding one object the policies refuse: awaited before the manifests")
	dumpTo := flags.String("dump-openapi", "", "write the OpenAPI v3 documents the server serves into DIR and exit")
	dumpRBACTo := flags.String("dump-rbac", "", "write the ClusterRoles the server serves into DIR and exit")
	metrics := flags.String("metrics", "", "comma-separated metric names: provoke a refused login and a refused request, then report those metrics' lines of /metrics")
	if err := flags.Parse(os.Args[1:]); err != nil || (flags.NArg() == 0) == (*dumpTo == "" && *dumpRBACTo == "") || (*dumpTo != "" && *dumpRBACTo != "") {
		fmt.Fprintln(os.Stderr, "usage: api-server [--control-plane DIR] [--crds DIR] [--access-reviews FILE] [--policies DIR [--policy-probe FILE]] MANIFEST-DIR...\n       api-server --dump-openapi DIR\n       api-server --dump-rbac DIR")
		os.Exit(2)
	}
	if *dumpRBACTo != "" {
		if err := dumpRBAC(*dumpRBACTo); err != nil {
			fmt.Fprintln(os.Stderr, "api-server:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	if *dumpTo != "" {
		if err := dumpOpenAPI(*dumpTo); err != nil {
			fmt.Fprintln(os.Stderr, "api-server:", err)
			os.Exit(1)
		}
		// The server has no stop: the process ends here.
		os.Exit(0)
	}
	var metricNames []string
	if *metrics != "" {
		metricNames = strings.Split(*metrics, ",")
	}
	report, err := run(flags.Args(), *controlPlane, *crds, *accessReviews, *policies, *policyProbe, metricNames)
	if err != nil {
		fmt.Fprintln(os.Stderr, "api-server:", err)
		os.Exit(1)
	}
	out, _ := json.MarshalIndent(report, "", "  ")
	fmt.Println(string(out))
	// The server has no stop: the process ends here.
	os.Exit(0)
}

func run(dirs []string, controlPlane, crds, accessReviews, policies, policyProbe string, metricNames []string) (*Report, error) {
	work, err := os.MkdirTemp("", "cdk8s-hardened-api-server-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(work)

	var server *serverSetup
	if controlPlane != "" {
		server, err = controlPlaneSetup(work, controlPlane)
	} else {
		server, err = minimalSetup(work)
	}
	if err != nil {
		return nil, err
	}
	etcd, err := startEtcd(filepath.Join(work, "etcd"), server)
	if err != nil {
		return nil, fmt.Errorf("etcd: %w", err)
	}
	defer etcd.Close()
	for _, endpoint := range server.kmsEndpoints {
		if err := startKMSPlugin(endpoint); err != nil {
			return nil, fmt.Errorf("KMS v2 plugin at %s: %w", endpoint, err)
		}
	}
	config, err := startAPIServer(server)
	if err != nil {
		return nil, err
	}
	// With admission policies, the aggregation controller acts as its own service account, as in
	// kube-controller-manager (the policies leave the controllers' writes to them).
	aggregationConfig := config
	if policies != "" {
		aggregationConfig = asUser(config, "system:serviceaccount:kube-system:clusterrole-aggregation-controller")
	}
	aggregation, err := startClusterRoleAggregation(aggregationConfig)
	if err != nil {
		return nil, err
	}

	collector := &warningCollector{}
	config.WarningHandler = collector
	client, err := dynamic.NewForConfig(config)
	if err != nil {
		return nil, err
	}
	objects, err := readManifests(dirs)
	if err != nil {
		return nil, err
	}
	// The output's own CRDs (an add-on's) are created first, strictly, and awaited; --crds adds
	// those the output leaves to another (an add-on installed elsewhere), unless the output defines them.
	var outputCRDs []manifest
	var rest []manifest
	defines := map[string]bool{}
	for _, m := range objects {
		if m.object.GetKind() == "CustomResourceDefinition" {
			outputCRDs = append(outputCRDs, m)
			defines[m.object.GetName()] = true
		} else {
			rest = append(rest, m)
		}
	}
	objects = rest
	var installed []string
	if crds != "" {
		if installed, err = installCRDs(client, crds, defines); err != nil {
			return nil, err
		}
	}
	var createdCRDs []ObjectResult
	var outputCRDNames []string
	for _, m := range outputCRDs {
		result := (&creator{client: client, warnings: collector}).createCRD(context.Background(), m)
		createdCRDs = append(createdCRDs, result)
		if result.Outcome == "created" {
			outputCRDNames = append(outputCRDNames, m.object.GetName())
		}
	}
	if err := awaitEstablished(client, outputCRDNames); err != nil {
		return nil, err
	}
	mapper := restmapper.NewDeferredDiscoveryRESTMapper(memory.NewMemCacheClient(discovery.NewDiscoveryClientForConfigOrDie(config)))
	var reviews []AccessReview
	if accessReviews != "" {
		content, err := os.ReadFile(accessReviews)
		if err != nil {
			return nil, err
		}
		if err := json.Unmarshal(content, &reviews); err != nil {
			return nil, fmt.Errorf("%s: %w", accessReviews, err)
		}
	}
	report := &Report{Server: kubernetesVersion(), Flags: server.flagsReported, CRDs: installed, Objects: append([]ObjectResult{}, createdCRDs...), Pods: []ObjectResult{}, Policies: []PolicyStatus{}, Controls: []ObjectResult{}, NamespacesAdded: []string{}, AccessReviews: []AccessReview{}}
	ctx := context.Background()
	c := &creator{client: client, mapper: mapper, warnings: collector}

	defined := map[string]bool{}
	definesDefaultAccount := map[string]bool{}
	for _, m := range objects {
		if isNamespace(m.object) {
			defined[m.object.GetName()] = true
		}
		if m.object.GetKind() == "ServiceAccount" && m.object.GetName() == "default" {
			definesDefaultAccount[m.object.GetNamespace()] = true
		}
	}
	var namespaces []string
	for _, ns := range usedNamespaces(objects, defined) {
		bare := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{"name": ns}}}
		if result := c.create(ctx, "", bare, false); result.Outcome != "created" {
			return nil, fmt.Errorf("creating namespace %s: %s", ns, result.Error)
		}
		report.NamespacesAdded = append(report.NamespacesAdded, ns)
		namespaces = append(namespaces, ns)
	}
	// The controller manager gives every namespace a "default" ServiceAccount; there is none here.
	addDefaultAccount := func(ns string) error {
		if definesDefaultAccount[ns] {
			return nil
		}
		account := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "ServiceAccount", "metadata": map[string]any{"name": "default", "namespace": ns}}}
		if result := c.create(ctx, "", account, false); result.Outcome != "created" {
			return fmt.Errorf("creating the default ServiceAccount of %s: %s", ns, result.Error)
		}
		return nil
	}
	for _, ns := range namespaces {
		if err := addDefaultAccount(ns); err != nil {
			return nil, err
		}
	}

	// The Pods made from workloads are created as the ReplicaSet controller creates them, with its
	// own service account, once admission policies are installed (they leave controllers' pods,
	// made from templates already judged, to Pod Security admission).
	podCreator := c
	if policies != "" {
		if report.Policies, err = installPolicies(ctx, c, client, config, mapper, policies, policyProbe); err != nil {
			return nil, err
		}
		controllerClient, err := dynamic.NewForConfig(asUser(config, "system:serviceaccount:kube-system:replicaset-controller"))
		if err != nil {
			return nil, err
		}
		podCreator = &creator{client: controllerClient, mapper: mapper, warnings: collector}
	}
	for _, m := range objects {
		result := c.create(ctx, m.file, m.object, false)
		report.Objects = append(report.Objects, result)
		if result.Outcome != "created" {
			continue
		}
		if isNamespace(m.object) {
			if err := addDefaultAccount(m.object.GetName()); err != nil {
				return nil, err
			}
			namespaces = append(namespaces, m.object.GetName())
		}
		if pod := podFromWorkload(m.object); pod != nil {
			podResult := podCreator.create(ctx, "", pod, true)
			podResult.Name = fmt.Sprintf("%s/%s", m.object.GetKind(), m.object.GetName())
			report.Pods = append(report.Pods, podResult)
		}
	}
	sort.Strings(namespaces)
	for _, ns := range namespaces {
		report.Controls = append(report.Controls, c.create(ctx, "", privilegedPod(ns), true))
	}

	typed, err := kubernetes.NewForConfig(config)
	if err != nil {
		return nil, err
	}
	if err := awaitAggregation(aggregation); err != nil {
		return nil, err
	}
	for _, review := range reviews {
		answer, err := typed.AuthorizationV1().SubjectAccessReviews().Create(ctx, &authorizationv1.SubjectAccessReview{Spec: authorizationv1.SubjectAccessReviewSpec{
			User: review.User, Groups: review.Groups,
			ResourceAttributes: &authorizationv1.ResourceAttributes{
				Verb: review.Verb, Group: review.Group, Resource: review.Resource, Subresource: review.Subresource,
				Namespace: review.Namespace, Name: review.Name,
			},
		}}, metav1.CreateOptions{})
		if err != nil {
			return nil, fmt.Errorf("access review %+v: %w", review, err)
		}
		review.Allowed = answer.Status.Allowed
		report.AccessReviews = append(report.AccessReviews, review)
	}

	if controlPlane != "" {
		const marker = "cdk8s-hardened-plaintext-marker"
		secret := &unstructured.Unstructured{Object: map[string]any{
			"apiVersion": "v1", "kind": "Secret",
			"metadata":   map[string]any{"name": "cdk8s-hardened-check", "namespace": "default"},
			"stringData": map[string]any{"value": marker},
		}}
		if result := c.create(ctx, "", secret, false); result.Outcome != "created" {
			return nil, fmt.Errorf("creating the check Secret: %s", result.Error)
		}
		// Read it back too, so the audit log has a read of a Secret.
		if _, err := client.Resource(schema.GroupVersionResource{Version: "v1", Resource: "secrets"}).Namespace("default").Get(ctx, "cdk8s-hardened-check", metav1.GetOptions{}); err != nil {
			return nil, fmt.Errorf("reading the check Secret: %w", err)
		}
		stored, err := rawFromEtcd(server, "/registry/secrets/default/cdk8s-hardened-check")
		if err != nil {
			return nil, err
		}
		report.SecretAtRest = &SecretAtRest{Prefix: storagePrefix(stored), PlaintextFound: bytes.Contains(stored, []byte(marker))}
		if server.auditLog != "" {
			audit, err := readAudit(server.auditLog, marker)
			if err != nil {
				return nil, err
			}
			report.Audit = audit
		}
	}
	if len(metricNames) > 0 {
		if report.Metrics, err = securityMetrics(ctx, config, metricNames); err != nil {
			return nil, err
		}
	}
	return report, nil
}

// kubernetesVersion is the version of k8s.io/kubernetes this peer is built from.
func kubernetesVersion() string {
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, dep := range info.Deps {
			if dep.Path == "k8s.io/kubernetes" {
				return dep.Version
			}
		}
	}
	return "unknown"
}

type manifest struct {
	file   string
	object *unstructured.Unstructured
}

// readManifests reads every document of every *.yaml file under dirs, in path order, and
// orders them for creation: Namespaces, then ServiceAccounts and RBAC, then the rest, then
// admission webhook configurations.
func readManifests(dirs []string) ([]manifest, error) {
	var all []manifest
	for _, dir := range dirs {
		var files []string
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && (strings.HasSuffix(path, ".yaml") || strings.HasSuffix(path, ".yml")) {
				files = append(files, path)
			}
			return err
		})
		if err != nil {
			return nil, err
		}
		sort.Strings(files)
		for _, file := range files {
			docs, err := readFile(file)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", file, err)
			}
			rel, _ := filepath.Rel(dir, file)
			for _, doc := range docs {
				all = append(all, manifest{file: rel, object: doc})
			}
		}
	}
	rank := func(m manifest) int {
		switch m.object.GetKind() {
		case "Namespace":
			return 0
		case "ServiceAccount", "ClusterRole", "Role":
			return 1
		case "ClusterRoleBinding", "RoleBinding":
			return 2
		case "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration":
			// No webhook server runs here: created last, they would otherwise refuse (fail closed)
			// every object they match. What the add-ons' webhooks accept is theirs to decide.
			return 4
		}
		return 3
	}
	sort.SliceStable(all, func(i, j int) bool { return rank(all[i]) < rank(all[j]) })
	return all, nil
}

func readFile(file string) ([]*unstructured.Unstructured, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	reader := utilyaml.NewYAMLReader(bufio.NewReader(f))
	var docs []*unstructured.Unstructured
	for {
		doc, err := reader.Read()
		if err == io.EOF {
			return docs, nil
		}
		if err != nil {
			return nil, err
		}
		var object map[string]any
		if err := yaml.Unmarshal(doc, &object); err != nil {
			return nil, err
		}
		if object == nil {
			continue
		}
		docs = append(docs, &unstructured.Unstructured{Object: object})
	}
}

var crdResource = schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}

// installCRDs creates every CustomResourceDefinition of the files under dir and waits until
// the server has established each; returns their names, sorted.
func installCRDs(client dynamic.Interface, dir string, skip map[string]bool) ([]string, error) {
	objects, err := readManifests([]string{dir})
	if err != nil {
		return nil, err
	}
	var names []string
	ctx := context.Background()
	for _, m := range objects {
		if m.object.GetKind() != "CustomResourceDefinition" || skip[m.object.GetName()] {
			continue
		}
		if _, err := client.Resource(crdResource).Create(ctx, m.object, metav1.CreateOptions{FieldValidation: "Strict"}); err != nil {
			return nil, fmt.Errorf("installing CRD %s (%s): %w", m.object.GetName(), m.file, err)
		}
		names = append(names, m.object.GetName())
	}
	if err := awaitEstablished(client, names); err != nil {
		return nil, err
	}
	sort.Strings(names)
	return names, nil
}

// createCRD creates one CustomResourceDefinition of the output, strictly, as create does any object.
func (c *creator) createCRD(ctx context.Context, m manifest) ObjectResult {
	result := ObjectResult{File: m.file, Kind: m.object.GetKind(), Name: m.object.GetName(), Outcome: "created", Warnings: []string{}}
	if _, err := c.client.Resource(crdResource).Create(ctx, m.object, metav1.CreateOptions{FieldValidation: "Strict"}); err != nil {
		result.Outcome = "refused"
		result.Error = err.Error()
	}
	return result
}

// awaitEstablished waits until the server has established each named CRD.
func awaitEstablished(client dynamic.Interface, names []string) error {
	ctx := context.Background()
	for _, name := range names {
		established := false
		for deadline := time.Now().Add(60 * time.Second); !established && time.Now().Before(deadline); {
			crd, err := client.Resource(crdResource).Get(ctx, name, metav1.GetOptions{})
			if err != nil {
				return err
			}
			conditions, _, _ := unstructured.NestedSlice(crd.Object, "status", "conditions")
			for _, c := range conditions {
				condition, _ := c.(map[string]any)
				established = established || (condition["type"] == "Established" && condition["status"] == "True")
			}
			if !established {
				time.Sleep(100 * time.Millisecond)
			}
		}
		if !established {
			return fmt.Errorf("CRD %s not established after 60s", name)
		}
	}
	return nil
}

// isNamespace tells whether an object is a core Namespace.
func isNamespace(object *unstructured.Unstructured) bool {
	return object.GetKind() == "Namespace" && object.GetAPIVersion() == "v1"
}

// usedNamespaces lists the namespaces objects name that no Namespace object defines, sorted.
func usedNamespaces(objects []manifest, defined map[string]bool) []string {
	seen := map[string]bool{}
	for _, m := range objects {
		if ns := m.object.GetNamespace(); ns != "" && !defined[ns] && ns != "default" {
			seen[ns] = true
		}
	}
	var list []string
	for ns := range seen {
		list = append(list, ns)
	}
	sort.Strings(list)
	return list
}

type creator struct {
	client   dynamic.Interface
	mapper   meta.RESTMapper
	warnings *warningCollector
}

// create creates one object (as a dry run when asked) with strict field validation.
func (c *creator) create(ctx context.Context, file string, object *unstructured.Unstructured, dryRun bool) ObjectResult {
	result := ObjectResult{File: file, Kind: object.GetKind(), Namespace: object.GetNamespace(), Name: object.GetName(), Warnings: []string{}}
	gvk := object.GroupVersionKind()
	mapping, err := c.mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
	if err != nil {
		result.Outcome = "not-served"
		result.Error = err.Error()
		return result
	}
	options := metav1.CreateOptions{FieldValidation: "Strict"}
	if dryRun {
		options.DryRun = []string{metav1.DryRunAll}
	}
	var resource dynamic.ResourceInterface = c.client.Resource(mapping.Resource)
	if mapping.Scope.Name() == meta.RESTScopeNameNamespace {
		namespace := object.GetNamespace()
		if namespace == "" {
			namespace = "default"
		}
		resource = c.client.Resource(mapping.Resource).Namespace(namespace)
	}
	c.warnings.start()
	started := time.Now()
	_, err = resource.Create(ctx, object, options)
	result.Micros = time.Since(started).Microseconds()
	result.Warnings = c.warnings.stop()
	if err != nil {
		result.Outcome = "refused"
		result.Error = err.Error()
		return result
	}
	result.Outcome = "created"
	return result
}

// podFromWorkload is the Pod a workload's controller would create from its template, or nil.
func podFromWorkload(object *unstructured.Unstructured) *unstructured.Unstructured {
	var templatePath []string
	switch object.GroupVersionKind().GroupKind() {
	case schema.GroupKind{Group: "apps", Kind: "Deployment"}, schema.GroupKind{Group: "apps", Kind: "StatefulSet"},
		schema.GroupKind{Group: "apps", Kind: "DaemonSet"}, schema.GroupKind{Group: "apps", Kind: "ReplicaSet"},
		schema.GroupKind{Group: "batch", Kind: "Job"}, schema.GroupKind{Kind: "ReplicationController"}:
		templatePath = []string{"spec", "template"}
	case schema.GroupKind{Group: "batch", Kind: "CronJob"}:
		templatePath = []string{"spec", "jobTemplate", "spec", "template"}
	default:
		return nil
	}
	template, found, err := unstructured.NestedMap(object.Object, templatePath...)
	if !found || err != nil {
		return nil
	}
	spec, _, _ := unstructured.NestedMap(template, "spec")
	metadata, _, _ := unstructured.NestedMap(template, "metadata")
	if metadata == nil {
		metadata = map[string]any{}
	}
	metadata["name"] = object.GetName() + "-pod-check"
	metadata["namespace"] = object.GetNamespace()
	// A StatefulSet's controller adds a volume for each claim template (claim <template>-<pod>).
	if object.GetKind() == "StatefulSet" {
		claims, _, _ := unstructured.NestedSlice(object.Object, "spec", "volumeClaimTemplates")
		volumes, _, _ := unstructured.NestedSlice(spec, "volumes")
		for _, claim := range claims {
			name, _, _ := unstructured.NestedString(claim.(map[string]any), "metadata", "name")
			volumes = append(volumes, map[string]any{"name": name, "persistentVolumeClaim": map[string]any{"claimName": fmt.Sprintf("%s-%s-0", name, object.GetName())}})
		}
		if len(volumes) > 0 {
			spec["volumes"] = volumes
		}
	}
	return &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "Pod", "metadata": metadata, "spec": spec}}
}

// privilegedPod is a Pod no Pod Security level but privileged admits.
func privilegedPod(namespace string) *unstructured.Unstructured {
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "v1", "kind": "Pod",
		"metadata": map[string]any{"name": "privileged-control", "namespace": namespace},
		"spec": map[string]any{
			"containers": []any{map[string]any{
				"name": "main", "image": "registry.k8s.io/pause:3.10",
				"securityContext": map[string]any{"privileged": true},
			}},
		},
	}}
}

// warningCollector keeps the warnings of the request under way (requests are made one at a time).
type warningCollector struct {
	mu       sync.Mutex
	warnings []string
}

func (w *warningCollector) HandleWarningHeader(code int, agent string, text string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.warnings = append(w.warnings, text)
}

func (w *warningCollector) start() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.warnings = []string{}
}

func (w *warningCollector) stop() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.warnings
}

// storagePrefix is "k8s:enc:<provider>:v1:<key>" for an encrypted value, else its first bytes, quoted.
func storagePrefix(stored []byte) string {
	if bytes.HasPrefix(stored, []byte("k8s:enc:")) {
		parts := bytes.SplitN(stored, []byte(":"), 6)
		if len(parts) == 6 {
			return string(bytes.Join(parts[:5], []byte(":")))
		}
	}
	if len(stored) > 8 {
		stored = stored[:8]
	}
	return fmt.Sprintf("%q", stored)
}

func readAudit(file, marker string) (*Audit, error) {
	content, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	// The request's stringData is logged as data, base64-encoded: look for both forms.
	encoded := base64.StdEncoding.EncodeToString([]byte(marker))
	audit := &Audit{SecretEventLevels: []string{}, SecretValueLogged: bytes.Contains(content, []byte(marker)) || bytes.Contains(content, []byte(encoded))}
	levels := map[string]bool{}
	for _, line := range bytes.Split(content, []byte("\n")) {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		var event struct {
			Level     string `json:"level"`
			ObjectRef *struct {
				Resource string `json:"resource"`
			} `json:"objectRef"`
		}
		if err := json.Unmarshal(line, &event); err != nil {
			return nil, fmt.Errorf("audit log: %w", err)
		}
		audit.Events++
		if event.ObjectRef != nil && event.ObjectRef.Resource == "secrets" {
			levels[event.Level] = true
		}
	}
	for level := range levels {
		audit.SecretEventLevels = append(audit.SecretEventLevels, level)
	}
	sort.Strings(audit.SecretEventLevels)
	return audit, nil
}

// freePorts finds n distinct free loopback ports (all held open at once, so none repeats).
func freePorts(n int) ([]int, error) {
	var ports []int
	for i := 0; i < n; i++ {
		listener, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		defer listener.Close()
		ports = append(ports, listener.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}
