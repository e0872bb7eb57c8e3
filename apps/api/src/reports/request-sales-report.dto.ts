import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A period of whole UTC days: `from` included, `to` excluded. */
export class RequestSalesReportRequest {
  @ApiProperty({ example: '2026-11-01', description: 'first day (UTC), included' })
  @IsString()
  @Matches(DAY, { message: 'from must be a day, YYYY-MM-DD' })
  from!: string;

  @ApiProperty({ example: '2026-12-01', description: 'day after the last one (UTC), excluded' })
  @IsString()
  @Matches(DAY, { message: 'to must be a day, YYYY-MM-DD' })
  to!: string;
}
