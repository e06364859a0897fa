import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { InboxPageDto, NotificationListQuery, NotificationPageDto, NotificationTableQuery } from './notification-list.dto';
import { parseNotificationListRequest, parseNotificationTableRequest } from './notification-list.request';
import { NotificationReads } from './notification-reads';

@ApiTags('notifications')
@ApiParam({ name: 'merchantId', description: 'The merchant id (1-64 characters).' })
@ApiBadRequestResponse({ description: 'RFC 9457 problem details naming each invalid parameter.' })
@Controller('v1/merchants/:merchantId')
export class NotificationsController {
  constructor(private readonly reads: NotificationReads) {}

  @Get('inbox')
  @ApiOperation({ summary: "The merchant's in-app inbox, newest first." })
  @ApiOkResponse({ type: InboxPageDto })
  inbox(@Param('merchantId') merchantId: string, @Query() query: NotificationListQuery): Promise<InboxPageDto> {
    return this.reads.inbox(parseNotificationListRequest(merchantId, query as Record<string, unknown>));
  }

  @Get('notifications')
  @ApiOperation({ summary: 'Every notification of the merchant on every channel, with its delivery status, newest first unless sorted; filtered by channel and status, paged by cursor or offset.' })
  @ApiOkResponse({ type: NotificationPageDto })
  notifications(@Param('merchantId') merchantId: string, @Query() query: NotificationTableQuery): Promise<NotificationPageDto> {
    return this.reads.all(parseNotificationTableRequest(merchantId, query as Record<string, unknown>));
  }
}
