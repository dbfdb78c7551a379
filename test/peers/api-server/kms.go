package main

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"os"
	"path/filepath"
	"time"

	"k8s.io/kms/pkg/service"
)

// kmsPlugin is a KMS v2 plugin in this process: AES-256-GCM with a key generated at start and
// kept in memory, behind upstream's gRPC service (k8s.io/kms/pkg/service), as a real plugin
// would serve it on its socket.
type kmsPlugin struct {
	aead cipher.AEAD
}

const kmsKeyID = "cdk8s-hardened-check-key-1"

func startKMSPlugin(socket string) error {
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return err
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(socket), 0o700); err != nil {
		return err
	}
	grpc := service.NewGRPCService(socket, 10*time.Second, &kmsPlugin{aead: aead})
	failed := make(chan error, 1)
	go func() { failed <- grpc.ListenAndServe() }()
	// Listening starts at once; give a failure to listen the chance to show.
	select {
	case err := <-failed:
		return err
	case <-time.After(200 * time.Millisecond):
		return nil
	}
}

func (p *kmsPlugin) Status(context.Context) (*service.StatusResponse, error) {
	return &service.StatusResponse{Version: "v2", Healthz: "ok", KeyID: kmsKeyID}, nil
}

func (p *kmsPlugin) Encrypt(_ context.Context, _ string, data []byte) (*service.EncryptResponse, error) {
	nonce := make([]byte, p.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	return &service.EncryptResponse{Ciphertext: p.aead.Seal(nonce, nonce, data, nil), KeyID: kmsKeyID}, nil
}

func (p *kmsPlugin) Decrypt(_ context.Context, _ string, req *service.DecryptRequest) ([]byte, error) {
	size := p.aead.NonceSize()
	if len(req.Ciphertext) < size {
		return nil, errors.New("ciphertext too short")
	}
	return p.aead.Open(nil, req.Ciphertext[:size], req.Ciphertext[size:], nil)
}
