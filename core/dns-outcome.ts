/** How one DNS lookup of the endpoint went (the canary's and the clients' classes). `empty` is NOERROR with no addresses: the incident. (No imports: services load it.) */
export const DNS_OUTCOMES = ['ok', 'empty', 'nxdomain', 'servfail', 'timeout', 'refused', 'error'] as const;
export type DnsOutcome = (typeof DNS_OUTCOMES)[number];
