import { Field, GraphQLISODateTime, ID, Int, ObjectType } from '@nestjs/graphql';
import { PageInfo } from './page-info.type';
import { type ProductView } from '@shop/inventory';

/** A product and its stock levels: the products read model, as GET /v1/products/{id} returns it. */
@ObjectType('Product')
export class ProductType {
  @Field(() => ID) id!: string;
  @Field() sku!: string;
  @Field() name!: string;
  @Field(() => Int, { description: 'Minor units (cents)' }) priceCents!: number;
  @Field() currency!: string;
  @Field(() => Int) onHand!: number;
  @Field(() => Int) reserved!: number;
  @Field(() => Int, { description: 'onHand - reserved' }) available!: number;
  @Field({ description: 'Revision of the product stream: send it back as expectedRevision' })
  revision!: string;
  @Field(() => GraphQLISODateTime) registeredAt!: Date;
  @Field(() => GraphQLISODateTime) updatedAt!: Date;
}

export const toProduct = (view: ProductView): ProductType => ({
  id: view._id,
  sku: view.sku,
  name: view.name,
  priceCents: view.priceCents,
  currency: view.currency,
  onHand: view.onHand,
  reserved: view.reserved,
  available: view.available,
  revision: String(view.revision),
  registeredAt: view.registeredAt,
  updatedAt: view.updatedAt,
});

@ObjectType()
export class ProductEdge {
  @Field(() => ProductType) node!: ProductType;
}

@ObjectType()
export class ProductConnection {
  @Field(() => [ProductEdge]) edges!: ProductEdge[];
  @Field(() => [ProductType]) nodes!: ProductType[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
}
