/** Where a deal stands (DESIGN.md): draft → signed → registered → completed; cancelled from any but completed. */
export enum DealStatus {
  Draft = 'draft',
  Signed = 'signed',
  Registered = 'registered',
  Completed = 'completed',
  Cancelled = 'cancelled',
}

/** An admin's check of a deal; only verified deals count toward the targets. */
export enum DealVerification {
  Unverified = 'unverified',
  Verified = 'verified',
  Rejected = 'rejected',
}

/** The categories of 技术合同登记. */
export enum DealCategory {
  Development = 'development',
  Transfer = 'transfer',
  Licence = 'licence',
  Consulting = 'consulting',
  Service = 'service',
}

export const DEAL_CATEGORY_NAMES: Readonly<Record<DealCategory, string>> = {
  [DealCategory.Development]: '技术开发',
  [DealCategory.Transfer]: '技术转让',
  [DealCategory.Licence]: '技术许可',
  [DealCategory.Consulting]: '技术咨询',
  [DealCategory.Service]: '技术服务',
};

const S = DealStatus;

/** Forward only; a cancelled deal stops counting, and completed and cancelled are final. */
const TRANSITIONS: Record<DealStatus, readonly DealStatus[]> = {
  [S.Draft]: [S.Signed, S.Cancelled],
  [S.Signed]: [S.Registered, S.Cancelled],
  [S.Registered]: [S.Completed, S.Cancelled],
  [S.Completed]: [],
  [S.Cancelled]: [],
};

export const canMoveDeal = (from: DealStatus, to: DealStatus): boolean => TRANSITIONS[from].includes(to);

/** The states a deal may move to `to` from, for error messages. */
export const dealStatesAllowing = (to: DealStatus): DealStatus[] => Object.values(DealStatus).filter((from) => canMoveDeal(from, to));

/** The states in which an admin may verify (or reject) a deal: once it is signed, and while it counts. */
export const VERIFIABLE_DEAL_STATUSES: readonly DealStatus[] = [S.Signed, S.Registered, S.Completed];

/** The audit verb of moving a deal to `to` (`deal.sign`, `deal.cancel`, …). */
export const DEAL_STATUS_VERBS: Record<DealStatus, string> = {
  [S.Draft]: 'create',
  [S.Signed]: 'sign',
  [S.Registered]: 'register',
  [S.Completed]: 'complete',
  [S.Cancelled]: 'cancel',
};
