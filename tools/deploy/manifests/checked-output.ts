import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

/** What check-manifests.sh rendered and loaded: the chart's objects and compose's normalized model. */
const repoRoot = path.resolve(__dirname, '../../..');
const dir = path.resolve(repoRoot, process.env.DEPLOY_CHECKS_DIR ?? '.local/deploy-checks');

function file(name: string): string {
  const full = path.join(dir, name);
  if (!existsSync(full)) throw new Error(`${full} is missing: run bash tools/deploy/check-manifests.sh`);
  return readFileSync(full, 'utf8');
}

// The shapes the specs read; kubeconform has already validated the objects against the full schemas.
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: any;
}

export function renderedChart(): KubeObject[] {
  return parseAllDocuments(file('chart.yaml'))
    .map((document) => document.toJS() as KubeObject | null)
    .filter((object): object is KubeObject => object !== null);
}

export interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test?: string[]; disable?: boolean };
  depends_on?: Record<string, { condition: string }>;
  read_only?: boolean;
  ports?: { host_ip?: string; published?: string; target: number }[];
}

export function composeModel(): { services: Record<string, ComposeService> } {
  return JSON.parse(file('compose.json'));
}

export const REPO_ROOT = repoRoot;
