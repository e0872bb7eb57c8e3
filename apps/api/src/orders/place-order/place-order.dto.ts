import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { SUBJECT_MAX_LENGTH, SUBJECT_PATTERN, SUBJECT_RULE } from '@shop/auth';
import { MAX_LINE_QUANTITY, MAX_LINES } from '@shop/ordering';

export class OrderLineRequest {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  productId!: string;

  @ApiProperty({ minimum: 1, maximum: MAX_LINE_QUANTITY, example: 2 })
  @IsInt()
  @Min(1)
  @Max(MAX_LINE_QUANTITY)
  quantity!: number;
}

/** Prices are not part of the request: they are taken from the catalog when the order is placed. */
export class PlaceOrderRequest {
  @ApiProperty({ type: [OrderLineRequest], minItems: 1, maxItems: MAX_LINES })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_LINES)
  @ValidateNested({ each: true })
  @Type(() => OrderLineRequest)
  lines!: OrderLineRequest[];

  @ApiPropertyOptional({
    description:
      "Clerks and admins order on behalf of a customer (the customer's token subject); a customer may " +
      'only name themselves',
    maxLength: SUBJECT_MAX_LENGTH,
    example: 'auth0|5f7c8ec7c33c6c004bbafe82',
  })
  @IsOptional()
  @IsString()
  @Matches(SUBJECT_PATTERN, { message: `customerId must be ${SUBJECT_RULE}` })
  customerId?: string;
}
