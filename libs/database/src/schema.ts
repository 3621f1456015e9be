import { AuditChainHead, AuditEvent } from '#yizhi/audit';
import { Base } from '#yizhi/bases';
import { Listing, Need } from '#yizhi/catalog';
import { IdempotencyKey, OutboxMessage } from '#yizhi/core';
import { Anomaly, Deal, DealAdjustment, DealPayment, Period, ServiceRecord } from '#yizhi/deals';
import { Field } from '#yizhi/fields';
import { Organization, RefreshToken, User } from '#yizhi/identity';
import { Lead, LeadNote } from '#yizhi/leads';
import { MatchCorpus, MatchDismissal, MatchProfile, MatchResult, MatchState, MatchTermDf } from '#yizhi/matching';
import { Program, ProgramAllocation, ProgramMilestone } from '#yizhi/programs';
import { VolumeCell, VolumeEnterprise, VolumeFinding, VolumeMajorResult, VolumeWatermark } from '#yizhi/volumes';
import { MIGRATIONS } from '../../../migrations/index.js';

/** Every entity of every library: the schema the migrations must match (checked in CI). */
export const ENTITIES = [
  Base,
  Field,
  Organization,
  User,
  RefreshToken,
  Program,
  ProgramAllocation,
  ProgramMilestone,
  AuditEvent,
  AuditChainHead,
  Listing,
  Need,
  OutboxMessage,
  IdempotencyKey,
  Lead,
  LeadNote,
  MatchProfile,
  MatchTermDf,
  MatchCorpus,
  MatchResult,
  MatchState,
  MatchDismissal,
  Deal,
  DealPayment,
  DealAdjustment,
  Period,
  ServiceRecord,
  Anomaly,
  VolumeCell,
  VolumeEnterprise,
  VolumeMajorResult,
  VolumeWatermark,
  VolumeFinding,
];

export { MIGRATIONS };
