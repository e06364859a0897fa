{{/* Names: <release>-<app>, or <release>-penalty-platform-<app> when the release name does not say it. */}}
{{- define "penalty.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "penalty.labels" -}}
app.kubernetes.io/part-of: penalty-platform
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* Selector labels of one app: (dict "root" $ "app" "api") */}}
{{- define "penalty.selectorLabels" -}}
app.kubernetes.io/name: {{ .app }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end -}}

{{- define "penalty.image" -}}
{{- $tag := default .Chart.AppVersion .Values.image.tag -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository $tag -}}
{{- end -}}
{{- end -}}

{{- define "penalty.secretRef" -}}
- name: {{ .name }}
  valueFrom:
    secretKeyRef:
      name: {{ .root.Values.secrets.existingSecret }}
      key: {{ index .root.Values.secrets.keys .name | default .name }}
      {{- if .optional }}
      optional: true
      {{- end }}
{{- end -}}

{{/*
Environment of one app: (dict "root" $ "app" "api"). Every service gets Kafka, the database, the
session secret and the shared settings; the notification service its webhook secret; the api the
bootstrap admin and key; the dashboard only where the services are. The job ("provision") starts all
four services, so it gets what each of them needs.
*/}}
{{- define "penalty.env" -}}
{{- $root := .root -}}
{{- $v := $root.Values -}}
{{- $fullname := include "penalty.fullname" $root -}}
- name: HTTP_PORT
  value: "3000"
{{- if eq .app "ops-dashboard" }}
- name: API_URL
  value: {{ printf "http://%s-api" $fullname | quote }}
- name: SCORING_URL
  value: {{ printf "http://%s-scoring-service" $fullname | quote }}
- name: SANCTION_URL
  value: {{ printf "http://%s-sanction-service" $fullname | quote }}
- name: NOTIFICATION_URL
  value: {{ printf "http://%s-notification-service" $fullname | quote }}
{{- with (index $v.apps "ops-dashboard").prometheusUrl }}
- name: PROMETHEUS_URL
  value: {{ . | quote }}
{{- end }}
{{- else }}
- name: KAFKA_BROKERS
  value: {{ required "kafka.brokers is required (host:port[,host:port…])" $v.kafka.brokers | quote }}
- name: TOPIC_PARTITIONS
  value: {{ $v.kafka.topicPartitions | quote }}
- name: TOPIC_REPLICATION_FACTOR
  value: {{ $v.kafka.topicReplicationFactor | quote }}
- name: TOPIC_MIN_INSYNC_REPLICAS
  value: {{ $v.kafka.topicMinInsyncReplicas | quote }}
{{- include "penalty.kafkaSecurityEnv" $root }}
{{- range $name, $value := $v.config }}
- name: {{ $name }}
  value: {{ $value | quote }}
{{- end }}
{{- range $name, $value := $v.extraEnv }}
- name: {{ $name }}
  value: {{ $value | quote }}
{{- end }}
{{- range $v.extraSecretEnv }}
- name: {{ .name }}
  valueFrom:
    secretKeyRef:
      name: {{ .secretName }}
      key: {{ .key }}
{{- end }}
{{ include "penalty.secretRef" (dict "root" $root "name" "DATABASE_URL") }}
{{ include "penalty.secretRef" (dict "root" $root "name" "AUTH_SESSION_SECRET") }}
{{- if or (eq .app "notification-service") (eq .app "provision") }}
{{ include "penalty.secretRef" (dict "root" $root "name" "WEBHOOK_SIGNING_SECRET") }}
{{- end }}
{{- if or (eq .app "api") (eq .app "provision") }}
{{ include "penalty.secretRef" (dict "root" $root "name" "BOOTSTRAP_ADMIN_USERNAME") }}
{{ include "penalty.secretRef" (dict "root" $root "name" "BOOTSTRAP_ADMIN_PASSWORD") }}
{{ include "penalty.secretRef" (dict "root" $root "name" "BOOTSTRAP_API_KEY" "optional" true) }}
- name: BOOTSTRAP_API_KEY_SCOPES
  value: {{ $v.secrets.bootstrapApiKeyScopes | quote }}
{{- end }}
{{- end }}
{{- end -}}

