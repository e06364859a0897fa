import { AuditTrail1763857200000 } from './audit-trail.migration';
import { InboxOutbox1763856000000 } from './inbox-outbox.migration';
import { OutboxLanes1764600000000 } from './outbox-lanes.migration';
import { RetentionIndexes1764600100000 } from './retention-indexes.migration';
import { ScheduledTaskCancelGroups1765000000000 } from './scheduled-task-cancel-groups.migration';
import { ScheduledTaskGroupIndex1765100000000 } from './scheduled-task-group-index.migration';
import { ScheduledTaskPrefixIndex1764700000000 } from './scheduled-task-prefix-index.migration';
import { ScheduledTasks1763857000000 } from './scheduled-task.migration';

/** The tables every service schema has, before its own: inbox and outbox, scheduled tasks, audit trail. */
export const PIPELINE_MIGRATIONS = [InboxOutbox1763856000000, ScheduledTasks1763857000000, AuditTrail1763857200000, OutboxLanes1764600000000, RetentionIndexes1764600100000, ScheduledTaskPrefixIndex1764700000000, ScheduledTaskCancelGroups1765000000000, ScheduledTaskGroupIndex1765100000000];
