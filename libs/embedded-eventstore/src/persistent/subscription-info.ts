import type { SubscriptionInfo } from '@eventstore/db-client/generated/persistent_pb';
import { persistentPb } from '../protocol/generated';
import type { PersistentGroup } from './group';
import { sourceName } from './group-config';

const positionText = (key: number): string => `C:${key}/P:${key}`;

/** GetInfo/List payload, in the string formats the client parses (revisions, or C:x/P:y positions). */
export const subscriptionInfo = (group: PersistentGroup): SubscriptionInfo => {
  const { config } = group;
  const isAll = config.source.kind === 'all';
  const stats = group.stats();
  const info = new persistentPb.SubscriptionInfo();
  info.setEventSource(sourceName(config.source));
  info.setGroupName(config.group);
  info.setStatus('Live');
  info.setConnectionsList(
    group.connections.map((consumer) => {
      const connection = new persistentPb.SubscriptionInfo.ConnectionInfo();
      connection.setFrom(consumer.from);
      connection.setUsername('');
      connection.setTotalItems(String(consumer.delivered));
      connection.setCountSinceLastMeasurement('0');
      connection.setAvailableSlots(consumer.freeSlots);
      connection.setInFlightMessages(consumer.inFlight.size);
      connection.setConnectionName(consumer.connectionName);
      return connection;
    }),
  );
  info.setTotalItems(String(group.totalItems));
  info.setCountSinceLastMeasurement('0');
  const checkpoint = group.lastCheckpoint;
  info.setLastCheckpointedEventPosition(
    checkpoint === null ? '' : isAll ? positionText(checkpoint) : String(checkpoint),
  );
  info.setLastKnownEventPosition(
    stats.lastKnown < 0 ? '' : isAll ? positionText(stats.lastKnown) : String(stats.lastKnown),
  );
  info.setResolveLinkTos(config.resolveLinks);
  const start = config.startFrom;
  info.setStartFrom(
    start === 'start'
      ? isAll
        ? 'C:0/P:0'
        : '0'
      : start === 'end'
        ? isAll
          ? 'C:-1/P:-1'
          : '-1'
        : isAll
          ? positionText(start)
          : String(start),
  );
  info.setMessageTimeoutMilliseconds(config.messageTimeoutMs);
  info.setExtraStatistics(config.extraStatistics);
  info.setMaxRetryCount(config.maxRetryCount);
  info.setLiveBufferSize(config.liveBufferSize);
  info.setBufferSize(config.historyBufferSize);
  info.setReadBatchSize(config.readBatchSize);
  info.setCheckPointAfterMilliseconds(config.checkpointAfterMs);
  info.setMinCheckPointCount(config.minCheckpointCount);
  info.setMaxCheckPointCount(config.maxCheckpointCount);
  info.setReadBufferCount(0);
  info.setLiveBufferCount('0');
  info.setRetryBufferCount(stats.retries);
  info.setTotalInFlightMessages(stats.inFlight);
  info.setOutstandingMessagesCount(stats.inFlight + stats.retries);
  info.setNamedConsumerStrategy(config.consumerStrategy);
  info.setMaxSubscriberCount(config.maxSubscriberCount);
  info.setParkedMessageCount(String(stats.parked));
  return info;
};
