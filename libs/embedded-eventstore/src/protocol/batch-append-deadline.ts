import { clientRequire } from './generated';

interface BinaryReader {
  nextField(): boolean;
  isEndGroup(): boolean;
  getFieldNumber(): number;
  getWireType(): number;
  skipField(): void;
  readBytes(): Uint8Array;
  readInt64(): number;
  readInt32(): number;
}
const jspb = clientRequire('google-protobuf') as {
  BinaryReader: new (bytes: Uint8Array) => BinaryReader;
};

const LENGTH_DELIMITED = 2;
const OPTIONS_FIELD = 2; // BatchAppendReq.options
const DURATION_DEADLINE_FIELD = 7; // BatchAppendReq.Options.deadline (google.protobuf.Duration)

const fieldBytes = (bytes: Uint8Array, field: number): Uint8Array | undefined => {
  const reader = new jspb.BinaryReader(bytes);
  let found: Uint8Array | undefined;
  while (reader.nextField() && !reader.isEndGroup()) {
    if (reader.getFieldNumber() === field && reader.getWireType() === LENGTH_DELIMITED)
      found = reader.readBytes();
    else reader.skipField();
  }
  return found;
};

/**
 * The Duration `deadline` of a BatchAppend request's options, in milliseconds, or undefined. Newer protocol
 * versions send it (field 7 of Options, next to the Timestamp `deadline_21_10_0`, 6) to servers that
 * advertise `deadline_duration`; client 6.2.1's generated code, which this server decodes requests with,
 * predates the field and drops it, so it is read from the request bytes here.
 */
export const durationDeadlineMs = (request: Uint8Array): number | undefined => {
  const options = fieldBytes(request, OPTIONS_FIELD);
  if (!options) return undefined;
  const duration = fieldBytes(options, DURATION_DEADLINE_FIELD);
  if (!duration) return undefined;
  const reader = new jspb.BinaryReader(duration);
  let seconds = 0;
  let nanos = 0;
  while (reader.nextField() && !reader.isEndGroup()) {
    if (reader.getFieldNumber() === 1) seconds = reader.readInt64();
    else if (reader.getFieldNumber() === 2) nanos = reader.readInt32();
    else reader.skipField();
  }
  return seconds * 1000 + nanos / 1e6;
};
