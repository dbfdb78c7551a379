// kubectl-yaml reads manifests the way kubectl reads `-f FILE`: a test peer for
// lib/review/load.ts, which must see exactly what the cluster will receive.
//
// Two modes:
//
//	kubectl-yaml                     a stream on stdin; one document per line on stdout, or
//	kubectl-yaml --cases             "error: <message>" on stderr and exit status 1; with
//	                                 --cases a JSON array of strings (streams) on stdin and a JSON
//	                                 array on stdout with, per stream, {"objects": [...]} or
//	                                 {"error": "<message>"}
//
//	kubectl-yaml --create            the objects `kubectl create -f FILE` sends, FILE being stdin;
//	kubectl-yaml --create --cases    one object per line, then "error: ..." and exit status 1 if
//	                                 kubectl reports an error; with --cases a JSON array on stdin
//	                                 whose elements are strings (the file's text, as UTF-8) or
//	                                 {"base64": "..."} (the file's bytes), and per case on stdout
//	                                 {"objects": [...], "error": "<message>"} (either may be absent:
//	                                 kubectl creates the objects it read before reporting an error)
//
// The document mode (read) runs only cli-runtime's StreamVisitor loop: apimachinery's
// YAMLOrJSONDecoder (k8s.io/apimachinery/pkg/util/yaml: YAMLReader splitting at `---` lines,
// sigs.k8s.io/yaml turning each document into JSON through go-yaml v2) into a
// runtime.RawExtension per document, empty and `null` documents skipped.
//
// The create mode (create) runs what k8s.io/kubectl/pkg/cmd/create/create.go's RunCreate runs
// (kubectl v0.37.2, cli-runtime v0.37.2) up to the request, on the case written to a file:
//
//	f.NewBuilder().Unstructured().Schema(schema).ContinueOnError().
//		NamespaceParam(cmdNamespace).DefaultNamespace().FilenameParam(enforceNamespace, &o.FilenameOptions).
//		LabelSelectorParam(o.Selector).Flatten().Do()
//	r.Visit(func(info, err) { ... Create(info.Namespace, true, info.Object) ... })
//
// so, with the real code: Builder.FilenameParam → Builder.Path → ExpandPathsToFileVisitors →
// FileVisitor.Visit (unicode.BOMOverride(unicode.UTF8.NewDecoder()): a UTF-8 BOM dropped,
// UTF-16 LE/BE with a BOM decoded, invalid UTF-8 replaced) → StreamVisitor.Visit
// (YAMLOrJSONDecoder, bytes.TrimSpace, empty and `null` documents skipped, ValidateSchema,
// mapper.infoForData) → metadataValidatingDecoder over unstructured.UnstructuredJSONScheme
// (an object with an `items` field decodes as an UnstructuredList whose items without kind and
// apiVersion get the list's kind minus "List" and its apiVersion; a missing kind is an error;
// metadata must decode into ObjectMeta) → EagerVisitorList → FlattenListVisitor (twice, as
// visitByPaths and Do both add one: meta.IsListType, meta.ExtractList, runtime.DecodeList,
// mapper.infoForObject with the unstructured typer) → ContinueOnErrorVisitor →
// DecoratedVisitor (SetNamespace, FilterNamespace, RetrieveLazy). The Schema is what
// cmdutil.Factory.Validator gives for the default --validate=strict:
// validation.NewParamVerifyingSchema(..., "Strict"), whose ValidateBytes parses each document
// and requires a mapping with a string kind and a valid string apiVersion (getObjectKind),
// then asks the server whether it validates fields itself; every supported server does
// (field validation is GA since 1.27), so the verifier here answers yes and the client-side
// OpenAPI schema, which would need the server's OpenAPI document, is never consulted.
//
// Left out, because they need the cluster: the builder is Local() (NewLocalBuilder), so no
// RESTMapper maps the kind to a resource (kubectl refuses a kind the server does not know,
// "resource mapping not found"), and the context's namespace is not set on namespaced objects
// that have none (SetNamespace needs the mapping's scope; FilterNamespace still drops an
// empty metadata.namespace). The callback collects info.Object (with --save-config unset,
// CreateOrUpdateAnnotation changes nothing). RunCreate's "no objects passed to create" is
// about the whole command line, not one file, and is not reported.
package main

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/cli-runtime/pkg/resource"
	"k8s.io/kubectl/pkg/validation"
)

