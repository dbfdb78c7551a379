// kubectl-yaml reads a manifest stream on stdin the way kubectl reads `-f FILE` and prints each
// object as the JSON kubectl would send, one per line. It is a test peer for
// lib/review/load.ts: the review must see exactly what the cluster will receive.
//
// The loop is cli-runtime's StreamVisitor.Visit (k8s.io/cli-runtime/pkg/resource/visitor.go):
// apimachinery's YAML-or-JSON decoder into a runtime.RawExtension per document, which turns
// YAML into JSON with sigs.k8s.io/yaml (go-yaml v2 underneath); empty and null documents are
// skipped. On an error it prints "error: <message>" on stderr and exits with status 1.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/yaml"
)

func main() {
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	decoder := yaml.NewYAMLOrJSONDecoder(os.Stdin, 4096)
	for {
		ext := runtime.RawExtension{}
		if err := decoder.Decode(&ext); err != nil {
			if errors.Is(err, io.EOF) {
				return
			}
			fail(out, err)
		}
		raw := bytes.TrimSpace(ext.Raw)
		if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
			continue
		}
		// One object per line (the decoder's JSON is compact already; this makes sure).
		var line bytes.Buffer
		if err := json.Compact(&line, raw); err != nil {
			fail(out, err)
		}
		line.WriteByte('\n')
		out.Write(line.Bytes())
	}
}

// fail prints what was read so far, then the error, and exits with status 1.
func fail(out *bufio.Writer, err error) {
	out.Flush()
	fmt.Fprintf(os.Stderr, "error: %v\n", err)
	os.Exit(1)
}
