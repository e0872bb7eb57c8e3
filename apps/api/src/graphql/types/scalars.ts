import { GraphQLScalarType, Kind, type ValueNode } from 'graphql';

const literal = (node: ValueNode): unknown => {
  switch (node.kind) {
    case Kind.STRING:
    case Kind.BOOLEAN:
      return node.value;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(node.value);
    case Kind.OBJECT:
      return Object.fromEntries(node.fields.map((f) => [f.name.value, literal(f.value)]));
    case Kind.LIST:
      return node.values.map(literal);
    case Kind.ENUM:
      return node.value;
    case Kind.NULL:
    case Kind.VARIABLE:
      return null;
  }
};

/** Event payloads and aggregate states as operators see them in REST: arbitrary JSON, output only. */
export const JsonScalar = new GraphQLScalarType({
  name: 'JSON',
  description: 'Arbitrary JSON (event data, as the admin REST endpoints return it)',
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: literal,
});
