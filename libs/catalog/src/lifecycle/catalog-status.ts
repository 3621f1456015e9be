/** The states of listings and needs (API.md's listing/need status). */
export enum CatalogStatus {
  Draft = 'draft',
  PendingReview = 'pending_review',
  Published = 'published',
  Rejected = 'rejected',
  Withdrawn = 'withdrawn',
  Transferred = 'transferred',
  Closed = 'closed',
}

/** What can happen to a listing or a need. */
export enum CatalogAction {
  Edit = 'edit',
  Submit = 'submit',
  Approve = 'approve',
  Reject = 'reject',
  Withdraw = 'withdraw',
  Transfer = 'transfer',
  Close = 'close',
  Renew = 'renew',
}

export type CatalogKind = 'listing' | 'need';

const S = CatalogStatus;
const A = CatalogAction;

/**
 * The review lifecycle: draft → pending_review → published | rejected; a rejected item is edited
 * and submitted again; editing a published item sends it back to review. Then a listing ends
 * withdrawn or transferred, a need closed.
 */
const TRANSITIONS: Record<CatalogKind, Partial<Record<CatalogAction, Partial<Record<CatalogStatus, CatalogStatus>>>>> = {
  listing: {
    [A.Edit]: { [S.Draft]: S.Draft, [S.Rejected]: S.Rejected, [S.Published]: S.PendingReview },
    [A.Submit]: { [S.Draft]: S.PendingReview, [S.Rejected]: S.PendingReview },
    [A.Approve]: { [S.PendingReview]: S.Published },
    [A.Reject]: { [S.PendingReview]: S.Rejected },
    [A.Withdraw]: { [S.Published]: S.Withdrawn },
    [A.Transfer]: { [S.Published]: S.Transferred },
    [A.Renew]: { [S.Published]: S.Published },
  },
  need: {
    [A.Edit]: { [S.Draft]: S.Draft, [S.Rejected]: S.Rejected, [S.Published]: S.PendingReview },
    [A.Submit]: { [S.Draft]: S.PendingReview, [S.Rejected]: S.PendingReview },
    [A.Approve]: { [S.PendingReview]: S.Published },
    [A.Reject]: { [S.PendingReview]: S.Rejected },
    [A.Close]: { [S.Published]: S.Closed },
  },
};

/** The state after `action`, or undefined when the lifecycle forbids it from `from`. */
export function nextStatus(kind: CatalogKind, from: CatalogStatus, action: CatalogAction): CatalogStatus | undefined {
  return TRANSITIONS[kind][action]?.[from];
}

/** The states from which `action` is allowed, for error messages. */
export function statesAllowing(kind: CatalogKind, action: CatalogAction): CatalogStatus[] {
  return Object.keys(TRANSITIONS[kind][action] ?? {}) as CatalogStatus[];
}
