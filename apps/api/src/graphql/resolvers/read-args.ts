import { ArgsType, Field, ID, Int } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';

/** `position`: the one a mutation returned; the query waits for its view as REST's ?position= does. */
@ArgsType()
export class ConsistentReadArgs {
  @Field(() => String, {
    nullable: true,
    description: 'A position returned by a mutation (e.g. "1234/1234"): wait until the view includes it',
  })
  @IsOptional()
  @IsString()
  @Matches(/^\d{1,20}\/\d{1,20}$/, { message: 'position must look like "1234/1234"' })
  position?: string;
}

/** Forward pagination with REST's limits (1-100, default 20) and its cursors (`endCursor` = `nextCursor`). */
@ArgsType()
export class PageArgs extends ConsistentReadArgs {
  @Field(() => Int, { nullable: true, description: 'Page size, 1-100 (default 20)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  first?: number;

  @Field(() => String, { nullable: true, description: 'pageInfo.endCursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  @Matches(/^[A-Za-z0-9_-]+$/, { message: 'after must be an endCursor returned by this field' })
  after?: string;
}

/** `id` (a UUID, as REST's ParseUUIDPipe requires) and `position`. */
@ArgsType()
export class ByIdArgs extends ConsistentReadArgs {
  @Field(() => ID)
  @IsUUID(undefined, { message: 'id must be a UUID' })
  id!: string;
}
