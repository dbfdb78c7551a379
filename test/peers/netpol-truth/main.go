// netpol-truth answers, for a set of NetworkPolicies, whether given connections are allowed,
// with cyclonus's NetworkPolicy matcher (github.com/mattfenwick/cyclonus/pkg/matcher, the
// engine of SIG Network's policy-assistant and of cyclonus's CNI conformance runs): an
// implementation of the NetworkPolicy semantics independent of ours. It is the test peer of
// lib/review/analyses/reachability.ts.
//
// Reads one JSON object on stdin, {"cases": [{"policies": [NetworkPolicy...], "queries":
// [Query...]}...]}, and prints a JSON list with, for each case, the list of answers to its
// queries in order, {"ingress": bool, "egress": bool, "allowed": bool}: allowed by the
// destination's ingress, by the source's egress, and both.
package main

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/mattfenwick/cyclonus/pkg/matcher"
	v1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Peer is one end of a connection: a pod (namespace, its labels, the pod's labels) or an address.
type Peer struct {
	Namespace       string            `json:"namespace"`
	NamespaceLabels map[string]string `json:"namespaceLabels"`
	PodLabels       map[string]string `json:"podLabels"`
	// IP: the pod's address, or the address outside the cluster when Namespace is empty.
	IP string `json:"ip"`
}

// Query is one connection: from a source to a destination port (its number, and its name
// when a container of the destination declares it).
type Query struct {
	Source      Peer   `json:"source"`
	Destination Peer   `json:"destination"`
	Port        int    `json:"port"`
	PortName    string `json:"portName"`
	Protocol    string `json:"protocol"`
}

// Answer tells what each side's policies say.
type Answer struct {
	Ingress bool `json:"ingress"`
	Egress  bool `json:"egress"`
	Allowed bool `json:"allowed"`
}

func main() {
	var input struct {
		Cases []struct {
			Policies []*networkingv1.NetworkPolicy `json:"policies"`
			Queries  []Query                       `json:"queries"`
		} `json:"cases"`
	}
	decoder := json.NewDecoder(os.Stdin)
	decoder.DisallowUnknownFields()
	if err := decoder.Decode(&input); err != nil {
		fmt.Fprintln(os.Stderr, "netpol-truth: reading stdin:", err)
		os.Exit(2)
	}
	results := make([][]Answer, 0, len(input.Cases))
	for _, c := range input.Cases {
		var policies []*networkingv1.NetworkPolicy
		for _, p := range c.Policies {
			defaultPolicyTypes(p)
			policies = append(policies, withoutNotIn(p)...)
		}
		policy := matcher.BuildNetworkPolicies(false, policies)
		answers := make([]Answer, 0, len(c.Queries))
		for _, query := range c.Queries {
			result := policy.IsTrafficAllowed(&matcher.Traffic{
				Source:           peer(query.Source),
				Destination:      peer(query.Destination),
				ResolvedPort:     query.Port,
				ResolvedPortName: query.PortName,
				Protocol:         v1.Protocol(query.Protocol),
			})
			answers = append(answers, Answer{Ingress: result.Ingress.IsAllowed(), Egress: result.Egress.IsAllowed(), Allowed: result.IsAllowed()})
		}
		results = append(results, answers)
	}
	out, _ := json.Marshal(results)
	fmt.Println(string(out))
}

// defaultPolicyTypes does what the API server's defaulting does to a NetworkPolicy stored
// without policyTypes (k8s.io/kubernetes pkg/apis/networking/v1 SetDefaults_NetworkPolicy):
// Ingress always, Egress when it has egress rules. cyclonus reads stored policies, so it
// needs them set.
func defaultPolicyTypes(p *networkingv1.NetworkPolicy) {
	if len(p.Spec.PolicyTypes) > 0 {
		return
	}
	p.Spec.PolicyTypes = []networkingv1.PolicyType{networkingv1.PolicyTypeIngress}
	if len(p.Spec.Egress) > 0 {
		p.Spec.PolicyTypes = append(p.Spec.PolicyTypes, networkingv1.PolicyTypeEgress)
	}
}

// withoutNotIn rewrites a policy so that cyclonus reads its NotIn requirements as Kubernetes
// does. cyclonus v0.5.6 (kube.IsMatchExpressionMatchForLabels) lets `NotIn` match only labels
// that have the key; Kubernetes (apimachinery's labels.Selector, what the API server and the
// network plugins evaluate) also matches labels without it, as the labels documentation says.
// `key NotIn values` is the union of `key DoesNotExist` and cyclonus's `NotIn`, and both a
// pod selection and the peers of a rule are unions, so each NotIn doubles the policy (for
// its podSelector) or the peer (for a peer's selectors); the meaning is unchanged.
func withoutNotIn(p *networkingv1.NetworkPolicy) []*networkingv1.NetworkPolicy {
	var out []*networkingv1.NetworkPolicy
	for i, selector := range splitNotIn(p.Spec.PodSelector) {
		copy := p.DeepCopy()
		copy.Name = fmt.Sprintf("%s-%d", p.Name, i)
		copy.Spec.PodSelector = selector
		for r := range copy.Spec.Ingress {
			copy.Spec.Ingress[r].From = splitPeers(copy.Spec.Ingress[r].From)
		}
		for r := range copy.Spec.Egress {
			copy.Spec.Egress[r].To = splitPeers(copy.Spec.Egress[r].To)
		}
		out = append(out, copy)
	}
	return out
}

// splitNotIn: selectors whose union is `selector` under Kubernetes' semantics, for cyclonus's:
// each NotIn requirement is kept (cyclonus's reading: the key present, its value not listed)
// in one copy and replaced by `key DoesNotExist` in another.
func splitNotIn(selector metav1.LabelSelector) []metav1.LabelSelector {
	out := []metav1.LabelSelector{selector}
	for i, requirement := range selector.MatchExpressions {
		if requirement.Operator != metav1.LabelSelectorOpNotIn {
			continue
		}
		var next []metav1.LabelSelector
		for _, s := range out {
			absent := *s.DeepCopy()
			absent.MatchExpressions[i] = metav1.LabelSelectorRequirement{Key: requirement.Key, Operator: metav1.LabelSelectorOpDoesNotExist}
			next = append(next, absent, s)
		}
		out = next
	}
	return out
}

func splitPeers(peers []networkingv1.NetworkPolicyPeer) []networkingv1.NetworkPolicyPeer {
	if peers == nil {
		return nil
	}
	out := []networkingv1.NetworkPolicyPeer{}
	for _, peer := range peers {
		pods := []*metav1.LabelSelector{peer.PodSelector}
		if peer.PodSelector != nil {
			pods = nil
			for _, s := range splitNotIn(*peer.PodSelector) {
				pods = append(pods, &s)
			}
		}
		namespaces := []*metav1.LabelSelector{peer.NamespaceSelector}
		if peer.NamespaceSelector != nil {
			namespaces = nil
			for _, s := range splitNotIn(*peer.NamespaceSelector) {
				namespaces = append(namespaces, &s)
			}
		}
		for _, podSelector := range pods {
			for _, namespaceSelector := range namespaces {
				out = append(out, networkingv1.NetworkPolicyPeer{PodSelector: podSelector, NamespaceSelector: namespaceSelector, IPBlock: peer.IPBlock})
			}
		}
	}
	return out
}

func peer(p Peer) *matcher.TrafficPeer {
	if p.Namespace == "" {
		return &matcher.TrafficPeer{IP: p.IP}
	}
	return &matcher.TrafficPeer{IP: p.IP, Internal: &matcher.InternalPeer{Namespace: p.Namespace, NamespaceLabels: p.NamespaceLabels, PodLabels: p.PodLabels}}
}
