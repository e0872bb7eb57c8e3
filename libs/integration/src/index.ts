/**
 * Integration events: the shop's public, versioned contract (`shop.*.v1`, JSON Schemas in `schemas/`),
 * published to RabbitMQ as CloudEvents by a checkpointed processor, the event store being the outbox.
 */
export {
  AmqpPublisher,
  type AmqpPublisherHooks,
  type AmqpPublisherSettings,
  type BrokerState,
  BrokerUnavailableError,
  type OutgoingMessage,
} from './amqp-publisher';
export { type CloudEventAttributes, toAmqpMessage } from './cloud-event';
export {
  INTEGRATION_EVENT_TYPES,
  type IntegrationEvent,
  type IntegrationEventType,
  orderOrReportIntegrationEvent,
  SOURCE_EVENT_TYPES,
} from './contracts';
export {
  INTEGRATION_PUBLISHER_NAME,
  integrationPublisherProcessor,
  type IntegrationPublisherOptions,
} from './integration-publisher.processor';
export {
  AmqpConsumer,
  type AmqpConsumerSettings,
  type DeadLetter,
  PermanentFailure,
} from './inbound/amqp-consumer';
export { type InboundContract, inboundContract, type InboundMessage } from './inbound/inbound-contract';
export { Inbox, INBOX_COLLECTION } from './inbound/inbox';
export { chargeSettled } from './inbound/charge-settled';
export { shipmentDispatched } from './inbound/shipment-dispatched';
export {
  INBOUND_CONSUMER,
  INTEGRATION_HOOKS,
  INTEGRATION_PROCESSORS,
  type IntegrationHooks,
  IntegrationModule,
} from './integration.module';
export { StockLevels } from './stock-levels';
