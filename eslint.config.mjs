// Lint: TypeScript rules plus Nx module boundaries, so the dependency rules of the architecture are
// enforced rather than hoped for (docs/architecture.md explains the layers).
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

const frameworkPackages = ['@nestjs/*', 'typeorm', 'kafkajs', 'pg', 'class-validator', 'class-transformer', 'express'];

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
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            // The rulebook is plain TypeScript: no framework, no I/O.
            { sourceTag: 'type:domain', onlyDependOnLibsWithTags: ['type:domain'], bannedExternalImports: frameworkPackages },
            { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: ['type:domain', 'type:contracts'] },
            { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:domain', 'type:util'] },
            { sourceTag: 'type:data-access', onlyDependOnLibsWithTags: ['type:domain', 'type:util', 'type:data-access'] },
            { sourceTag: 'type:messaging', onlyDependOnLibsWithTags: ['type:domain', 'type:contracts', 'type:util', 'type:data-access', 'type:messaging'] },
            // Feature code several services share (e.g. appeals): features use it, it uses no feature.
            { sourceTag: 'type:shared-feature', onlyDependOnLibsWithTags: ['type:domain', 'type:contracts', 'type:util', 'type:data-access', 'type:messaging'] },
            { sourceTag: 'type:feature', onlyDependOnLibsWithTags: ['type:domain', 'type:contracts', 'type:util', 'type:data-access', 'type:messaging', 'type:shared-feature'] },
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:feature', 'type:shared-feature', 'type:domain', 'type:contracts', 'type:util', 'type:data-access', 'type:messaging'] },
            { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:domain', 'type:contracts', 'type:util'] },
            { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:testing', 'type:contracts', 'type:domain', 'type:util', 'type:messaging', 'type:data-access'] },
            // A service's feature code never reaches into another service's.
            { sourceTag: 'scope:scoring', notDependOnLibsWithTags: ['scope:sanction', 'scope:notification', 'scope:api'] },
            { sourceTag: 'scope:sanction', notDependOnLibsWithTags: ['scope:scoring', 'scope:notification', 'scope:api'] },
            { sourceTag: 'scope:notification', notDependOnLibsWithTags: ['scope:scoring', 'scope:sanction', 'scope:api'] },
            { sourceTag: 'scope:api', notDependOnLibsWithTags: ['scope:scoring', 'scope:sanction', 'scope:notification'] },
          ],
        },
      ],
    },
  },
);
