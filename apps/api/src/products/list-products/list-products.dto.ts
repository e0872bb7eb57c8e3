import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { MAX_PRICE_CENTS } from '@shop/inventory';
import { PageQuery } from '../../http/page.query';

export const PRODUCT_SORTS = ['relevance', 'name', 'price', 'newest'] as const;
export type ProductSort = (typeof PRODUCT_SORTS)[number];

export class ListProductsRequest extends PageQuery {
  @ApiPropertyOptional({
    description:
      'Full-text search over name and SKU (a MongoDB text index): words are matched after English stemming ' +
      '("shoes" finds "shoe"), case and diacritics are ignored, stop words skipped; any word may match and ' +
      'name matches rank higher. "a quoted phrase" must appear as written; -word excludes products containing ' +
      'it (e.g. running shoes -trail). Results are ranked by relevance unless another sort is given.',
    maxLength: 100,
  })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  q?: string;

  @ApiPropertyOptional({ description: 'Case-insensitive prefix of the product name', maxLength: 100 })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  namePrefix?: string;

  @ApiPropertyOptional({ minimum: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(MAX_PRICE_CENTS)
  minPriceCents?: number;

  @ApiPropertyOptional({ minimum: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(MAX_PRICE_CENTS)
  maxPriceCents?: number;

  @ApiPropertyOptional({
    enum: PRODUCT_SORTS,
    description: "Default: 'relevance' when q is given (best text match first), else 'name'",
  })
  @IsOptional()
  @IsIn(PRODUCT_SORTS)
  sort?: ProductSort;
}
