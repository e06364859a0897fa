import { composeModel } from './checked-output';

/** What compose's loader (schema and interpolation) does not ask of docker-compose.yml. */
const { services } = composeModel();
const apps = ['api', 'scoring-service', 'sanction-service', 'notification-service', 'ops-dashboard'];

describe('docker-compose.yml, as compose loads it', () => {
  it('runs the five apps and the provisioning job from the image built from the Dockerfile, plus Kafka and PostgreSQL', () => {
    expect(Object.keys(services).sort()).toEqual([...apps, 'provision', 'kafka', 'postgres'].sort());
    for (const app of [...apps, 'provision']) {
      expect([app, services[app].build?.dockerfile, services[app].image, services[app].command, services[app].read_only]).toEqual([app, 'Dockerfile', 'penalty-platform:local', [app], true]);
    }
  });

  it('gives every long-running service a healthcheck, and every dependency a condition on a service that exists', () => {
    for (const [name, service] of Object.entries(services)) {
      if (name !== 'provision') expect([name, (service.healthcheck?.test?.length ?? 0) > 0]).toEqual([name, true]);
      for (const [target, { condition }] of Object.entries(service.depends_on ?? {})) {
        expect([name, target, target in services]).toEqual([name, target, true]);
        expect([name, target, condition]).toEqual([name, target, target === 'provision' ? 'service_completed_successfully' : 'service_healthy']);
      }
    }
    for (const service of ['api', 'scoring-service', 'sanction-service', 'notification-service']) expect(Object.keys(services[service].depends_on ?? {}).sort()).toEqual(['kafka', 'postgres', 'provision']);
  });

  it('bootstraps an admin and an API key of the form the api accepts, with the session secret long enough', () => {
    const env = services.provision.environment!;
    expect(env.BOOTSTRAP_ADMIN_USERNAME).toBeTruthy();
    expect(env.BOOTSTRAP_ADMIN_PASSWORD).toBeTruthy();
    expect(env.BOOTSTRAP_API_KEY).toMatch(/^pk_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    expect(env.AUTH_SESSION_SECRET.length).toBeGreaterThanOrEqual(32);
    expect(services.api.environment).toMatchObject({ BOOTSTRAP_API_KEY: env.BOOTSTRAP_API_KEY, AUTH_SESSION_SECRET: env.AUTH_SESSION_SECRET });
  });

  it('publishes every port on 127.0.0.1 only', () => {
    const published = Object.values(services).flatMap((s) => s.ports ?? []);
    expect(published.length).toBeGreaterThanOrEqual(7);
    expect(published.filter((p) => p.host_ip !== '127.0.0.1')).toEqual([]);
  });
});
