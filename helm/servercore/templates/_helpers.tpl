{{/*
The chart name, or nameOverride.
*/}}
{{- define "servercore.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
The resource name: fullnameOverride, or the release name (with the chart name unless the release name holds it).
Kept at 52 characters so that "-management" still fits in 63.
*/}}
{{- define "servercore.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 52 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 52 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 52 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Chart name and version, for the helm.sh/chart label.
*/}}
{{- define "servercore.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Labels on every object.
*/}}
{{- define "servercore.labels" -}}
helm.sh/chart: {{ include "servercore.chart" . }}
{{ include "servercore.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/*
Labels that select the pods.
*/}}
{{- define "servercore.selectorLabels" -}}
app.kubernetes.io/name: {{ include "servercore.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
The ServiceAccount the pods run as.
*/}}
{{- define "servercore.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "servercore.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
The container image: repository and tag, the tag defaulting to the appVersion (the Maven project version).
*/}}
{{- define "servercore.image" -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion | toString) }}
{{- end }}

{{/*
Seconds the shutdown of the application may take after SIGTERM: the drain plus the margin. Spring's shutdown
phase timeout is set to it.
*/}}
{{- define "servercore.shutdownPhaseSeconds" -}}
{{- $drain := int .Values.shutdown.drainTimeoutSeconds }}
{{- $margin := int .Values.shutdown.marginSeconds }}
{{- if lt $drain 0 }}
{{- fail (printf "shutdown.drainTimeoutSeconds must not be negative, was %d" $drain) }}
{{- end }}
{{- if lt $margin 1 }}
{{- fail (printf "shutdown.marginSeconds must be at least 1, was %d" $margin) }}
{{- end }}
{{- add $drain $margin }}
{{- end }}

{{/*
terminationGracePeriodSeconds: the kubelet kills the container this long after termination starts, preStop
included. It must cover the preStop pause, the drain and the margin, or a kill in mid-drain drops messages:
computed when empty, checked when set.
*/}}
{{- define "servercore.terminationGracePeriodSeconds" -}}
{{- $preStop := int .Values.shutdown.preStopSeconds }}
{{- if lt $preStop 0 }}
{{- fail (printf "shutdown.preStopSeconds must not be negative, was %d" $preStop) }}
{{- end }}
{{- $needed := add $preStop (include "servercore.shutdownPhaseSeconds" . | int) }}
{{- $set := .Values.terminationGracePeriodSeconds }}
{{- if or (kindIs "invalid" $set) (eq (toString $set) "") }}
{{- $needed }}
{{- else if lt (int $set) $needed }}
{{- fail (printf "terminationGracePeriodSeconds (%d) must be at least shutdown.preStopSeconds + shutdown.drainTimeoutSeconds + shutdown.marginSeconds (%d + %d + %d = %d): a kill in mid-drain drops messages" (int $set) $preStop (int .Values.shutdown.drainTimeoutSeconds) (int .Values.shutdown.marginSeconds) $needed) }}
{{- else }}
{{- int $set }}
{{- end }}
{{- end }}

{{/*
The application.yaml of the ConfigMap: .Values.config, plus the keys the chart derives from ports.* and
shutdown.* (refused in config, like the ports and paths the probes depend on, so that probes, Services and the
grace period always match what runs).
*/}}
{{- define "servercore.applicationYaml" -}}
{{- $config := deepCopy (.Values.config | default dict) }}
{{- $instead := dict
  "server.port" "set ports.management"
  "servercore.port" "set ports.tcp"
  "servercore.shutdown.drain-timeout" "set shutdown.drainTimeoutSeconds"
  "spring.lifecycle.timeout-per-shutdown-phase" "set shutdown.drainTimeoutSeconds and shutdown.marginSeconds"
  "management.server.port" "set ports.management (probes and metrics use it)"
  "management.endpoints.web.base-path" "the probes and the ServiceMonitor use /actuator"
}}
{{- range $path := keys $instead | sortAlpha }}
{{- $keys := splitList "." $path }}
{{- $found := $config }}
{{- range $keys }}
{{- if kindIs "map" $found }}
{{- $found = get $found . }}
{{- else }}
{{- $found = "" }}
{{- end }}
{{- end }}
{{- if not (eq (toString $found) "") }}
{{- fail (printf "config.%s is managed by the chart: %s" $path (get $instead $path)) }}
{{- end }}
{{- end }}
{{- $managed := dict
  "server" (dict "port" (int .Values.ports.management))
  "servercore" (dict "port" (int .Values.ports.tcp) "shutdown" (dict "drain-timeout" (printf "%ds" (int .Values.shutdown.drainTimeoutSeconds))))
  "spring" (dict "lifecycle" (dict "timeout-per-shutdown-phase" (printf "%ss" (include "servercore.shutdownPhaseSeconds" .))))
}}
{{- mustMergeOverwrite $config $managed | toYaml }}
{{- end }}

{{/*
The Actuator probe paths: Spring Boot's liveness and readiness health groups.
*/}}
{{- define "servercore.livenessPath" -}}
/actuator/health/liveness
{{- end }}
{{- define "servercore.readinessPath" -}}
/actuator/health/readiness
{{- end }}
{{- define "servercore.prometheusPath" -}}
/actuator/prometheus
{{- end }}

{{/*
Environment of a cluster node: on, its node id from the pod name, and the Redis connection (a URL, or host, port
and password from an existing Secret).
*/}}
{{- define "servercore.clusterEnv" -}}
- name: SERVERCORE_CLUSTER_ENABLED
  value: "true"
- name: POD_NAME
  valueFrom:
    fieldRef:
      fieldPath: metadata.name
- name: SERVERCORE_CLUSTER_NODE_ID
  value: "$(POD_NAME)"
{{- with .Values.cluster.redis }}
{{- if .existingSecret }}
- name: SPRING_DATA_REDIS_HOST
  valueFrom:
    secretKeyRef:
      name: {{ .existingSecret }}
      key: {{ .hostKey }}
- name: SPRING_DATA_REDIS_PORT
  valueFrom:
    secretKeyRef:
      name: {{ .existingSecret }}
      key: {{ .portKey }}
- name: SPRING_DATA_REDIS_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ .existingSecret }}
      key: {{ .passwordKey }}
      optional: true
{{- else if .url }}
- name: SPRING_DATA_REDIS_URL
  value: {{ .url | quote }}
{{- else }}
{{- fail "cluster.enabled needs cluster.redis.url or cluster.redis.existingSecret" }}
{{- end }}
{{- end }}
{{- end }}
