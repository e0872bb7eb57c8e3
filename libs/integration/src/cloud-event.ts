import { context, propagation } from '@opentelemetry/api';
import { type StoredEvent } from '@shop/event-sourcing';
import { type OutgoingMessage } from './amqp-publisher';
import { type IntegrationEvent } from './contracts';

/** The CloudEvents attributes a message carries, as AMQP headers `cloudEvents:<name>` (binary content mode). */
export interface CloudEventAttributes {
  readonly specversion: '1.0';
  readonly id: string;
  readonly source: string;
  readonly type: string;
  readonly time: string;
  readonly subject: string;
  readonly datacontenttype: 'application/json';
  readonly traceparent?: string;
}

const HEADER_PREFIX = 'cloudEvents:';

/**
 * One integration event as an AMQP message in the CloudEvents AMQP binding's binary mode: the data is the
 * body, `datacontenttype` the content type, the other attributes headers prefixed `cloudEvents:`. The id is
 * the source event's id, so a message published again after a crash has the same id (consumers deduplicate
 * by it). `traceparent` continues the trace of the processing span (else the one stored with the event).
 */
export const toAmqpMessage = (
  event: IntegrationEvent,
  stored: StoredEvent,
  source: string,
): OutgoingMessage => {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  const traceparent = carrier.traceparent ?? stored.metadata.traceparent;
  const attributes: CloudEventAttributes = {
    specversion: '1.0',
    id: stored.metadata.eventId,
    source,
    type: event.type,
    time: stored.metadata.occurredAt,
    subject: event.subject,
    datacontenttype: 'application/json',
    ...(traceparent ? { traceparent } : {}),
  };
  const { datacontenttype, ...headerAttributes } = attributes;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(headerAttributes)) headers[HEADER_PREFIX + name] = value;
  if (traceparent) headers.traceparent = traceparent;
  return {
    routingKey: event.type,
    content: Buffer.from(JSON.stringify(event.data)),
    properties: {
      messageId: attributes.id,
      type: event.type,
      appId: source,
      contentType: datacontenttype,
      timestamp: Math.floor(Date.parse(attributes.time) / 1000),
      correlationId: stored.metadata.correlationId,
      headers,
    },
  };
};
