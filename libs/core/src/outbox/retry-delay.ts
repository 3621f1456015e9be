/**
 * The wait before retry number `attempt` (1-based): base, 2 × base, 4 × base, … capped at `maxMs`.
 * `outbox_message.available_at` follows the same schedule in SQL (OutboxMessagesRepository.markFailed).
 */
export function retryDelayMs(attempt: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.min(Math.max(attempt - 1, 0), 30));
}
