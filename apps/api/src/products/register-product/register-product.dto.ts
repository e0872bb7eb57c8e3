import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { MAX_NAME_LENGTH, MAX_PRICE_CENTS } from '@shop/inventory';

export class RegisterProductRequest {
  @ApiProperty({ example: 'MUG-001', description: 'Unique (case-insensitively) stock keeping unit' })
  @IsString()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, {
    message: 'sku must be 1-64 letters, digits, dots, dashes or underscores',
  })
  sku!: string;

  @ApiProperty({ example: 'Enamel mug', maxLength: MAX_NAME_LENGTH })
  @IsString()
  @MinLength(1)
  @MaxLength(MAX_NAME_LENGTH)
  name!: string;

  @ApiProperty({ example: 1299, description: 'Unit price in minor units (cents) of the shop currency' })
  @IsInt()
  @Min(0)
  @Max(MAX_PRICE_CENTS)
  priceCents!: number;
}
