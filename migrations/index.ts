import type { MigrationInterface } from 'typeorm';
import { InitialSchema1795843643507 } from './1795843643507-InitialSchema.js';
import { AuditTrail1795846583795 } from './1795846583795-AuditTrail.js';
import { Catalog1795847105885 } from './1795847105885-Catalog.js';
import { SearchTiers1795890000000 } from './1795890000000-SearchTiers.js';
import { Outbox1795900000000 } from './1795900000000-Outbox.js';
import { Leads1795910000000 } from './1795910000000-Leads.js';
import { Matching1795920000000 } from './1795920000000-Matching.js';
import { SearchWalkIndex1795930000000 } from './1795930000000-SearchWalkIndex.js';
import { MatchProfileCounts1795940000000 } from './1795940000000-MatchProfileCounts.js';
import { MatchCorpus1795950000000 } from './1795950000000-MatchCorpus.js';
import { Deals1795960000000 } from './1795960000000-Deals.js';
import { DealPeriods1795970000000 } from './1795970000000-DealPeriods.js';
import { ServiceRecords1795980000000 } from './1795980000000-ServiceRecords.js';
import { Anomalies1795990000000 } from './1795990000000-Anomalies.js';
import { MatchScoreNumeric1796000000000 } from './1796000000000-MatchScoreNumeric.js';
import { Volumes1796100000000 } from './1796100000000-Volumes.js';
import { ProgramAllocations1796200000000 } from './1796200000000-ProgramAllocations.js';
import { VolumeIndexes1796300000000 } from './1796300000000-VolumeIndexes.js';

/** Every migration, oldest first. `npm run migration:generate -- Name` appends to this list. */
export const MIGRATIONS: (new () => MigrationInterface)[] = [
  InitialSchema1795843643507,
  AuditTrail1795846583795,
  Catalog1795847105885,
  SearchTiers1795890000000,
  Outbox1795900000000,
  Leads1795910000000,
  Matching1795920000000,
  SearchWalkIndex1795930000000,
  MatchProfileCounts1795940000000,
  MatchCorpus1795950000000,
  Deals1795960000000,
  DealPeriods1795970000000,
  ServiceRecords1795980000000,
  Anomalies1795990000000,
  MatchScoreNumeric1796000000000,
  Volumes1796100000000,
  ProgramAllocations1796200000000,
  VolumeIndexes1796300000000,
];
