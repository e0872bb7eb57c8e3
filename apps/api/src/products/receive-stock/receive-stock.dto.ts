import { ApiProperty } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';
import { MAX_STOCK_QUANTITY } from '@shop/inventory';

export class ReceiveStockRequest {
  @ApiProperty({ example: 25, minimum: 1, maximum: MAX_STOCK_QUANTITY })
  @IsInt()
  @Min(1)
  @Max(MAX_STOCK_QUANTITY)
  quantity!: number;
}
