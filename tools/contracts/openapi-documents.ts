// The OpenAPI document of every service, built from its module graph in Nest's preview mode: the
// controllers and their metadata, no provider instantiated, so no database, broker or configuration.
import 'reflect-metadata';
import type { Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { buildOpenApiDocument, type ServiceDocs } from '../../libs/messaging/src';
import { API_DOCS, ApiModule } from '../../apps/api/src/api.module';
import { NOTIFICATION_SERVICE_DOCS, NotificationServiceModule } from '../../apps/notification-service/src/notification-service.module';
import { SANCTION_SERVICE_DOCS, SanctionServiceModule } from '../../apps/sanction-service/src/sanction-service.module';
import { SCORING_SERVICE_DOCS, ScoringServiceModule } from '../../apps/scoring-service/src/scoring-service.module';

export const OPENAPI_DIR = 'libs/contracts/generated/openapi';

const SERVICES: { name: string; module: Type<unknown>; docs: ServiceDocs }[] = [
  { name: 'api', module: ApiModule, docs: API_DOCS },
  { name: 'scoring-service', module: ScoringServiceModule, docs: SCORING_SERVICE_DOCS },
  { name: 'sanction-service', module: SanctionServiceModule, docs: SANCTION_SERVICE_DOCS },
  { name: 'notification-service', module: NotificationServiceModule, docs: NOTIFICATION_SERVICE_DOCS },
];

/** Path (relative to the repository) → content of each service's document. */
export async function generateOpenApiFiles(): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const service of SERVICES) {
    const app = await NestFactory.create(service.module, { preview: true, logger: false, abortOnError: false });
    files[`${OPENAPI_DIR}/${service.name}.json`] = JSON.stringify(buildOpenApiDocument(app, service.docs), null, 2) + '\n';
    await app.close();
  }
  return files;
}
