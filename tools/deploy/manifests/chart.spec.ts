import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT, renderedChart, type KubeObject } from './checked-output';

/** What kubeconform and kube-score do not ask of the chart, on its render with ci/production-values.yaml. */
const objects = renderedChart();
const values = parse(readFileSync(path.join(REPO_ROOT, 'k8s/penalty-platform/ci/production-values.yaml'), 'utf8'));
const apps = ['api', 'scoring-service', 'sanction-service', 'notification-service', 'ops-dashboard'];
const ofKind = (kind: string) => objects.filter((o) => o.kind === kind);
const appOf = (o: KubeObject) => o.metadata.labels?.['app.kubernetes.io/name'];
const deployments = ofKind('Deployment');
const job = ofKind('Job')[0];
const podSpecs = [...deployments.map((d) => [appOf(d), d.spec.template.spec] as const), ['provision', job?.spec.template.spec] as const];

describe('the Helm chart, rendered', () => {
  it('has a Deployment, Service, HorizontalPodAutoscaler, PodDisruptionBudget and NetworkPolicy for each of the five apps', () => {
    for (const kind of ['Deployment', 'Service', 'HorizontalPodAutoscaler', 'PodDisruptionBudget']) expect([kind, ofKind(kind).map(appOf).sort()]).toEqual([kind, [...apps].sort()]);
    expect(ofKind('NetworkPolicy').map(appOf).sort()).toEqual([...apps, 'provision'].sort());
    expect(ofKind('HorizontalPodAutoscaler').every((h) => h.spec.metrics[0].resource.name === 'cpu')).toBe(true);
  });

  it('runs every app from the one image, given by value, chosen by its argument', () => {
    const image = `${values.image.repository}@${values.image.digest}`;
    for (const [app, pod] of podSpecs) expect([app, pod.containers[0].image, pod.containers[0].args]).toEqual([app, image, [app]]);
    expect(JSON.stringify(objects)).not.toMatch(/REPLACE/i);
  });

  it('locks every pod down: non-root, RuntimeDefault seccomp, read-only root with an emptyDir /tmp, no capabilities, no API token', () => {
    for (const [app, pod] of podSpecs) {
      const container = pod.containers[0];
      expect([app, pod.securityContext.runAsNonRoot, pod.securityContext.seccompProfile.type, pod.automountServiceAccountToken]).toEqual([app, true, 'RuntimeDefault', false]);
      expect([app, container.securityContext]).toMatchObject([app, { readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } }]);
      // The services and the job also read the Kafka CA bundle from its Secret, read-only.
      const kafkaTls = app === 'ops-dashboard' ? [] : [{ name: 'kafka-tls', mountPath: '/etc/penalty/kafka-tls', readOnly: true }];
      expect([app, container.volumeMounts]).toEqual([app, [{ name: 'tmp', mountPath: '/tmp' }, ...kafkaTls]]);
      expect([app, pod.volumes[0]]).toMatchObject([app, { name: 'tmp', emptyDir: {} }]);
      expect([app, Object.keys(container.resources.requests).sort(), Object.keys(container.resources.limits).sort()]).toEqual([app, ['cpu', 'ephemeral-storage', 'memory'], ['cpu', 'ephemeral-storage', 'memory']]);
    }
  });

  it('probes start, liveness and readiness, and spreads replicas over zones and nodes', () => {
    for (const d of deployments) {
      const container = d.spec.template.spec.containers[0];
      const paths = ['startupProbe', 'livenessProbe', 'readinessProbe'].map((probe) => container[probe]?.httpGet.path);
      expect([appOf(d), paths]).toEqual([appOf(d), appOf(d) === 'ops-dashboard' ? ['/', '/', '/svc/api/health/live'] : ['/health/live', '/health/live', '/health/ready']]);
      expect(d.spec.template.spec.topologySpreadConstraints[0].topologyKey).toBe('topology.kubernetes.io/zone');
      expect(d.spec.template.spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.topologyKey).toBe('kubernetes.io/hostname');
      // The HorizontalPodAutoscaler owns the replica count.
      expect(d.spec.replicas).toBeUndefined();
    }
  });

  it('takes every credential from the existing Secret, the bootstrap admin only where it is created', () => {
    const secretName = 'penalty-platform-credentials';
    for (const [app, pod] of podSpecs) {
      const env: { name: string; value?: string; valueFrom?: { secretKeyRef: { name: string } } }[] = pod.containers[0].env;
      const fromSecret = env.filter((e) => e.valueFrom).map((e) => e.name);
      expect([app, env.filter((e) => e.valueFrom && e.valueFrom.secretKeyRef.name !== secretName)]).toEqual([app, []]);
      expect([app, env.filter((e) => /SECRET|PASSWORD|DATABASE_URL|API_KEY$/.test(e.name) && e.value !== undefined)]).toEqual([app, []]);
      const expected = {
        api: ['DATABASE_URL', 'AUTH_SESSION_SECRET', 'BOOTSTRAP_ADMIN_USERNAME', 'BOOTSTRAP_ADMIN_PASSWORD', 'BOOTSTRAP_API_KEY'],
        'notification-service': ['DATABASE_URL', 'AUTH_SESSION_SECRET', 'WEBHOOK_SIGNING_SECRET'],
        provision: ['DATABASE_URL', 'AUTH_SESSION_SECRET', 'WEBHOOK_SIGNING_SECRET', 'BOOTSTRAP_ADMIN_USERNAME', 'BOOTSTRAP_ADMIN_PASSWORD', 'BOOTSTRAP_API_KEY'],
        'ops-dashboard': [],
      }[app as string] ?? ['DATABASE_URL', 'AUTH_SESSION_SECRET'];
      const kafkaCredentials = app === 'ops-dashboard' ? [] : ['KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD'];
      expect([app, fromSecret.sort()]).toEqual([app, [...expected, ...kafkaCredentials].sort()]);
    }
    const external = ofKind('ExternalSecret')[0];
    expect(external.spec.target.name).toBe(secretName);
    expect(ofKind('Secret')).toEqual([]);
  });

  it('reaches Kafka as the values say: TLS with the CA from its Secret, SASL SCRAM-SHA-512', () => {
    for (const [app, pod] of podSpecs.filter(([app]) => app !== 'ops-dashboard')) {
      const env = Object.fromEntries(pod.containers[0].env.filter((e: { value?: string }) => e.value !== undefined).map((e: { name: string; value: string }) => [e.name, e.value]));
      expect([app, env]).toMatchObject([app, { KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: '/etc/penalty/kafka-tls/ca.crt', KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512' }]);
      expect([app, pod.volumes.find((v: { name: string }) => v.name === 'kafka-tls')?.secret.secretName]).toEqual([app, values.kafka.tls.secretName]);
    }
  });

  it('provisions before the apps roll: a pre-install/pre-upgrade Job running the image with `provision`', () => {
    expect(job.metadata.annotations?.['helm.sh/hook']).toBe('pre-install,pre-upgrade');
    expect(job.spec.template.spec.restartPolicy).toBe('Never');
    const env = Object.fromEntries(job.spec.template.spec.containers[0].env.filter((e: { value?: string }) => e.value !== undefined).map((e: { name: string; value: string }) => [e.name, e.value]));
    expect(env).toMatchObject({ KAFKA_BROKERS: values.kafka.brokers, TOPIC_REPLICATION_FACTOR: '3', TOPIC_MIN_INSYNC_REPLICAS: '2' });
  });

  it('routes the dashboard and the api through one Ingress with TLS', () => {
    const [ingress] = ofKind('Ingress');
    expect(ingress.spec.rules.map((r: { host: string; http: { paths: { backend: { service: { name: string } } }[] } }) => [r.host, r.http.paths[0].backend.service.name]).sort()).toEqual([
      [values.ingress.hosts.api, 'penalty-platform-api'],
      [values.ingress.hosts['ops-dashboard'], 'penalty-platform-ops-dashboard'],
    ]);
    expect(ingress.spec.tls[0].secretName).toBe(values.ingress.tlsSecretName);
  });

  it('lets only the dashboard, Prometheus and (for the apps with a host) the ingress controller in', () => {
    const policy = (app: string) => ofKind('NetworkPolicy').find((p) => appOf(p) === app)!;
    expect(policy('scoring-service').spec.ingress).toHaveLength(1);
    expect(policy('api').spec.ingress).toHaveLength(2);
    expect(policy('ops-dashboard').spec.ingress).toHaveLength(1);
    expect(policy('provision').spec.ingress).toEqual([]);
    for (const p of ofKind('NetworkPolicy')) expect(p.spec.policyTypes).toEqual(['Ingress', 'Egress']);
  });
});
