// helm-render renders a chart directory the way
//
//	helm template RELEASE CHART --namespace NS -f VALUES --include-crds
//
// does (helm.sh/helm/v4 v4.3.2): a test peer that proves the rendered.yaml files vendored in
// vendor/addons/<name>/ are what Helm's own engine makes of the vendored chart.
//
// Usage: helm-render --chart DIR --release NAME --namespace NS --values FILE
// The manifest goes to stdout (the CRDs first, then the templates, then the hooks, as helm
// template prints them); an error goes to stderr with exit status 1.
//
// What runs is pkg/cmd/template.go's RunE and pkg/cmd/install.go's runInstall, with the
// template command's defaults: action.NewInstall with DryRunStrategy client (so Helm's
// default capabilities, a memory release store and a printing kube client, no cluster),
// Replace, IncludeCRDs, the values file merged by values.Options, the chart loaded by
// loader.Load and checked by checkIfInstallable, then Install.RunWithContext, and the
// output assembled as template.go does (the trimmed manifest, then each hook as
// "---\n# Source: PATH\nMANIFEST\n", helm test hooks included as --skip-tests is not given).
// The capabilities are Helm's defaults for a client-only run: Kubernetes v1.37.0 (helm derives it
// from the k8s.io/client-go it is built with, v0.37.2 for helm v4.3.2, as here) and the built-in
// API versions; External Secrets' templates read the Kubernetes version.
//
// One difference, on purpose: runInstall refuses a chart when any dependency of Chart.yaml
// is missing from charts/ ("helm dependency build" first), even one its condition disables.
// The vendored charts leave out such dependencies (External Secrets' optional
// bitwarden-sdk-server, an OCI chart). So the presence check (action.CheckDependencies) runs
// here on the dependencies that stay enabled after chartutil.ProcessDependencies with the
// same values, which is how the install action itself decides what to render: a missing
// enabled dependency is still an error.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"helm.sh/helm/v4/pkg/action"
	"helm.sh/helm/v4/pkg/chart"
	"helm.sh/helm/v4/pkg/chart/common"
	"helm.sh/helm/v4/pkg/chart/loader"
	chartv2 "helm.sh/helm/v4/pkg/chart/v2"
	chartutil "helm.sh/helm/v4/pkg/chart/v2/util"
	"helm.sh/helm/v4/pkg/cli/values"
	"helm.sh/helm/v4/pkg/getter"
	release "helm.sh/helm/v4/pkg/release/v1"
)

func main() {
	chartDir := flag.String("chart", "", "the chart directory")
	releaseName := flag.String("release", "", "the release name")
	namespace := flag.String("namespace", "", "the release namespace")
	valuesFile := flag.String("values", "", "a values file (-f)")
	flag.Parse()
	if *chartDir == "" || *releaseName == "" || *namespace == "" || *valuesFile == "" || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: helm-render --chart DIR --release NAME --namespace NS --values FILE")
		os.Exit(2)
	}
	manifest, err := render(*chartDir, *releaseName, *namespace, *valuesFile)
	if err != nil {
		fmt.Fprintf(os.Stderr, "error: %v\n", err)
		os.Exit(1)
	}
	os.Stdout.WriteString(manifest)
}

// render is template.go's RunE for one release, without the flags it leaves at their defaults.
func render(chartDir, releaseName, namespace, valuesFile string) (string, error) {
	client := action.NewInstall(action.NewConfiguration())
	client.DryRunStrategy = action.DryRunClient
	client.ReleaseName = releaseName
	client.Replace = true // Skip the name check, as helm template does
	client.APIVersions = common.VersionSet([]string{})
	client.IncludeCRDs = true
	client.Namespace = namespace

	cp, err := filepath.Abs(chartDir)
	if err != nil {
		return "", err
	}
	valueOpts := &values.Options{ValueFiles: []string{valuesFile}}
	// No getters: a values file is read from disk, never fetched.
	vals, err := valueOpts.MergeValues(getter.Providers{})
	if err != nil {
		return "", err
	}
	chartRequested, err := loader.Load(cp)
	if err != nil {
		return "", err
	}
	ac, err := chart.NewAccessor(chartRequested)
	if err != nil {
		return "", err
	}
	if t := ac.MetadataAsMap()["Type"]; t != "" && t != "application" {
		return "", fmt.Errorf("%s charts are not installable", t)
	}
	if err := checkEnabledDependencies(cp, vals); err != nil {
		return "", err
	}

	ri, err := client.RunWithContext(context.Background(), chartRequested, vals)
	if err != nil {
		return "", err
	}
	rel, ok := ri.(*release.Release)
	if !ok {
		return "", fmt.Errorf("unsupported release type: %T", ri)
	}

	var manifests bytes.Buffer
	fmt.Fprintln(&manifests, strings.TrimSpace(rel.Manifest))
	for _, m := range rel.Hooks {
		fmt.Fprintf(&manifests, "---\n# Source: %s\n%s\n", m.Path, m.Manifest)
	}
	return manifests.String(), nil
}

// checkEnabledDependencies is runInstall's action.CheckDependencies, on the dependencies that
// chartutil.ProcessDependencies leaves enabled with these values (on a copy of the chart: the
// install action processes its own).
func checkEnabledDependencies(chartPath string, vals map[string]any) error {
	loaded, err := loader.Load(chartPath)
	if err != nil {
		return err
	}
	c, ok := loaded.(*chartv2.Chart)
	if !ok {
		return errors.New("invalid chart apiVersion")
	}
	if len(c.Metadata.Dependencies) == 0 {
		return nil
	}
	if err := chartutil.ProcessDependencies(c, vals); err != nil {
		return fmt.Errorf("chart dependencies processing failed: %w", err)
	}
	processed, err := chart.NewAccessor(c)
	if err != nil {
		return err
	}
	if err := action.CheckDependencies(c, processed.MetaDependencies()); err != nil {
		return fmt.Errorf("an error occurred while checking for chart dependencies. You may need to run 'helm dependency build' to fetch missing dependencies: %w", err)
	}
	return nil
}
