import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';
import { MAX_CANCEL_REASON_LENGTH } from '@shop/ordering';

export class CancelOrderRequest {
  @ApiProperty({ example: 'changed my mind', maxLength: MAX_CANCEL_REASON_LENGTH })
  @IsString()
  @MinLength(1)
  @MaxLength(MAX_CANCEL_REASON_LENGTH)
  reason!: string;
}
