import 'reflect-metadata';
import { Test } from '@nestjs/testing';
import { GraphQLSchemaBuilderModule, GraphQLSchemaFactory } from '@nestjs/graphql';
import * as fs from 'node:fs';
import { GRAPHQL_RESOLVERS } from './resolvers';
import { SCHEMA_FILE, sdlOf } from './schema-sdl';

describe('the GraphQL schema', () => {
  it('is the committed schema.graphql (UPDATE_GRAPHQL_SCHEMA=true rewrites it)', async () => {
    const module = await Test.createTestingModule({ imports: [GraphQLSchemaBuilderModule] }).compile();
    const schema = await module.get(GraphQLSchemaFactory).create(GRAPHQL_RESOLVERS);
    const sdl = sdlOf(schema);
    if (process.env.UPDATE_GRAPHQL_SCHEMA === 'true') fs.writeFileSync(SCHEMA_FILE, sdl);
    expect(fs.readFileSync(SCHEMA_FILE, 'utf8')).toBe(sdl);
  });
});
