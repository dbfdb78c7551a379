package main

import (
	"context"
	"fmt"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
)

// securityMetrics provokes what the security alerts watch (lib/monitoring): a request with a
// token the server does not know (authentication error) and one by a user RBAC gives nothing
// (authorization "no-opinion"), then reads the server's /metrics and keeps the lines of the
// metric families named (a histogram's _bucket, _sum and _count lines too), in order.
func securityMetrics(ctx context.Context, config *rest.Config, names []string) ([]string, error) {
	stranger := rest.AnonymousClientConfig(config)
	stranger.BearerToken = "not-a-token-this-server-knows"
	if client, err := kubernetes.NewForConfig(stranger); err != nil {
		return nil, err
	} else if _, err := client.CoreV1().Namespaces().List(ctx, metav1.ListOptions{}); !apierrors.IsUnauthorized(err) {
		return nil, fmt.Errorf("a request with an unknown token: expected 401, got %v", err)
	}
	nobody := rest.CopyConfig(config)
	nobody.Impersonate = rest.ImpersonationConfig{UserName: "cdk8s-hardened-nobody"}
	if client, err := kubernetes.NewForConfig(nobody); err != nil {
		return nil, err
	} else if _, err := client.CoreV1().Secrets("default").List(ctx, metav1.ListOptions{}); !apierrors.IsForbidden(err) {
		return nil, fmt.Errorf("a request by a user without rights: expected 403, got %v", err)
	}

	admin, err := kubernetes.NewForConfig(config)
	if err != nil {
		return nil, err
	}
	raw, err := admin.Discovery().RESTClient().Get().AbsPath("/metrics").DoRaw(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading /metrics: %w", err)
	}
	wanted := map[string]bool{}
	for _, name := range names {
		for _, suffix := range []string{"", "_bucket", "_sum", "_count"} {
			wanted[name+suffix] = true
		}
	}
	var lines []string
	for _, line := range strings.Split(string(raw), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name := line
		if i := strings.IndexAny(line, "{ "); i >= 0 {
			name = line[:i]
		}
		if wanted[name] {
			lines = append(lines, line)
		}
	}
	return lines, nil
}
