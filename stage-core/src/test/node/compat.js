'use strict';
// Confluent's own JavaScript Schema Registry client, used as the reference implementation of the wire format.
//   node compat.js decode <registryUrl> <in.json> <out.json>
//     in:  [{name, topic, payload: base64}]  ->  out: [{name, topic, schemaId, value}]
//   node compat.js encode <registryUrl> <in.json> <out.json>
//     in:  [{name, topic, schema, value}]    ->  out: [{name, topic, schemaId, payload: base64}]
// Values are plain JSON: unions unwrapped, enums as strings, longs and timestamp-millis as numbers.
const fs = require('fs');
const {
  SchemaRegistryClient, AvroSerializer, AvroDeserializer, SerdeType,
} = require('@confluentinc/schemaregistry');

async function decode(client, items) {
  const deserializer = new AvroDeserializer(client, SerdeType.VALUE, {});
  const out = [];
  for (const item of items) {
    const payload = Buffer.from(item.payload, 'base64');
    const value = await deserializer.deserialize(item.topic, payload);
    out.push({ name: item.name, topic: item.topic, schemaId: payload.readInt32BE(1), value });
  }
  return out;
}

async function encode(client, items) {
  const out = [];
  for (const item of items) {
    // As a JS producer does in production: the schema is registered up front, the serializer uses the latest version.
    await client.register(`${item.topic}-value`, { schemaType: 'AVRO', schema: item.schema });
    const serializer = new AvroSerializer(client, SerdeType.VALUE, { autoRegisterSchemas: false, useLatestVersion: true });
    const payload = await serializer.serialize(item.topic, item.value);
    out.push({ name: item.name, topic: item.topic, schemaId: payload.readInt32BE(1), payload: payload.toString('base64') });
  }
  return out;
}

async function main() {
  const [mode, url, inFile, outFile] = process.argv.slice(2);
  if (!['decode', 'encode'].includes(mode) || !url || !inFile || !outFile) {
    throw new Error('usage: node compat.js decode|encode <registryUrl> <in.json> <out.json>');
  }
  const client = new SchemaRegistryClient({ baseURLs: [url], maxRetries: 0 });
  const items = JSON.parse(fs.readFileSync(inFile, 'utf8'));
  const out = mode === 'decode' ? await decode(client, items) : await encode(client, items);
  fs.writeFileSync(outFile, JSON.stringify(out, (key, v) => (typeof v === 'bigint' ? v.toString() : v), 2));
}

main().catch((e) => {
  console.error(e && e.stack ? e.stack : String(e));
  process.exit(1);
});
