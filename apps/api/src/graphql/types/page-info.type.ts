import { Field, ObjectType } from '@nestjs/graphql';

/**
 * Relay's PageInfo, forward only. The cursor is REST's `nextCursor`: one opaque token per page (after the
 * page's last item), so edges carry no cursors of their own.
 */
@ObjectType()
export class PageInfo {
  @Field() hasNextPage!: boolean;
  @Field(() => String, { nullable: true, description: 'Pass as `after` for the next page' })
  endCursor!: string | null;
}

export const pageInfo = (nextCursor: string | null): PageInfo => ({
  hasNextPage: nextCursor !== null,
  endCursor: nextCursor,
});
