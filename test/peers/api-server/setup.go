package main

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"go.etcd.io/etcd/client/pkg/v3/transport"
	clientv3 "go.etcd.io/etcd/client/v3"
	"go.etcd.io/etcd/server/v3/embed"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/kubernetes/cmd/kube-apiserver/app"
	"sigs.k8s.io/yaml"
)

// serverSetup is how etcd and kube-apiserver are started, and how to reach them.
type serverSetup struct {
	// args are the kube-apiserver flags, paths mapped to this run's folders.
	args []string
	// flagsReported are the same flags with the configuration's own paths, for the report.
	flagsReported []string
	port          int
	etcdPorts     []int
	// etcdTLS, when set, serves etcd over TLS with client certificates.
	etcdTLS *transport.TLSInfo
	// etcdClientTLS is what the API server (and this peer) present to etcd.
	etcdClientTLS *transport.TLSInfo
	client        *rest.Config
	kmsEndpoints  []string
	auditLog      string
}

func (s *serverSetup) etcdURL() string {
	scheme := "http"
	if s.etcdTLS != nil {
		scheme = "https"
	}
	return fmt.Sprintf("%s://127.0.0.1:%d", scheme, s.etcdPorts[0])
}

// minimalSetup: the fewest flags a server starts with, an admin token, no TLS to etcd.
func minimalSetup(work string) (*serverSetup, error) {
	ports, err := freePorts(3)
	if err != nil {
		return nil, err
	}
	pki, err := newPKI(filepath.Join(work, "pki"))
	if err != nil {
		return nil, err
	}
	setup := &serverSetup{port: ports[0], etcdPorts: ports[1:]}
	setup.args = []string{
		"--etcd-servers=" + setup.etcdURL(),
		"--bind-address=127.0.0.1",
		"--advertise-address=127.0.0.1",
		// A loopback address cannot be published as the kubernetes Service endpoint.
		"--endpoint-reconciler-type=none",
		fmt.Sprintf("--secure-port=%d", setup.port),
		"--tls-cert-file=" + pki.path("apiserver.crt"),
		"--tls-private-key-file=" + pki.path("apiserver.key"),
		"--client-ca-file=" + pki.path("ca.crt"),
		"--service-account-issuer=https://kubernetes.default.svc.cluster.local",
		"--service-account-key-file=" + pki.path("sa.pub"),
		"--service-account-signing-key-file=" + pki.path("sa.key"),
		"--service-cluster-ip-range=10.96.0.0/16",
		"--authorization-mode=RBAC",
		// As kubeadm sets it: privileged pods are then refused by Pod Security admission, not by validation.
		"--allow-privileged=true",
		"--anonymous-auth=false",
		"--profiling=false",
	}
	setup.flagsReported = setup.args
	setup.client = pki.adminConfig(setup.port)
	return setup, nil
}

// Where kubeadm and the hardening README put things on a control-plane node, and where they go here.
var pathMappings = []struct{ node, here string }{
	{"/etc/kubernetes/hardening/", "hardening/"},
	{"/etc/kubernetes/pki/", "pki/"},
	{"/var/log/kubernetes/audit/", "audit/"},
	{"/var/run/kmsplugin/", "kmsplugin/"},
}

func mapPaths(text, work string) string {
	for _, m := range pathMappings {
		text = strings.ReplaceAll(text, m.node, filepath.Join(work, m.here)+"/")
	}
	return text
}

