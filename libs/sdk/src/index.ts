// @penalty/sdk: what platform systems and merchants' systems need to talk to the penalty platform.
// Contract code (payload classes, validators, topic names) is that of @penalty/contracts, reused.
export * from './lib/sdk.errors';
export * from './lib/producers/producer-events';
export * from './lib/producers/kafka-event-producer';
export * from './lib/http/retrying-fetch';
export * from './lib/http/penalty-http-client';
export * from './lib/subscribers/decision-events';
export * from './lib/subscribers/decision-subscriber';
export { readWebhook, WebhookSignatureError } from './lib/webhooks/webhook-signature-verifier';
export {
  verifyWebhook,
  verifyWebhookSignature,
  WEBHOOK_SIGNATURE_HEADER,
  WEBHOOK_DELIVERY_ID_HEADER,
  WEBHOOK_SIGNATURE_TOLERANCE_SECONDS,
  type WebhookVerification,
  type WebhookVerificationFailure,
  type VerifyWebhookInput,
} from '@penalty/contracts';
export {
  Topics,
  EventTypes,
  MAX_MESSAGE_BYTES,
  CLOUDEVENTS_CONTENT_TYPE,
  deadLetterTopicOf,
  type CloudEvent,
  type EventType,
  type EventDataOf,
  type TopicName,
  type FieldViolation,
  type ParseFailureReason,
} from '@penalty/contracts';
export type { paths as ApiOperations } from './generated/api';
export type { paths as ScoringServicePaths } from './generated/scoring-service';
export type { paths as SanctionServicePaths } from './generated/sanction-service';
export type { paths as NotificationServicePaths } from './generated/notification-service';
