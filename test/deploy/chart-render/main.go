// Command chart-render renders a Helm chart's templates the way `helm template` does, for the tests: Go's
// text/template with sprig's functions and Helm's own (include, tpl, required, fail, toYaml, fromYaml, toJson,
// fromJson, lookup), the built-in objects (.Values, .Release, .Chart, .Capabilities, .Files, .Template), partials
// (files starting with "_") defined but not rendered, and "<no value>" left out as Helm does.
//
// It takes already merged values (the caller merges and checks them against values.schema.json) and prints a
// JSON object from each template's path to its rendered text.
//
// Usage: chart-render <chart-dir> <values.json> <release-name> <namespace>
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"text/template"

	"github.com/Masterminds/sprig"
	"sigs.k8s.io/yaml"
)

type chartMeta struct {
	Name       string `json:"name"`
	Version    string `json:"version"`
	AppVersion string `json:"appVersion"`
}

// files answers .Files.Get and .Files.Glob from the chart's directory, outside templates/ as Helm does.
type files struct{ root string }

func (f files) Get(name string) string {
	data, err := os.ReadFile(filepath.Join(f.root, filepath.FromSlash(name)))
	if err != nil {
		return ""
	}
	return string(data)
}

type capabilities struct {
	KubeVersion map[string]string
	APIVersions apiVersions
}

type apiVersions []string

func (a apiVersions) Has(version string) bool {
	for _, v := range a {
		if v == version {
			return true
		}
	}
	return false
}

func toYAML(v interface{}) string {
	data, err := yaml.Marshal(v)
	if err != nil {
		return ""
	}
	return strings.TrimSuffix(string(data), "\n")
}

func fromYAML(text string) map[string]interface{} {
	m := map[string]interface{}{}
	if err := yaml.Unmarshal([]byte(text), &m); err != nil {
		m["Error"] = err.Error()
	}
	return m
}

func toJSON(v interface{}) string {
	data, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return string(data)
}

func fromJSON(text string) map[string]interface{} {
	m := map[string]interface{}{}
	if err := json.Unmarshal([]byte(text), &m); err != nil {
		m["Error"] = err.Error()
	}
	return m
}

func main() {
	if len(os.Args) != 5 {
		fmt.Fprintln(os.Stderr, "usage: chart-render <chart-dir> <values.json> <release-name> <namespace>")
		os.Exit(2)
	}
	chartDir, valuesFile, releaseName, namespace := os.Args[1], os.Args[2], os.Args[3], os.Args[4]
	out, err := render(chartDir, valuesFile, releaseName, namespace)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Stdout.Write(out)
}

func render(chartDir, valuesFile, releaseName, namespace string) ([]byte, error) {
	chartYAML, err := os.ReadFile(filepath.Join(chartDir, "Chart.yaml"))
	if err != nil {
		return nil, err
	}
	var meta chartMeta
	if err := yaml.Unmarshal(chartYAML, &meta); err != nil {
		return nil, fmt.Errorf("Chart.yaml: %w", err)
	}
	valuesJSON, err := os.ReadFile(valuesFile)
	if err != nil {
		return nil, err
	}
	values := map[string]interface{}{}
	if err := json.Unmarshal(valuesJSON, &values); err != nil {
		return nil, fmt.Errorf("%s: %w", valuesFile, err)
	}

	var names []string
	templatesDir := filepath.Join(chartDir, "templates")
	err = filepath.WalkDir(templatesDir, func(name string, entry fs.DirEntry, err error) error {
		if err == nil && !entry.IsDir() {
			names = append(names, name)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	sort.Strings(names)

	root := template.New("chart")
	funcs := sprig.TxtFuncMap()
	// Helm removes these two: a chart must not read the machine's environment.
	delete(funcs, "env")
	delete(funcs, "expandenv")
	funcs["toYaml"] = toYAML
	funcs["fromYaml"] = fromYAML
	funcs["toJson"] = toJSON
	funcs["fromJson"] = fromJSON
	funcs["required"] = func(message string, value interface{}) (interface{}, error) {
		if value == nil {
			return nil, fmt.Errorf(message)
		}
		if s, ok := value.(string); ok && s == "" {
			return nil, fmt.Errorf(message)
		}
		return value, nil
	}
	funcs["fail"] = func(message string) (string, error) { return "", fmt.Errorf(message) }
	// No cluster here: lookup finds nothing, as under `helm template`.
	funcs["lookup"] = func(string, string, string, string) (map[string]interface{}, error) {
		return map[string]interface{}{}, nil
	}
	funcs["include"] = func(name string, data interface{}) (string, error) {
		var buf bytes.Buffer
		if err := root.ExecuteTemplate(&buf, name, data); err != nil {
			return "", err
		}
		return buf.String(), nil
	}
	funcs["tpl"] = func(text string, data interface{}) (string, error) {
		clone, err := root.Clone()
		if err != nil {
			return "", err
		}
		t, err := clone.New("tpl").Parse(text)
		if err != nil {
			return "", err
		}
		var buf bytes.Buffer
		if err := t.Execute(&buf, data); err != nil {
			return "", err
		}
		return strings.ReplaceAll(buf.String(), "<no value>", ""), nil
	}
	root.Funcs(funcs).Option("missingkey=zero")

	var rendered []string
	for _, name := range names {
		text, err := os.ReadFile(name)
		if err != nil {
			return nil, err
		}
		within, err := filepath.Rel(templatesDir, name)
		if err != nil {
			return nil, err
		}
		relative := path.Join("templates", filepath.ToSlash(within))
		if _, err := root.New(relative).Parse(string(text)); err != nil {
			return nil, err
		}
		if !strings.HasPrefix(filepath.Base(name), "_") {
			rendered = append(rendered, relative)
		}
	}

	result := map[string]string{}
	for _, name := range rendered {
		data := map[string]interface{}{
			"Values": values,
			"Release": map[string]interface{}{
				"Name": releaseName, "Namespace": namespace, "Service": "Helm",
				"IsInstall": true, "IsUpgrade": false, "Revision": 1,
			},
			"Chart": map[string]interface{}{
				"Name": meta.Name, "Version": meta.Version, "AppVersion": meta.AppVersion,
			},
			"Capabilities": capabilities{
				KubeVersion: map[string]string{"Version": "v1.30.0", "Major": "1", "Minor": "30"},
				APIVersions: apiVersions{"v1", "apps/v1", "rbac.authorization.k8s.io/v1",
					"networking.k8s.io/v1", "monitoring.coreos.com/v1"},
			},
			"Files":    files{root: chartDir},
			"Template": map[string]interface{}{"Name": name, "BasePath": "templates"},
		}
		var buf bytes.Buffer
		if err := root.ExecuteTemplate(&buf, name, data); err != nil {
			return nil, err
		}
		result[name] = strings.ReplaceAll(buf.String(), "<no value>", "")
	}
	return json.Marshal(result)
}
