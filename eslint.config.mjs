// Lint: TypeScript rules plus Nx module boundaries, so the dependency rules of the architecture are
// enforced rather than hoped for (docs/architecture.md explains the layers).
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

const frameworkPackages = ['@nestjs/*', 'typeorm', 'kafkajs', 'pg', 'class-validator', 'class-transformer', 'express'];

/** The dependency rules; `testDeps` are the extra tags that test files of any project may use. */
function boundaries(testDeps) {
  const only = (sourceTag, tags, more = {}) => ({ sourceTag, onlyDependOnLibsWithTags: [...tags, ...testDeps], ...more });
  return {
    enforceBuildableLibDependency: false,
    allow: [],
    depConstraints: [
      // The rulebook is plain TypeScript: no framework, no I/O.
      only('type:domain', ['type:domain'], { bannedExternalImports: frameworkPackages }),
      only('type:contracts', ['type:domain', 'type:contracts']),
      only('type:util', ['type:domain', 'type:util']),
      only('type:data-access', ['type:domain', 'type:util', 'type:data-access']),
      only('type:messaging', ['type:domain', 'type:contracts', 'type:util', 'type:data-access', 'type:messaging']),
      // Feature code several services share (e.g. appeals): features use it, it uses no feature.
      only('type:shared-feature', ['type:domain', 'type:contracts', 'type:util', 'type:data-access', 'type:messaging']),
      // The SDK (an npm package for platform and merchants' systems): the contract code, nothing of the services.
      only('type:sdk', ['type:domain', 'type:contracts', 'type:sdk'], { bannedExternalImports: ['@nestjs/*', 'typeorm', 'pg', 'express'] }),
      only('type:feature', ['type:domain', 'type:contracts', 'type:util', 'type:data-access', 'type:messaging', 'type:shared-feature']),
      only('type:app', ['type:feature', 'type:shared-feature', 'type:domain', 'type:contracts', 'type:util', 'type:data-access', 'type:messaging']),
      // Test harnesses build real inboxes and outboxes, so they may use messaging and persistence.
      only('type:testing', ['type:domain', 'type:contracts', 'type:util', 'type:data-access', 'type:messaging']),
      only('type:e2e', ['type:testing', 'type:sdk', 'type:contracts', 'type:domain', 'type:util', 'type:messaging', 'type:data-access']),
      // A service's feature code never reaches into another service's.
      { sourceTag: 'scope:scoring', notDependOnLibsWithTags: ['scope:sanction', 'scope:notification', 'scope:api'] },
      { sourceTag: 'scope:sanction', notDependOnLibsWithTags: ['scope:scoring', 'scope:notification', 'scope:api'] },
      { sourceTag: 'scope:notification', notDependOnLibsWithTags: ['scope:scoring', 'scope:sanction', 'scope:api'] },
      { sourceTag: 'scope:api', notDependOnLibsWithTags: ['scope:scoring', 'scope:sanction', 'scope:notification'] },
    ],
  };
}

export default tseslint.config(
  { ignores: ['**/node_modules', '**/dist', '**/generated', 'tmp', '.nx', '**/*.js', '**/*.mjs'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@nx/enforce-module-boundaries': ['error', boundaries([])],
    },
  },
  {
    // Behaviour tests beside the code use the real-infrastructure harness and object mothers.
    files: ['**/*.spec.ts', '**/*.e2e-spec.ts'],
    rules: { '@nx/enforce-module-boundaries': ['error', boundaries(['type:testing'])] },
  },
  {
    // Every kafkajs client comes from createKafkaClient, so TLS and SASL settings reach all of them.
    files: ['**/*.ts'],
    // The SDK runs in other companies' systems: it takes their own TLS/SASL settings, not the platform's environment.
    ignores: ['libs/messaging/src/lib/kafka-connection.ts', 'libs/sdk/src/lib/sdk-kafka-client.ts'],
    rules: {
      'no-restricted-syntax': ['error', { selector: "NewExpression[callee.name='Kafka']", message: 'make kafkajs clients with createKafkaClient (@penalty/messaging): it applies the TLS/SASL settings' }],
    },
  },
);
