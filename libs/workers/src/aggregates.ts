import { checkoutDecider, CHECKOUT_STREAM_CATEGORY } from '@shop/checkout';
import { type Command, type Decider, type DomainEvent } from '@shop/event-sourcing';
import { PRODUCT_STREAM_CATEGORY, productDecider } from '@shop/inventory';
import { ORDER_STREAM_CATEGORY, orderDecider } from '@shop/ordering';
import { PAYMENT_STREAM_CATEGORY, paymentDecider } from '@shop/payments';
import { REPORT_STREAM_CATEGORY, reportDecider } from '@shop/reporting';

type AnyDecider = Decider<unknown, Command, DomainEvent>;

/** Every aggregate of the shop by stream category, for inspection (state at a revision, diffs). */
export const AGGREGATES: Readonly<Record<string, AnyDecider>> = {
  [PRODUCT_STREAM_CATEGORY]: productDecider,
  [ORDER_STREAM_CATEGORY]: orderDecider,
  [PAYMENT_STREAM_CATEGORY]: paymentDecider,
  [CHECKOUT_STREAM_CATEGORY]: checkoutDecider,
  [REPORT_STREAM_CATEGORY]: reportDecider,
};

/** The decider that folds `streamName` (`<category>-<id>`), or undefined for streams that are not aggregates. */
export const deciderForStream = (streamName: string): AnyDecider | undefined => {
  const dash = streamName.indexOf('-');
  return dash > 0 ? AGGREGATES[streamName.slice(0, dash)] : undefined;
};
