{{/* Chart name, shortened to the 63 characters a label value allows. */}}
{{- define "harbor-exporter.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Full name of this release's objects: the release name when it already contains the chart's name. */}}
{{- define "harbor-exporter.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "harbor-exporter.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "harbor-exporter.selectorLabels" -}}
app.kubernetes.io/name: {{ include "harbor-exporter.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "harbor-exporter.labels" -}}
helm.sh/chart: {{ include "harbor-exporter.chart" . }}
{{ include "harbor-exporter.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "harbor-exporter.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "harbor-exporter.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* repository:tag, or repository:tag@digest when a digest pins the image (the tag then only informs). */}}
{{- define "harbor-exporter.image" -}}
{{- $image := printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- if .Values.image.digest -}}
{{- $image = printf "%s@%s" $image .Values.image.digest -}}
{{- end -}}
{{- $image -}}
{{- end -}}

{{/* Where the web configuration Secret (TLS, basic auth) is mounted. */}}
{{- define "harbor-exporter.webConfigPath" -}}
{{- printf "/etc/harbor-exporter/web-config/%s" .Values.web.configSecret.key -}}
{{- end -}}

{{/*
The scrape endpoint shared by the ServiceMonitor and the PodMonitor: the same port, path, intervals, relabelings,
and the scheme, TLS and basic auth that match the exporter's --web.config.file.
*/}}
{{- define "harbor-exporter.scrapeEndpoint" -}}
port: metrics
path: {{ default "/metrics" .Values.web.telemetryPath }}
scheme: {{ .Values.serviceMonitor.scheme }}
interval: {{ .Values.serviceMonitor.interval }}
scrapeTimeout: {{ .Values.serviceMonitor.scrapeTimeout }}
honorLabels: {{ .Values.serviceMonitor.honorLabels }}
{{- with .Values.serviceMonitor.tlsConfig }}
tlsConfig:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.serviceMonitor.basicAuth }}
basicAuth:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.serviceMonitor.relabelings }}
relabelings:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.serviceMonitor.metricRelabelings }}
metricRelabelings:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/*
Whether discovery reads the database password from Harbor's Secrets: no password or URL given as a Secret.
Harbor's core Secret also holds the admin password, so the Role names it only when this or readAdminPassword
needs it. Prints "true" or nothing.
*/}}
{{- define "harbor-exporter.readsDatabaseSecrets" -}}
{{- if and .Values.kubernetes.enabled (not .Values.database.passwordSecret.name) (not .Values.database.urlSecret.name) -}}
true
{{- end -}}
{{- end -}}

{{/* Namespace of Harbor's Helm release: where discovery reads and where the Role lives. */}}
{{- define "harbor-exporter.harborNamespace" -}}
{{- default .Release.Namespace .Values.kubernetes.namespace -}}
{{- end -}}

{{/* Harbor chart's full name, as goharbor/harbor-helm computes it from the release name. */}}
{{- define "harbor-exporter.harborFullname" -}}
{{- if .Values.kubernetes.fullname -}}
{{- .Values.kubernetes.fullname -}}
{{- else if contains "harbor" .Values.kubernetes.release -}}
{{- .Values.kubernetes.release | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-harbor" .Values.kubernetes.release | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/*
OTEL_RESOURCE_ATTRIBUTES: the pod's identity from the Downward API variables set before it in the container's env
(Kubernetes expands $(NAME) from earlier entries), then resourceAttributes from values.
*/}}
{{- define "harbor-exporter.resourceAttributes" -}}
{{- $attributes := list
  "k8s.pod.name=$(K8S_POD_NAME)"
  "k8s.pod.uid=$(K8S_POD_UID)"
  "k8s.namespace.name=$(K8S_NAMESPACE_NAME)"
  "k8s.node.name=$(K8S_NODE_NAME)"
  (printf "k8s.deployment.name=%s" (include "harbor-exporter.fullname" .))
  "k8s.container.name=harbor-exporter"
-}}
{{- range $key, $value := .Values.resourceAttributes }}
{{- $attributes = append $attributes (printf "%s=%v" $key $value) }}
{{- end }}
{{- join "," $attributes -}}
{{- end -}}
