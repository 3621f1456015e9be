import { ApiProperty } from '@nestjs/swagger';
import { Money } from '#yizhi/core';
import { DealCategory, DealStatus, DealVerification } from '../deal-status.js';
import { AdjustedAmount, type Deal, type DealAdjustment, type DealPayment } from '../deal.entity.js';

const money = (description: string, nullable = false) => ApiProperty({ type: String, nullable, example: '1500000.00', description });

/** A deal as the API shows it; also its audit snapshot. */
export class DealView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ description: 'One more on every change: send it back in If-Match to PATCH (the ETag header carries it too)' })
  version: number;
  @ApiProperty({ format: 'uuid' }) baseId: string;
  @ApiProperty({ format: 'uuid' }) sellerOrgId: string;
  @ApiProperty({ format: 'uuid' }) buyerOrgId: string;
  @ApiProperty({ type: String, nullable: true, description: '合同名称' }) title: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) listingId: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) needId: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) leadId: string | null;
  @ApiProperty({ enum: DealCategory, enumName: 'DealCategory' }) category: DealCategory;
  @ApiProperty({ example: 'ic' }) field: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) brokerId: string | null;
  @money('合同成交额') contractAmount: string;
  @money('技术交易额') techTransactionAmount: string;
  @money('Service fee', true) serviceFee: string | null;
  @money('实际到账: the sum of the payments') receivedAmount: string;
  @ApiProperty({ format: 'date' }) signedAt: string;
  @ApiProperty({ type: String, nullable: true, description: '登记编号' }) registrationNo: string | null;
  @ApiProperty({ enum: DealStatus, enumName: 'DealStatus' }) status: DealStatus;
  @ApiProperty({ enum: DealVerification, enumName: 'DealVerification' }) verification: DealVerification;
  @ApiProperty({ type: String, nullable: true }) verificationReason: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) verifiedAt: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;

  static of(deal: Deal): DealView {
    return {
      id: deal.id,
      version: deal.version,
      baseId: deal.baseId,
      sellerOrgId: deal.sellerOrganizationId,
      buyerOrgId: deal.buyerOrganizationId,
      title: deal.title,
      listingId: deal.listingId,
      needId: deal.needId,
      leadId: deal.leadId,
      category: deal.category,
      field: deal.fieldCode,
      brokerId: deal.brokerId,
      contractAmount: deal.contractAmount.toString(),
      techTransactionAmount: deal.techTransactionAmount.toString(),
      serviceFee: deal.serviceFee?.toString() ?? null,
      receivedAmount: deal.receivedAmount.toString(),
      signedAt: deal.signedAt,
      registrationNo: deal.registrationNo,
      status: deal.status,
      verification: deal.verification,
      verificationReason: deal.verificationReason,
      verifiedAt: deal.verifiedAt?.toISOString() ?? null,
      createdAt: deal.createdAt.toISOString(),
      updatedAt: deal.updatedAt.toISOString(),
    };
  }
}

export class PaymentView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) dealId: string;
  @money('到账金额') amount: string;
  @ApiProperty({ format: 'date' }) receivedAt: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;

  static of(payment: DealPayment): PaymentView {
    return {
      id: payment.id,
      dealId: payment.dealId,
      amount: payment.amount.toString(),
      receivedAt: payment.receivedAt,
      createdAt: payment.createdAt.toISOString(),
    };
  }
}

/** POST /deals/:id/payments: the payment, and the deal as it now stands. */
export class PaymentReceiptView {
  @ApiProperty({ type: PaymentView }) payment: PaymentView;
  @ApiProperty({ type: DealView }) deal: DealView;
}

export class DealPageView {
  @ApiProperty({ type: [DealView] }) items: DealView[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}

export class AdjustmentView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: AdjustedAmount, enumName: 'AdjustedAmount' }) field: AdjustedAmount;
  @ApiProperty({ example: '-12000.00', description: 'Signed' }) delta: string;
  @ApiProperty() reason: string;
  @ApiProperty({ format: 'date' }) effectiveOn: string;
  @ApiProperty({ format: 'uuid' }) createdById: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;

  static of(adjustment: DealAdjustment): AdjustmentView {
    return {
      id: adjustment.id,
      field: adjustment.field,
      delta: `${adjustment.decrease ? '-' : ''}${adjustment.amount.toString()}`,
      reason: adjustment.reason,
      effectiveOn: adjustment.effectiveOn,
      createdById: adjustment.createdById,
      createdAt: adjustment.createdAt.toISOString(),
    };
  }
}

/** The recorded amounts with every adjustment applied. */
export class EffectiveAmountsView {
  @money('合同成交额, adjusted') contractAmount: string;
  @money('技术交易额, adjusted') techTransactionAmount: string;
  @money('实际到账, adjusted') receivedAmount: string;
}

/** GET /deals/:id: the deal, its payments and adjustments (oldest first), and its amounts once adjusted. */
export class DealDetailView extends DealView {
  @ApiProperty({ type: [PaymentView] }) payments: PaymentView[];
  @ApiProperty({ type: [AdjustmentView] }) adjustments: AdjustmentView[];
  @ApiProperty({ type: EffectiveAmountsView }) effective: EffectiveAmountsView;

  static detail(deal: Deal, payments: DealPayment[], adjustments: DealAdjustment[]): DealDetailView {
    const effective = effectiveAmounts(deal, adjustments);
    return {
      ...DealView.of(deal),
      payments: payments.map((p) => PaymentView.of(p)),
      adjustments: adjustments.map((a) => AdjustmentView.of(a)),
      effective: {
        contractAmount: effective.contractAmount.toString(),
        techTransactionAmount: effective.techTransactionAmount.toString(),
        receivedAmount: effective.receivedAmount.toString(),
      },
    };
  }
}

/** POST /deals/:id/adjustments: the adjustment, and the deal as it now stands. */
export class AdjustmentReceiptView {
  @ApiProperty({ type: AdjustmentView }) adjustment: AdjustmentView;
  @ApiProperty({ type: DealDetailView }) deal: DealDetailView;
}

/**
 * The deal's amounts with its adjustments applied, in fen; a result below zero is a RangeError
 * (the service refuses such an adjustment before it is stored).
 */
export function effectiveAmounts(
  deal: Pick<Deal, 'contractAmount' | 'techTransactionAmount' | 'receivedAmount'>,
  adjustments: readonly Pick<DealAdjustment, 'field' | 'decrease' | 'amount'>[],
): Record<AdjustedAmount, Money> {
  const totals: Record<AdjustedAmount, bigint> = {
    [AdjustedAmount.ContractAmount]: deal.contractAmount.fen,
    [AdjustedAmount.TechTransactionAmount]: deal.techTransactionAmount.fen,
    [AdjustedAmount.ReceivedAmount]: deal.receivedAmount.fen,
  };
  for (const a of adjustments) totals[a.field] += a.decrease ? -a.amount.fen : a.amount.fen;
  return {
    [AdjustedAmount.ContractAmount]: Money.ofFen(totals.contractAmount),
    [AdjustedAmount.TechTransactionAmount]: Money.ofFen(totals.techTransactionAmount),
    [AdjustedAmount.ReceivedAmount]: Money.ofFen(totals.receivedAmount),
  };
}
