import { UseGuards } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { Args, ArgsType, Field, InputType, Int, Query, Resolver } from '@nestjs/graphql';
import { SkipRateLimits } from '@shop/http';
import { NotFoundError } from '@shop/event-sourcing';
import { productsProjection } from '@shop/inventory';
import { ReadConsistency } from '../../http/read-consistency';
import { GetProductQuery } from '../../products/get-product/get-product.query';
import { ListProductsQuery } from '../../products/list-products/list-products.query';
import { type ProductSort, PRODUCT_SORTS } from '../../products/list-products/list-products.dto';
import { GraphqlAuthGuard } from '../graphql-auth.guard';
import { pageInfo } from '../types/page-info.type';
import { ProductConnection, ProductType, toProduct } from '../types/product.type';
import { ByIdArgs, PageArgs } from './read-args';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { Type } from 'class-transformer';
import { MAX_PRICE_CENTS } from '@shop/inventory';
import { registerEnumType } from '@nestjs/graphql';

export enum ProductSortOrder {
  relevance = 'relevance',
  name = 'name',
  price = 'price',
  newest = 'newest',
}
registerEnumType(ProductSortOrder, {
  name: 'ProductSort',
  description: 'Default: relevance when filter.q is given (best text match first), else name',
});

/** GET /v1/products' filters, with its validation. */
@InputType()
export class ProductFilter {
  @Field(() => String, {
    nullable: true,
    description: 'Full-text search over name and SKU (stemmed; "a phrase"; -word excludes)',
  })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  q?: string;

  @Field(() => String, { nullable: true, description: 'Case-insensitive prefix of the product name' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  namePrefix?: string;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_PRICE_CENTS)
  minPriceCents?: number;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_PRICE_CENTS)
  maxPriceCents?: number;
}

@ArgsType()
export class ProductsArgs extends PageArgs {
  @Field(() => ProductFilter, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => ProductFilter)
  filter?: ProductFilter;

  @Field(() => ProductSortOrder, { nullable: true })
  @IsOptional()
  @IsIn(PRODUCT_SORTS)
  sort?: ProductSort;
}

/** The catalog: the same queries (QueryBus) and read-your-writes as GET /v1/products. */
@Resolver(() => ProductType)
@UseGuards(GraphqlAuthGuard)
@SkipRateLimits()
export class ProductsResolver {
  constructor(
    private readonly queries: QueryBus,
    private readonly consistency: ReadConsistency,
  ) {}

  @Query(() => ProductType, { nullable: true, description: 'A product with its stock levels' })
  async product(@Args() { id, position }: ByIdArgs): Promise<ProductType> {
    await this.consistency.atLeast(productsProjection.name, position);
    const view = await this.queries.execute(new GetProductQuery(id));
    if (!view)
      throw new NotFoundError('product_not_found', `Product ${id} does not exist`, { productId: id });
    return toProduct(view);
  }

  @Query(() => ProductConnection, { description: 'List or search products (cursor pagination as REST)' })
  async products(@Args() args: ProductsArgs): Promise<ProductConnection> {
    await this.consistency.atLeast(productsProjection.name, args.position);
    const filter = args.filter ?? {};
    const page = await this.queries.execute(
      new ListProductsQuery(
        {
          ...(filter.q ? { search: filter.q } : {}),
          ...(filter.namePrefix ? { namePrefix: filter.namePrefix } : {}),
          ...(filter.minPriceCents != null ? { minPriceCents: filter.minPriceCents } : {}),
          ...(filter.maxPriceCents != null ? { maxPriceCents: filter.maxPriceCents } : {}),
        },
        args.sort ?? (filter.q ? 'relevance' : 'name'),
        args.first ?? 20,
        args.after ?? undefined,
      ),
    );
    const nodes = page.items.map(toProduct);
    return { nodes, edges: nodes.map((node) => ({ node })), pageInfo: pageInfo(page.nextCursor) };
  }
}
