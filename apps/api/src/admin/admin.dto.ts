import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  IsBoolean,
  IsDate,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';

/** `limit` of the admin listings: 1..1000, default 100. */
const AdminLimit = () =>
  applyDecorators(
    ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 100 }),
    IsOptional(),
    Type(() => Number),
    IsInt(),
    Min(1),
    Max(1000),
  );

/** A stream revision from the query string (>= 0). */
const Revision = (description?: string, optional = true) =>
  applyDecorators(
    ApiPropertyOptional(description ? { description } : {}),
    ...(optional ? [IsOptional()] : []),
    Type(() => Number),
    IsInt(),
    Min(0),
  );

/** A point in time from the query string (ISO 8601). */
const Instant = (description?: string) =>
  applyDecorators(
    ApiPropertyOptional(description ? { description } : {}),
    IsOptional(),
    Type(() => Date),
    IsDate(),
  );

export class StreamPageQuery {
  @Revision('first revision to read')
  from?: number;

  @AdminLimit()
  limit?: number;

  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  backwards?: boolean;
}

export class StateQuery {
  @Revision('state after this revision')
  revision?: number;

  @Instant('state as it was at this time (ISO 8601)')
  at?: Date;
}

export class DiffQuery {
  @Revision(undefined, false)
  from!: number;

  @Revision(undefined, false)
  to!: number;
}

export class SearchQuery {
  @ApiPropertyOptional({ description: 'Event type, e.g. OrderPlaced' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z][A-Za-z0-9_.-]{0,99}$/, { message: 'type must be an event type name' })
  type?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  correlationId?: string;

  @Instant()
  since?: Date;

  @Instant()
  until?: Date;

  @AdminLimit()
  limit?: number;
}

export class StreamListQuery {
  @ApiPropertyOptional({ description: 'Stream name prefix, e.g. order-' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  @Matches(/^[A-Za-z0-9_.:-]*$/, { message: 'prefix may contain letters, digits, _ . : and -' })
  prefix?: string;

  @AdminLimit()
  limit?: number;
}

export class DeadLettersQuery {
  @AdminLimit()
  limit?: number;
}

/** Which dead letters to replay: the given message ids, or every one when `ids` is left out. */
export class ReplayDeadLettersDto {
  @ApiPropertyOptional({ type: [String], description: 'Message ids; omit to replay every dead letter' })
  @IsOptional()
  @IsString({ each: true })
  @MaxLength(200, { each: true })
  ids?: string[];
}

/** Why an operator replays or skips a parked event: written to the audit log with who did it. */
export class ParkedActionDto {
  @ApiPropertyOptional({ maxLength: 500, description: 'Why (recorded in the log with the operator)' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  reason?: string;
}
