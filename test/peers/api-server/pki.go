package main

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"

	"k8s.io/client-go/rest"
)

// pki is the certificates and keys kubeadm generates under /etc/kubernetes/pki (the front
// proxy's left out), ECDSA P-256, valid for one day; plus an admin client certificate.
type pki struct {
	dir      string
	adminPEM []byte
	adminKey []byte
	caPEM    []byte
}

func (p *pki) path(name string) string { return filepath.Join(p.dir, name) }

type authority struct {
	cert *x509.Certificate
	key  crypto.Signer
}

func newPKI(dir string) (*pki, error) {
	if err := os.MkdirAll(filepath.Join(dir, "etcd"), 0o700); err != nil {
		return nil, err
	}
	p := &pki{dir: dir}
	ca, err := p.authority("ca", "kubernetes")
	if err != nil {
		return nil, err
	}
	etcdCA, err := p.authority("etcd/ca", "etcd-ca")
	if err != nil {
		return nil, err
	}
	loopback := []net.IP{net.ParseIP("127.0.0.1")}
	server := []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
	client := []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
	issued := []struct {
		name, commonName string
		groups           []string
		by               *authority
		usages           []x509.ExtKeyUsage
	}{
		{"apiserver", "kube-apiserver", nil, ca, server},
		{"apiserver-kubelet-client", "kube-apiserver-kubelet-client", []string{"kubeadm:cluster-admins"}, ca, client},
		{"apiserver-etcd-client", "kube-apiserver-etcd-client", nil, etcdCA, client},
		{"etcd/server", "etcd-server", nil, etcdCA, []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth}},
	}
	for _, c := range issued {
		certPEM, keyPEM, err := issue(c.by, c.commonName, c.groups, loopback, c.usages)
		if err != nil {
			return nil, err
		}
		if err := p.write(c.name, certPEM, keyPEM); err != nil {
			return nil, err
		}
	}
	p.adminPEM, p.adminKey, err = issue(ca, "kubernetes-admin", []string{"system:masters"}, nil, client)
	if err != nil {
		return nil, err
	}
	// The service account signing key pair: sa.key and sa.pub.
	saKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	saPrivate, err := x509.MarshalECPrivateKey(saKey)
	if err != nil {
		return nil, err
	}
	saPublic, err := x509.MarshalPKIXPublicKey(saKey.Public())
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(p.path("sa.key"), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: saPrivate}), 0o600); err != nil {
		return nil, err
	}
	if err := os.WriteFile(p.path("sa.pub"), pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: saPublic}), 0o600); err != nil {
		return nil, err
	}
	p.caPEM, err = os.ReadFile(p.path("ca.crt"))
	return p, err
}

// authority creates a self-signed CA and writes <name>.crt and <name>.key.
func (p *pki) authority(name, commonName string) (*authority, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	template := certificateTemplate(commonName, nil)
	template.IsCA = true
	template.BasicConstraintsValid = true
	template.KeyUsage = x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment
	der, err := x509.CreateCertificate(rand.Reader, template, template, key.Public(), key)
	if err != nil {
		return nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return nil, err
	}
	if err := p.write(name, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER})); err != nil {
		return nil, err
	}
	return &authority{cert: cert, key: key}, nil
}

func (p *pki) write(name string, certPEM, keyPEM []byte) error {
	if err := os.WriteFile(p.path(name+".crt"), certPEM, 0o600); err != nil {
		return err
	}
	return os.WriteFile(p.path(name+".key"), keyPEM, 0o600)
}

// adminConfig: a client of the server on `port` as kubernetes-admin (group system:masters), verifying the server against the CA.
func (p *pki) adminConfig(port int) *rest.Config {
	return &rest.Config{
		Host:            fmt.Sprintf("https://127.0.0.1:%d", port),
		TLSClientConfig: rest.TLSClientConfig{CertData: p.adminPEM, KeyData: p.adminKey, CAData: p.caPEM},
		QPS:             -1,
	}
}

func certificateTemplate(commonName string, groups []string) *x509.Certificate {
	serial, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	return &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: commonName, Organization: groups},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
	}
}

// issue signs a leaf certificate for `commonName` (organizations = groups) and returns it and its key, in PEM.
func issue(ca *authority, commonName string, groups []string, ips []net.IP, usages []x509.ExtKeyUsage) ([]byte, []byte, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	template := certificateTemplate(commonName, groups)
	template.KeyUsage = x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment
	template.ExtKeyUsage = usages
	template.IPAddresses = ips
	if len(ips) > 0 {
		template.DNSNames = []string{"localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc"}
	}
	der, err := x509.CreateCertificate(rand.Reader, template, ca.cert, key.Public(), ca.key)
	if err != nil {
		return nil, nil, err
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return nil, nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), nil
}
