import { IsIn, IsInt, Min } from 'class-validator';
import {
  NOTIFICATION_CHANNELS,
  NOTIFICATION_STATUSES,
  type NotificationChannel,
  type NotificationStatus,
} from '@penalty/domain';
import { IsEntityId, IsMerchantId, IsNonEmptyString } from '../../validation/identifiers';
import { SchemaDoc } from '../../validation/schema-annotations';

/** `data` of `notification.sent.v1` (topic `notifications.sent.v1`). */
@SchemaDoc({ description: 'The outcome of notifying a merchant.' })
export class NotificationSentV1 {
  @IsEntityId()
  notificationId: string;

  @IsMerchantId()
  merchantId: string;

  @IsIn(NOTIFICATION_CHANNELS)
  channel: NotificationChannel;

  @IsNonEmptyString()
  template: string;

  @IsNonEmptyString()
  @SchemaDoc({ description: 'The id of the CloudEvent that caused this notification.' })
  causeEventId: string;

  @IsIn(NOTIFICATION_STATUSES)
  status: NotificationStatus;

  @IsInt()
  @Min(0)
  attempts: number;
}
