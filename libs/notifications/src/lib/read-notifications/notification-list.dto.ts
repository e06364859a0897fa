import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { NOTIFICATION_CHANNELS, type NotificationChannel } from '@penalty/domain';
import { MAX_TABLE_OFFSET, SORT_ORDERS, TablePageDto, type SortOrder } from '@penalty/runtime';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;
export const NOTIFICATION_ROW_STATUSES = ['PENDING', 'DELIVERED', 'FAILED'] as const;
export type NotificationRowStatus = (typeof NOTIFICATION_ROW_STATUSES)[number];

/** Query of both list endpoints: a page size and a keyset cursor. */
export class NotificationListQuery {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE, description: 'Page size.' })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be an integer' })
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit?: number;

  @ApiPropertyOptional({
    description:
      'Only notifications older than this: an RFC 3339 date-time, or the notificationId of the last item of the previous page (`nextBefore`).',
    examples: { cursor: { value: '0b9a6c3e-5f1d-4e8a-9c2b-7d4e1f0a6b35' }, time: { value: '2023-06-25T10:00:00+08:00' } },
  })
  @IsOptional()
  @IsString()
  before?: string;
}

export const NOTIFICATION_SORTS = ['createdAt', 'channel', 'template', 'status', 'attempts'] as const;
export type NotificationSort = (typeof NOTIFICATION_SORTS)[number];

/** GET …/notifications: the list's query, plus filters, a whitelisted sort and an offset (the merchant search's parameters). */
export class NotificationTableQuery extends NotificationListQuery {
  @ApiPropertyOptional({ enum: NOTIFICATION_CHANNELS, description: 'Only this channel.' })
  @IsOptional()
  @IsIn(NOTIFICATION_CHANNELS)
  channel?: NotificationChannel;

  @ApiPropertyOptional({ enum: NOTIFICATION_ROW_STATUSES, description: 'Only this delivery status.' })
  @IsOptional()
  @IsIn(NOTIFICATION_ROW_STATUSES)
  status?: NotificationRowStatus;

  @ApiPropertyOptional({ enum: NOTIFICATION_SORTS, default: 'createdAt', description: 'Sort key; ties newest first. `before` pages the default order (createdAt, desc) only.' })
  @IsOptional()
  @IsIn(NOTIFICATION_SORTS)
  sort?: NotificationSort;

  @ApiPropertyOptional({ enum: SORT_ORDERS, description: 'Default: desc for createdAt and attempts, asc for the others.' })
  @IsOptional()
  @IsIn(SORT_ORDERS)
  order?: SortOrder;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: MAX_TABLE_OFFSET, default: 0, description: 'Rows to skip (after `before`, if given).' })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'offset must be an integer' })
  @Min(0)
  @Max(MAX_TABLE_OFFSET)
  offset?: number;
}

export class InboxItemDto {
  @ApiProperty({ format: 'uuid' })
  notificationId: string;

  @ApiProperty({ description: 'Template key, e.g. the decision it tells about.' })
  template: string;

  @ApiProperty()
  title: string;

  @ApiProperty()
  body: string;

  @ApiProperty({ description: 'The id of the CloudEvent (decision) that caused this notification.' })
  causeEventId: string;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;
}

export class InboxPageDto {
  @ApiProperty()
  merchantId: string;

  @ApiProperty({ type: [InboxItemDto], description: 'Newest first.' })
  items: InboxItemDto[];

  @ApiProperty({ type: String, nullable: true, description: 'Pass as `before` to read the next page; null on the last page.' })
  nextBefore: string | null;
}

export class NotificationItemDto {
  @ApiProperty({ format: 'uuid' })
  notificationId: string;

  @ApiProperty({ enum: NOTIFICATION_CHANNELS })
  channel: NotificationChannel;

  @ApiProperty()
  template: string;

  @ApiProperty()
  title: string;

  @ApiProperty()
  causeEventId: string;

  @ApiProperty({ description: 'CloudEvent type of the cause, e.g. sanction.imposed.v1.' })
  causeType: string;

  @ApiProperty({ enum: NOTIFICATION_ROW_STATUSES })
  status: NotificationRowStatus;

  @ApiProperty({ description: 'Delivery attempts made so far.' })
  attempts: number;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When a PENDING notification is tried next.' })
  nextAttemptAt: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'Why the last attempt failed.' })
  lastError: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  deliveredAt: string | null;
}

export class NotificationPageDto extends TablePageDto {
  @ApiProperty()
  merchantId: string;

  @ApiProperty({ type: [NotificationItemDto], description: 'Newest first unless sorted, every channel unless filtered.' })
  items: NotificationItemDto[];

  @ApiProperty({ type: String, nullable: true, description: 'Pass as `before` to read the next page; null on the last page and when sorted otherwise than newest first.' })
  nextBefore: string | null;
}
