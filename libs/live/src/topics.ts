import { PRODUCT_TOPIC, STOCK_TOPIC } from '@shop/inventory';
import { ORDER_TOPIC } from '@shop/ordering';
import { REPORT_READY_TOPIC, REPORT_TOPIC } from '@shop/reporting';
import { type LiveMessage } from './live-message';

/** What a subscriber can follow. Authorisation is the caller's job (see LiveConnection.subscribe). */
export type LiveTopic =
  | { readonly name: 'orderUpdated'; readonly orderId: string }
  | { readonly name: 'myOrdersUpdated'; readonly customerId: string }
  | { readonly name: 'reportUpdated'; readonly reportId: string }
  | { readonly name: 'reportReady'; readonly reportId: string }
  | { readonly name: 'productUpdated'; readonly productId: string }
  | { readonly name: 'stockChanged'; readonly productId: string }
  | { readonly name: 'projectionStatus' }
  | { readonly name: 'allChanges' };

export type LiveTopicName = LiveTopic['name'];

export const LiveTopics = {
  /** Every change of one order (its status, its payment). */
  orderUpdated: (orderId: string): LiveTopic => ({ name: 'orderUpdated', orderId }),
  /** Every change of any order of one customer. */
  myOrdersUpdated: (customerId: string): LiveTopic => ({ name: 'myOrdersUpdated', customerId }),
  reportUpdated: (reportId: string): LiveTopic => ({ name: 'reportUpdated', reportId }),
  /** A report finished (ready or failed). */
  reportReady: (reportId: string): LiveTopic => ({ name: 'reportReady', reportId }),
  productUpdated: (productId: string): LiveTopic => ({ name: 'productUpdated', productId }),
  /** A product's stock levels moved (received, reserved, released, committed). */
  stockChanged: (productId: string): LiveTopic => ({ name: 'stockChanged', productId }),
  /** Any projection's or processor's status (state, checkpoint, lag): for operators. */
  projectionStatus: (): LiveTopic => ({ name: 'projectionStatus' }),
  /** Every change of every view, whoever owns it: for operators only. */
  allChanges: (): LiveTopic => ({ name: 'allChanges' }),
} as const;

const PROJECTIONS_KEY = 'projections';
const ALL_CHANGES_KEY = '*';

/** The key a topic's subscribers are indexed under; a message reaches the keys {@link routingKeysOf} gives. */
export const routingKey = (topic: LiveTopic): string => {
  switch (topic.name) {
    case 'orderUpdated':
      return `${ORDER_TOPIC}:${topic.orderId}`;
    case 'myOrdersUpdated':
      return `${ORDER_TOPIC}@${topic.customerId}`;
    case 'reportUpdated':
      return `${REPORT_TOPIC}:${topic.reportId}`;
    case 'reportReady':
      return `${REPORT_READY_TOPIC}:${topic.reportId}`;
    case 'productUpdated':
      return `${PRODUCT_TOPIC}:${topic.productId}`;
    case 'stockChanged':
      return `${STOCK_TOPIC}:${topic.productId}`;
    case 'projectionStatus':
      return PROJECTIONS_KEY;
    case 'allChanges':
      return ALL_CHANGES_KEY;
  }
};

export const routingKeysOf = (message: LiveMessage): string[] =>
  message.type === 'projectionStatus'
    ? [PROJECTIONS_KEY]
    : message.ownerId === undefined
      ? [ALL_CHANGES_KEY, `${message.topic}:${message.id}`]
      : [ALL_CHANGES_KEY, `${message.topic}:${message.id}`, `${message.topic}@${message.ownerId}`];
