// kubectl-yaml reads manifests the way kubectl reads `-f FILE` and prints each object as the
// JSON kubectl would send. It is a test peer for lib/review/load.ts: the review must see
// exactly what the cluster will receive.
//
//	kubectl-yaml            a stream on stdin; one object per line on stdout, or
//	                        "error: <message>" on stderr and exit status 1
//	kubectl-yaml --cases    a JSON array of streams on stdin; a JSON array on stdout with, per
//	                        stream, {"objects": [...]} or {"error": "<message>"}
//
// The loop is cli-runtime's StreamVisitor.Visit (k8s.io/cli-runtime/pkg/resource/visitor.go):
// apimachinery's YAML-or-JSON decoder into a runtime.RawExtension per document, which turns
// YAML into JSON with sigs.k8s.io/yaml (go-yaml v2 underneath); empty and null documents are
// skipped.
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
	if len(os.Args) > 1 && os.Args[1] == "--cases" {
		if err := readCases(os.Stdin, os.Stdout); err != nil {
			fmt.Fprintf(os.Stderr, "error: %v\n", err)
			os.Exit(2)
		}
		return
	}
	objects, err := read(os.Stdin)
	out := bufio.NewWriter(os.Stdout)
	for _, object := range objects {
		out.Write(object)
		out.WriteByte('\n')
	}
	out.Flush()
	if err != nil {
		fmt.Fprintf(os.Stderr, "error: %v\n", err)
		os.Exit(1)
	}
}

// read decodes a stream as kubectl does: the objects read (compact JSON), and the error that
// stopped it, if any.
func read(stream io.Reader) ([]json.RawMessage, error) {
	var objects []json.RawMessage
	decoder := yaml.NewYAMLOrJSONDecoder(stream, 4096)
	for {
		ext := runtime.RawExtension{}
		if err := decoder.Decode(&ext); err != nil {
			if errors.Is(err, io.EOF) {
				return objects, nil
			}
			return objects, err
		}
		raw := bytes.TrimSpace(ext.Raw)
		if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
			continue
		}
		var object bytes.Buffer
		if err := json.Compact(&object, raw); err != nil {
			return objects, err
		}
		objects = append(objects, object.Bytes())
	}
}

// result is what kubectl makes of one stream.
type result struct {
	Objects []json.RawMessage `json:"objects,omitempty"`
	Error   string            `json:"error,omitempty"`
}

// readCases reads each stream of a JSON array in turn.
func readCases(in io.Reader, out io.Writer) error {
	var streams []string
	if err := json.NewDecoder(in).Decode(&streams); err != nil {
		return fmt.Errorf("stdin must be a JSON array of strings: %w", err)
	}
	results := make([]result, len(streams))
	for i, stream := range streams {
		objects, err := read(bytes.NewReader([]byte(stream)))
		if err != nil {
			results[i] = result{Error: err.Error()}
		} else {
			results[i] = result{Objects: append([]json.RawMessage{}, objects...)}
		}
	}
	return json.NewEncoder(out).Encode(results)
}