// controlPlaneSetup: kube-apiserver as `kubeadm init --config kubeadm-config.yaml` runs it.
func controlPlaneSetup(work, controlPlane string) (*serverSetup, error) {
	for _, m := range pathMappings {
		if err := os.MkdirAll(filepath.Join(work, m.here), 0o700); err != nil {
			return nil, err
		}
	}
	// The hardening files, with the node's paths inside them mapped too.
	entries, err := os.ReadDir(controlPlane)
	if err != nil {
		return nil, err
	}
	for _, entry := range entries {
		if entry.IsDir() {
			continue
		}
		content, err := os.ReadFile(filepath.Join(controlPlane, entry.Name()))
		if err != nil {
			return nil, err
		}
		if err := os.WriteFile(filepath.Join(work, "hardening", entry.Name()), []byte(mapPaths(string(content), work)), 0o600); err != nil {
			return nil, err
		}
	}
	pki, err := newPKI(filepath.Join(work, "pki"))
	if err != nil {
		return nil, err
	}
	extraArgs, err := apiServerExtraArgs(filepath.Join(controlPlane, "kubeadm-config.yaml"))
	if err != nil {
		return nil, err
	}
	ports, err := freePorts(3)
	if err != nil {
		return nil, err
	}
	setup := &serverSetup{port: ports[0], etcdPorts: ports[1:]}
	setup.etcdTLS = &transport.TLSInfo{CertFile: pki.path("etcd/server.crt"), KeyFile: pki.path("etcd/server.key"), TrustedCAFile: pki.path("etcd/ca.crt"), ClientCertAuth: true}
	setup.etcdClientTLS = &transport.TLSInfo{CertFile: pki.path("apiserver-etcd-client.crt"), KeyFile: pki.path("apiserver-etcd-client.key"), TrustedCAFile: pki.path("etcd/ca.crt")}

	// What kubeadm gives kube-apiserver (cmd/kubeadm/app/phases/controlplane), then the
	// extraArgs over it, as kubeadm merges them. Left out: the front proxy (aggregation layer).
	flags := map[string]string{
		"advertise-address":                "127.0.0.1",
		"allow-privileged":                 "true",
		"authorization-mode":               "Node,RBAC",
		"client-ca-file":                   "/etc/kubernetes/pki/ca.crt",
		"enable-admission-plugins":         "NodeRestriction",
		"enable-bootstrap-token-auth":      "true",
		"etcd-cafile":                      "/etc/kubernetes/pki/etcd/ca.crt",
		"etcd-certfile":                    "/etc/kubernetes/pki/apiserver-etcd-client.crt",
		"etcd-keyfile":                     "/etc/kubernetes/pki/apiserver-etcd-client.key",
		"kubelet-client-certificate":       "/etc/kubernetes/pki/apiserver-kubelet-client.crt",
		"kubelet-client-key":               "/etc/kubernetes/pki/apiserver-kubelet-client.key",
		"kubelet-preferred-address-types":  "InternalIP,ExternalIP,Hostname",
		"service-account-issuer":           "https://kubernetes.default.svc.cluster.local",
		"service-account-key-file":         "/etc/kubernetes/pki/sa.pub",
		"service-account-signing-key-file": "/etc/kubernetes/pki/sa.key",
		"service-cluster-ip-range":         "10.96.0.0/12",
		"tls-cert-file":                    "/etc/kubernetes/pki/apiserver.crt",
		"tls-private-key-file":             "/etc/kubernetes/pki/apiserver.key",
	}
	for name, value := range extraArgs {
		flags[name] = value
	}
	// This run's own: where etcd and the server listen. A loopback address cannot be
	// published as the kubernetes Service endpoint, hence no endpoint reconciler.
	flags["etcd-servers"] = setup.etcdURL()
	flags["secure-port"] = fmt.Sprint(setup.port)
	flags["bind-address"] = "127.0.0.1"
	flags["endpoint-reconciler-type"] = "none"

	names := make([]string, 0, len(flags))
	for name := range flags {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		setup.flagsReported = append(setup.flagsReported, fmt.Sprintf("--%s=%s", name, flags[name]))
		setup.args = append(setup.args, fmt.Sprintf("--%s=%s", name, mapPaths(flags[name], work)))
	}
	if path := flags["audit-log-path"]; path != "" {
		setup.auditLog = mapPaths(path, work)
	}
	if path := flags["encryption-provider-config"]; path != "" {
		endpoints, err := kmsV2Endpoints(mapPaths(path, work))
		if err != nil {
			return nil, err
		}
		setup.kmsEndpoints = endpoints
	}
	setup.client = pki.adminConfig(setup.port)
	return setup, nil
}

// apiServerExtraArgs reads ClusterConfiguration.apiServer.extraArgs (kubeadm v1beta4: a list of name and value).
func apiServerExtraArgs(file string) (map[string]string, error) {
	content, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	for _, doc := range strings.Split(string(content), "\n---") {
		var config struct {
			Kind      string `json:"kind"`
			APIServer struct {
				ExtraArgs []struct {
					Name  string `json:"name"`
					Value string `json:"value"`
				} `json:"extraArgs"`
			} `json:"apiServer"`
		}
		if err := yaml.Unmarshal([]byte(doc), &config); err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		if config.Kind != "ClusterConfiguration" {
			continue
		}
		args := map[string]string{}
		for _, arg := range config.APIServer.ExtraArgs {
			args[arg.Name] = arg.Value
		}
		return args, nil
	}
	return nil, fmt.Errorf("%s: no ClusterConfiguration", file)
}

