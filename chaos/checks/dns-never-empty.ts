/** Lesson 03's assertion: the regional record always resolved to addresses. */
import { z } from 'zod';
import { fail, pass, type Check } from './check.ts';

export const dnsNeverEmpty: Check = {
  name: 'dns-never-empty',
  description: 'the regional DynamoDB record never resolved to NOERROR with no addresses',
  settings: z.object({}).strict(),
  evaluate({ figures }) {
    const d = figures.dns;
    return d.emptyRecordPublished ? fail(`the regional record was published empty at ${Math.round(d.emptyAtMs!)} ms`) : pass('the regional record always had addresses');
  },
};
