import { ApiProperty } from '@nestjs/swagger';
import { LeadNote } from '../lead-note.entity.js';
import { isOpenLeadStatus, LeadStatus } from '../lead-status.js';
import type { Lead } from '../lead.entity.js';

/** `overdueCutoff`: open leads last touched at or before it are overdue (see leadOverdueCutoff). */
export class LeadView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) listingId: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) needId: string | null;
  @ApiProperty({ format: 'uuid', description: 'The enterprise that expressed the interest' }) enterpriseOrganizationId: string;
  @ApiProperty({ format: 'uuid', description: "The listing's owner" }) ownerOrganizationId: string;
  @ApiProperty({ format: 'uuid', description: 'The user who expressed the interest' }) createdById: string;
  @ApiProperty({ format: 'uuid', description: 'The base the lead was routed to' }) baseId: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'null while the base has no operator' }) operatorId:
    string | null;
  @ApiProperty({ enum: LeadStatus, enumName: 'LeadStatus' }) status: LeadStatus;
  @ApiProperty() message: string;
  @ApiProperty({ type: String, nullable: true }) closeReason: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The deal a converted lead became (once deals exist)' })
  dealId: string | null;
  @ApiProperty({ description: 'Open and idle (no status change, reassignment or note) for 3 working days (Mon–Fri, Asia/Shanghai)' })
  overdue: boolean;
  @ApiProperty({ format: 'date-time' }) lastActivityAt: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;

  static of(lead: Lead, overdueCutoff: Date): LeadView {
    return {
      ...leadSnapshot(lead),
      overdue: isOpenLeadStatus(lead.status) && lead.lastActivityAt.getTime() <= overdueCutoff.getTime(),
      createdAt: lead.createdAt.toISOString(),
      updatedAt: lead.updatedAt.toISOString(),
    };
  }
}

/** The lead as the audit trail records it, without the clock-dependent `overdue`; a note event adds the note. */
export type LeadSnapshot = ReturnType<typeof leadSnapshot> & { note?: string };

export function leadSnapshot(lead: Lead) {
  return {
    id: lead.id,
    listingId: lead.listingId,
    needId: lead.needId,
    enterpriseOrganizationId: lead.enterpriseOrganizationId,
    ownerOrganizationId: lead.ownerOrganizationId,
    createdById: lead.createdById,
    baseId: lead.baseId,
    operatorId: lead.operatorId,
    status: lead.status,
    message: lead.message,
    closeReason: lead.closeReason,
    dealId: lead.dealId,
    lastActivityAt: lead.lastActivityAt.toISOString(),
  };
}

export class LeadNoteView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) authorId: string;
  @ApiProperty() body: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;

  static of(note: LeadNote): LeadNoteView {
    return { id: note.id, authorId: note.authorId, body: note.body, createdAt: note.createdAt.toISOString() };
  }
}

/** One lead, with the staff's notes for the base's operators and the admins. */
export class LeadDetailView extends LeadView {
  @ApiProperty({
    type: [LeadNoteView],
    nullable: true,
    description: "Oldest first, for the base's operators and the admins; null for the parties, who do not see the staff's notes",
  })
  notes: LeadNoteView[] | null;

  static withNotes(lead: Lead, overdueCutoff: Date, notes: LeadNote[] | null): LeadDetailView {
    return { ...LeadView.of(lead, overdueCutoff), notes: notes?.map(LeadNoteView.of) ?? null };
  }
}

export class LeadPageView {
  @ApiProperty({ type: [LeadView] }) items: LeadView[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}
