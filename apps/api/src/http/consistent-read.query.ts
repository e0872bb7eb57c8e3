import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches } from 'class-validator';

/** Every query accepts the position a command returned, to read its own writes. */
export class ConsistentReadQuery {
  @ApiPropertyOptional({
    // No example: Swagger UI would pre-fill it, and a made-up position makes every try wait or fail.
    description:
      'A position returned by a command (X-Commit-Position, e.g. 1234/1234): wait until the view includes it',
  })
  @IsOptional()
  @IsString()
  @Matches(/^\d{1,20}\/\d{1,20}$/, { message: 'position must look like "1234/1234"' })
  position?: string;
}
