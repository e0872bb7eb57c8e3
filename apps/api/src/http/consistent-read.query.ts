import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches } from 'class-validator';

/** Every query accepts the position a command returned, to read its own writes. */
export class ConsistentReadQuery {
  @ApiPropertyOptional({
    description: 'A position returned by a command (X-Commit-Position): wait until the view includes it',
    example: '1234/1234',
  })
  @IsOptional()
  @IsString()
  @Matches(/^\d{1,20}\/\d{1,20}$/, { message: 'position must look like "1234/1234"' })
  position?: string;
}