func main() {
	args := os.Args[1:]
	create := len(args) > 0 && args[0] == "--create"
	if create {
		args = args[1:]
	}
	cases := len(args) > 0 && args[0] == "--cases"
	if cases {
		args = args[1:]
	}
	if len(args) > 0 {
		fmt.Fprintf(os.Stderr, "usage: kubectl-yaml [--create] [--cases]\n")
		os.Exit(2)
	}
	var reader func([]byte) ([]json.RawMessage, error) = func(data []byte) ([]json.RawMessage, error) { return read(bytes.NewReader(data)) }
	if create {
		creator, err := newCreator()
		if err != nil {
			fmt.Fprintf(os.Stderr, "error: %v\n", err)
			os.Exit(2)
		}
		defer creator.close()
		reader = creator.create
	}
	if cases {
		if err := readCases(os.Stdin, os.Stdout, reader, create); err != nil {
			fmt.Fprintf(os.Stderr, "error: %v\n", err)
			os.Exit(2)
		}
		return
	}
	data, err := io.ReadAll(os.Stdin)
	if err != nil {
		fmt.Fprintf(os.Stderr, "error: %v\n", err)
		os.Exit(2)
	}
	objects, err := reader(data)
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

// read decodes a stream's documents as cli-runtime's StreamVisitor loop does: the documents
// read (compact JSON), and the error that stopped it, if any.
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

// caseFile is the name each case is written under, in the creator's own folder: error
// messages name it as kubectl names the file it was given.
const caseFile = "case.yaml"

// creator runs kubectl create's reading on files in a folder of its own.
type creator struct {
	dir string
}

func newCreator() (*creator, error) {
	dir, err := os.MkdirTemp("", "kubectl-yaml-")
	if err != nil {
		return nil, err
	}
	// kubectl is given the relative name, as a user types it; the folder stays out of messages.
	if err := os.Chdir(dir); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	return &creator{dir: dir}, nil
}

func (c *creator) close() { os.RemoveAll(c.dir) }

// fieldValidatingServer is the server's answer to "do you validate fields yourself?" for
// every kind: yes, as every API server since 1.27 does (kubectl then skips its client-side
// OpenAPI validation, and only ParamVerifyingSchema's own checks run).
type fieldValidatingServer struct{}

func (fieldValidatingServer) HasSupport(schema.GroupVersionKind) error { return nil }

// create returns the objects `kubectl create -f case.yaml` sends for these file bytes (compact
// JSON, in order), and the error kubectl reports after sending them, if any.
func (c *creator) create(data []byte) ([]json.RawMessage, error) {
	if err := os.WriteFile(filepath.Join(c.dir, caseFile), data, 0o600); err != nil {
		return nil, err
	}
	// kubectl's cmdutil.Factory.Validator for --validate=strict; the inner schema is consulted
	// only for a server without field validation, which fieldValidatingServer is not.
	schema := validation.NewParamVerifyingSchema(
		validation.ConjunctiveSchema{validation.NullSchema{}, validation.NoDoubleKeySchema{}},
		fieldValidatingServer{}, metav1.FieldValidationStrict)
	r := resource.NewLocalBuilder().
		Unstructured().
		Schema(schema).
		ContinueOnError().
		NamespaceParam("default").DefaultNamespace().
		FilenameParam(false, &resource.FilenameOptions{Filenames: []string{caseFile}}).
		LabelSelectorParam("").
		Flatten().
		Do()
	if err := r.Err(); err != nil {
		return nil, err
	}
	var objects []json.RawMessage
	err := r.Visit(func(info *resource.Info, err error) error {
		if err != nil {
			return err
		}
		object, err := json.Marshal(info.Object)
		if err != nil {
			return err
		}
		objects = append(objects, object)
		return nil
	})
	return objects, err
}

// result is what kubectl makes of one case: what it reads (or sends), and its error.
type result struct {
	Objects []json.RawMessage `json:"objects,omitempty"`
	Error   string            `json:"error,omitempty"`
}

// input is one case: the text of a stream, or {"base64": "..."} for its bytes.
type input []byte

func (in *input) UnmarshalJSON(data []byte) error {
	var text string
	if err := json.Unmarshal(data, &text); err == nil {
		*in = []byte(text)
		return nil
	}
	var encoded struct {
		Base64 *string `json:"base64"`
	}
	if err := json.Unmarshal(data, &encoded); err != nil || encoded.Base64 == nil {
		return fmt.Errorf("a case is a string or {\"base64\": \"...\"}, not %s", strings.TrimSpace(string(data[:min(len(data), 40)])))
	}
	bytes, err := base64.StdEncoding.DecodeString(*encoded.Base64)
	if err != nil {
		return err
	}
	*in = bytes
	return nil
}

// readCases reads each case of a JSON array in turn. In the document mode a case has objects
// or an error (the loop stops at the error); in the create mode it may have both.
func readCases(in io.Reader, out io.Writer, reader func([]byte) ([]json.RawMessage, error), both bool) error {
	var cases []input
	if err := json.NewDecoder(in).Decode(&cases); err != nil {
		return fmt.Errorf("stdin must be a JSON array of strings or {\"base64\": ...}: %w", err)
	}
	results := make([]result, len(cases))
	for i, data := range cases {
		objects, err := reader(data)
		switch {
		case err == nil:
			results[i] = result{Objects: append([]json.RawMessage{}, objects...)}
		case both:
			results[i] = result{Objects: objects, Error: err.Error()}
		default:
			results[i] = result{Error: err.Error()}
		}
	}
	return json.NewEncoder(out).Encode(results)
}
