import { component, type Topology } from '../topology/topology.ts';
import { ZoneFile, type ZoneRecordSet } from './zone-file.ts';

/** The lab zone's file, with the origin, TTL and nameserver from the topology. */
export function labZoneFile(topology: Topology, path: string): ZoneFile {
  return new ZoneFile(path, {
    origin: topology.zone,
    ttlSeconds: topology.recordTtlSeconds,
    nameserverAddress: component(topology, 'coredns').address,
  });
}

/** The DynamoDB endpoint's record set; `addresses` empty gives the incident's empty record. */
export function dynamodbRecordSet(topology: Topology, addresses: readonly string[], source: string): ZoneRecordSet {
  return { name: `${topology.dynamodbName}.`, addresses, txt: [source] };
}
