package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
)

// dumpOpenAPI starts the server with the minimal flags and writes what it serves at
// /openapi/v3 into dir: index.json (the list of documents) and each group-version document
// as served (api_v1.json, apis_apps_v1.json, ...). The source of the review's schema
// (scripts/generate-kubernetes-schema.ts).
func dumpOpenAPI(dir string) error {
	config, stop, err := startMinimalServer()
	if err != nil {
		return err
	}
	defer stop()
	client := kubernetes.NewForConfigOrDie(config).Discovery().RESTClient()
	ctx := context.Background()
	index, err := client.Get().AbsPath("/openapi/v3").DoRaw(ctx)
	if err != nil {
		return fmt.Errorf("/openapi/v3: %w", err)
	}
	var paths struct {
		Paths map[string]struct {
			ServerRelativeURL string `json:"serverRelativeURL"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(index, &paths); err != nil {
		return fmt.Errorf("/openapi/v3: %w", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var names []string
	for name := range paths.Paths {
		// Group-version documents only (api/v1, apis/<group>/<version>): the others describe discovery.
		if parts := strings.Split(name, "/"); (parts[0] == "api" && len(parts) == 2) || (parts[0] == "apis" && len(parts) == 3) {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	for _, name := range names {
		document, err := client.Get().RequestURI(paths.Paths[name].ServerRelativeURL).DoRaw(ctx)
		if err != nil {
			return fmt.Errorf("/openapi/v3/%s: %w", name, err)
		}
		if err := os.WriteFile(filepath.Join(dir, strings.ReplaceAll(name, "/", "_")+".json"), document, 0o644); err != nil {
			return err
		}
	}
	listing, _ := json.MarshalIndent(map[string]any{"server": kubernetesVersion(), "documents": names}, "", "  ")
	return os.WriteFile(filepath.Join(dir, "index.json"), listing, 0o644)
}

// startMinimalServer starts etcd and the server with the minimal flags in a fresh folder, for
// the dump modes; stop closes etcd and removes the folder.
func startMinimalServer() (*rest.Config, func(), error) {
	work, err := os.MkdirTemp("", "cdk8s-hardened-api-server-")
	if err != nil {
		return nil, nil, err
	}
	server, err := minimalSetup(work)
	if err != nil {
		os.RemoveAll(work)
		return nil, nil, err
	}
	etcd, err := startEtcd(filepath.Join(work, "etcd"), server)
	if err != nil {
		os.RemoveAll(work)
		return nil, nil, fmt.Errorf("etcd: %w", err)
	}
	stop := func() { etcd.Close(); os.RemoveAll(work) }
	config, err := startAPIServer(server)
	if err != nil {
		stop()
		return nil, nil, err
	}
	return config, stop, nil
}
