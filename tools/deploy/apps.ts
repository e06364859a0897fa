/**
 * What the one image can run, and where each entry point lands in dist/ (tsconfig.build.json keeps the
 * source layout). `provision` is the migrations-and-topics job (provision.ts).
 */
export const SERVICE_APPS = ['api', 'scoring-service', 'sanction-service', 'notification-service'] as const;

export const ENTRY_POINTS = {
  api: 'apps/api/src/main.js',
  'scoring-service': 'apps/scoring-service/src/main.js',
  'sanction-service': 'apps/sanction-service/src/main.js',
  'notification-service': 'apps/notification-service/src/main.js',
  'ops-dashboard': 'apps/ops-dashboard/server/main.js',
  provision: 'tools/deploy/provision.js',
} as const;

export type Runnable = keyof typeof ENTRY_POINTS;

export function isRunnable(name: string): name is Runnable {
  return Object.hasOwn(ENTRY_POINTS, name);
}