// kmsV2Endpoints lists the unix socket of every KMS v2 provider of an EncryptionConfiguration.
func kmsV2Endpoints(file string) ([]string, error) {
	content, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var config struct {
		Resources []struct {
			Providers []struct {
				KMS *struct {
					APIVersion string `json:"apiVersion"`
					Endpoint   string `json:"endpoint"`
				} `json:"kms"`
			} `json:"providers"`
		} `json:"resources"`
	}
	if err := yaml.Unmarshal(content, &config); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	var endpoints []string
	for _, resource := range config.Resources {
		for _, provider := range resource.Providers {
			if provider.KMS != nil && provider.KMS.APIVersion == "v2" {
				endpoints = append(endpoints, strings.TrimPrefix(provider.KMS.Endpoint, "unix://"))
			}
		}
	}
	return endpoints, nil
}

// startEtcd starts an embedded etcd on the setup's ports (over TLS when the setup says so).
func startEtcd(dir string, setup *serverSetup) (*embed.Etcd, error) {
	scheme := "http"
	cfg := embed.NewConfig()
	if setup.etcdTLS != nil {
		scheme = "https"
		cfg.ClientTLSInfo = *setup.etcdTLS
	}
	clientURL := url.URL{Scheme: scheme, Host: fmt.Sprintf("127.0.0.1:%d", setup.etcdPorts[0])}
	peerURL := url.URL{Scheme: "http", Host: fmt.Sprintf("127.0.0.1:%d", setup.etcdPorts[1])}
	cfg.Dir = dir
	cfg.LogLevel = "error"
	cfg.ListenClientUrls = []url.URL{clientURL}
	cfg.AdvertiseClientUrls = []url.URL{clientURL}
	cfg.ListenPeerUrls = []url.URL{peerURL}
	cfg.AdvertisePeerUrls = []url.URL{peerURL}
	cfg.InitialCluster = cfg.InitialClusterFromName(cfg.Name)
	e, err := embed.StartEtcd(cfg)
	if err != nil {
		return nil, err
	}
	select {
	case <-e.Server.ReadyNotify():
		return e, nil
	case <-time.After(60 * time.Second):
		e.Close()
		return nil, errors.New("not ready after 60s")
	}
}

// startAPIServer runs kube-apiserver in this process and waits until it is ready.
func startAPIServer(setup *serverSetup) (*rest.Config, error) {
	cmd := app.NewAPIServerCommand()
	cmd.SetArgs(setup.args)
	failed := make(chan error, 1)
	go func() { failed <- cmd.Execute() }()

	probe := kubernetes.NewForConfigOrDie(setup.client)
	deadline := time.Now().Add(180 * time.Second)
	var last error
	for time.Now().Before(deadline) {
		select {
		case err := <-failed:
			return nil, fmt.Errorf("kube-apiserver exited: %v", err)
		default:
		}
		body, err := probe.Discovery().RESTClient().Get().AbsPath("/readyz").DoRaw(context.Background())
		if err == nil && string(body) == "ok" {
			return setup.client, nil
		}
		last = fmt.Errorf("%v %s", err, body)
		time.Sleep(250 * time.Millisecond)
	}
	return nil, fmt.Errorf("kube-apiserver not ready after 180s: %v", last)
}

func rawFromEtcd(setup *serverSetup, key string) ([]byte, error) {
	config := clientv3.Config{Endpoints: []string{setup.etcdURL()}, DialTimeout: 10 * time.Second}
	if setup.etcdClientTLS != nil {
		tlsConfig, err := setup.etcdClientTLS.ClientConfig()
		if err != nil {
			return nil, err
		}
		config.TLS = tlsConfig
	}
	client, err := clientv3.New(config)
	if err != nil {
		return nil, err
	}
	defer client.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	response, err := client.Get(ctx, key)
	if err != nil {
		return nil, err
	}
	if len(response.Kvs) != 1 {
		return nil, fmt.Errorf("etcd has %d values at %s", len(response.Kvs), key)
	}
	return response.Kvs[0].Value, nil
}
