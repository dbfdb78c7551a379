package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"

	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/kubernetes/pkg/controller/clusterroleaggregation"
)

// startClusterRoleAggregation runs kube-controller-manager's ClusterRole aggregation
// controller against the server, as a cluster does: without it the built-in admin, edit and
// view (and any aggregated ClusterRole of the manifests) hold no rules, and the authorizer
// would deny what they grant on every real cluster.
func startClusterRoleAggregation(config *rest.Config) (*kubernetes.Clientset, error) {
	client, err := kubernetes.NewForConfig(config)
	if err != nil {
		return nil, err
	}
	factory := informers.NewSharedInformerFactory(client, 0)
	controller := clusterroleaggregation.NewClusterRoleAggregation(factory.Rbac().V1().ClusterRoles(), client.RbacV1())
	ctx := context.Background()
	factory.Start(ctx.Done())
	go controller.Run(ctx, 1)
	return client, nil
}

// awaitAggregation waits until every aggregated ClusterRole holds exactly the rules its
// selectors gather (the controller's own computation, see syncClusterRole), so access reviews
// are answered on settled roles.
func awaitAggregation(client *kubernetes.Clientset) error {
	ctx := context.Background()
	deadline := time.Now().Add(60 * time.Second)
	for {
		pending, err := unsettledAggregations(ctx, client)
		if err != nil {
			return err
		}
		if len(pending) == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("ClusterRole aggregation not settled after 60s: %v", pending)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func unsettledAggregations(ctx context.Context, client *kubernetes.Clientset) ([]string, error) {
	roles, err := client.RbacV1().ClusterRoles().List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, err
	}
	var pending []string
	for _, role := range roles.Items {
		if role.AggregationRule == nil {
			continue
		}
		want := []rbacv1.PolicyRule{}
		for _, selector := range role.AggregationRule.ClusterRoleSelectors {
			matcher, err := metav1.LabelSelectorAsSelector(&selector)
			if err != nil {
				return nil, err
			}
			var matched []rbacv1.ClusterRole
			for _, other := range roles.Items {
				if other.Name != role.Name && matcher.Matches(labels.Set(other.Labels)) {
					matched = append(matched, other)
				}
			}
			sort.Slice(matched, func(i, j int) bool { return matched[i].Name < matched[j].Name })
			for _, other := range matched {
				for _, rule := range other.Rules {
					if !containsRule(want, rule) {
						want = append(want, rule)
					}
				}
			}
		}
		if !equality.Semantic.DeepEqual(want, role.Rules) && !(len(want) == 0 && len(role.Rules) == 0) {
			pending = append(pending, role.Name)
		}
	}
	return pending, nil
}

func containsRule(rules []rbacv1.PolicyRule, rule rbacv1.PolicyRule) bool {
	for _, r := range rules {
		if equality.Semantic.DeepEqual(r, rule) {
			return true
		}
	}
	return false
}

// BootstrapClusterRole is one ClusterRole as the server serves it after start-up and
// aggregation: the bootstrap policy of kube-apiserver (plugin/pkg/auth/authorizer/rbac/bootstrappolicy).
type BootstrapClusterRole struct {
	Name            string                  `json:"name"`
	Labels          map[string]string       `json:"labels,omitempty"`
	AggregationRule *rbacv1.AggregationRule `json:"aggregationRule,omitempty"`
	Rules           []rbacv1.PolicyRule     `json:"rules"`
}

// dumpRBAC starts the server with the minimal flags and the aggregation controller, and
// writes every ClusterRole it serves into dir/clusterroles.json (sorted by name), with the
// server's version: the source of the review's built-in roles (scripts/generate-bootstrap-roles.ts).
func dumpRBAC(dir string) error {
	config, stop, err := startMinimalServer()
	if err != nil {
		return err
	}
	defer stop()
	client, err := startClusterRoleAggregation(config)
	if err != nil {
		return err
	}
	if err := awaitAggregation(client); err != nil {
		return err
	}
	roles, err := client.RbacV1().ClusterRoles().List(context.Background(), metav1.ListOptions{})
	if err != nil {
		return err
	}
	dumped := []BootstrapClusterRole{}
	for _, role := range roles.Items {
		rules := role.Rules
		if rules == nil {
			rules = []rbacv1.PolicyRule{}
		}
		dumped = append(dumped, BootstrapClusterRole{Name: role.Name, Labels: role.Labels, AggregationRule: role.AggregationRule, Rules: rules})
	}
	sort.Slice(dumped, func(i, j int) bool { return dumped[i].Name < dumped[j].Name })
	out, _ := json.MarshalIndent(map[string]any{"server": kubernetesVersion(), "clusterRoles": dumped}, "", "  ")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "clusterroles.json"), out, 0o644)
}
