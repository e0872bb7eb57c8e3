import { MutationsResolver } from './mutations.resolver';
import { OperatorsResolver } from './operators.resolver';
import { OrderEventsResolver, OrderLineResolver, OrdersResolver } from './orders.resolver';
import { ProductsResolver } from './products.resolver';
import { ReportsResolver } from './reports.resolver';
import { SubscriptionsResolver } from './subscriptions.resolver';

/** Every resolver of the GraphQL API: the schema is generated from these (code first). */
export const GRAPHQL_RESOLVERS = [
  ProductsResolver,
  OrdersResolver,
  OrderLineResolver,
  OrderEventsResolver,
  ReportsResolver,
  OperatorsResolver,
  MutationsResolver,
  SubscriptionsResolver,
];