{{- define "penalty.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .Values.podSecurity.runAsUser }}
runAsGroup: {{ .Values.podSecurity.runAsGroup }}
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "penalty.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: true
runAsUser: {{ .Values.podSecurity.runAsUser }}
runAsGroup: {{ .Values.podSecurity.runAsGroup }}
capabilities:
  drop: ["ALL"]
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/*
Kafka TLS and SASL (README "Configuration"): the switches as values, the CA bundle and the client
certificate as files of the Secret kafka.tls.secretName (mounted read-only, see penalty.kafkaTlsVolume),
the SASL username and password from the credentials Secret like every other credential.
*/}}
{{- define "penalty.kafkaTlsDir" -}}/etc/penalty/kafka-tls{{- end -}}
{{- define "penalty.kafkaSecurityEnv" -}}
{{- $k := .Values.kafka -}}
{{- if $k.tls.enabled }}
- name: KAFKA_SSL
  value: "true"
{{- if $k.tls.secretName }}
{{- if $k.tls.caKey }}
- name: KAFKA_SSL_CA_FILE
  value: {{ printf "%s/%s" (include "penalty.kafkaTlsDir" .) $k.tls.caKey | quote }}
{{- end }}
{{- if or $k.tls.certKey $k.tls.keyKey }}
- name: KAFKA_SSL_CERT_FILE
  value: {{ printf "%s/%s" (include "penalty.kafkaTlsDir" .) (required "kafka.tls.certKey is required with kafka.tls.keyKey" $k.tls.certKey) | quote }}
- name: KAFKA_SSL_KEY_FILE
  value: {{ printf "%s/%s" (include "penalty.kafkaTlsDir" .) (required "kafka.tls.keyKey is required with kafka.tls.certKey" $k.tls.keyKey) | quote }}
{{- end }}
{{- else if or $k.tls.certKey $k.tls.keyKey }}
{{- fail "kafka.tls.secretName is required for a client certificate (kafka.tls.certKey, kafka.tls.keyKey)" }}
{{- end }}
{{- if $k.tls.servername }}
- name: KAFKA_SSL_SERVERNAME
  value: {{ $k.tls.servername | quote }}
{{- end }}
{{- end }}
{{- if $k.sasl.mechanism }}
{{- if not (has $k.sasl.mechanism (list "PLAIN" "SCRAM-SHA-256" "SCRAM-SHA-512")) }}
{{- fail "kafka.sasl.mechanism must be PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512" }}
{{- end }}
- name: KAFKA_SASL_MECHANISM
  value: {{ $k.sasl.mechanism | quote }}
{{ include "penalty.secretRef" (dict "root" . "name" "KAFKA_SASL_USERNAME") }}
{{ include "penalty.secretRef" (dict "root" . "name" "KAFKA_SASL_PASSWORD") }}
{{- end }}
{{- end -}}

{{/* The Secret with the Kafka CA bundle (and client certificate), when there is one: mount and volume. */}}
{{- define "penalty.kafkaTlsMount" -}}
{{- if and .Values.kafka.tls.enabled .Values.kafka.tls.secretName }}
- name: kafka-tls
  mountPath: {{ include "penalty.kafkaTlsDir" . }}
  readOnly: true
{{- end }}
{{- end -}}
{{- define "penalty.kafkaTlsVolume" -}}
{{- if and .Values.kafka.tls.enabled .Values.kafka.tls.secretName }}
- name: kafka-tls
  secret:
    secretName: {{ .Values.kafka.tls.secretName }}
    # The pods run as a non-root user without fsGroup: the files must be readable by it.
    defaultMode: 0444
{{- end }}
{{- end -}}
